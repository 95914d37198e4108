"""The owner's earnings rules: the upline commission reaches the direct upline only (depth 1,
any other refused with the reason), switching it on needs the warning confirmed, bad numbers
are refused with nothing changed, and the freeze is the shop's after-sales window, not a rule
of its own."""

from decimal import Decimal

import pytest

from tests.factories import AgentFactory, UserFactory
from tests.migrating import back_to_latest, migrate
from weishang.commissions.models import CommissionSettings
from weishang.commissions.services.rules import update_commission_settings
from weishang.core.errors import InvalidInput, NotPermitted
from weishang.orders.models import ShopSettings
from weishang.orders.services import update_shop_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_defaults_are_lawful_and_off():
    settings = CommissionSettings.load()
    assert (settings.upline_enabled, settings.upline_depth) == (False, 1)


@pytest.mark.parametrize("depth", [0, 2, 3, 12])
def test_a_depth_other_than_one_is_refused_with_the_law(owner, depth):
    with pytest.raises(InvalidInput, match="团队计酬") as refused:
        update_commission_settings(owner, upline_depth=depth)
    assert refused.value.field == "upline_depth"
    assert CommissionSettings.load().upline_depth == 1


def test_depth_one_is_accepted(owner):
    assert update_commission_settings(owner, upline_depth=1).upline_depth == 1


def test_switching_the_upline_commission_on_needs_the_warning_confirmed(owner):
    with pytest.raises(InvalidInput, match="warning about 团队计酬") as refused:
        update_commission_settings(owner, upline_enabled=True, upline_percent="5")
    assert refused.value.field == "confirm_upline"
    assert not CommissionSettings.load().upline_enabled
    settings = update_commission_settings(owner, upline_enabled=True, upline_percent="5",
                                          confirm_upline=True)
    assert settings.upline_enabled and settings.upline_percent == Decimal("5.00")
    # Once on, other changes need no new confirmation; switching off needs none either.
    assert update_commission_settings(owner, withdrawal_minimum="20").upline_enabled
    assert not update_commission_settings(owner, upline_enabled=False).upline_enabled


def test_the_upline_commission_needs_a_percentage_when_on(owner):
    with pytest.raises(InvalidInput, match="percentage") as refused:
        update_commission_settings(owner, upline_enabled=True, confirm_upline=True)
    assert refused.value.field == "upline_percent"


@pytest.mark.parametrize(("field", "value"), [
    ("withdrawal_minimum", "-1"), ("withdrawal_minimum", "abc"),
    ("withdrawal_fee_percent", "100"), ("withdrawal_fee_percent", "1.234"),
    ("upline_percent", "-0.5"),
])
def test_bad_numbers_are_refused_and_nothing_changes(owner, field, value):
    before = CommissionSettings.load()
    with pytest.raises(InvalidInput) as refused:
        update_commission_settings(owner, **{field: value})
    assert refused.value.field == field
    assert getattr(CommissionSettings.load(), field) == getattr(before, field)


def test_only_who_manages_agents_changes_the_rules():
    for someone in (AgentFactory().user, UserFactory(role="staff", areas=["orders"])):
        with pytest.raises(NotPermitted):
            update_commission_settings(someone, withdrawal_minimum="1")
    manager = UserFactory(role="staff", areas=["agents"])
    assert update_commission_settings(manager, withdrawal_minimum="1").withdrawal_minimum == 1


def test_the_freeze_is_not_an_earnings_rule_but_the_shops_after_sales_window(owner):
    with pytest.raises(InvalidInput) as refused:
        update_commission_settings(owner, freeze_days=3)
    assert refused.value.field == "freeze_days"
    assert ShopSettings.load().after_sales_days == 7


BEFORE = [("commissions", "0002_lean_ledger_indexes_settlement_runs")]
AFTER = [("commissions", "0003_freeze_for_the_shops_after_sales_window")]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(("freeze_days", "shops_window", "after_sales_days"), [
    (15, None, 15),  # the shop's settings not saved yet: saved with the earnings' window
    (7, 20, 20),     # the earnings' window left as it came: the shop's stays
    (30, 20, 30),
    (365, 7, 90),    # the longest after-sales window there is
])
def test_the_migration_keeps_a_changed_window_as_the_shops(freeze_days, shops_window,
                                                            after_sales_days):
    with back_to_latest():
        before = migrate(BEFORE)
        if shops_window is not None:
            update_shop_settings(None, after_sales_days=shops_window)
        before.get_model("commissions", "CommissionSettings").objects.create(
            singleton=True, freeze_days=freeze_days)
        migrate(AFTER)
        assert ShopSettings.load().after_sales_days == after_sales_days
        # Back again, the earnings get the shop's window as their own.
        earnings = migrate(BEFORE).get_model("commissions", "CommissionSettings")
        assert earnings.objects.get().freeze_days == after_sales_days
