"""Certificates follow the agent: issued when they become active (again), revoked when they are
suspended or exit, replaced when their level changes (the old one would name the old level)."""

from django.dispatch import receiver

from . import certificates
from .models import AgentState
from .signals import agent_level_changed, agent_state_changed

REVOKED_WHEN = {AgentState.SUSPENDED: certificates.REVOKED_SUSPENDED,
                AgentState.EXITED: certificates.REVOKED_EXITED}


@receiver(agent_state_changed, dispatch_uid="certificates_follow_state")
def follow_state(sender, agent, from_state, to_state, **kwargs):
    if to_state == AgentState.ACTIVE:
        certificates.issue(agent)
    elif to_state in REVOKED_WHEN:
        certificates.revoke_all(agent, reason=REVOKED_WHEN[to_state])


@receiver(agent_level_changed, dispatch_uid="certificates_follow_level")
def follow_level(sender, agent, from_level, to_level, **kwargs):
    if agent.state == AgentState.ACTIVE:
        certificates.revoke_all(agent, reason=certificates.REVOKED_LEVEL_CHANGED)
        certificates.issue(agent)
