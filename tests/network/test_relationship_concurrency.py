"""Concurrent moves of the upline tree never build a cycle (PostgreSQL: real concurrent
writers; every change of the tree locks the settings row first, so they take turns)."""

import threading

import pytest
from django.db import connection

from tests.conftest import is_postgres
from tests.factories import AgentFactory, AgentLevelFactory, UserFactory
from weishang.core.errors import Conflict
from weishang.network import services
from weishang.network.models import Agent

pytestmark = [pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not is_postgres(), reason="concurrent writers need PostgreSQL")]

RING = 8


def test_moves_around_a_ring_at_once_leave_no_cycle():
    owner = UserFactory(role="owner", username="owner")
    agents = AgentFactory.create_batch(RING, level=AgentLevelFactory(rank=1))
    barrier = threading.Barrier(RING)
    outcomes, errors = [], []

    def place_under_next(index):
        try:
            barrier.wait(timeout=30)
            services.move(owner, agents[index], agents[(index + 1) % RING])
            outcomes.append("moved")
        except Conflict:
            outcomes.append("refused")
        except BaseException as error:  # any other error fails the test, shown below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=place_under_next, args=(i,)) for i in range(RING)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count("moved") == RING - 1 and outcomes.count("refused") == 1
    uplines = dict(Agent.objects.values_list("pk", "upline_id"))
    for start in uplines:
        seen, current = set(), start
        while current is not None:
            assert current not in seen
            seen.add(current)
            current = uplines[current]
