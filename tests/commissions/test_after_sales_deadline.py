"""An order's after-sales window is fixed when it completes: the owner changing the shop's window
later changes it for orders completed afterwards only, so settled earnings are never reopened
to a customer's refund request, and the freeze of earnings ends when the customer's window
does."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api_clients import english_client
from tests.commissions.earning import RECIPIENT, agent, balance, complete, money, sell
from weishang.commissions.models import LedgerEntry
from weishang.commissions.services.settlement import settle

pytestmark = pytest.mark.django_db


def set_window(owner, days):
    answer = english_client(owner).patch("/api/v1/orders/settings/", {"after_sales_days": days},
                                         format="json")
    assert answer.status_code == 200


def customer_asks(order):
    return english_client().post("/api/v1/orders/refund-request/", {
        "phone": RECIPIENT.phone, "number": order.number}, format="json")


def test_lengthening_the_window_does_not_reopen_refunds_on_settled_earnings(owner):
    seller = agent()
    order = complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=10))
    assert settle().earnings == 1 and balance(seller) == {"available": money(30)}
    set_window(owner, 30)
    asked = customer_asks(order)
    assert asked.status_code == 409 and asked.json()["code"] == "after_sales_closed"
    shown = english_client(owner).get(f"/api/v1/orders/{order.number}/").json()
    assert shown["after_sales_until"].startswith(
        timezone.localtime(order.completed_at + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"))
    assert balance(seller) == {"available": money(30)}


def test_an_order_completed_after_the_change_has_the_new_window_and_freeze(owner):
    set_window(owner, 30)
    seller = agent()
    order = complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=10))
    assert order.after_sales_until == order.completed_at + timedelta(days=30)
    frozen = LedgerEntry.objects.get(bucket="frozen")
    assert abs(frozen.available_at - order.after_sales_until) < timedelta(milliseconds=1)
    assert settle().earnings == 0
    assert customer_asks(order).status_code == 200


def test_shortening_the_window_keeps_the_customers_days_and_the_freeze(owner):
    seller = agent()
    order = complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=3))
    set_window(owner, 0)
    assert settle().earnings == 0, "frozen until the customer's window ends"
    assert customer_asks(order).status_code == 200
