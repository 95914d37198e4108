"""The upline tree: bindings by invitation under each binding mode, their expiry, the owner's
moves, the history of every change, and no cycle ever."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import AgentFactory
from weishang.core.errors import Conflict, InvalidInput
from weishang.network import services
from weishang.network.models import Agent, BindingMode, NetworkSettings, UplineChange

pytestmark = pytest.mark.django_db


@pytest.fixture
def agents(entry_level):
    return AgentFactory.create_batch(4, level=entry_level)


def _mode(mode, days=None):
    NetworkSettings.objects.update_or_create(singleton=True, defaults={
        "binding_mode": mode, "binding_days": days})


@pytest.mark.parametrize("mode, later_rebinds", [
    (BindingMode.FIRST, False), (BindingMode.SIGNUP, False), (BindingMode.OVERWRITE, True)])
def test_a_later_invitation_rebinds_only_when_the_mode_says_so(mode, later_rebinds, agents):
    _mode(mode)
    agent, first, second, _other = agents
    assert services.bind(agent, first, at_signup=True)
    assert services.bind(agent, second) is later_rebinds
    agent.refresh_from_db()
    assert agent.upline == (second if later_rebinds else first)
    assert UplineChange.objects.filter(agent=agent).count() == (2 if later_rebinds else 1)


def test_signup_mode_never_binds_after_sign_up(agents):
    _mode(BindingMode.SIGNUP)
    agent, inviter, *_rest = agents
    assert not services.bind(agent, inviter)
    assert Agent.objects.get(pk=agent.pk).upline is None


def test_a_binding_ends_on_a_date_that_exists(owner):
    with pytest.raises(InvalidInput) as error:
        services.update_settings(owner, binding_mode=BindingMode.FIRST,
                                 binding_days=services.MAX_BINDING_DAYS + 1, auto_approve=False,
                                 buyback_percent=Decimal("90"))
    assert error.value.field == "binding_days"


def test_a_binding_with_days_expires_and_is_recorded(agents):
    _mode(BindingMode.FIRST, days=30)
    agent, first, second, _other = agents
    now = timezone.now()
    services.bind(agent, first, now=now, at_signup=True)
    agent.refresh_from_db()
    assert agent.upline_until == now + timedelta(days=30)
    assert services.expire_bindings(now + timedelta(days=29)) == 0
    assert services.expire_bindings(now + timedelta(days=30)) == 1
    assert services.expire_bindings(now + timedelta(days=31)) == 0
    agent.refresh_from_db()
    assert agent.upline is None
    assert UplineChange.objects.filter(agent=agent, reason="expired", from_upline=first,
                                       to_upline=None).exists()
    # After it, the first binding is no more: a new invitation binds again.
    assert services.bind(agent, second, now=now + timedelta(days=31))


def test_the_owner_moves_an_agent_and_the_history_keeps_it(agents, owner):
    agent, first, second, _other = agents
    services.bind(agent, first, at_signup=True)
    services.move(owner, agent, second)
    services.move(owner, agent, None)
    history = list(UplineChange.objects.filter(agent=agent).values_list(
        "from_upline", "to_upline", "reason", "actor"))
    assert history == [(None, first.pk, "invitation", None),
                       (first.pk, second.pk, "owner_move", owner.pk),
                       (second.pk, None, "owner_move", owner.pk)]


def test_no_agent_goes_under_itself_or_its_downline(agents, owner, english):
    top, middle, bottom, _other = agents
    services.move(owner, middle, top)
    services.move(owner, bottom, middle)
    for upline in (top, middle, bottom):
        with pytest.raises(Conflict, match="own team") as error:
            services.move(owner, top, upline)
        assert error.value.code == "upline_cycle"
    _mode(BindingMode.OVERWRITE)
    with pytest.raises(Conflict):
        services.bind(top, bottom)
    assert Agent.objects.get(pk=top.pk).upline is None


def _walk_to_top(agent_id, uplines):
    seen = set()
    while agent_id is not None:
        assert agent_id not in seen, "cycle"
        seen.add(agent_id)
        agent_id = uplines[agent_id]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.tuples(st.sampled_from(["bind", "move", "move_none"]),
                                st.integers(0, 5), st.integers(0, 5)), max_size=25),
       mode=st.sampled_from(BindingMode.values))
def test_no_sequence_of_bindings_and_moves_makes_a_cycle(entry_level, owner, steps, mode):
    Agent.objects.update(upline=None)
    UplineChange._base_manager.all().delete()  # append-only: each example starts afresh
    _mode(mode)
    pool = list(Agent.objects.order_by("pk")[:6])
    pool += AgentFactory.create_batch(6 - len(pool), level=entry_level)
    for action, who, upline in steps:
        agent = Agent.objects.get(pk=pool[who].pk)
        try:
            if action == "bind":
                services.bind(agent, pool[upline], at_signup=True)
            else:
                services.move(owner, agent, None if action == "move_none" else pool[upline])
        except Conflict:
            pass
    uplines = dict(Agent.objects.values_list("pk", "upline_id"))
    for agent_id in uplines:
        _walk_to_top(agent_id, uplines)
    replayed = dict.fromkeys(uplines)
    for change in UplineChange.objects.order_by("created_at", "id"):
        assert replayed[change.agent_id] == change.from_upline_id
        replayed[change.agent_id] = change.to_upline_id
    assert replayed == uplines


def test_only_the_agent_or_a_manager_binds_them_to_an_inviter(agents, owner):
    """An agent accepts an invitation for themselves; another agent cannot do it for them."""
    from weishang.core.errors import NotPermitted

    _mode(BindingMode.OVERWRITE)
    agent, inviter, other, _last = agents
    with pytest.raises(NotPermitted):
        services.bind(agent, inviter, actor=other.user)
    assert Agent.objects.get(pk=agent.pk).upline is None
    assert services.bind(agent, inviter, actor=agent.user)
    assert services.bind(agent, other, actor=owner)
