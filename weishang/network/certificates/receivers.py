"""Certificates follow the agent: issued when they become active (again), revoked when they are
suspended or exit, replaced when their level changes (the old one would name the old level)."""

from django.dispatch import receiver

from ..models import AgentState
from ..signals import agent_level_changed, agent_state_changed
from . import services

REVOKED_WHEN = {AgentState.SUSPENDED: services.REVOKED_SUSPENDED,
                AgentState.EXITED: services.REVOKED_EXITED}


@receiver(agent_state_changed, dispatch_uid="certificates_follow_state")
def follow_state(sender, agent, from_state, to_state, **kwargs):
    if to_state == AgentState.ACTIVE:
        services.issue(agent)
    elif to_state in REVOKED_WHEN:
        services.revoke_all(agent, reason=REVOKED_WHEN[to_state])


@receiver(agent_level_changed, dispatch_uid="certificates_follow_level")
def follow_level(sender, agent, from_level, to_level, **kwargs):
    if agent.state == AgentState.ACTIVE:
        services.revoke_all(agent, reason=services.REVOKED_LEVEL_CHANGED)
        services.issue(agent)
