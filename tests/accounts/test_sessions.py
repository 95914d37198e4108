"""How long a session lasts: a visitor's cart SESSION_DAYS, a login LOGIN_IDLE_HOURS after the
person's last page."""

from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .conftest import web_login

HOUR = 3600


@pytest.fixture
def clock(monkeypatch):
    """The site's clock, moved by the test."""
    moment = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])

    def advance(**delta):
        moment["now"] += timedelta(**delta)
    return advance


def session_cookie_age(response) -> int:
    return int(response.cookies["sessionid"]["max-age"])


def test_the_defaults_a_day_of_work_for_a_login_and_two_weeks_for_a_cart(settings):
    assert settings.LOGIN_IDLE_SECONDS == 12 * HOUR
    assert settings.SESSION_COOKIE_AGE == 14 * 24 * HOUR


def test_a_login_lasts_twelve_hours_after_the_last_page(client, owner, clock):
    response = web_login(client, "owner")
    assert session_cookie_age(response) == 12 * HOUR
    clock(hours=11)
    page = client.get(reverse("console:home"))
    assert page.status_code == 200
    assert session_cookie_age(page) == 12 * HOUR  # renewed from now
    clock(hours=11)
    assert client.get(reverse("console:home")).status_code == 200
    clock(hours=12, seconds=1)
    assert client.get(reverse("console:home")).status_code == 302
    assert SESSION_KEY not in client.session


def test_pages_within_a_few_minutes_do_not_write_the_session_each_time(client, owner, clock):
    web_login(client, "owner")
    clock(minutes=1)
    assert "sessionid" not in client.get(reverse("console:home")).cookies
    clock(minutes=5)
    assert "sessionid" in client.get(reverse("console:home")).cookies


def test_the_idle_time_is_a_setting(client, owner, settings):
    settings.LOGIN_IDLE_SECONDS = 30 * 60
    assert session_cookie_age(web_login(client, "owner")) == 30 * 60


def test_a_visitors_cart_session_keeps_the_long_lifetime(client, shop, stocked):
    variant = stocked(5)
    client.post(reverse("storefront:cart_add", args=[shop.code]),
                {"variant": variant.public_id, "quantity": 1})
    session = Session.objects.get()
    assert session.expire_date - timezone.now() > timedelta(days=13)


def test_logging_in_over_a_cart_keeps_the_cart_with_the_short_lifetime(shop, stocked, owner):
    browser = Client()
    variant = stocked(5)
    browser.post(reverse("storefront:cart_add", args=[shop.code]),
                 {"variant": variant.public_id, "quantity": 1})
    cart = dict(browser.session)
    assert session_cookie_age(web_login(browser, "owner")) == 12 * HOUR
    assert {key: browser.session[key] for key in cart} == cart
