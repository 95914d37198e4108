"""The legal lines (禁止传销条例 Art. 7): joining costs nothing and buys nothing; upgrades can
only be built on selling to customers and time; the buy-back is at least 90%."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from weishang.core.errors import InvalidInput
from weishang.network import services
from weishang.network.models import AgentState, NetworkSettings, UpgradeCondition
from weishang.network.services import LevelData
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db


def test_an_applicant_becomes_active_with_no_order_and_no_payment(applicant, inviter, owner):
    agent = services.approve(owner, applicant(code=inviter.code))
    assert agent.state == AgentState.ACTIVE
    assert not Order.objects.exists()
    assert not Order.objects.filter(purchaser=agent.user).exists()


def test_the_application_asks_for_nothing_about_money():
    from weishang.network.forms import ApplicationForm

    assert set(ApplicationForm.base_fields) == {"name", "phone", "wechat_id", "region", "note",
                                                "password"}


@pytest.mark.parametrize("metric", ["purchase_volume", "purchases", "payments", "recruits",
                                    "team_size", "stock_purchase_amount"])
def test_an_upgrade_condition_on_purchases_payments_or_recruits_is_refused(metric, owner,
                                                                             english):
    with pytest.raises(InvalidInput, match="never purchases, payments or people recruited"):
        services.save_level(owner, LevelData(rank=1, name="特约", discount_percent=0,
                                             conditions={metric: 1}))
    assert not UpgradeCondition.objects.exists()


def test_the_database_refuses_an_unlawful_metric_as_a_backstop(entry_level):
    with pytest.raises(IntegrityError), transaction.atomic():
        UpgradeCondition.objects.create(level=entry_level, metric="recruits", threshold=1)


def test_the_level_form_has_no_field_for_purchases_payments_or_recruits():
    from weishang.network.forms import LevelForm

    assert {"retail_sales", "retail_customers", "months_active"} <= set(LevelForm.base_fields)
    assert not {name for name in LevelForm.base_fields
                if any(word in name for word in ("purchase", "pay", "recruit", "team"))}


def test_a_buyback_below_90_percent_is_refused(owner, english):
    with pytest.raises(InvalidInput, match="at least 90%") as error:
        services.update_settings(owner, binding_mode="first", binding_days=None,
                                 auto_approve=False, buyback_percent=Decimal("89.99"))
    assert error.value.field == "buyback_percent"
    assert NetworkSettings.load().buyback_percent == Decimal("90.00")
    with pytest.raises(IntegrityError), transaction.atomic():
        NetworkSettings.objects.update(buyback_percent=Decimal("50"))
