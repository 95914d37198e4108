"""Retail orders in an agent's shop draw the agent's cloud stock first (一件代发)."""

from decimal import Decimal

import pytest

from tests.orders.purchasing import buy_into_cloud, cloud, new_agent, set_state, warehouse
from weishang.core.errors import Conflict
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason, StockMovement
from weishang.orders import services
from weishang.orders.models import StockSource
from weishang.orders.services import CartLine

pytestmark = pytest.mark.usefixtures("english")


def sell(agent, recipient, *lines):
    """A customer's order in the agent's shop: lines are (variant, quantity)."""
    return services.place_order(
        shop=agent.user.shop, recipient=recipient,
        lines=[CartLine(variant.public_id, quantity) for variant, quantity in lines])


def test_a_line_the_cloud_stock_covers_comes_from_it(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(20, price="100.00")
    buy_into_cloud(agent, variant, 5, owner)
    order = sell(agent, recipient, (variant, 3))
    line = order.lines.get()
    assert line.stock_source == StockSource.CLOUD
    assert line.level_price == Decimal("70.00") and line.unit_price == Decimal("100.00")
    assert (cloud(agent, variant), warehouse(variant)) == (2, 15)
    movement = StockMovement.objects.filter(level__location__holder=agent.user).first()
    assert (movement.reason, movement.delta) == (MovementReason.CLOUD_SALE, -3)
    assert inventory.verify_ledger() == []


def test_a_line_the_cloud_stock_cannot_cover_comes_whole_from_the_warehouse(
        owner, stocked, recipient):
    agent = new_agent()
    covered, short = stocked(20, title="面膜"), stocked(20, title="精华")
    buy_into_cloud(agent, covered, 5, owner)
    buy_into_cloud(agent, short, 2, owner)
    order = sell(agent, recipient, (covered, 5), (short, 3))
    sources = {line.variant_id: line.stock_source for line in order.lines.all()}
    assert sources == {covered.pk: StockSource.CLOUD, short.pk: StockSource.WAREHOUSE}
    assert (cloud(agent, covered), cloud(agent, short)) == (0, 2), "never a part of a line"
    assert (warehouse(covered), warehouse(short)) == (15, 15)
    assert all(line.level_price is not None for line in order.lines.all())


def test_an_agent_without_cloud_stock_sells_from_the_warehouse_at_a_level_price(
        owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(5, price="100.00")
    line = sell(agent, recipient, (variant, 1)).lines.get()
    assert (line.stock_source, line.level_price) == (StockSource.WAREHOUSE, Decimal("70.00"))
    assert not agent.user.stock_locations.exists(), "no cloud location made for nothing"


def test_the_owners_shop_never_touches_cloud_stock(owner, stocked, recipient, place):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 5, owner)
    line = place(variant, 2).lines.get()
    assert (line.stock_source, line.level_price) == (StockSource.WAREHOUSE, None)
    assert cloud(agent, variant) == 5


def test_a_suspended_agents_shop_sells_nothing_and_keeps_their_stock(owner, stocked,
                                                                      recipient):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 5, owner)
    set_state(agent, "suspended")
    with pytest.raises(Conflict):
        sell(agent, recipient, (variant, 1))
    assert cloud(agent, variant) == 5


def test_cancelling_returns_each_line_where_it_came_from(owner, stocked, recipient):
    agent = new_agent()
    covered, short = stocked(20, title="面膜"), stocked(20, title="精华")
    buy_into_cloud(agent, covered, 5, owner)
    order = sell(agent, recipient, (covered, 4), (short, 2))
    services.cancel_order(order, actor=owner)
    assert (cloud(agent, covered), warehouse(covered), warehouse(short)) == (5, 15, 20)
    assert inventory.verify_ledger() == []


def test_a_refund_before_shipping_returns_to_the_cloud_after_shipping_not(
        owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 5, owner)
    unshipped = services.confirm_payment(sell(agent, recipient, (variant, 2)), actor=owner)
    services.refund_order(services.request_refund(unshipped, actor=owner), actor=owner)
    assert cloud(agent, variant) == 5
    shipped = services.confirm_payment(sell(agent, recipient, (variant, 2)), actor=owner)
    shipped = services.ship_order(shipped, actor=owner, carrier="sf",
                                  tracking_number="SF1234567890123")
    services.refund_order(services.request_refund(shipped, actor=owner), actor=owner)
    assert cloud(agent, variant) == 3, "the parcel left: the owner shipped it as any order"


def test_the_owner_ships_a_cloud_stock_line_like_any_order(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(20)
    buy_into_cloud(agent, variant, 5, owner)
    order = services.confirm_payment(sell(agent, recipient, (variant, 1)), actor=owner)
    order = services.ship_order(order, actor=owner, carrier="sf",
                                tracking_number="SF1234567890123")
    assert order.state == "shipped" and cloud(agent, variant) == 4
