"""Automatic upgrades: measured on retail selling to customers and months active only, to the
highest level met, never down, recorded and signalled, idempotent; and the owner's hand."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AgentFactory
from weishang.accounts.models import Shop
from weishang.core.errors import Conflict
from weishang.network import services
from weishang.network.models import AgentEvent, Combination
from weishang.network.services import LevelData
from weishang.network.signals import agent_level_changed
from weishang.network.upgrades import full_months, metrics, run_upgrades
from weishang.orders import services as orders
from weishang.orders.models import Order, OrderKind, OrderState
from weishang.orders.services import CartLine, Recipient

pytestmark = pytest.mark.django_db


def _conditions(level, combination=Combination.ALL, **conditions):
    services.save_level(None, LevelData(rank=level.rank, name=level.name,
                                        discount_percent=level.discount_percent,
                                        combination=combination, conditions=conditions), level)


@pytest.fixture
def seller(entry_level, owner):
    return AgentFactory(level=entry_level, joined_at=timezone.now() - timedelta(days=10))


@pytest.fixture
def sell(stocked, owner):
    """sell(agent, amount, phone, state="paid"): a retail order in the agent's shop."""
    variants = {}

    def make(agent, amount, phone="13812345678", state=OrderState.PAID):
        variant = variants.setdefault(amount, stocked(100, price=str(amount)))
        order = orders.place_order(
            shop=Shop.objects.get(seller=agent.user), lines=[CartLine(variant.public_id, 1)],
            recipient=Recipient(name="客户", phone=phone, province="广东省", city="深圳市",
                                district="南山区", street="科技园1号"))
        Order.objects.filter(pk=order.pk).update(state=state)
        return order

    return make


def test_metrics_count_paid_retail_goods_and_distinct_customers(seller, sell):
    sell(seller, 100, "13800000001")
    sell(seller, 50, "13800000001", state=OrderState.COMPLETED)
    sell(seller, 70, "13800000002", state=OrderState.SHIPPED)
    sell(seller, 999, "13800000003", state=OrderState.REFUNDED)
    sell(seller, 999, "13800000004", state=OrderState.CANCELLED)
    sell(seller, 999, "13800000005", state=OrderState.PENDING_PAYMENT)
    measured = metrics([seller], timezone.now())[seller.pk]
    assert measured == {"retail_sales": 220, "retail_customers": 2, "months_active": 0}


def test_own_purchases_never_count(seller, sell):
    purchase = sell(seller, 5000, "13800000009")
    Order.objects.filter(pk=purchase.pk).update(kind=OrderKind.PURCHASE, purchaser=seller.user,
                                                delivery="cloud")
    assert metrics([seller], timezone.now())[seller.pk]["retail_sales"] == 0


def test_full_months():
    joined = timezone.now().replace(year=2025, month=1, day=31, hour=12)
    assert full_months(joined, joined.replace(month=3, day=30)) == 1
    assert full_months(joined, joined.replace(month=3, day=31)) == 2
    assert full_months(None, joined) == 0


def test_run_upgrades_moves_to_the_highest_level_met_once(seller, sell, senior_level, top_level):
    _conditions(senior_level, retail_sales=100)
    _conditions(top_level, retail_sales=200, retail_customers=2)
    received = []
    agent_level_changed.connect(lambda sender, **kw: received.append(kw["to_level"].name),
                                weak=False, dispatch_uid="test-upgrades")
    try:
        sell(seller, 150, "13800000001")
        sell(seller, 60, "13800000002")
        assert run_upgrades() == 1
        assert run_upgrades() == 0
    finally:
        agent_level_changed.disconnect(dispatch_uid="test-upgrades")
    seller.refresh_from_db()
    assert seller.level == top_level
    assert received == ["总代"]
    event = AgentEvent.objects.get(agent=seller, kind="level")
    assert (event.from_value, event.to_value) == ("特约", "总代")


def test_or_combination_and_never_down(seller, sell, senior_level, top_level, owner):
    _conditions(senior_level, Combination.ANY, retail_sales=1000, retail_customers=1)
    sell(seller, 10)
    assert run_upgrades() == 1
    seller.refresh_from_db()
    assert seller.level == senior_level
    services.set_level(owner, seller, top_level, note="表现好")
    assert run_upgrades() == 0
    seller.refresh_from_db()
    assert seller.level == top_level


def test_months_active_alone_can_upgrade(entry_level, senior_level):
    veteran = AgentFactory(level=entry_level, joined_at=timezone.now() - timedelta(days=70))
    _conditions(senior_level, months_active=2)
    assert run_upgrades() == 1
    veteran.refresh_from_db()
    assert veteran.level == senior_level


def test_a_level_without_conditions_is_reached_by_hand_only(seller, sell, senior_level):
    sell(seller, 10000)
    assert run_upgrades() == 0


def test_the_owner_sets_any_level_up_or_down_with_a_note(seller, entry_level, senior_level,
                                                         owner, english):
    services.set_level(owner, seller, senior_level, note="活动奖励")
    services.set_level(owner, seller, entry_level)
    events = list(AgentEvent.objects.filter(agent=seller, kind="level").values_list(
        "from_value", "to_value", "note", "actor"))
    assert events == [("特约", "一级", "活动奖励", owner.pk), ("一级", "特约", "", owner.pk)]
    with pytest.raises(Conflict, match="already"):
        services.set_level(owner, seller, entry_level)


def test_metrics_of_many_agents_take_one_query(entry_level, django_assert_num_queries):
    agents = AgentFactory.create_batch(5, level=entry_level)
    with django_assert_num_queries(1):
        metrics(agents, timezone.now())


def test_the_command_runs_upgrades(seller, sell, senior_level):
    from django.core.management import call_command

    _conditions(senior_level, retail_sales=1)
    sell(seller, 10)
    call_command("upgrades")
    seller.refresh_from_db()
    assert seller.level == senior_level
