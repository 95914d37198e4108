"""Reads about agents that several apps need."""

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
