"""Reads about agents: those several apps need, and those of the owner's agent pages (shared by
the console and the API)."""

from collections.abc import Callable

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from weishang.core.phone import normalize_mobile

from .models import Agent, AgentLevel


def agent_of(user) -> Agent | None:
    """The agent record of ``user`` (any state), or None for the owner, staff and visitors."""
    if not (user and user.is_authenticated):
        return None
    return Agent.objects.select_related("level").filter(user=user).first()


#: Deeper than any tree: a chain of uplines longer than this is a cycle (refused when binding).
MAX_TREE_DEPTH = 1000


def uplines_of(agent: Agent, now=None) -> list[int]:
    """The ids of the agent's uplines, the direct one first and up to the top, following only
    bindings that have not expired (one query per level; trees are a few levels deep)."""
    now = now or timezone.now()
    chain: list[int] = []
    upline_id, until = agent.upline_id, agent.upline_until
    while upline_id is not None and (until is None or until > now):
        if upline_id in chain or len(chain) >= MAX_TREE_DEPTH:
            break
        chain.append(upline_id)
        upline_id, until = (Agent.objects.filter(pk=upline_id)
                            .values_list("upline_id", "upline_until").first() or (None, None))
    return chain


# -- The owner's agent pages ----------------------------------------------------------------------


def agent_list(*, q: str = "", state: str = "") -> QuerySet:
    """Agents newest first with their level, login, upline and team size (one query), found by
    name or any part of the mobile number."""
    agents = (Agent.objects.select_related("level", "user", "upline", "level_review_to")
              .annotate(team_size=Count("team")).order_by("-created_at", "-id"))
    if state:
        agents = agents.filter(state=state)
    q = (q or "").strip()
    if q:
        agents = agents.filter(Q(name__icontains=q)
                               | Q(user__phone__contains=normalize_mobile(q) or q)
                               | Q(code=q))
    return agents


def agent_detail(public_id: str) -> Agent:
    """One agent with what their page shows; Agent.DoesNotExist if there is none."""
    return (Agent.objects.select_related("level", "user", "upline", "invited_by", "user__shop",
                                         "upgraded_from", "level_review_to")
            .annotate(team_size=Count("team"))
            .prefetch_related("events__actor", "upline_changes__from_upline",
                              "upline_changes__to_upline", "upline_changes__actor")
            .get(public_id=public_id))


def levels_overview() -> QuerySet:
    """Levels by rank, with their conditions and how many agents hold each."""
    return (AgentLevel.objects.prefetch_related("conditions")
            .annotate(agent_count=Count("agents")).order_by("rank"))


#: (seller's user id, how many) → the newest orders of that seller's shop
LatestOrdersReader = Callable[[int, int], list]
_read_latest_orders: LatestOrdersReader | None = None


def read_latest_orders_with(reader: LatestOrdersReader) -> None:
    """How the agent's page reads their shop's latest orders (orders registers it in its
    ``ready``): network comes before orders and never imports it."""
    global _read_latest_orders
    _read_latest_orders = reader


def latest_orders(agent: Agent, count: int) -> list:
    """The ``count`` newest orders of the agent's own shop."""
    return _read_latest_orders(agent.user_id, count)
