"""The upline tree: an invitation binds (as the owner's binding mode says), the owner moves an
agent, bindings end when their time is up. Every change of the tree holds the settings lock
first, so no two run at once."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.core.errors import Conflict

from ..models import Agent, BindingMode, NetworkSettings, UplineChange
from .base import locked


def _current_upline_id(agent: Agent, now: datetime) -> int | None:
    if agent.upline_id and (agent.upline_until is None or agent.upline_until > now):
        return agent.upline_id
    return None


def _refuse_cycle(agent: Agent, upline: Agent) -> None:
    """Refuse ``upline`` if it is ``agent`` or anywhere in ``agent``'s downline: walk up from
    ``upline`` to the top, locking each row read. Callers hold the settings lock, so no other
    change of the tree runs meanwhile."""
    seen = set()
    current_id = upline.pk
    while current_id is not None:
        if current_id == agent.pk:
            raise Conflict(_("%(agent)s cannot be placed under %(upline)s: %(upline)s is in "
                             "%(agent)s's own team.") % {"agent": agent.name,
                                                          "upline": upline.name},
                           code="upline_cycle")
        if current_id in seen:  # an old cycle would loop forever: refuse rather than hang
            raise Conflict(code="upline_cycle")
        seen.add(current_id)
        current_id = (Agent.objects.select_for_update().filter(pk=current_id)
                      .values_list("upline_id", flat=True).first())


def _rebind(agent: Agent, upline: Agent | None, *, reason: str, actor,
            until: datetime | None) -> None:
    from_upline_id = agent.upline_id
    Agent.objects.filter(pk=agent.pk).update(upline=upline, upline_until=until,
                                             updated_at=timezone.now())
    UplineChange.objects.create(agent=agent, from_upline_id=from_upline_id, to_upline=upline,
                                reason=reason, actor=actor)
    agent.upline, agent.upline_until = upline, until


def binding_allowed(agent: Agent, inviter: Agent, rules: NetworkSettings, *, now: datetime,
                    at_signup: bool = False) -> bool:
    """Whether ``inviter``'s invitation makes them ``agent``'s upline under the binding mode
    (cycles aside)."""
    current = _current_upline_id(agent, now)
    if inviter.pk in (current, agent.pk):
        return False
    if rules.binding_mode == BindingMode.OVERWRITE:
        return True
    if rules.binding_mode == BindingMode.SIGNUP:
        return at_signup and current is None
    return current is None


def bind(agent: Agent, inviter: Agent, *, actor=None, now: datetime | None = None,
         at_signup: bool = False) -> bool:
    """``inviter`` invited ``agent``: make them the upline if the binding mode says so
    (``at_signup``: the invitation the agent joined with). True if the upline changed.
    ``actor``: the agent accepting an invitation themselves, someone managing agents, or None
    (the system: an approval made automatically)."""
    if actor is None or actor.pk != agent.user_id:
        require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    now = now or timezone.now()
    with transaction.atomic():
        rules = NetworkSettings.load(lock=True)
        agent = locked(agent)
        if not binding_allowed(agent, inviter, rules, now=now, at_signup=at_signup):
            return False
        _refuse_cycle(agent, inviter)
        until = now + timedelta(days=rules.binding_days) if rules.binding_days else None
        _rebind(agent, inviter, reason=UplineChange.Reason.INVITATION, actor=actor,
                until=until)
    return True


def move(actor, agent: Agent, upline: Agent | None) -> Agent:
    """The owner puts ``agent`` under ``upline`` (None: under nobody), for good. What anyone
    earned before stays theirs."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        NetworkSettings.load(lock=True)
        agent = locked(agent)
        if upline is not None:
            _refuse_cycle(agent, upline)
        if agent.upline_id == (upline.pk if upline else None) and agent.upline_until is None:
            raise Conflict(_("The agent is under this upline already."), code="same_upline")
        _rebind(agent, upline, reason=UplineChange.Reason.OWNER_MOVE, actor=actor, until=None)
    return agent


def expire_bindings(now: datetime | None = None) -> int:
    """End every binding whose time is up (``binding_days``); how many ended."""
    now = now or timezone.now()
    with transaction.atomic():
        NetworkSettings.load(lock=True)
        due = list(Agent.objects.select_for_update()
                   .filter(upline__isnull=False, upline_until__lte=now)
                   .values_list("pk", "upline_id"))
        if not due:
            return 0
        UplineChange.objects.bulk_create(
            UplineChange(agent_id=pk, from_upline_id=upline_id, to_upline=None,
                         reason=UplineChange.Reason.EXPIRED) for pk, upline_id in due)
        Agent.objects.filter(pk__in=[pk for pk, _upline in due]).update(
            upline=None, upline_until=None, updated_at=now)
    return len(due)
