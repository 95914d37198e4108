"""Reads about agents that several apps need."""

from django.utils import timezone

from .models import Agent, AgentState


def agent_of(user) -> Agent | None:
    """The agent record of ``user`` (any state), or None for the owner, staff and visitors."""
    if not (user and user.is_authenticated):
        return None
    return Agent.objects.select_related("level").filter(user=user).first()


def selling_agent(shop) -> Agent | None:
    """The active agent whose shop ``shop`` is; None for the owner's shop (or a shop whose
    agent is not active, which sells nothing)."""
    return (Agent.objects.select_related("level", "user")
            .filter(user_id=shop.seller_id, state=AgentState.ACTIVE).first())


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
