"""Stock purchases (进货): level price, the level's limits, delivery, payment and cancelling."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest

from tests.orders.purchasing import buy, cloud, new_agent, rule, set_state, warehouse
from weishang.accounts.services import owner_shop
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.inventory.models import MovementReason, StockMovement
from weishang.orders import services
from weishang.orders.models import Order, OrderState
from weishang.orders.purchases import queries as purchase_queries
from weishang.orders.purchases import services as purchases
from weishang.orders.services import CartLine

pytestmark = pytest.mark.usefixtures("english")


def test_a_purchase_is_an_order_to_the_owner_at_the_level_price(owner, stocked):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    order = buy(agent, variant, 3)
    assert (order.kind, order.purchaser, order.shop, order.delivery) == (
        "purchase", agent.user, owner_shop(), "cloud")
    line = order.lines.get()
    assert line.unit_price == line.level_price == Decimal("70.00")
    assert order.goods_total == order.payable == Decimal("210.00"), "nothing ships: no fee"
    assert order.state == OrderState.PENDING_PAYMENT and order.expires_at is not None
    assert warehouse(variant) == 17, "taken from the warehouse when placed, like any order"


def test_the_levels_own_price_for_a_variant_wins(owner, stocked):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    rule(agent.level, variant, price=Decimal("55.50"))
    assert buy(agent, variant, 2).lines.get().unit_price == Decimal("55.50")


def test_paying_a_cloud_purchase_puts_the_units_in_cloud_stock(owner, stocked):
    agent = new_agent()
    variant = stocked(20)
    order = services.confirm_payment(buy(agent, variant, 5), actor=owner)
    assert order.state == OrderState.COMPLETED, "nothing to ship: it is done once paid"
    assert cloud(agent, variant) == 5
    assert warehouse(variant) == 15, "the owner holds the goods for the agent"
    movement = StockMovement.objects.filter(level__location__holder=agent.user).get()
    assert (movement.reason, movement.delta) == (MovementReason.PURCHASE, 5)


def test_a_shipped_purchase_needs_an_address_pays_shipping_and_ships(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    with pytest.raises(InvalidInput) as refused:
        buy(agent, variant, 1, delivery="ship")
    assert refused.value.field == "name"
    services.update_shop_settings(owner, shipping_fee="8")
    order = buy(agent, variant, 1, delivery="ship", recipient=recipient)
    assert order.shipping_fee == Decimal("8.00") and order.recipient_name == "张三"
    order = services.confirm_payment(order, actor=owner)
    order = services.ship_order(order, actor=owner, carrier="sf", tracking_number="SF1234567890123")
    assert order.state == OrderState.SHIPPED
    assert cloud(agent, variant) == 0


def test_an_unknown_delivery_is_refused(owner, stocked):
    with pytest.raises(InvalidInput) as refused:
        buy(new_agent(), stocked(5), 1, delivery="pigeon")
    assert refused.value.field == "delivery"


@pytest.mark.parametrize("quantity, message", [
    (1, "at least 2 per order"), (11, "at most 10 per order")])
def test_limits_per_order(owner, stocked, quantity, message):
    agent = new_agent()
    variant = stocked(50)
    rule(agent.level, variant, min_per_order=2, max_per_order=10)
    with pytest.raises(InvalidInput, match=message):
        buy(agent, variant, quantity)
    assert warehouse(variant) == 50 and not Order.objects.exists()
    assert buy(agent, variant, 10).lines.get().quantity == 10


def test_the_monthly_limit_counts_this_months_purchases_not_cancelled(owner, stocked):
    agent = new_agent()
    variant = stocked(50)
    rule(agent.level, variant, max_per_month=8)
    buy(agent, variant, 5)
    with pytest.raises(InvalidInput, match="at most 8 per month.*bought 5 this month"):
        buy(agent, variant, 4)
    services.cancel_order(buy(agent, variant, 3), actor=owner)
    assert buy(agent, variant, 3).lines.get().quantity == 3, "the cancelled 3 do not count"


def test_last_months_purchases_do_not_count(owner, stocked):
    agent = new_agent()
    variant = stocked(50)
    rule(agent.level, variant, max_per_month=5)
    last_month = purchase_queries.month_start() - timedelta(minutes=1)
    Order.objects.filter(pk=buy(agent, variant, 5).pk).update(created_at=last_month)
    assert buy(agent, variant, 5)


def test_the_month_is_chinas_calendar_month():
    # 2026-03-31 20:00 UTC is already 1 April in Shanghai.
    moment = datetime(2026, 3, 31, 20, tzinfo=UTC)
    start = purchase_queries.month_start(moment)
    assert (start.month, start.day, start.hour) == (4, 1, 0)
    assert str(start.tzinfo) == "Asia/Shanghai"


def test_months_before_keeps_the_day_or_the_months_last():
    moment = datetime(2026, 3, 31, 12, tzinfo=UTC)
    assert purchase_queries.months_before(moment, 12).date().isoformat() == "2025-03-31"
    assert purchase_queries.months_before(moment, 1).date().isoformat() == "2026-02-28"


@pytest.mark.parametrize("state", ["applied", "suspended", "exited"])
def test_only_an_active_agent_buys(owner, stocked, state):
    agent = set_state(new_agent(), state)
    with pytest.raises(NotPermitted):
        buy(agent, stocked(5))


def test_the_owner_is_not_an_agent(owner, stocked):
    with pytest.raises(NotPermitted):
        purchases.place_purchase(user=owner, lines=[CartLine(stocked(5).public_id, 1)],
                                 delivery="cloud")


def test_cancelled_unpaid_the_units_go_back_to_the_warehouse(owner, stocked):
    agent = new_agent()
    variant = stocked(10)
    services.cancel_order(buy(agent, variant, 4), actor=owner)
    assert warehouse(variant) == 10 and cloud(agent, variant) == 0


def test_an_unpaid_purchase_expires_like_any_order(owner, stocked):
    agent = new_agent()
    variant = stocked(10)
    order = buy(agent, variant, 4)
    assert services.expire_unpaid_orders(now=order.expires_at + timedelta(seconds=1)) == 1
    assert warehouse(variant) == 10


def test_more_than_the_warehouse_holds_is_refused(owner, stocked):
    with pytest.raises(Conflict, match="Not enough stock"):
        buy(new_agent(), stocked(3), 4)


def test_a_checkout_key_is_one_purchase_of_its_own_agent(owner, stocked):
    agent, other = new_agent(), new_agent("小丽")
    variant = stocked(10)
    first = buy(agent, variant, 2, idempotency_key="k-1")
    assert buy(agent, variant, 2, idempotency_key="k-1") == first
    with pytest.raises(Conflict) as refused:
        buy(agent, variant, 3, idempotency_key="k-1")
    assert refused.value.code == "idempotency_key_reused"
    # Another agent's key is theirs: their own purchase, never the first agent's.
    theirs = buy(other, variant, 2, idempotency_key="k-1")
    assert theirs != first and theirs.purchaser == other.user
    assert warehouse(variant) == 6


def test_terms_list_price_limits_and_what_is_left_this_month(owner, stocked):
    agent = new_agent()
    variant = stocked(50, price="100.00")
    rule(agent.level, variant, max_per_month=8, min_per_order=2)
    buy(agent, variant, 3)
    variant.refresh_from_db()
    terms = purchase_queries.purchase_terms(agent, [variant])[variant.pk]
    assert (terms.level_price, terms.min_per_order, terms.left_this_month) == (
        Decimal("70.00"), 2, 5)


def test_a_purchase_shipped_to_the_agent_makes_them_no_customer(owner, stocked, recipient):
    from weishang.customers.models import Customer

    buy(new_agent(), stocked(20), 1, delivery="ship", recipient=recipient)
    assert not Customer.objects.exists()
