"""Settlement waits for an open refund request: the earnings of an order whose customer asked for
a refund stay frozen past the window, are released once the owner declines (the window having
passed), and are cancelled by the refund — never paid out first and clawed back. Through the
API, as the customer, the agent and the owner would do it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tests.api_clients import english_client
from tests.commissions.earning import RECIPIENT, agent, balance, complete, money, sell
from weishang.commissions.checks import verify_earnings
from weishang.commissions.models import EntryKind, LedgerEntry, SettlementHold
from weishang.commissions.services.settlement import settle

pytestmark = pytest.mark.django_db

WITHDRAWAL = {"method": "alipay", "account": "agent@example.com", "account_name": "李四"}


def ask_for_a_refund(order):
    """The customer, within the window, with their mobile and the order number."""
    answer = english_client().post("/api/v1/orders/refund-request/", {
        "phone": RECIPIENT.phone, "number": order.number, "note": "不想要了"}, format="json")
    assert answer.status_code == 200
    return answer


def owner_does(owner, order, step, **data):
    answer = english_client(owner).post(f"/api/v1/orders/{order.number}/{step}/", data,
                                        format="json")
    assert answer.status_code == 200, answer.json()
    return answer


def withdraw(seller, amount, key):
    return english_client(seller.user).post("/api/v1/withdrawals/", {
        **WITHDRAWAL, "amount": amount, "request_key": key}, format="json")


@pytest.fixture
def asked(owner):
    """A sale of ¥152.10 from the agent's cloud stock, completed six days ago, whose customer
    asked for a refund on the last day of the window."""
    seller = agent()
    order = complete(sell(seller, price="152.10", source="cloud"),
                     at=timezone.now() - timedelta(days=6))
    ask_for_a_refund(order)
    return seller, order


def test_an_open_refund_request_keeps_the_earning_frozen_past_the_window(owner, asked):
    seller, order = asked
    assert settle(now=timezone.now() + timedelta(days=3)).earnings == 0
    assert balance(seller) == {"frozen": money("152.10")}
    assert SettlementHold.objects.count() == 1
    refused = withdraw(seller, "152.10", "too-early")
    assert refused.status_code == 409 and refused.json()["code"] == "insufficient_balance"
    row = english_client(seller.user).get("/api/v1/earnings/ledger/").json()["results"][0]
    assert (row["state"], row["due"]) == ("held", None)

    owner_does(owner, order, "refund")
    cancel = LedgerEntry.objects.get(kind=EntryKind.CANCEL)
    assert (cancel.bucket, cancel.amount) == ("frozen", money("-152.10"))
    assert balance(seller) == {}, "before: −¥152.10 after it was withdrawn and paid"
    assert settle(now=timezone.now() + timedelta(days=30)).earnings == 0
    assert verify_earnings() == []


def test_a_declined_request_releases_the_earning_at_the_next_run(owner, asked):
    seller, order = asked
    later = timezone.now() + timedelta(days=3)
    assert settle(now=later).earnings == 0
    owner_does(owner, order, "decline-refund", reason="商品无质量问题")
    settled = settle(now=later + timedelta(hours=1))
    assert (settled.earnings, settled.amount) == (1, money("152.10"))
    assert balance(seller) == {"available": money("152.10")}
    assert withdraw(seller, "152.10", "after-decline").status_code == 201
    assert settle(now=later + timedelta(days=1)).earnings == 0, "released once"
    assert verify_earnings() == []


def test_a_request_declined_within_the_window_settles_when_the_window_ends(owner, asked):
    seller, order = asked
    owner_does(owner, order, "decline-refund", reason="商品无质量问题")
    order.refresh_from_db()
    assert settle(now=order.after_sales_until - timedelta(minutes=1)).earnings == 0
    assert settle(now=order.after_sales_until + timedelta(seconds=1)).earnings == 1
    assert balance(seller) == {"available": money("152.10")}


def test_asked_again_after_a_decline_it_waits_again(owner, asked):
    seller, order = asked
    owner_does(owner, order, "decline-refund", reason="请先寄回商品")
    ask_for_a_refund(order)
    assert settle(now=timezone.now() + timedelta(days=3)).earnings == 0
    owner_does(owner, order, "refund")
    assert balance(seller) == {} and verify_earnings() == []


def test_other_orders_settle_while_one_waits(owner, asked):
    seller, _order = asked
    other = complete(sell(seller, price="100.00"), at=timezone.now() - timedelta(days=6))
    settled = settle(now=timezone.now() + timedelta(days=3))
    assert (settled.earnings, settled.amount) == (1, money(30))
    assert balance(seller) == {"frozen": money("152.10"), "available": money(30)}
    assert other.state == "completed"
