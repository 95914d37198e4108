"""One definition of a sale (orders.models.SALE_STATES): paid, shipped or completed. An order
whose refund is being asked for is no sale anywhere — the customer's record, the agent's month,
marketing's revenue — until the request is declined."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.api_clients import english_client
from tests.factories import AgentFactory
from weishang.customers.models import Customer
from weishang.orders import services as orders
from weishang.orders.models import SALE_STATES, Order, OrderState
from weishang.orders.services import Attribution, CartLine

pytestmark = pytest.mark.django_db


def test_sale_states_are_money_in_and_staying():
    assert set(SALE_STATES) == {OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED}


@pytest.fixture
def agent_sale(owner, stocked, recipient, django_capture_on_commit_callbacks):
    """An order of ¥88 in an agent's shop through the agent's tracked link, paid (its
    customer recorded)."""
    agent = AgentFactory()
    with django_capture_on_commit_callbacks(execute=True):
        order = orders.place_order(
            shop=agent.user.shop, lines=[CartLine(stocked(5, price="88.00").public_id, 1)],
            recipient=recipient,
            attribution=Attribution(channel="moments", link="k7x2m9", seller=agent.user))
    orders.confirm_payment(order, actor=owner)
    return agent, order


def _counted(owner, agent) -> dict:
    """What each place counts of the agent's sales, read as the owner and the agent read it."""
    owner_api = english_client(owner)
    customer = Customer.objects.get()
    record = owner_api.get(f"/api/v1/customers/{customer.public_id}/").json()
    revenue = owner_api.get("/api/v1/results/", {"by": "seller"}).json()["total"]
    page = Client()
    page.force_login(agent.user)
    home = page.get(reverse("console:home")).text
    return {"customer": (record["order_count"], Decimal(record["total_spent"])),
            "marketing": (revenue["paid_orders"], Decimal(revenue["revenue"])),
            "agent's month": 'data-stat="month-sales">¥88.00<' in home}


def test_an_open_refund_request_is_no_sale_anywhere_until_declined(owner, agent_sale,
                                                                  recipient):
    agent, order = agent_sale
    sold = {"customer": (1, Decimal("88.00")), "marketing": (1, Decimal("88.00")),
            "agent's month": True}
    assert _counted(owner, agent) == sold
    response = english_client().post("/api/v1/orders/refund-request/", {
        "phone": recipient.phone, "number": order.number, "note": "不想要了"}, format="json")
    assert response.status_code == 200, response.json()
    assert Order.objects.sales().count() == 0
    assert _counted(owner, agent) == {"customer": (0, Decimal("0.00")),
                                      "marketing": (0, Decimal("0.00")),
                                      "agent's month": False}
    declined = english_client(owner).post(f"/api/v1/orders/{order.number}/decline-refund/",
                                          {"reason": "已发货，无质量问题"}, format="json")
    assert declined.status_code == 200, declined.json()
    assert Order.objects.sales().count() == 1
    assert _counted(owner, agent) == sold
