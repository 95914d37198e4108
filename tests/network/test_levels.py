"""Levels: create, change, delete (refused while held), lawful conditions only, variant rules."""

from decimal import Decimal

import pytest

from tests.factories import AgentFactory, VariantFactory
from weishang.core.errors import Conflict, InvalidInput
from weishang.network import services
from weishang.network.models import AgentLevel, LevelVariantRule, UpgradeCondition
from weishang.network.pricing import level_price
from weishang.network.services import LevelData

pytestmark = pytest.mark.django_db


def test_create_and_change_a_level_with_conditions(owner):
    level = services.save_level(owner, LevelData(
        rank=2, name="一级", discount_percent=Decimal("25"), may_invite=False,
        combination="any", conditions={"retail_sales": "5000", "months_active": 3}))
    assert (level.rank, level.name, level.may_invite, level.combination) == (
        2, "一级", False, "any")
    assert dict(level.conditions.values_list("metric", "threshold")) == {
        "retail_sales": Decimal("5000.00"), "months_active": Decimal("3.00")}
    services.save_level(owner, LevelData(rank=2, name="一级代理", discount_percent=Decimal("30"),
                                         conditions={"retail_customers": 10}), level)
    level.refresh_from_db()
    assert level.name == "一级代理"
    assert list(level.conditions.values_list("metric", flat=True)) == ["retail_customers"]


@pytest.mark.parametrize("data, field", [
    ({"rank": 0}, "rank"), ({"name": " "}, "name"), ({"discount_percent": Decimal("100")},
                                                      "discount_percent"),
    ({"rank": 1}, "rank"), ({"name": "特约"}, "name"), ({"combination": "xor"}, "combination"),
    ({"conditions": {"retail_sales": -1}}, "conditions"),
    ({"rank": 40000}, "rank"),  # beyond the column (a smallint): a 500 on PostgreSQL
])
def test_bad_levels_are_refused(data, field, entry_level, owner):
    values = {"rank": 5, "name": "新", "discount_percent": Decimal("10"), **data}
    with pytest.raises(InvalidInput) as error:
        services.save_level(owner, LevelData(**values))
    assert error.value.field == field
    assert AgentLevel.objects.count() == 1


def test_a_level_agents_hold_cannot_be_deleted(entry_level, senior_level, owner, english):
    AgentFactory(level=entry_level)
    with pytest.raises(Conflict, match="Agents hold this level"):
        services.delete_level(owner, entry_level)
    services.delete_level(owner, senior_level)
    assert list(AgentLevel.objects.values_list("name", flat=True)) == ["特约"]


def test_variant_rules_set_the_level_price_and_limits(entry_level, owner):
    variant = VariantFactory(retail_price=Decimal("100.00"))
    assert level_price(entry_level, variant) == Decimal("80.00")
    services.set_variant_rule(owner, entry_level, variant, price=Decimal("75.00"),
                              min_per_order=2, max_per_order=10, max_per_month=50)
    assert level_price(entry_level, variant) == Decimal("75.00")
    rule = LevelVariantRule.objects.get()
    assert (rule.min_per_order, rule.max_per_order, rule.max_per_month) == (2, 10, 50)
    with pytest.raises(InvalidInput):
        services.set_variant_rule(owner, entry_level, variant, min_per_order=5, max_per_order=2)
    services.set_variant_rule(owner, entry_level, variant)  # all empty: removed
    assert not LevelVariantRule.objects.exists()


@pytest.mark.parametrize("field", ["min_per_order", "max_per_order", "max_per_month"])
def test_a_limit_beyond_the_column_is_refused(entry_level, owner, field):
    """2**31 does not fit the column: a 500 on PostgreSQL, before."""
    with pytest.raises(InvalidInput) as error:
        services.set_variant_rule(owner, entry_level, VariantFactory(), **{field: 2**31})
    assert error.value.field == field
    assert not LevelVariantRule.objects.exists()


def test_staff_without_the_agents_area_cannot_change_levels(staff):
    from weishang.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.save_level(staff, LevelData(rank=1, name="特约", discount_percent=0))
    assert not UpgradeCondition.objects.exists()


def test_only_someone_managing_agents_moves_an_agents_level(staff, entry_level, senior_level):
    """change_level checks itself: the upgrades job (actor None) and the owner's decisions
    pass, anyone else is refused before anything is written."""
    from django.utils import timezone

    from weishang.core.errors import NotPermitted

    agent = AgentFactory(level=entry_level)
    with pytest.raises(NotPermitted):
        services.change_level(agent, senior_level, actor=staff, note="", now=timezone.now())
    agent.refresh_from_db()
    assert agent.level == entry_level
    assert services.change_level(agent, senior_level, actor=None, note="", now=timezone.now())
