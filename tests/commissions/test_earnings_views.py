"""Earnings pages: an agent's balances, ledger and withdrawals, the withdraw form; the owner's
queue, decisions, agents' earnings and settings. Agent A never reaches agent B's data, and
every page renders for the 375 px console (the shared mobile layout)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from tests.catalog.conftest import picture_bytes, upload
from tests.commissions.withdrawing import balance, credit
from tests.factories import AgentFactory, UserFactory
from weishang.commissions.models import (
    Bucket,
    CommissionSettings,
    EntryKind,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from weishang.commissions.services import rules, withdrawals
from weishang.orders.services import CartLine, place_order, update_shop_settings

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def agent():
    agent = AgentFactory(name="王小二")
    credit(agent, "300.00")
    return agent


@pytest.fixture
def agent_client(client, agent):
    client.force_login(agent.user)
    return client


def ask(agent, amount="100.00", key="k1"):
    return withdrawals.request_withdrawal(agent, amount=amount, method="wechat",
                                          account="wx_wang", account_name="王小二",
                                          request_key=key)


def test_the_agent_sees_balances_ledger_with_order_numbers_and_withdrawals(
        agent_client, agent, stocked, recipient, django_assert_max_num_queries):
    orders = [place_order(shop=agent.user.shop, lines=[CartLine(stocked().public_id, 1)],
                          recipient=recipient) for _ in range(3)]
    for number in range(40):
        LedgerEntry.objects.create(agent=agent, kind=EntryKind.SALE, bucket=Bucket.PENDING,
                                   amount="1.00", order=orders[number % 3], key=f"e{number}")
    ask(agent, "120.00")
    with django_assert_max_num_queries(12):
        page = agent_client.get(reverse("earnings:home")).content.decode()
    assert 'data-bucket="available"><strong class="">¥180.00' in page
    assert 'data-bucket="withdrawing"><strong class="">¥120.00' in page
    assert orders[0].number in page and "Sale from the owner&#x27;s stock" in page
    assert "Withdrawal" in page and "Requested" in page
    assert 'name="viewport"' in page
    second = agent_client.get(reverse("earnings:home"), {"page": 2}).content.decode()
    assert "Page 2 of 2" in second


def test_the_withdraw_form_requests_once_even_when_sent_twice(agent_client, agent):
    form = agent_client.get(reverse("earnings:withdraw")).context["form"]
    key = form.initial["request_key"]
    data = {"amount": "150.00", "method": "alipay", "account": "wang@example.com",
            "account_name": "王小二", "request_key": key}
    for _ in range(2):
        answer = agent_client.post(reverse("earnings:withdraw"), data)
        assert answer.status_code == 302
    assert Withdrawal.objects.get().amount == Decimal("150.00")
    assert balance(agent)["available"] == Decimal("150.00")


def test_the_withdraw_form_says_why_it_refuses_and_writes_nothing(agent_client, owner):
    rules.update_commission_settings(owner, withdrawal_minimum="20")
    data = {"amount": "10.00", "method": "alipay", "account": "wang@example.com",
            "account_name": "王小二", "request_key": "abc"}
    answer = agent_client.post(reverse("earnings:withdraw"), data)
    assert answer.status_code == 400
    assert "The smallest withdrawal is ¥20.00." in answer.content.decode()
    answer = agent_client.post(reverse("earnings:withdraw"), {**data, "amount": "999"})
    assert "You can withdraw at most ¥300.00." in answer.content.decode()
    assert not Withdrawal.objects.exists()


def test_my_withdrawals_lists_only_mine(agent_client, agent):
    mine = ask(agent)
    other = AgentFactory()
    credit(other, "100.00")
    theirs = ask(other, key="other")
    page = agent_client.get(reverse("earnings:my_withdrawals")).content.decode()
    assert mine.public_id in page and theirs.public_id not in page


@pytest.mark.parametrize("name", ["withdrawals", "agents", "settings"])
def test_owner_pages_are_closed_to_agents(agent_client, name):
    assert agent_client.get(reverse(f"earnings:{name}")).status_code == 403


def test_agent_a_cannot_reach_agent_b(agent_client):
    other = AgentFactory()
    credit(other, "100.00")
    theirs = ask(other, key="theirs")
    for name, kwargs in [("withdrawal", {"public_id": theirs.public_id}),
                         ("agent", {"public_id": other.public_id})]:
        assert agent_client.get(reverse(f"earnings:{name}", kwargs=kwargs)).status_code == 403
    for name in ("approve", "pay", "reject"):
        url = reverse(f"earnings:{name}", kwargs={"public_id": theirs.public_id})
        assert agent_client.post(url, {"reference": "x", "note": "x"}).status_code == 403
    assert Withdrawal.objects.get().state == WithdrawalState.REQUESTED


def test_staff_without_the_agents_area_are_refused(client):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    assert client.get(reverse("earnings:home")).status_code == 403
    assert client.get(reverse("earnings:withdrawals")).status_code == 403


def test_the_owner_is_sent_from_home_to_the_queue(owner_client):
    assert owner_client.get(reverse("earnings:home"))["Location"] == reverse(
        "earnings:withdrawals")


def test_the_queue_shows_open_withdrawals_first(owner_client, owner, agent,
                                                django_assert_max_num_queries):
    credit(agent, "1000.00")
    paid = withdrawals.approve(ask(agent, key="paid"), actor=owner)
    withdrawals.mark_paid(paid, actor=owner, reference="r")
    open_ones = [ask(agent, key=f"open{n}") for n in range(3)]
    with django_assert_max_num_queries(8):
        answer = owner_client.get(reverse("earnings:withdrawals"))
    shown = [withdrawal.public_id for withdrawal in answer.context["page"]]
    assert shown == [*(w.public_id for w in open_ones), paid.public_id]
    filtered = owner_client.get(reverse("earnings:withdrawals"), {"state": "paid"})
    assert [w.public_id for w in filtered.context["page"]] == [paid.public_id]


def test_the_owner_approves_pays_with_a_receipt_and_the_agent_sees_it(
        owner_client, owner, agent, client):
    withdrawal = ask(agent)
    url = reverse("earnings:withdrawal", kwargs={"public_id": withdrawal.public_id})
    page = owner_client.get(url).content.decode()
    assert "wx_wang" in page and "Approve" in page
    owner_client.post(reverse("earnings:approve", kwargs={"public_id": withdrawal.public_id}))
    again = owner_client.post(reverse("earnings:approve",
                                      kwargs={"public_id": withdrawal.public_id}), follow=True)
    assert "it cannot become “Approved”" in again.content.decode()
    answer = owner_client.post(
        reverse("earnings:pay", kwargs={"public_id": withdrawal.public_id}),
        {"reference": "微信转账 1000050001", "receipt": upload(picture_bytes())})
    assert answer.status_code == 302
    withdrawal.refresh_from_db()
    assert withdrawal.state == WithdrawalState.PAID
    assert withdrawal.receipt.name.endswith(f"{withdrawal.public_id}.png")
    client.force_login(agent.user)
    assert "Paid" in client.get(reverse("earnings:home")).content.decode()


def test_a_receipt_that_is_not_a_picture_is_refused(owner_client, owner, agent):
    withdrawal = withdrawals.approve(ask(agent), actor=owner)
    answer = owner_client.post(
        reverse("earnings:pay", kwargs={"public_id": withdrawal.public_id}),
        {"reference": "r", "receipt": upload(b"%PDF-1.4", "r.png")})
    assert answer.status_code == 400
    assert "not a picture we accept" in answer.content.decode()
    withdrawal.refresh_from_db()
    assert withdrawal.state == WithdrawalState.APPROVED


def test_the_owner_rejects_with_a_reason(owner_client, agent):
    withdrawal = ask(agent)
    url = reverse("earnings:reject", kwargs={"public_id": withdrawal.public_id})
    assert owner_client.post(url, {"note": ""}).status_code == 400
    assert owner_client.post(url, {"note": "账户名不对"}).status_code == 302
    assert balance(agent)["available"] == Decimal("300.00")


def test_the_owner_sees_each_agents_earnings(owner_client, agent,
                                             django_assert_max_num_queries):
    for _ in range(5):
        AgentFactory()
    with django_assert_max_num_queries(8):
        page = owner_client.get(reverse("earnings:agents")).content.decode()
    assert "王小二" in page and "¥300.00" in page
    detail = owner_client.get(reverse("earnings:agent", kwargs={"public_id": agent.public_id}))
    assert 'data-bucket="available"' in detail.content.decode()


def test_settings_warn_about_team_pay_and_need_the_confirmation(owner_client):
    page = owner_client.get(reverse("earnings:settings")).content.decode()
    assert "团队计酬" in page and "data-upline-warning" in page
    data = {"withdrawal_minimum": "10", "withdrawal_fee_percent": "0",
            "upline_enabled": "on", "upline_percent": "3"}
    answer = owner_client.post(reverse("earnings:settings"), data)
    assert answer.status_code == 400
    assert "Confirm that you read the warning" in answer.content.decode()
    assert not CommissionSettings.load().upline_enabled
    answer = owner_client.post(reverse("earnings:settings"), {**data, "confirm_upline": "on"})
    assert answer.status_code == 302
    assert CommissionSettings.load().upline_percent == Decimal("3.00")


def test_settings_say_the_switch_covers_every_order_an_agent_bought(owner_client):
    """Not only the seller's team: uplines and unrelated agents buying in each other's shops
    (before, the switch spoke of team orders only and the others earned regardless)."""
    page = owner_client.get(reverse("earnings:settings")).content.decode()
    assert "Orders bought by agents" in page
    assert "pay commission on orders bought by agents" in page
    assert "(of the seller&#x27;s team, an upline or any other agent)" in page
    assert "never counts towards upgrades" in page


def test_settings_tell_the_freeze_and_the_owner_where_to_change_it(owner_client):
    update_shop_settings(None, after_sales_days=1)
    page = owner_client.get(reverse("earnings:settings")).content.decode()
    assert "Earnings stay frozen for the after-sales window: 1 day." in page
    assert f'href="{reverse("orders:settings")}#id_after_sales_days"' in page
    assert 'name="freeze_days"' not in page
    # Staff who manage agents see the window; only the owner changes the shop's settings.
    staff = Client(HTTP_ACCEPT_LANGUAGE="en")
    staff.force_login(UserFactory(role="staff", areas=["agents"]))
    page = staff.get(reverse("earnings:settings")).content.decode()
    assert 'data-after-sales-days="1"' in page and reverse("orders:settings") not in page


def test_pages_need_a_login(client):
    answer = client.get(reverse("earnings:home"))
    assert answer.status_code == 302 and "login" in answer["Location"]


def test_the_admin_shows_earnings_read_only(client, agent):
    withdrawal = ask(agent)
    client.force_login(UserFactory(role="owner", is_staff=True, is_superuser=True))
    for name in ("ledgerentry", "agentbalance", "withdrawal", "commissionsettings"):
        assert client.get(reverse(f"admin:commissions_{name}_changelist")).status_code == 200
    detail = client.get(reverse("admin:commissions_withdrawal_change", args=[withdrawal.pk]))
    assert detail.status_code == 200 and f"withdraw:{withdrawal.pk}:" in detail.content.decode()
    assert client.get(reverse("admin:commissions_withdrawal_add")).status_code == 403
