"""Fixtures of the network tests: levels, and people joining through the services."""

from decimal import Decimal

import pytest

from tests.factories import AgentFactory, AgentLevelFactory
from weishang.network import services
from weishang.network.services import Application

PASSWORD = "Agent-pass-2024"


@pytest.fixture
def entry_level(db):
    return AgentLevelFactory(rank=1, name="特约", discount_percent=Decimal("20.00"))


@pytest.fixture
def senior_level(db):
    return AgentLevelFactory(rank=2, name="一级", discount_percent=Decimal("30.00"))


@pytest.fixture
def top_level(db):
    return AgentLevelFactory(rank=3, name="总代", discount_percent=Decimal("40.00"))


@pytest.fixture
def inviter(entry_level):
    return AgentFactory(level=entry_level, name="李娜")


@pytest.fixture
def applicant(entry_level):
    """applicant(phone, code=None, **details): an application through the service."""
    numbers = iter(range(17700000001, 17799999999))

    def make(phone=None, code=None, **details):
        details.setdefault("name", "王芳")
        application = Application(phone=phone or str(next(numbers)), password=PASSWORD,
                                  **details)
        return services.apply(application, code=code)

    return make


@pytest.fixture
def agent_client(client):
    """agent_client(agent): the test client logged in as ``agent``."""

    def login(agent):
        client.force_login(agent.user)
        return client

    return login
