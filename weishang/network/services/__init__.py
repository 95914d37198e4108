"""Every change to the network: levels and their rules, applications and states, levels by hand,
the upline tree, the owner's settings.

Each function checks first and raises a domain error (nothing written), then writes in one
transaction. State and level changes are conditional UPDATEs on the old value, so two owners
acting at once cannot both succeed; every change leaves an AgentEvent or UplineChange and sends
its signal inside the transaction.

Joining never involves money: there is no fee, no first purchase, no payment of any kind.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Role, Shop, User
from weishang.accounts.permissions import AGENT_MANAGERS_ONLY, require_manager
from weishang.accounts.services import (
    clean_mobile,
    set_checked_password,
    unique_account_fields,
)
from weishang.catalog.models import Variant
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.core.models import largest_value_of, max_length_of

from .models import (
    MIN_BUYBACK_PERCENT,
    Agent,
    AgentEvent,
    AgentLevel,
    AgentState,
    BindingMode,
    Combination,
    LevelVariantRule,
    NetworkSettings,
    UpgradeCondition,
    UpgradeMetric,
    UpgradeReview,
    UplineChange,
)
from .signals import agent_level_changed, agent_state_changed

#: The moves of an agent's state; anything else is refused.
STATE_MOVES: dict[str, frozenset[str]] = {
    AgentState.APPLIED: frozenset({AgentState.ACTIVE, AgentState.EXITED}),
    AgentState.ACTIVE: frozenset({AgentState.SUSPENDED, AgentState.EXITED}),
    AgentState.SUSPENDED: frozenset({AgentState.ACTIVE, AgentState.EXITED}),
    AgentState.EXITED: frozenset(),
}

HUNDRED = Decimal(100)
#: A binding ends on a date, which must exist (9999-12-31 is the last): a century at most; for
#: longer, the binding has no end at all (None, "for good").
MAX_BINDING_DAYS = 36500


def _text(value: str | None, field: str, model=Agent, *, required: bool = False,
          label: str = "") -> str:
    value = (value or "").strip()
    if required and not value:
        raise InvalidInput(_("Enter %(field)s.") % {"field": label}, field=field)
    limit = max_length_of(model, field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(count)d characters.") % {"count": limit}, field=field)
    return value


# -- Levels -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class LevelData:
    rank: int
    name: str
    discount_percent: Decimal
    may_invite: bool = True
    combination: str = Combination.ALL
    #: {UpgradeMetric value: threshold}; empty: the level is reached by hand only.
    conditions: dict | None = None


def lawful_conditions(conditions: dict | None) -> dict[str, Decimal]:
    """The conditions if each measures only what the law allows; a condition on anything else
    (purchase volume, payments, people recruited) is refused with a message."""
    cleaned = {}
    for metric, threshold in (conditions or {}).items():
        if metric not in UpgradeMetric.values:
            raise InvalidInput(
                _("An upgrade can only measure retail sales to customers, distinct retail "
                  "customers or months active; never purchases, payments or people recruited."),
                field="conditions", code="unlawful_condition")
        try:
            threshold = Decimal(str(threshold))
        except ArithmeticError:
            threshold = None
        if threshold is None or not threshold.is_finite() or threshold < 0:
            raise InvalidInput(_("A threshold is a number of at least 0."), field="conditions")
        cleaned[metric] = threshold.quantize(Decimal("0.01"))
    return cleaned


def _clean_level(data: LevelData, level: AgentLevel | None) -> dict:
    if data.rank is None or data.rank < 1:
        raise InvalidInput(_("The rank is a whole number of at least 1."), field="rank")
    if data.rank > largest_value_of(AgentLevel, "rank"):
        raise InvalidInput(_("The rank is at most %(largest)d.") % {
            "largest": largest_value_of(AgentLevel, "rank")}, field="rank")
    name = _text(data.name, "name", AgentLevel, required=True, label=_("a name"))
    others = AgentLevel.objects.exclude(pk=level.pk) if level else AgentLevel.objects.all()
    if others.filter(rank=data.rank).exists():
        raise InvalidInput(_("Another level has this rank."), field="rank")
    if others.filter(name=name).exists():
        raise InvalidInput(_("Another level has this name."), field="name")
    discount = Decimal(data.discount_percent)
    if not (0 <= discount < HUNDRED):
        raise InvalidInput(_("The discount is at least 0% and below 100%."),
                           field="discount_percent")
    if data.combination not in Combination.values:
        raise InvalidInput(_("Choose how the conditions combine."), field="combination")
    return {"rank": data.rank, "name": name, "discount_percent": discount,
            "may_invite": bool(data.may_invite), "combination": data.combination}


def save_level(actor, data: LevelData, level: AgentLevel | None = None) -> AgentLevel:
    """Create a level, or change ``level``; its upgrade conditions become ``data.conditions``."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    fields = _clean_level(data, level)
    conditions = lawful_conditions(data.conditions)
    try:
        with transaction.atomic():
            if level is None:
                level = AgentLevel.objects.create(**fields)
            else:
                for name, value in fields.items():
                    setattr(level, name, value)
                level.save()
            level.conditions.exclude(metric__in=conditions).delete()
            for metric, threshold in conditions.items():
                UpgradeCondition.objects.update_or_create(
                    level=level, metric=metric, defaults={"threshold": threshold})
    except IntegrityError as error:
        raise Conflict(_("Another level was just given this rank or name; try again."),
                       code="level_taken") from error
    return level


def delete_level(actor, level: AgentLevel) -> None:
    """Remove a level nobody holds (applicants and former agents included: their history
    names it)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        if Agent.objects.filter(level=level).exists():
            raise Conflict(_("Agents hold this level: move them to another level first."),
                           code="level_in_use")
        level.delete()


def set_variant_rule(actor, level: AgentLevel, variant: Variant, *,
                     price: Decimal | None = None, min_per_order: int | None = None,
                     max_per_order: int | None = None,
                     max_per_month: int | None = None) -> LevelVariantRule | None:
    """The level's own price and limits for ``variant``; all empty removes the rule."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    if price is not None and price <= 0:
        raise InvalidInput(_("A level price is more than 0."), field="price")
    for field, value in (("min_per_order", min_per_order), ("max_per_order", max_per_order),
                         ("max_per_month", max_per_month)):
        if value is not None and value < 1:
            raise InvalidInput(_("A limit is at least 1."), field=field)
        if value is not None and value > largest_value_of(LevelVariantRule, field):
            raise InvalidInput(_("A limit is at most %(largest)d.") % {
                "largest": largest_value_of(LevelVariantRule, field)}, field=field)
    if min_per_order and max_per_order and min_per_order > max_per_order:
        raise InvalidInput(_("The least per order cannot be above the most per order."),
                           field="max_per_order")
    values = {"price": price, "min_per_order": min_per_order, "max_per_order": max_per_order,
              "max_per_month": max_per_month}
    with transaction.atomic():
        if all(value is None for value in values.values()):
            LevelVariantRule.objects.filter(level=level, variant=variant).delete()
            return None
        rule, _created = LevelVariantRule.objects.update_or_create(
            level=level, variant=variant, defaults=values)
    return rule


def entry_level() -> AgentLevel:
    """The level a new agent starts at: the lowest rank."""
    level = AgentLevel.objects.order_by("rank").first()
    if level is None:
        raise Conflict(_("Agents cannot join yet: the owner has not set up any agent level."),
                       code="no_levels")
    return level


# -- Joining ----------------------------------------------------------------------------------

def inviter_for(code: str | None) -> Agent | None:
    """The agent whose invitation ``code`` is, if their link works (active, at a level that may
    invite); None for the owner's own link (no code). A code that does not work is refused."""
    if not code:
        return None
    inviter = Agent.objects.select_related("level").filter(code=code).first()
    if inviter is None:
        raise NotFound(_("This invitation link does not exist."), code="invitation_unknown")
    if not (inviter.is_active and inviter.level.may_invite):
        raise Conflict(_("This invitation link is not in use any more. Ask the person who sent "
                         "it, or the brand, for a new one."), code="invitation_closed")
    return inviter


@dataclass(frozen=True)
class Application:
    name: str
    phone: str
    password: str
    wechat_id: str = ""
    region: str = ""
    note: str = ""


def apply(application: Application, *, code: str | None = None) -> Agent | None:
    """A person applies to become an agent (through ``code``'s invitation, or the owner's own
    link). They get a login (their mobile number) that works once approved. No payment, no
    purchase: an application is only these few details.

    None, writing nothing, when an account has this mobile number already: the public form
    must not tell a stranger whose number is an agent's (or staff's) login, so callers answer
    exactly as for an application (see ``application_received``), after the same checks of
    every field."""
    inviter = inviter_for(code)
    level = entry_level()
    name = _text(application.name, "name", required=True, label=_("your name"))
    phone = clean_mobile(application.phone)
    user = User(username=phone, phone=phone, role=Role.AGENT, display_name=name,
                is_active=False)
    set_checked_password(user, application.password)
    agent = Agent(level=level, name=name, invited_by=inviter,
                  wechat_id=_text(application.wechat_id, "wechat_id"),
                  region=_text(application.region, "region"),
                  note=_text(application.note, "note"))
    if User.objects.filter(Q(phone=phone) | Q(username=phone)).exists():
        return None
    try:
        with unique_account_fields(), transaction.atomic():
            user.save()
            agent.user = user
            agent.save()
            AgentEvent.objects.create(agent=agent, kind=AgentEvent.Kind.STATE,
                                      to_value=AgentState.APPLIED)
            if NetworkSettings.load().auto_approve:
                agent = approve(None, agent, note=_("Approved automatically"))
    except Conflict as taken:
        if taken.code != "account_taken":
            raise
        return None  # the same number applied at the same moment
    return agent


def application_received() -> str:
    """What an applicant is told, the same whether or not the number had an account: what
    to do next, and what to do if it had one."""
    if NetworkSettings.load().auto_approve:
        return _("You can log in now with your mobile number and the password you chose. If "
                 "this number already had an account, no new one was made: log in with its "
                 "password, or ask the brand to reset it.")
    return _("Thank you. You can log in with your mobile number and the password you chose "
             "once your application is approved. If this number already had an account, no "
             "new application was made: log in with its password, or ask the brand to reset "
             "it.")


def _lock(agent: Agent) -> Agent:
    return Agent.objects.select_for_update().select_related("level", "user").get(pk=agent.pk)


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
        agent = _lock(agent)
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
        agent = _lock(agent)
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
        agent = _lock(agent)
        fields = {"left_at": timezone.now()} if to_state == AgentState.EXITED else {}
        return _move_state(actor, agent, to_state, note, **fields)


def set_level(actor, agent: Agent, level: AgentLevel, note: str = "", *,
              now: datetime | None = None) -> Agent:
    """The owner puts an agent at ``level`` (up or down)."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    with transaction.atomic():
        agent = _lock(agent)
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
        agent = _lock(agent)
        if agent.level_review_since is None:
            raise Conflict(_("This agent's level is not waiting for your decision."),
                           code="no_level_review")
        note = _text(note, "note", AgentEvent)
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


# -- The upline tree --------------------------------------------------------------------------

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
    (``at_signup``: the invitation the agent joined with). True if the upline changed."""
    now = now or timezone.now()
    with transaction.atomic():
        rules = NetworkSettings.load(lock=True)
        agent = _lock(agent)
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
        agent = _lock(agent)
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


# -- Settings ---------------------------------------------------------------------------------

def update_settings(actor, *, binding_mode: str, binding_days: int | None, auto_approve: bool,
                    buyback_percent: Decimal, upgrade_review: str | None = None
                    ) -> NetworkSettings:
    """The owner's rules; ``upgrade_review`` None keeps the one in place."""
    require_manager(actor, "agents", AGENT_MANAGERS_ONLY, system=True)
    if upgrade_review is not None and upgrade_review not in UpgradeReview.values:
        raise InvalidInput(_("Choose what happens when refunds undo an upgrade."),
                           field="upgrade_review")
    if binding_mode not in BindingMode.values:
        raise InvalidInput(_("Choose who becomes the upline."), field="binding_mode")
    if binding_days is not None and binding_days < 1:
        raise InvalidInput(_("A binding lasts at least 1 day (or leave it empty: for good)."),
                           field="binding_days")
    if binding_days is not None and binding_days > MAX_BINDING_DAYS:
        raise InvalidInput(_("A binding lasts at most %(days)d days (or leave it empty: for "
                             "good).") % {"days": MAX_BINDING_DAYS}, field="binding_days")
    if buyback_percent is None or not (MIN_BUYBACK_PERCENT <= buyback_percent <= HUNDRED):
        raise InvalidInput(_("The buy-back refund is at least %(least)d%% and at most 100%%: "
                             "the law protects an agent who leaves.") % {
                                 "least": MIN_BUYBACK_PERCENT},
                           field="buyback_percent", code="buyback_too_low")
    with transaction.atomic():
        rules = NetworkSettings.load(lock=True)
        rules.binding_mode, rules.binding_days = binding_mode, binding_days
        rules.auto_approve, rules.buyback_percent = bool(auto_approve), buyback_percent
        rules.upgrade_review = upgrade_review or rules.upgrade_review
        rules.save()
    return rules
