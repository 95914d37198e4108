"""Reads of earnings and withdrawals for the console pages and the API."""

from django.db.models import Case, IntegerField, QuerySet, Value, When

from weishang.network.models import Agent

from .models import AgentBalance, LedgerEntry, Withdrawal, WithdrawalState

#: Shown first in the owner's queue: what still waits for a decision or a transfer.
OPEN_STATES = (WithdrawalState.REQUESTED, WithdrawalState.APPROVED)


def balance_for(agent: Agent) -> AgentBalance:
    """The agent's balance per bucket; zeros (unsaved) before their first earning."""
    return AgentBalance.objects.filter(agent=agent).first() or AgentBalance(agent=agent)


def ledger_for(agent: Agent) -> QuerySet[LedgerEntry]:
    """The agent's ledger, newest first, with each entry's order and withdrawal."""
    return (LedgerEntry.objects.filter(agent=agent)
            .select_related("order", "withdrawal")
            .order_by("-created_at", "-id"))


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
