"""Withdrawals (提现): an agent asks for available money, the owner approves, pays it outside
Weishang (a transfer) and records the reference and receipt, or rejects it.

Each step moves the amount between an agent's buckets as ledger entries (keys
``withdraw:<withdrawal id>:<step>:…``, so a step is written once) and changes AgentBalance by a
conditional UPDATE in the same transaction: taking money out of a bucket filters on it holding
enough, so concurrent requests can never overdraw — the second one updates no row and is refused.

    request   available −amount, withdrawing +amount                  (state requested)
    approve   nothing moves                                           (state approved)
    pay       withdrawing −amount, withdrawn +(amount − fee) and +fee  (state paid; the fee is its
              own entry, so the ledger explains the transfer of amount − fee)
    reject    withdrawing −amount, available +amount                  (state rejected)
"""

from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F
from django.db.models.functions import Round
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.core import images
from weishang.core.cleaning import clean_line, one_line
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.models import max_length_of
from weishang.core.money import to_money

from ..models import (
    AgentBalance,
    Bucket,
    CommissionSettings,
    EntryKind,
    LedgerEntry,
    PayoutMethod,
    Withdrawal,
    WithdrawalState,
)

#: Which states each state may become; every transition happens once.
TRANSITIONS = {
    WithdrawalState.REQUESTED: {WithdrawalState.APPROVED, WithdrawalState.REJECTED},
    WithdrawalState.APPROVED: {WithdrawalState.PAID, WithdrawalState.REJECTED},
    WithdrawalState.PAID: set(),
    WithdrawalState.REJECTED: set(),
}


class InsufficientBalance(Conflict):
    code = "insufficient_balance"


class _RequestKeyTaken(Exception):
    """Another request with the same key inserted its withdrawal first."""


# ---------------------------------------------------------------------------------------------
# Moving money between buckets


def _move(withdrawal: Withdrawal, step: str, entries: list[tuple[str, str, Decimal]]) -> None:
    """Write ``entries`` (kind, bucket, amount) for one step of ``withdrawal`` and change the
    agent's balance by the same amounts in one conditional UPDATE: every bucket an entry takes
    from must hold at least that much, else nothing changes and InsufficientBalance is raised."""
    totals: dict[str, Decimal] = {}
    for _kind, bucket, amount in entries:
        totals[bucket] = totals.get(bucket, Decimal(0)) + amount
    enough = {f"{bucket}__gte": -total for bucket, total in totals.items() if total < 0}
    # Rounded to the fen, as post_to_balances does: SQLite adds in floating point, and a
    # balance left at 10.489999999999998 would refuse the 10.49 the agent is shown.
    updated = (AgentBalance.objects.filter(agent_id=withdrawal.agent_id, **enough)
               .update(**{bucket: Round(F(bucket) + total, 2)
                          for bucket, total in totals.items()}))
    if updated != 1:
        raise InsufficientBalance(_("Your available balance is not enough for this amount."))
    LedgerEntry.objects.bulk_create(
        LedgerEntry(agent_id=withdrawal.agent_id, kind=kind, bucket=bucket, amount=amount,
                    withdrawal=withdrawal, key=f"withdraw:{withdrawal.pk}:{step}:{kind}:{bucket}")
        for kind, bucket, amount in entries)


# ---------------------------------------------------------------------------------------------
# Input


def _text(value, *, field: str, missing: str, model_field: str | None = None) -> str:
    return clean_line(value, field=field, limit=max_length_of(Withdrawal, model_field or field),
                      missing=missing)


def _amount(value) -> Decimal:
    try:
        amount = to_money(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter an amount in yuan, such as 100.00."),
                           field="amount") from None
    if amount <= 0:
        raise InvalidInput(_("Enter an amount above 0."), field="amount")
    minimum = CommissionSettings.load().withdrawal_minimum
    if amount < minimum:
        raise InvalidInput(_("The smallest withdrawal is ¥%(minimum)s.") % {"minimum": minimum},
                           field="amount")
    return amount


def fee_for(amount: Decimal) -> Decimal:
    """The owner's withdrawal fee on ``amount``, rounded to fen."""
    return to_money(amount * CommissionSettings.load().withdrawal_fee_percent / 100)


def _refuse_unless_available(agent, amount: Decimal) -> None:
    """A clear reason before anything is written (the conditional UPDATE is the real guard)."""
    available = (AgentBalance.objects.filter(agent=agent).values_list("available", flat=True)
                 .first()) or Decimal(0)
    if available < 0:
        raise InsufficientBalance(
            _("Your balance is ¥%(available)s: it is repaid from your next earnings, and "
              "withdrawals open again once it is above zero.") % {"available": available},
            code="negative_balance")
    if available < amount:
        raise InsufficientBalance(
            _("You can withdraw at most ¥%(available)s.") % {"available": available},
            field="amount")


# ---------------------------------------------------------------------------------------------
# Requesting


def request_withdrawal(agent, *, amount, method: str, account: str, account_name: str,
                       request_key: str) -> Withdrawal:
    """Ask for ``amount`` of the agent's available money to be paid to ``account``.

    The same ``request_key`` sent again (a double tap, a retry, even at the same moment) returns
    the withdrawal the first request created. Refused, with nothing written, below the owner's
    minimum, while the balance is negative, or above what is available.
    """
    request_key = one_line(request_key)
    if not request_key:
        raise InvalidInput(_("The request key is missing."), field="request_key")
    if len(request_key) > max_length_of(Withdrawal, "request_key"):
        raise InvalidInput(_("The request key is too long."), field="request_key")
    existing = Withdrawal.objects.filter(request_key=request_key).first()
    if existing:
        return _same_agent(existing, agent)
    amount = _amount(amount)
    if method not in PayoutMethod.values:
        raise InvalidInput(_("Choose WeChat, Alipay or a bank card."), field="method")
    account = _text(account, field="account", missing=_("Enter the account to pay to."))
    account_name = _text(account_name, field="account_name",
                         missing=_("Enter the account holder's name."))
    fee = fee_for(amount)
    if fee >= amount:
        raise InvalidInput(_("The amount does not cover the withdrawal fee."), field="amount")
    try:
        _refuse_unless_available(agent, amount)
        return _create(agent, amount=amount, fee=fee, method=method, account=account,
                       account_name=account_name, request_key=request_key)
    except _RequestKeyTaken:
        return _same_agent(Withdrawal.objects.get(request_key=request_key), agent)
    except InsufficientBalance:
        # The same request sent at the same moment may have taken the money first: then its
        # withdrawal is the answer, not a refusal.
        existing = Withdrawal.objects.filter(request_key=request_key).first()
        if existing:
            return _same_agent(existing, agent)
        raise


def _same_agent(withdrawal: Withdrawal, agent) -> Withdrawal:
    if withdrawal.agent_id != agent.pk:
        # Keys are the client's: one that another agent used says nothing about them.
        raise InvalidInput(_("This request key was already used; send a new one."),
                           field="request_key")
    return withdrawal


@transaction.atomic
def _create(agent, **fields) -> Withdrawal:
    withdrawal = Withdrawal(agent=agent, **fields)
    try:
        with transaction.atomic():
            withdrawal.save(force_insert=True)
    except IntegrityError:
        if Withdrawal.objects.filter(request_key=fields["request_key"]).exists():
            raise _RequestKeyTaken from None
        raise
    _move(withdrawal, "request", [
        (EntryKind.WITHDRAWAL, Bucket.AVAILABLE, -withdrawal.amount),
        (EntryKind.WITHDRAWAL, Bucket.WITHDRAWING, withdrawal.amount),
    ])
    return withdrawal


# ---------------------------------------------------------------------------------------------
# The owner's decisions


def invalid_transition(current: str, target: str) -> Conflict:
    return Conflict(
        _("This withdrawal is “%(current)s”; it cannot become “%(target)s”.")
        % {"current": WithdrawalState(current).label, "target": WithdrawalState(target).label},
        code="invalid_transition")


@transaction.atomic
def _transition(withdrawal: Withdrawal, target: str, *, actor, changes: dict,
                entries: list[tuple[str, str, Decimal]], now=None) -> Withdrawal:
    """Lock the withdrawal, check ``target`` is allowed from its state, move the money and
    change the state on the condition of the old one (a repeated call is refused)."""
    require_manager(actor, "agents")
    locked = Withdrawal.objects.select_for_update().get(pk=withdrawal.pk)
    if target not in TRANSITIONS[locked.state]:
        raise invalid_transition(locked.state, target)
    if target in PAYING_OUT:
        _refuse_while_negative(locked)
    now = now or timezone.now()
    for name, value in {"state": target, "updated_at": now, **changes}.items():
        setattr(locked, name, value)
    if target != WithdrawalState.PAID:
        locked.decided_by, locked.decided_at = actor, now
    if entries:
        _move(locked, target, entries)
    locked.save()
    return locked


#: The steps that pay an agent out: refused while their available balance is negative.
PAYING_OUT = (WithdrawalState.APPROVED, WithdrawalState.PAID)


def _refuse_while_negative(withdrawal: Withdrawal) -> None:
    """A refund taken back after the request left the agent owing: paying out now would pay
    money they no longer have. The balance row is locked, so no reversal slips in between."""
    available = (AgentBalance.objects.select_for_update().filter(agent_id=withdrawal.agent_id)
                 .values_list("available", flat=True).first()) or Decimal(0)
    if available < 0:
        raise InsufficientBalance(
            _("%(agent)s's available balance is ¥%(available)s: a refund took back earnings "
              "after this withdrawal of ¥%(amount)s was requested. It cannot be approved or "
              "paid until the balance is back to at least zero; you may reject it, which "
              "returns the ¥%(amount)s to the balance.")
            % {"agent": withdrawal.agent.name, "available": available,
               "amount": withdrawal.amount},
            code="negative_balance")


def approve(withdrawal: Withdrawal, *, actor, now=None) -> Withdrawal:
    """The owner agrees to pay: the money stays in withdrawing until it is paid. Refused while
    the agent's available balance is negative."""
    return _transition(withdrawal, WithdrawalState.APPROVED, actor=actor, changes={},
                       entries=[], now=now)


@transaction.atomic
def mark_paid(withdrawal: Withdrawal, *, actor, reference: str, receipt=None,
              now=None) -> Withdrawal:
    """The owner transferred amount − fee: record the transfer's ``reference`` and, if given,
    a picture of the ``receipt`` (checked like product images, its metadata removed). Refused
    while the agent's available balance is negative."""
    reference = _text(reference, field="reference",
                      missing=_("Enter the transfer's reference number."))
    if receipt is not None:
        try:
            checked = images.check_image(receipt)
        except InvalidInput as exc:
            exc.field = "receipt"
            raise
    amount, fee = withdrawal.amount, withdrawal.fee
    now = now or timezone.now()
    paid = _transition(withdrawal, WithdrawalState.PAID, actor=actor, now=now,
                       changes={"reference": reference, "paid_at": now}, entries=[
                           (EntryKind.WITHDRAWAL, Bucket.WITHDRAWING, -amount),
                           (EntryKind.WITHDRAWAL, Bucket.WITHDRAWN, amount - fee),
                           *([(EntryKind.WITHDRAWAL_FEE, Bucket.WITHDRAWN, fee)] if fee else []),
                       ])
    if receipt is not None:
        paid.receipt.save(f"{paid.public_id}.{checked.extension}",
                          images.without_metadata(receipt, checked).content)
    return paid


def reject(withdrawal: Withdrawal, *, actor, note: str, now=None) -> Withdrawal:
    """The owner will not pay (``note`` tells the agent why): the amount is available again."""
    note = _text(note, field="note", missing=_("Tell the agent why."))
    return _transition(withdrawal, WithdrawalState.REJECTED, actor=actor, now=now,
                       changes={"note": note}, entries=[
                           (EntryKind.WITHDRAWAL_RETURN, Bucket.WITHDRAWING, -withdrawal.amount),
                           (EntryKind.WITHDRAWAL_RETURN, Bucket.AVAILABLE, withdrawal.amount),
                       ])
