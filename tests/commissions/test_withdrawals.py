"""Withdrawal services: the owner's minimum and fee, what an agent may take out, one withdrawal
per request key, and each decision once, with the ledger explaining every move."""

from decimal import Decimal

import pytest

from tests.commissions.withdrawing import balance, credit
from tests.factories import AgentFactory, UserFactory
from weishang.commissions.models import (
    EntryKind,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from weishang.commissions.services import rules, withdrawals
from weishang.core.errors import Conflict, InvalidInput, NotPermitted

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def ask(agent, amount="100.00", key="k1", **kwargs):
    fields = {"method": "alipay", "account": "agent@example.com", "account_name": "李四",
              **kwargs}
    return withdrawals.request_withdrawal(agent, amount=amount, request_key=key, **fields)


def set_rules(owner, **changes):
    rules.update_commission_settings(owner, **changes)


@pytest.fixture
def agent():
    agent = AgentFactory()
    credit(agent, "500.00")
    return agent


def test_request_moves_the_amount_from_available_to_withdrawing(agent, owner):
    set_rules(owner, withdrawal_fee_percent="1.5")
    withdrawal = ask(agent, "200.00")
    assert withdrawal.state == WithdrawalState.REQUESTED
    assert withdrawal.fee == Decimal("3.00")
    assert balance(agent)["available"] == Decimal("300.00")
    assert balance(agent)["withdrawing"] == Decimal("200.00")
    keys = set(withdrawal.entries.values_list("key", flat=True))
    assert all(key.startswith(f"withdraw:{withdrawal.pk}:") for key in keys) and len(keys) == 2


def test_fee_is_rounded_half_up_to_the_fen(agent, owner):
    set_rules(owner, withdrawal_fee_percent="0.6")
    assert ask(agent, "10.75").fee == Decimal("0.06")  # 0.0645 → 0.06
    assert ask(agent, "10.85", key="k2").fee == Decimal("0.07")  # 0.0651 → 0.07


def test_below_the_minimum_is_refused(agent, owner):
    set_rules(owner, withdrawal_minimum="50")
    with pytest.raises(InvalidInput, match="smallest withdrawal is ¥50.00") as refused:
        ask(agent, "49.99")
    assert refused.value.field == "amount"
    assert not Withdrawal.objects.exists()


def test_more_than_available_is_refused_and_nothing_is_written(agent):
    entries = LedgerEntry.objects.count()
    with pytest.raises(Conflict, match=r"at most ¥500.00") as refused:
        ask(agent, "500.01")
    assert refused.value.code == "insufficient_balance"
    assert not Withdrawal.objects.exists()
    assert LedgerEntry.objects.count() == entries
    assert balance(agent)["available"] == Decimal("500.00")


def test_a_negative_balance_blocks_withdrawals_until_repaid():
    agent = AgentFactory()
    credit(agent, "-30.00")
    credit(agent, "100.00", bucket="frozen")
    with pytest.raises(Conflict, match="repaid from your next earnings") as refused:
        ask(agent, "10.00")
    assert refused.value.code == "negative_balance"
    credit(agent, "40.00")
    assert ask(agent, "10.00").amount == Decimal("10.00")


def test_an_agent_with_no_earnings_cannot_withdraw():
    with pytest.raises(Conflict, match=r"at most ¥0"):
        ask(AgentFactory(), "10.00")


@pytest.mark.parametrize(("field", "value", "message"), [
    ("amount", "abc", "Enter an amount"),
    ("amount", "0", "above 0"),
    ("method", "paypal", "WeChat, Alipay or a bank card"),
    ("account", "  ", "account to pay to"),
    ("account_name", "", "account holder"),
    ("account", "x" * 61, "At most 60"),
])
def test_bad_input_is_refused_by_field(agent, field, value, message):
    kwargs = {field: value}
    amount = kwargs.pop("amount", "100.00")
    with pytest.raises(InvalidInput, match=message) as refused:
        ask(agent, amount, **kwargs)
    assert refused.value.field == field
    assert not Withdrawal.objects.exists()


def test_the_same_request_key_is_one_withdrawal(agent):
    first = ask(agent, "100.00", key="tap")
    again = ask(agent, "100.00", key="tap")
    assert again.pk == first.pk
    assert Withdrawal.objects.count() == 1
    assert balance(agent)["available"] == Decimal("400.00")


def test_a_retry_overtaken_by_its_first_request_gets_that_withdrawal_not_a_refusal(
        agent, monkeypatch):
    """The first request commits between the retry's look-up of its key and its balance
    check (a race seen on PostgreSQL, see test_withdrawal_concurrency): the retry answers with
    the first request's withdrawal."""
    checked_amount = withdrawals._amount

    def the_first_request_commits_meanwhile(amount):
        monkeypatch.setattr(withdrawals, "_amount", checked_amount)
        ask(agent, "500.00", key="whole")
        return checked_amount(amount)

    monkeypatch.setattr(withdrawals, "_amount", the_first_request_commits_meanwhile)
    retry = ask(agent, "500.00", key="whole")
    assert retry == Withdrawal.objects.get()
    assert balance(agent)["available"] == Decimal("0.00")


def test_another_agents_request_key_is_refused_without_showing_theirs(agent):
    ask(agent, key="shared")
    other = AgentFactory()
    credit(other, "100.00")
    with pytest.raises(InvalidInput, match="already used") as refused:
        ask(other, key="shared")
    assert refused.value.field == "request_key"


def test_approve_then_pay_records_the_fee_as_its_own_entry(agent, owner):
    set_rules(owner, withdrawal_fee_percent="2")
    withdrawal = withdrawals.approve(ask(agent, "150.00"), actor=owner)
    assert withdrawal.state == WithdrawalState.APPROVED
    assert withdrawal.decided_by == owner
    paid = withdrawals.mark_paid(withdrawal, actor=owner, reference="支付宝 2026120512345")
    assert paid.state == WithdrawalState.PAID and paid.paid_at
    assert balance(agent) == {"pending": 0, "frozen": 0, "available": Decimal("350.00"),
                              "withdrawing": 0, "withdrawn": Decimal("150.00")}
    paid_entries = {entry.kind: entry.amount for entry in paid.entries.filter(
        bucket="withdrawn")}
    assert paid_entries == {EntryKind.WITHDRAWAL: Decimal("147.00"),
                            EntryKind.WITHDRAWAL_FEE: Decimal("3.00")}


def test_paying_needs_the_approval_first_and_a_reference(agent, owner):
    withdrawal = ask(agent)
    with pytest.raises(Conflict, match="“Requested”; it cannot become “Paid”"):
        withdrawals.mark_paid(withdrawal, actor=owner, reference="x")
    withdrawals.approve(withdrawal, actor=owner)
    with pytest.raises(InvalidInput, match="reference") as refused:
        withdrawals.mark_paid(withdrawal, actor=owner, reference=" ")
    assert refused.value.field == "reference"


def test_reject_returns_the_amount_to_available(agent, owner):
    withdrawal = withdrawals.approve(ask(agent, "120.00"), actor=owner)
    rejected = withdrawals.reject(withdrawal, actor=owner, note="账户名不对")
    assert rejected.state == WithdrawalState.REJECTED and rejected.note == "账户名不对"
    assert balance(agent)["available"] == Decimal("500.00")
    assert balance(agent)["withdrawing"] == 0
    assert rejected.entries.filter(kind=EntryKind.WITHDRAWAL_RETURN).count() == 2


def test_reject_needs_a_reason(agent, owner):
    with pytest.raises(InvalidInput, match="why"):
        withdrawals.reject(ask(agent), actor=owner, note="")


@pytest.mark.parametrize("decide", [
    lambda w, owner: withdrawals.approve(w, actor=owner),
    lambda w, owner: withdrawals.reject(w, actor=owner, note="again"),
    lambda w, owner: withdrawals.mark_paid(w, actor=owner, reference="again"),
])
def test_every_decision_happens_once(agent, owner, decide):
    withdrawal = withdrawals.approve(ask(agent), actor=owner)
    withdrawals.mark_paid(withdrawal, actor=owner, reference="r1")
    entries = LedgerEntry.objects.count()
    with pytest.raises(Conflict, match="“Paid”; it cannot become") as refused:
        decide(withdrawal, owner)
    assert refused.value.code == "invalid_transition"
    assert LedgerEntry.objects.count() == entries
    assert Withdrawal.objects.get().state == WithdrawalState.PAID


def test_rejected_twice_returns_the_amount_once(agent, owner):
    withdrawal = ask(agent, "100.00")
    withdrawals.reject(withdrawal, actor=owner, note="no")
    with pytest.raises(Conflict):
        withdrawals.reject(withdrawal, actor=owner, note="no")
    assert balance(agent)["available"] == Decimal("500.00")


def test_only_who_manages_agents_decides(agent):
    withdrawal = ask(agent)
    for someone in (agent.user, UserFactory(role="staff", areas=["orders"])):
        with pytest.raises(NotPermitted):
            withdrawals.approve(withdrawal, actor=someone)
    manager = UserFactory(role="staff", areas=["agents"])
    assert withdrawals.approve(withdrawal, actor=manager).state == WithdrawalState.APPROVED


def test_what_is_left_after_a_withdrawal_can_be_withdrawn_to_the_fen():
    """Before: on SQLite the balance was moved in floating point, 20.49 − 10.00 left
    10.489999999999998, and asking for the 10.49 shown was refused."""
    agent = AgentFactory()
    credit(agent, "20.49")
    ask(agent, "10.00")
    assert ask(agent, "10.49", key="k2").amount == Decimal("10.49")
    assert balance(agent)["available"] == Decimal("0.00")
