"""Reads of earnings and withdrawals for the console pages and the API."""

from django.db import models
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils.translation import gettext_lazy as _

from weishang.network.models import Agent
from weishang.orders.models import OrderState

from .models import (
    STATEMENT_HIDES,
    AgentBalance,
    EntryKind,
    FrozenRelease,
    LedgerEntry,
    Withdrawal,
    WithdrawalState,
)
from .services import EARNING_KINDS, freezing_entries

#: Shown first in the owner's queue: what still waits for a decision or a transfer.
OPEN_STATES = (WithdrawalState.REQUESTED, WithdrawalState.APPROVED)


def balance_for(agent: Agent) -> AgentBalance:
    """The agent's balance per bucket; zeros (unsaved) before their first earning."""
    return AgentBalance.objects.filter(agent=agent).first() or AgentBalance(agent=agent)


def statement_for(agent: Agent) -> QuerySet[LedgerEntry]:
    """The agent's statement, newest first, with each entry's order and withdrawal: their
    earnings, what took them back and their withdrawals — not the moves of money between
    buckets (``with_states`` tells where each earning's money is now)."""
    return (LedgerEntry.objects.filter(~Q(kind=STATEMENT_HIDES), agent=agent)
            .select_related("agent", "order__shop", "withdrawal")
            .order_by("-created_at", "-id"))


class EarningState(models.TextChoices):
    PENDING = "pending", _("Pending: the order is not completed yet")
    FROZEN = "frozen", _("Frozen for the after-sales window")
    HELD = "held", _("Frozen: the customer asked for a refund")
    AVAILABLE = "available", _("Available")
    TAKEN_BACK = "taken_back", _("Taken back by a refund")


def with_states(entries) -> list[LedgerEntry]:
    """Each earning among ``entries`` (a page of a statement, with their orders) with
    ``state`` (an EarningState) and, while frozen, ``due`` (when it becomes available, unless
    a refund request is open: it waits for the answer), read from its moves and the release
    of its frozen money in two queries."""
    entries = list(entries)
    earnings = [entry for entry in entries if entry.kind in EARNING_KINDS]
    moves = {move.key: move for move in LedgerEntry.objects.filter(key__in=[
        earning.key + suffix for earning in earnings
        for suffix in ("|pending-", "|frozen+", "|frozen-", "|available-")
    ]).only("key", "kind", "available_at")}
    frozen = freezing_entries(earnings, moves)
    settled = set(FrozenRelease.objects.filter(
        entry_id__in=[entry.pk for entry in frozen.values()], run_id__isnull=False,
    ).values_list("entry_id", flat=True))
    for earning in earnings:
        cancelled = any(getattr(moves.get(earning.key + suffix), "kind", "") == EntryKind.CANCEL
                        for suffix in ("|pending-", "|frozen-"))
        holding = frozen.get(earning.key)
        if cancelled or f"{earning.key}|available-" in moves:
            earning.state = EarningState.TAKEN_BACK
        elif holding is not None and holding.pk in settled:
            earning.state = EarningState.AVAILABLE
        elif holding is not None and earning.order.state == OrderState.REFUND_REQUESTED:
            earning.state = EarningState.HELD
        elif holding is not None:
            earning.state, earning.due = EarningState.FROZEN, holding.available_at
        else:
            earning.state = EarningState.PENDING
    return entries


def withdrawals_for(agent: Agent) -> QuerySet[Withdrawal]:
    """The agent's own withdrawals, newest first."""
    return Withdrawal.objects.filter(agent=agent).order_by("-created_at", "-id")


def withdrawal_queue(state: str = "") -> QuerySet[Withdrawal]:
    """Every withdrawal for the owner: open ones (requested, approved) first, oldest open
    first (first come, first paid), then the decided ones, newest first. ``state`` filters."""
    withdrawals = Withdrawal.objects.select_related("agent")
    if state:
        return withdrawals.filter(state=state).order_by("-created_at", "-id")
    is_open = Case(When(state__in=OPEN_STATES, then=Value(0)), default=Value(1),
                   output_field=IntegerField())
    return (withdrawals.annotate(closed=is_open)
            .order_by("closed", Case(When(closed=0, then="created_at")), "-created_at", "-id"))


def withdrawal_by_public_id(public_id: str) -> Withdrawal:
    """Raises Withdrawal.DoesNotExist."""
    return Withdrawal.objects.select_related("agent", "decided_by").get(public_id=public_id)


def agents_with_balances() -> QuerySet[Agent]:
    """Every agent with their balance (None before their first earning), by name."""
    return Agent.objects.select_related("balance").order_by("name", "pk")
