"""An agent's state (approve, reject, suspend, reactivate, exit) and level (by hand, the
owner's answer to a flagged level, and the move every level change goes through)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Shop, User
from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.versions import shop_pages_changed

from ..models import Agent, AgentEvent, AgentLevel, AgentState, NetworkSettings
from ..signals import agent_level_changed, agent_state_changed
from .base import clean_text, locked
from .levels import entry_level
from .uplines import bind

#: The moves of an agent's state; anything else is refused.
STATE_MOVES: dict[str, frozenset[str]] = {
    AgentState.APPLIED: frozenset({AgentState.ACTIVE, AgentState.EXITED}),
    AgentState.ACTIVE: frozenset({AgentState.SUSPENDED, AgentState.EXITED}),
    AgentState.SUSPENDED: frozenset({AgentState.ACTIVE, AgentState.EXITED}),
    AgentState.EXITED: frozenset(),
}


def _move_state(actor, agent: Agent, to_state: str, note: str, **fields) -> Agent:
    from_state = agent.state
    if to_state not in STATE_MOVES[from_state]:
        raise Conflict(_("An agent who is %(from)s cannot become %(to)s.") % {
            "from": AgentState(from_state).label, "to": AgentState(to_state).label},
            code="state_not_allowed")
    changed = Agent.objects.filter(pk=agent.pk, state=from_state).update(
        state=to_state, updated_at=timezone.now(), **fields)
    if not changed:
        raise Conflict(code="state_changed")
    AgentEvent.objects.create(agent=agent, kind=AgentEvent.Kind.STATE, from_value=from_state,
                              to_value=to_state, actor=actor, note=note[:200])
    agent.refresh_from_db()
    shop_pages_changed()  # only an active agent's shop sells
    agent_state_changed.send(sender=Agent, agent=agent, from_state=from_state,
                             to_state=to_state)
    return agent


def approve(actor, agent: Agent, note: str = "", *, now: datetime | None = None) -> Agent:
    """An applicant becomes an active agent at the entry level, with a login and a shop of
    their own, under their inviter (as the binding mode says)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    now = now or timezone.now()
    with transaction.atomic():
        NetworkSettings.load(lock=True)  # the tree's lock first, as every change of the tree
        agent = locked(agent)
        if agent.state != AgentState.APPLIED:
            raise Conflict(_("Only an application can be approved."), code="state_not_allowed")
        agent = _move_state(actor, agent, AgentState.ACTIVE, note, joined_at=now,
                            level=entry_level(), level_since=now)
        User.objects.filter(pk=agent.user_id).update(is_active=True)
        Shop.objects.get_or_create(seller_id=agent.user_id,
                                   defaults={"name": f"{agent.name}的小店"[:40]})
        if agent.invited_by_id and bind(agent, agent.invited_by, actor=actor, now=now,
                                        at_signup=True):
            agent.refresh_from_db()
    return agent


def reject(actor, agent: Agent, note: str = "") -> Agent:
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        agent = locked(agent)
        if agent.state != AgentState.APPLIED:
            raise Conflict(_("Only an application can be rejected."), code="state_not_allowed")
        return _move_state(actor, agent, AgentState.EXITED, note, left_at=timezone.now())


def change_state(actor, agent: Agent, to_state: str, note: str = "") -> Agent:
    """Approve, reject, suspend, reactivate or end an agent (``to_state``). An agent who exits
    keeps their login: what they earned and unsold cloud stock are still theirs to claim."""
    if to_state not in AgentState.values:
        raise InvalidInput(_("Unknown state."), field="state")
    if agent.state == AgentState.APPLIED:
        if to_state == AgentState.ACTIVE:
            return approve(actor, agent, note)
        if to_state == AgentState.EXITED:
            return reject(actor, agent, note)
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        agent = locked(agent)
        fields = {"left_at": timezone.now()} if to_state == AgentState.EXITED else {}
        return _move_state(actor, agent, to_state, note, **fields)


def set_level(actor, agent: Agent, level: AgentLevel, note: str = "", *,
              now: datetime | None = None) -> Agent:
    """The owner puts an agent at ``level`` (up or down)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        agent = locked(agent)
        if agent.state not in (AgentState.ACTIVE, AgentState.SUSPENDED):
            raise Conflict(_("Only a current agent's level can change."),
                           code="state_not_allowed")
        if agent.level_id == level.pk:
            raise Conflict(_("The agent is at this level already."), code="same_level")
        change_level(agent, level, actor=actor, note=note, now=now or timezone.now())
    return agent


def decide_level_review(actor, agent: Agent, *, keep: bool, note: str = "",
                        now: datetime | None = None) -> Agent:
    """The owner's answer to a flagged level (refunds took the selling that earned it below
    it, see upgrades/services.py): ``keep`` it — it is then the owner's decision, never
    reviewed again — or move the agent down to the level their selling supports."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    now = now or timezone.now()
    with transaction.atomic():
        agent = locked(agent)
        if agent.level_review_since is None:
            raise Conflict(_("This agent's level is not waiting for your decision."),
                           code="no_level_review")
        note = clean_text(note, "note", AgentEvent)
        if keep:
            Agent.objects.filter(pk=agent.pk).update(
                upgraded_from=None, level_review_since=None, level_review_to=None,
                updated_at=now)
            AgentEvent.objects.create(
                agent=agent, kind=AgentEvent.Kind.LEVEL, from_value=agent.level.name,
                to_value=agent.level.name, actor=actor,
                note=note or _("Kept although refunds left the selling short of it"))
        elif agent.level_review_to is None:
            raise Conflict(_("The level the selling supports was deleted: choose a level "
                             "by hand."), code="level_deleted")
        else:
            target = agent.level_review_to
            change_level(agent, target, actor=actor, now=now,
                         note=note or _("Moved down: refunds left the selling short of %(level)s")
                         % {"level": agent.level.name},
                         upgraded_from=agent.upgraded_from if target != agent.upgraded_from
                         else None)
    return Agent.objects.select_related("level").get(pk=agent.pk)


def change_level(agent: Agent, level: AgentLevel, *, actor, note: str, now: datetime,
                 upgraded_from: AgentLevel | None = None) -> bool:
    """Move ``agent`` from the level it was read at to ``level``; False when someone changed it
    meanwhile (then nothing is written). ``upgraded_from``: the level held before automatic
    upgrades, when ``level`` is one of them (None: ``level`` is the owner's decision). Any flag
    for the owner's review goes: the level it was about is no longer the agent's."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)  # None: the upgrades job
    from_level = agent.level
    if not Agent.objects.filter(pk=agent.pk, level_id=from_level.pk).update(
            level=level, level_since=now, updated_at=now, upgraded_from=upgraded_from,
            level_review_since=None, level_review_to=None):
        return False
    AgentEvent.objects.create(agent=agent, kind=AgentEvent.Kind.LEVEL,
                              from_value=from_level.name, to_value=level.name, actor=actor,
                              note=note[:200])
    agent.level, agent.level_since, agent.upgraded_from = level, now, upgraded_from
    agent.level_review_since = agent.level_review_to = None
    agent_level_changed.send(sender=Agent, agent=agent, from_level=from_level, to_level=level)
    return True
