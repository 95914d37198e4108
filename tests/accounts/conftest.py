import itertools

import pytest
from django.urls import reverse

from tests.factories import TEST_PASSWORD

_addresses = (f"10.0.{n // 250}.{n % 250 + 1}" for n in itertools.count())


def new_ip() -> str:
    """A client address never used before in this session (so the per-IP limit stays out of it)."""
    return next(_addresses)


@pytest.fixture
def client(client):
    """English pages, so tests read the message ids; one test checks the Chinese default."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def web_login(client, login, password=TEST_PASSWORD, *, ip=None, next_url=None):
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    return client.post(
        url, {"username": login, "password": password}, REMOTE_ADDR=ip or new_ip()
    )


def api_login(client, login, password=TEST_PASSWORD, *, ip=None):
    return client.post(
        reverse("api:auth_token"),
        {"login": login, "password": password},
        content_type="application/json",
        REMOTE_ADDR=ip or new_ip(),
    )


@pytest.fixture
def other_client():
    """A second browser, e.g. the staff member while the owner edits them."""
    from django.test import Client

    return Client(HTTP_ACCEPT_LANGUAGE="en")
