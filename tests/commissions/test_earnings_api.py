"""Earnings API: an agent's balance, ledger and withdrawals (request_key makes a retry one
withdrawal); the owner's queue, decisions, any agent's balance and the rules. Agent A never
sees or touches agent B's."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.api_clients import english_client
from tests.catalog.conftest import picture_bytes, upload
from tests.commissions.earning import complete, refund, sell
from tests.commissions.withdrawing import balance, credit
from tests.factories import AgentFactory, UserFactory
from weishang.commissions.models import Bucket, EntryKind, LedgerEntry, Withdrawal
from weishang.commissions.services import withdrawals
from weishang.commissions.services.settlement import settle
from weishang.orders.services import CartLine, place_order, update_shop_settings

pytestmark = pytest.mark.django_db

REQUEST = {"amount": "100.00", "method": "bank", "account": "6222020000000000",
           "account_name": "王小二", "request_key": "8d3f0c"}


@pytest.fixture
def agent():
    agent = AgentFactory()
    credit(agent, "300.00")
    return agent


@pytest.fixture
def other():
    other = AgentFactory()
    credit(other, "80.00")
    return other


def ask(agent, key="k", amount="50.00"):
    return withdrawals.request_withdrawal(agent, amount=amount, method="wechat", account="wx",
                                          account_name="李四", request_key=key)


def test_an_agent_reads_their_balance_and_ledger(agent, stocked, recipient):
    order = place_order(shop=agent.user.shop, lines=[CartLine(stocked().public_id, 1)],
                        recipient=recipient)
    LedgerEntry.objects.create(agent=agent, kind=EntryKind.SALE, bucket=Bucket.PENDING,
                               amount="12.50", order=order, key="sale:x")
    api = english_client(agent.user)
    body = api.get("/api/v1/earnings/balance/").json()
    assert (body["agent"], body["available"]) == (agent.public_id, "300.00")
    entries = api.get("/api/v1/earnings/ledger/").json()
    assert entries["count"] == 2
    newest = entries["results"][0]
    assert (newest["order"], newest["kind_label"], newest["amount"]) == (
        order.number, "Sale from the owner's stock", "12.50")


def test_a_new_agent_has_a_zero_balance():
    body = english_client(AgentFactory().user).get("/api/v1/earnings/balance/").json()
    assert body["available"] == "0.00"


def test_an_agent_requests_a_withdrawal_once_per_key(agent):
    api = english_client(agent.user)
    first = api.post("/api/v1/withdrawals/", REQUEST, format="json")
    assert first.status_code == 201
    again = api.post("/api/v1/withdrawals/", REQUEST, format="json")
    assert again.json()["id"] == first.json()["id"]
    assert Withdrawal.objects.count() == 1
    assert balance(agent)["available"] == Decimal("200.00")


def test_a_refused_request_answers_why_and_writes_nothing(agent):
    answer = english_client(agent.user).post(
        "/api/v1/withdrawals/", {**REQUEST, "amount": "300.01"}, format="json")
    assert answer.status_code == 409
    assert answer.json() == {"code": "insufficient_balance",
                             "message": "You can withdraw at most ¥300.00.",
                             "fields": {"amount": ["You can withdraw at most ¥300.00."]}}
    answer = english_client(agent.user).post(
        "/api/v1/withdrawals/", {**REQUEST, "method": "paypal"}, format="json")
    assert answer.status_code == 400 and "method" in answer.json()["fields"]
    assert not Withdrawal.objects.exists()


def test_agent_a_never_sees_or_touches_agent_b(agent, other):
    theirs = ask(other)
    mine = ask(agent, key="mine")
    api = english_client(agent.user)
    listed = api.get("/api/v1/withdrawals/").json()["results"]
    assert [w["id"] for w in listed] == [mine.public_id]
    assert api.get(f"/api/v1/withdrawals/{theirs.public_id}/").status_code == 404
    for step in ("approve", "pay", "reject"):
        answer = api.post(f"/api/v1/withdrawals/{theirs.public_id}/{step}/",
                          {"reference": "x", "note": "x"}, format="json")
        assert answer.status_code == 403
    assert api.get(f"/api/v1/earnings/agents/{other.public_id}/").status_code == 403
    assert api.get("/api/v1/earnings/settings/").status_code == 403
    assert api.patch("/api/v1/earnings/settings/", {"withdrawal_minimum": "0"},
                     format="json").status_code == 403
    # Another agent's request key neither returns nor reveals their withdrawal.
    answer = api.post("/api/v1/withdrawals/", {**REQUEST, "request_key": "k"}, format="json")
    assert answer.status_code == 400 and theirs.public_id not in answer.content.decode()


def test_only_agents_have_a_balance_and_ledger_of_their_own(owner):
    api = english_client(owner)
    assert api.get("/api/v1/earnings/balance/").status_code == 403
    assert api.get("/api/v1/earnings/ledger/").status_code == 403
    assert api.post("/api/v1/withdrawals/", REQUEST, format="json").status_code == 403


def test_the_owner_lists_approves_pays_and_reads_balances(owner, agent, other):
    first, second = ask(other), ask(agent, key="second")
    api = english_client(owner)
    listed = [w["id"] for w in api.get("/api/v1/withdrawals/").json()["results"]]
    assert listed == [first.public_id, second.public_id]
    assert api.post(f"/api/v1/withdrawals/{second.public_id}/approve/").json()["state"] == (
        "approved")
    again = api.post(f"/api/v1/withdrawals/{second.public_id}/approve/")
    assert again.status_code == 409 and again.json()["code"] == "invalid_transition"
    paid = api.post(f"/api/v1/withdrawals/{second.public_id}/pay/",
                    {"reference": "网银 88", "receipt": upload(picture_bytes())},
                    format="multipart")
    assert paid.status_code == 200
    assert paid.json()["state"] == "paid" and paid.json()["receipt"]
    assert api.get("/api/v1/withdrawals/", {"state": "paid"}).json()["count"] == 1
    body = api.get(f"/api/v1/earnings/agents/{agent.public_id}/").json()
    assert (body["available"], body["withdrawn"]) == ("250.00", "50.00")
    assert api.get("/api/v1/earnings/agents/nobody/").status_code == 404


def test_the_owner_rejects_with_a_note(owner, agent):
    withdrawal = ask(agent)
    api = english_client(owner)
    missing = api.post(f"/api/v1/withdrawals/{withdrawal.public_id}/reject/", {}, format="json")
    assert missing.status_code == 400
    rejected = api.post(f"/api/v1/withdrawals/{withdrawal.public_id}/reject/",
                        {"note": "账户不对"}, format="json")
    assert rejected.json()["state"] == "rejected"
    assert balance(agent)["available"] == Decimal("300.00")


def test_settings_refuse_any_depth_but_one(owner):
    api = english_client(owner)
    assert api.get("/api/v1/earnings/settings/").json()["upline_depth"] == 1
    answer = api.patch("/api/v1/earnings/settings/", {"upline_depth": 2}, format="json")
    assert answer.status_code == 400
    assert answer.json()["code"] == "upline_depth" and "团队计酬" in answer.json()["message"]
    assert api.patch("/api/v1/earnings/settings/", {"upline_depth": 1},
                     format="json").status_code == 200


def test_settings_tell_the_freeze_which_is_the_shops_after_sales_window(owner):
    update_shop_settings(owner, after_sales_days=12)
    api = english_client(owner)
    assert api.get("/api/v1/earnings/settings/").json()["after_sales_days"] == 12
    # Changed with the shop's settings only: here it is read-only.
    answer = api.patch("/api/v1/earnings/settings/", {"after_sales_days": 3}, format="json")
    assert answer.status_code == 200 and answer.json()["after_sales_days"] == 12


def test_settings_switch_the_upline_commission_on_only_when_confirmed(owner):
    api = english_client(owner)
    change = {"upline_enabled": True, "upline_percent": "4.00"}
    refused = api.patch("/api/v1/earnings/settings/", change, format="json")
    assert refused.status_code == 400 and refused.json()["code"] == "confirm_upline"
    accepted = api.patch("/api/v1/earnings/settings/", {**change, "confirm_upline": True},
                         format="json")
    assert accepted.json()["upline_enabled"] is True
    assert "团队计酬" in accepted.json()["upline_warning"]


def test_staff_with_the_agents_area_manage_others_do_not(agent):
    withdrawal = ask(agent)
    assert english_client(UserFactory(role="staff", areas=["orders"])).get(
        "/api/v1/withdrawals/").status_code == 403
    manager = english_client(UserFactory(role="staff", areas=["agents"]))
    assert manager.post(f"/api/v1/withdrawals/{withdrawal.public_id}/approve/").status_code == 200


def test_no_payout_while_a_refund_left_the_balance_negative(owner):
    """Approve and pay are refused, with the figures, while a reversal that came after the
    request holds the agent's available balance below zero; the owner may reject."""
    seller = AgentFactory()
    first, second = (complete(sell(seller, price="100.00", level_price=Decimal("70.00")),
                              at=timezone.now() - timedelta(days=8)) for _ in range(2))
    settle()
    agent_api, owner_api = english_client(seller.user), english_client(owner)
    approved = agent_api.post("/api/v1/withdrawals/", {**REQUEST, "amount": "30.00",
                                                       "request_key": "a"}, format="json")
    waiting = agent_api.post("/api/v1/withdrawals/", {**REQUEST, "amount": "30.00",
                                                      "request_key": "b"}, format="json")
    approved, waiting = approved.json()["id"], waiting.json()["id"]
    assert owner_api.post(f"/api/v1/withdrawals/{approved}/approve/").status_code == 200
    refund(first)
    assert balance(seller)["available"] == Decimal("-30.00")

    paying = owner_api.post(f"/api/v1/withdrawals/{approved}/pay/", {"reference": "网银 1"},
                            format="json")
    approving = owner_api.post(f"/api/v1/withdrawals/{waiting}/approve/")
    for answer in (paying, approving):
        assert answer.status_code == 409 and answer.json()["code"] == "negative_balance"
        assert "available balance is ¥-30.00" in answer.json()["message"]
        assert "withdrawal of ¥30.00" in answer.json()["message"]
    assert Withdrawal.objects.filter(state="paid").count() == 0

    rejected = owner_api.post(f"/api/v1/withdrawals/{waiting}/reject/",
                              {"note": "退款已扣回"}, format="json")
    assert rejected.json()["state"] == "rejected"
    assert balance(seller)["available"] == Decimal("0.00")
    assert owner_api.post(f"/api/v1/withdrawals/{approved}/pay/", {"reference": "网银 1"},
                          format="json").json()["state"] == "paid"
    assert second.state == "completed"
