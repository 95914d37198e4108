"""Automatic upgrades: each active agent reaches the highest level whose conditions their selling
meets, never lower than they are.

What is measured is only what the law allows (UpgradeMetric): goods sold on retail orders of the
agent's own shop that were paid and not cancelled or refunded, the distinct customers (mobile
numbers) of those orders, and the full months since joining. An agent's own stock purchases
(orders of kind purchase) never count. The measures of all agents come from one aggregate query.
"""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.orders.models import Order, OrderKind

from .models import Agent, AgentLevel, AgentState, Combination, UpgradeMetric
from .services import change_level


def full_months(since: datetime | None, now: datetime) -> int:
    if since is None:
        return 0
    since, now = timezone.localtime(since), timezone.localtime(now)
    months = (now.year - since.year) * 12 + now.month - since.month
    if (now.day, now.time()) < (since.day, since.time()):
        months -= 1
    return max(months, 0)


def metrics(agents: list[Agent], now: datetime) -> dict[int, dict[str, Decimal]]:
    """{agent id: {metric: value}} for ``agents`` (one query for all of them)."""
    sold = {row["shop__seller_id"]: row for row in (
        Order.objects.sales().filter(kind=OrderKind.RETAIL,
                                     shop__seller_id__in=[agent.user_id for agent in agents])
        .values("shop__seller_id")
        .annotate(sales=Sum("goods_total"), customers=Count("recipient_phone", distinct=True))
        .order_by())}
    measured = {}
    for agent in agents:
        row = sold.get(agent.user_id, {})
        measured[agent.pk] = {
            UpgradeMetric.RETAIL_SALES: Decimal(row.get("sales") or 0),
            UpgradeMetric.RETAIL_CUSTOMERS: Decimal(row.get("customers") or 0),
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


def run_upgrades(now: datetime | None = None) -> int:
    """Move every active agent whose selling meets a higher level's conditions to the highest
    such level; how many moved. Running it again changes nothing."""
    now = now or timezone.now()
    levels = list(AgentLevel.objects.prefetch_related("conditions").order_by("-rank"))
    if not any(level.conditions.all() for level in levels):
        return 0
    agents = list(Agent.objects.select_related("level").filter(state=AgentState.ACTIVE))
    measured = metrics(agents, now)
    moved = 0
    for agent in agents:
        target = next((level for level in levels if level.rank > agent.level.rank
                       and meets(level, measured[agent.pk])), None)
        if target is None:
            continue
        with transaction.atomic():
            # Conditional on the level read: an owner's change meanwhile wins.
            moved += change_level(agent, target, actor=None,
                                  note=_("Upgraded automatically"), now=now)
    return moved
