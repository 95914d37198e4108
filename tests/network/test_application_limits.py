"""The public agent application: a few tries per address and hour (page and API together),
and no password longer than any password may be."""

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from weishang.accounts.validators import PASSWORD_MAX_LENGTH
from weishang.network.models import Agent

from .conftest import PASSWORD

pytestmark = pytest.mark.django_db

TOO_MANY = "Too many tries from your network. Try again in"


@pytest.fixture(autouse=True)
def _three_an_hour(settings, client):
    settings.AGENT_APPLICATIONS_PER_HOUR = 3
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def details(phone="17712345678", password=PASSWORD) -> dict:
    return {"name": "王芳", "phone": phone, "wechat_id": "", "region": "", "note": "",
            "password": password}


def apply_on_page(client, ip, **given):
    return client.post(reverse("join:owner"), details(**given), REMOTE_ADDR=ip)


def apply_by_api(ip, **given):
    return english_client().post("/api/v1/agent-applications/", details(**given),
                                 format="json", REMOTE_ADDR=ip)


def test_an_address_gets_a_few_tries_an_hour_valid_or_not(client, shop, entry_level):
    assert apply_on_page(client, "10.5.0.1", phone="123").status_code == 400
    assert apply_on_page(client, "10.5.0.1", phone="17700000001").status_code == 302
    assert apply_by_api("10.5.0.1", phone="17700000002").status_code == 202
    refused = apply_on_page(client, "10.5.0.1", phone="17700000003")
    assert refused.status_code == 429
    assert TOO_MANY in refused.text
    api_refused = apply_by_api("10.5.0.1", phone="17700000004")
    assert api_refused.status_code == 429
    assert api_refused.json()["code"] == "too_many_requests"
    assert 0 < int(api_refused["Retry-After"]) <= 3600
    assert Agent.objects.count() == 2
    # Someone else, elsewhere, applies as usual.
    assert apply_on_page(client, "10.5.0.2", phone="17700000005").status_code == 302


@pytest.mark.parametrize("length", [PASSWORD_MAX_LENGTH + 1, 1_000_000])
def test_a_password_longer_than_the_most_is_refused_on_the_page_and_in_the_api(
        client, shop, entry_level, length):
    long_password = ("Ab3$" * length)[:length]
    page = apply_on_page(client, "10.5.1.1", password=long_password)
    assert page.status_code == 400
    assert "at most 128 characters" in page.text
    api = apply_by_api("10.5.1.2", password=long_password)
    assert api.status_code == 400 and "password" in api.json()["fields"]
    assert not Agent.objects.exists()


def test_the_longest_password_is_fine(client, shop, entry_level):
    longest = ("Ab3$" * PASSWORD_MAX_LENGTH)[:PASSWORD_MAX_LENGTH]
    assert apply_on_page(client, "10.5.2.1", password=longest).status_code == 302
