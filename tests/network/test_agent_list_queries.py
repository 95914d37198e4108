"""An agent's lists (team, orders, customers, earnings ledger, withdrawals, purchases, cloud
stock), on the console and the API, ask the database as often for 12 rows as for 2: no query
per row (N+1)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.api_clients import english_client
from tests.commissions.withdrawing import credit
from tests.factories import AgentFactory, CustomerFactory
from tests.orders.purchasing import buy, buy_into_cloud
from weishang.commissions.services import withdrawals
from weishang.orders import services as orders
from weishang.orders.services import CartLine

pytestmark = pytest.mark.django_db
FEW, MORE = 2, 10


@pytest.fixture
def rows(owner, stocked, recipient):
    """rows[kind](agent, count): ``count`` more rows of that kind on the agent's lists."""
    variant = stocked(1000, price="40.00")

    def paid_orders(agent, count):
        for _ in range(count):
            order = orders.place_order(shop=agent.user.shop, recipient=recipient,
                                       lines=[CartLine(variant.public_id, 1)])
            orders.confirm_payment(order, actor=owner)  # books the agent's earnings

    def asked_withdrawals(agent, count):
        credit(agent, "1000.00")
        for _ in range(count):
            withdrawals.request_withdrawal(
                agent, amount="20.00", method="wechat", account="wx", account_name="甲",
                request_key=f"key-{agent.withdrawals.count()}")

    return {
        "team": lambda agent, count: AgentFactory.create_batch(count, upline=agent),
        "orders": paid_orders,
        "customers": lambda agent, count: CustomerFactory.create_batch(count,
                                                                       seller=agent.user),
        "withdrawals": asked_withdrawals,
        "purchases": lambda agent, count: [buy(agent, variant, 1) for _ in range(count)],
        # One cloud stock row per variant.
        "cloud": lambda agent, count: [buy_into_cloud(agent, stocked(5), 1, owner)
                                       for _ in range(count)],
    }


#: (path, kind of rows it lists)
CONSOLE = [
    ("/console/agent/team/", "team"),
    ("/console/orders/", "orders"),
    ("/console/customers/", "customers"),
    ("/console/earnings/", "orders"),  # the ledger: each paid order books a row
    ("/console/earnings/my-withdrawals/", "withdrawals"),
    ("/console/purchases/", "purchases"),
    ("/console/purchases/cloud/", "cloud"),
]
API = [
    ("/api/v1/agent/team/", "team"),
    ("/api/v1/agent/orders/", "orders"),
    ("/api/v1/earnings/ledger/", "orders"),
    ("/api/v1/withdrawals/", "withdrawals"),
    ("/api/v1/purchases/", "purchases"),
    ("/api/v1/cloud-stock/", "cloud"),
    ("/api/v1/customers/", "customers"),
]


def _same_queries_for_more_rows(client, path, add_rows, agent, django_assert_max_num_queries):
    add_rows(agent, FEW)
    assert client.get(path).status_code == 200  # caches warmed: sessions, settings, shop
    with CaptureQueriesContext(connection) as few:
        client.get(path)
    add_rows(agent, MORE)
    with django_assert_max_num_queries(len(few)):
        response = client.get(path)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize("path, kind", CONSOLE)
def test_an_agents_console_list_makes_no_query_per_row(path, kind, rows,
                                                       django_assert_max_num_queries):
    agent = AgentFactory(name="甲")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(agent.user)
    _same_queries_for_more_rows(client, path, rows[kind], agent,
                                django_assert_max_num_queries)


@pytest.mark.parametrize("path, kind", API)
def test_an_agents_api_list_makes_no_query_per_row(path, kind, rows,
                                                   django_assert_max_num_queries):
    agent = AgentFactory(name="甲")
    response = _same_queries_for_more_rows(english_client(agent.user), path, rows[kind], agent,
                                           django_assert_max_num_queries)
    assert response.json()["count"] >= FEW + MORE
