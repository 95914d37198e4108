"""Joining: the invitation link a person opens and the application they send. Joining never
involves money: there is no fee, no first purchase, no payment of any kind."""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from weishang.accounts.models import Role, User
from weishang.accounts.services import clean_mobile, set_checked_password, unique_account_fields
from weishang.core.errors import Conflict, NotFound

from ..models import Agent, AgentEvent, AgentState, NetworkSettings
from .agents import approve
from .base import clean_text
from .levels import entry_level


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
    name = clean_text(application.name, "name", required=True, label=_("your name"))
    phone = clean_mobile(application.phone)
    user = User(username=phone, phone=phone, role=Role.AGENT, display_name=name,
                is_active=False)
    set_checked_password(user, application.password)
    agent = Agent(level=level, name=name, invited_by=inviter,
                  wechat_id=clean_text(application.wechat_id, "wechat_id"),
                  region=clean_text(application.region, "region"),
                  note=clean_text(application.note, "note"))
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
