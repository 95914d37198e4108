"""The console's Orders tab: shown to those who may take orders, with a badge of waiting ones."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import UserFactory
from weishang.orders import services


def badge(page: str) -> str | None:
    found = re.search(r'data-badge="orders"[^>]*>(\d+)<', page)
    return found.group(1) if found else None


@pytest.fixture
def waiting(place, stocked, owner):
    """Two orders awaiting payment, one paid (to ship), one refund requested, one cancelled."""
    variant = stocked(20)
    place(variant)
    place(variant)
    services.confirm_payment(place(variant), actor=owner)
    services.request_refund(services.confirm_payment(place(variant), actor=owner), actor=owner)
    services.cancel_order(place(variant), actor=owner)


def test_the_orders_tab_shows_how_many_orders_wait(owner_client, waiting):
    page = owner_client.get(reverse("console:home")).content.decode()
    assert reverse("orders:list") in page
    assert badge(page) == "4"


def test_no_badge_when_nothing_waits(owner_client):
    page = owner_client.get(reverse("orders:list")).content.decode()
    assert reverse("orders:list") in page
    assert badge(page) is None


def test_the_home_page_counts_orders_to_pay_and_to_ship(owner_client, waiting):
    page = owner_client.get(reverse("console:home")).content.decode()
    assert 'data-stat="awaiting-payment">2<' in page
    assert 'data-stat="to-ship">1<' in page
    assert 'data-stat="refund-requested">1<' in page
    assert reverse("orders:create") in page


def test_staff_without_the_orders_area_see_no_orders_tab(client, owner, waiting):
    client.force_login(UserFactory(role="staff", areas=["catalog"]))
    page = client.get(reverse("console:home")).content.decode()
    assert reverse("orders:list") not in page
    assert badge(page) is None
    assert "awaiting-payment" not in page


def test_staff_with_the_orders_area_see_the_badge(client, owner, waiting):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    page = client.get(reverse("orders:list")).content.decode()
    assert badge(page) == "4"
    assert reverse("orders:settings") not in page  # the owner's alone


def test_the_badge_is_counted_once_per_page(owner_client, waiting):
    with CaptureQueriesContext(connection) as queries:
        owner_client.get(reverse("console:home"))
    counting = [q["sql"] for q in queries.captured_queries
                if 'AS "refund_requested"' in q["sql"]]
    assert len(counting) == 1
