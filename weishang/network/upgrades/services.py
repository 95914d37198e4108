"""Automatic upgrades: each active agent reaches the highest level whose conditions their real
retail selling meets; and when refunds later take that selling below the level it earned them,
the level is reviewed as the owner chose (NetworkSettings.upgrade_review).

What is measured is only what the law allows (UpgradeMetric): the goods of the agent's retail
orders that are final (completed, past the after-sales window) and net of refunds, sold to
real customers — never to the agent themselves or to any other agent — the distinct
customers of those orders, and the full months since joining. Orders
defines which orders those are (orders/sales.py) and hands the reading over at start-up
(``read_retail_with``): network comes before orders. Stock purchases never count.

A review only ever concerns a level reached automatically (``Agent.upgraded_from``), and never
goes below the level held before those upgrades: what the owner set by hand stays.
"""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    Agent,
    AgentLevel,
    AgentState,
    Combination,
    NetworkSettings,
    UpgradeMetric,
    UpgradeReview,
)
from ..services import change_level

#: (sellers' user ids, now) → {user id: an object with ``sales`` and ``customers``}
RetailReader = Callable[[list[int], datetime], dict]
_read_retail: RetailReader | None = None


def read_retail_with(reader: RetailReader) -> None:
    """How agents' real retail selling is read (orders registers it in its ``ready``)."""
    global _read_retail
    _read_retail = reader


def full_months(since: datetime | None, now: datetime) -> int:
    if since is None:
        return 0
    since, now = timezone.localtime(since), timezone.localtime(now)
    months = (now.year - since.year) * 12 + now.month - since.month
    if (now.day, now.time()) < (since.day, since.time()):
        months -= 1
    return max(months, 0)


def metrics(agents: list[Agent], now: datetime) -> dict[int, dict[str, Decimal]]:
    """{agent id: {metric: value}} for ``agents`` (a few queries for all of them)."""
    selling = _read_retail([agent.user_id for agent in agents], now)
    measured = {}
    for agent in agents:
        sold = selling.get(agent.user_id)
        measured[agent.pk] = {
            UpgradeMetric.RETAIL_SALES: Decimal(sold.sales if sold else 0),
            UpgradeMetric.RETAIL_CUSTOMERS: Decimal(sold.customers if sold else 0),
            UpgradeMetric.MONTHS_ACTIVE: Decimal(full_months(agent.joined_at, now)),
        }
    return measured


def meets(level: AgentLevel, measured: dict[str, Decimal]) -> bool:
    """Whether ``measured`` meets the level's conditions; a level without any is reached by
    hand only."""
    results = [measured[condition.metric] >= condition.threshold
               for condition in level.conditions.all()]
    if not results:
        return False
    return all(results) if level.combination == Combination.ALL else any(results)


def supported_level(agent: Agent, levels: list[AgentLevel],
                    measured: dict[str, Decimal]) -> AgentLevel:
    """The level ``agent``'s selling supports now, for a level reached automatically: their own
    while it meets its conditions (or has none any more: the owner made it hand-only), else the
    highest one met above the level they were upgraded from, else that level."""
    floor = agent.upgraded_from
    if floor is None or not agent.level.conditions.all() or meets(agent.level, measured):
        return agent.level
    return next((level for level in levels  # highest rank first
                 if floor.rank < level.rank < agent.level.rank and meets(level, measured)),
                floor)


def _upgrade(agent: Agent, target: AgentLevel, now: datetime) -> int:
    with transaction.atomic():
        # Conditional on the level read: an owner's change meanwhile wins.
        return change_level(agent, target, actor=None, note=_("Upgraded automatically"),
                            now=now, upgraded_from=agent.upgraded_from or agent.level)


def _review(agent: Agent, supported: AgentLevel, policy: str, now: datetime) -> int:
    """Act on a level its selling no longer supports (or clear the flag once it does again);
    1 when the agent moved or was newly flagged."""
    current = Agent.objects.filter(pk=agent.pk, level_id=agent.level_id)
    if supported == agent.level:
        if agent.level_review_since is not None:
            current.update(level_review_since=None, level_review_to=None, updated_at=now)
        return 0
    if policy == UpgradeReview.RECOMPUTE:
        with transaction.atomic():
            return change_level(
                agent, supported, actor=None, now=now,
                note=_("Recomputed: refunds left the selling short of %(level)s")
                % {"level": agent.level.name},
                upgraded_from=agent.upgraded_from if supported != agent.upgraded_from else None)
    if agent.level_review_since is not None and agent.level_review_to_id == supported.pk:
        return 0
    current.update(level_review_to=supported, updated_at=now,
                   level_review_since=Coalesce(F("level_review_since"), now))
    return int(agent.level_review_since is None)


def run_upgrades(now: datetime | None = None) -> int:
    """Move every active agent whose selling meets a higher level's conditions to the highest
    such level, and review the levels reached automatically whose selling refunds took below
    them; how many agents moved or were newly flagged. Running it again changes nothing."""
    now = now or timezone.now()
    levels = list(AgentLevel.objects.prefetch_related("conditions").order_by("-rank"))
    if not any(level.conditions.all() for level in levels):
        return 0
    by_pk = {level.pk: level for level in levels}
    policy = NetworkSettings.load().upgrade_review
    agents = list(Agent.objects.filter(state=AgentState.ACTIVE))
    for agent in agents:  # the levels with their conditions, read once
        agent.level = by_pk[agent.level_id]
        agent.upgraded_from = by_pk.get(agent.upgraded_from_id)
    measured = metrics(agents, now)
    changed = 0
    for agent in agents:
        target = next((level for level in levels if level.rank > agent.level.rank
                       and meets(level, measured[agent.pk])), None)
        if target is not None:
            changed += _upgrade(agent, target, now)
        elif agent.upgraded_from is not None:
            changed += _review(agent, supported_level(agent, levels, measured[agent.pk]),
                               policy, now)
    return changed
