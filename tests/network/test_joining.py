"""Joining: the application through an invitation or the owner's link, approval (by hand or
automatic), rejection and the states that follow, each recorded and signalled."""

import pytest

from tests.factories import AgentFactory, UserFactory
from weishang.accounts.models import Shop, User
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.network import services
from weishang.network.models import (
    Agent,
    AgentEvent,
    AgentState,
    NetworkSettings,
    UplineChange,
)
from weishang.network.signals import agent_state_changed

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def state_signals():
    received = []

    def receiver(sender, agent, from_state, to_state, **kwargs):
        received.append((agent.pk, from_state, to_state))

    agent_state_changed.connect(receiver)
    yield received
    agent_state_changed.disconnect(receiver)


def test_an_application_waits_with_a_login_that_does_not_work_yet(applicant, inviter):
    agent = applicant("13912345678", code=inviter.code, wechat_id="wf_88", region="广东 深圳")
    assert agent.state == AgentState.APPLIED
    assert agent.invited_by == inviter
    assert agent.upline is None  # bound only on approval
    assert agent.user.role == "agent" and not agent.user.is_active
    assert agent.user.phone == "13912345678"
    assert agent.user.check_password(PASSWORD)
    assert list(agent.events.values_list("to_value", flat=True)) == ["applied"]


def test_approval_makes_an_active_agent_with_a_shop_under_the_inviter(
        applicant, inviter, owner, state_signals, senior_level):
    agent = applicant(code=inviter.code, name="王芳")
    agent = services.approve(owner, agent, note="面谈过")
    assert agent.state == AgentState.ACTIVE
    assert agent.joined_at is not None and agent.level.rank == 1
    assert agent.user.__class__.objects.get(pk=agent.user_id).is_active
    assert Shop.objects.get(seller=agent.user).name == "王芳的小店"
    assert agent.upline == inviter
    change = UplineChange.objects.get(agent=agent)
    assert (change.from_upline, change.to_upline, change.reason) == (None, inviter, "invitation")
    event = agent.events.last()
    assert (event.from_value, event.to_value, event.actor, event.note) == (
        "applied", "active", owner, "面谈过")
    assert state_signals == [(agent.pk, "applied", "active")]


def test_auto_approval_makes_the_applicant_active_at_once(applicant, inviter):
    NetworkSettings.objects.update_or_create(singleton=True, defaults={"auto_approve": True})
    agent = applicant(code=inviter.code)
    assert agent.state == AgentState.ACTIVE and agent.upline == inviter


def test_the_owners_own_link_has_no_inviter(applicant, owner):
    agent = services.approve(owner, applicant())
    assert agent.invited_by is None and agent.upline is None
    assert not UplineChange.objects.exists()


@pytest.mark.parametrize("role", ["agent", "staff", "owner"])
def test_a_mobile_number_with_an_account_makes_nothing_and_names_no_one(applicant, english,
                                                                       role):
    """The public form must not tell whose number is a login: the service makes nothing and
    the callers answer as for any application."""
    UserFactory(role=role, phone="13912345678", username=f"someone_{role}")
    users = User.objects.count()
    assert applicant("13912345678") is None
    assert applicant("139 1234 5678", wechat_id="other") is None
    assert User.objects.count() == users and not Agent.objects.filter(
        user__phone="13912345678", state="applied").exists()


def test_an_application_with_a_taken_number_is_checked_like_any_other(applicant, english):
    """Wrong fields are named whether or not the number has an account, so the errors tell
    nothing either."""
    applicant("13912345678")
    for phone in ("13912345678", "13912345679"):
        with pytest.raises(InvalidInput) as error:
            applicant(phone, name="")
        assert error.value.field == "name"
    with pytest.raises(InvalidInput) as error:
        applicant("1391234567")
    assert error.value.field == "phone"


def test_no_level_means_no_joining(db, english):
    with pytest.raises(Conflict, match="not set up any agent level"):
        services.apply(services.Application(name="王芳", phone="13912345678",
                                            password=PASSWORD))


@pytest.mark.parametrize("setup", ["suspended", "exited", "may_not_invite"])
def test_only_an_active_agent_at_an_inviting_level_has_a_working_link(
        setup, applicant, entry_level, english):
    inviter = AgentFactory(level=entry_level)
    if setup == "may_not_invite":
        entry_level.may_invite = False
        entry_level.save()
    else:
        inviter.state = setup
        inviter.save()
    with pytest.raises(Conflict, match="not in use any more"):
        applicant(code=inviter.code)


def test_an_unknown_code_is_not_found(applicant):
    with pytest.raises(NotFound):
        applicant(code="nosuchcd")


def test_reject_suspend_reactivate_exit(applicant, owner, state_signals, english):
    rejected = services.reject(owner, applicant(), note="资料不全")
    assert rejected.state == AgentState.EXITED and not rejected.user.is_active

    agent = services.approve(owner, applicant())
    agent = services.change_state(owner, agent, AgentState.SUSPENDED, "投诉")
    agent = services.change_state(owner, agent, AgentState.ACTIVE)
    agent = services.change_state(owner, agent, AgentState.EXITED)
    assert agent.left_at is not None
    assert [signal[1:] for signal in state_signals] == [
        ("applied", "exited"), ("applied", "active"), ("active", "suspended"),
        ("suspended", "active"), ("active", "exited")]
    assert list(AgentEvent.objects.filter(agent=agent).values_list("to_value", flat=True)) == [
        "applied", "active", "suspended", "active", "exited"]
    with pytest.raises(Conflict, match="cannot become"):
        services.change_state(owner, agent, AgentState.ACTIVE)


def test_a_stale_state_change_is_refused(applicant, owner):
    agent = services.approve(owner, applicant())
    stale = agent.__class__.objects.get(pk=agent.pk)
    services.change_state(owner, agent, AgentState.SUSPENDED)
    # The second owner read it active; the service re-reads under a lock and refuses.
    with pytest.raises(Conflict):
        services.change_state(owner, stale, AgentState.SUSPENDED)


def test_only_managers_change_states(applicant, staff, english):
    from weishang.core.errors import NotPermitted

    with pytest.raises(NotPermitted):
        services.approve(staff, applicant())
