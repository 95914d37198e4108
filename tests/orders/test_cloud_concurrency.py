"""Many orders drawing one agent's cloud stock at the same moment (PostgreSQL): the cloud stock
is never oversold, the lines it cannot cover come from the warehouse, and purchases at once
never pass the monthly limit together."""

import pytest

from tests.conftest import is_postgres
from tests.orders.purchasing import buy, buy_into_cloud, cloud, new_agent, rule, warehouse
from tests.orders.test_concurrency import checkout_together
from weishang.core.errors import InvalidInput
from weishang.inventory import services as inventory
from weishang.orders import services
from weishang.orders.models import OrderLine, StockSource
from weishang.orders.services import CartLine

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.postgres,
    pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL"),
]


def test_thirty_orders_at_once_draw_ten_cloud_units_exactly(owner, stocked, recipient):
    agent = new_agent()
    variant = stocked(100)
    buy_into_cloud(agent, variant, 10, owner)

    orders, refusals, errors = checkout_together(30, lambda i: services.place_order(
        shop=agent.user.shop, lines=[CartLine(variant.public_id, 1)], recipient=recipient))

    assert errors == [] and refusals == [] and len(orders) == 30
    sources = list(OrderLine.objects.filter(order__in=orders)
                   .values_list("stock_source", flat=True))
    assert sources.count(StockSource.CLOUD) == 10
    assert (cloud(agent, variant), warehouse(variant)) == (0, 70)
    assert inventory.verify_ledger() == []


def test_orders_drawing_two_items_in_opposite_orders_do_not_deadlock(owner, stocked, recipient):
    agent = new_agent()
    first, second = stocked(100, title="面膜"), stocked(100, title="精华")
    buy_into_cloud(agent, first, 5, owner)
    buy_into_cloud(agent, second, 5, owner)
    carts = [[CartLine(first.public_id, 1), CartLine(second.public_id, 1)],
             [CartLine(second.public_id, 1), CartLine(first.public_id, 1)]]

    orders, refusals, errors = checkout_together(20, lambda i: services.place_order(
        shop=agent.user.shop, lines=carts[i % 2], recipient=recipient))

    assert errors == [] and len(orders) == 20
    assert (cloud(agent, first), cloud(agent, second)) == (0, 0)
    assert OrderLine.objects.filter(stock_source=StockSource.CLOUD).count() == 10
    assert inventory.verify_ledger() == []


def test_purchases_at_once_stay_within_the_monthly_limit(owner, stocked):
    agent = new_agent()
    variant = stocked(100)
    rule(agent.level, variant, max_per_month=10)

    def purchase(i):
        try:
            return buy(agent, variant, 1)
        except InvalidInput:
            return None

    orders, refusals, errors = checkout_together(20, purchase)

    assert errors == [] and refusals == []
    assert len([order for order in orders if order is not None]) == 10
    assert warehouse(variant) == 90
