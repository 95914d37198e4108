"""Filters by day accept every date, the calendar's first and last included: 0001-01-01 begins
before the first moment UTC holds, and no day follows 9999-12-31 (an OverflowError, a 500, in
the order, customer, result and plan lists before)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from tests.api_clients import english_client
from tests.marketing.planning import entry, product_post
from weishang.core.days import between_days
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db

FIRST, LAST = date.min.isoformat(), date.max.isoformat()


def test_the_edges_of_the_calendar_leave_the_range_open():
    assert between_days("created_at", date.min, date.max).children == []
    shanghai = ZoneInfo("Asia/Shanghai")
    day = date(2026, 3, 1)
    condition = dict(between_days("created_at", day, day, shanghai).children)
    assert condition == {
        "created_at__gte": datetime.combine(day, time.min, shanghai),
        "created_at__lt": datetime.combine(day + timedelta(days=1), time.min, shanghai)}


def test_the_order_list_from_the_first_to_the_last_day(owner, owner_client, stocked, place):
    number = place(stocked(5)).number
    listed = english_client(owner).get("/api/v1/orders/", {"date_from": FIRST, "date_to": LAST})
    assert listed.status_code == 200
    assert [order["number"] for order in listed.json()["results"]] == [number]
    page = owner_client.get("/console/orders/", {"date_from": FIRST, "date_to": LAST})
    assert page.status_code == 200 and number in page.content.decode()


def test_the_customer_list_by_last_order_from_the_first_to_the_last_day(owner, stocked,
                                                                        place):
    place(stocked(5))
    listed = english_client(owner).get("/api/v1/customers/", {
        "last_order_from": FIRST, "last_order_to": LAST})
    assert listed.status_code == 200 and listed.json()["count"] == 1


def test_results_from_the_first_to_the_last_day(owner, stocked, place):
    place(stocked(5))
    response = english_client(owner).get("/api/v1/results/", {"date_from": FIRST,
                                                              "date_to": LAST})
    assert response.status_code == 200


@pytest.mark.parametrize("days", [{"date_from": FIRST}, {"date_to": LAST}])
def test_the_plan_from_the_first_or_to_the_last_day(owner, days):
    """(A plan's range is at most 92 days: one end at a time.)"""
    planned = entry(owner, product_post())
    listed = english_client(owner).get("/api/v1/plans/", days)
    assert listed.status_code == 200
    assert [row["id"] for row in listed.json()["results"]] == [planned.pk]


def test_a_normal_day_still_ends_at_midnight_in_shanghai(owner, stocked, place):
    order = place(stocked(5))
    today = timezone.localdate(order.created_at)
    Order.objects.filter(pk=order.pk).update(
        created_at=timezone.make_aware(datetime.combine(today, time(23, 59))))
    api = english_client(owner)
    assert api.get("/api/v1/orders/", {"date_to": today.isoformat()}).json()["count"] == 1
    assert api.get("/api/v1/orders/", {
        "date_from": (today + timedelta(days=1)).isoformat()}).json()["count"] == 0
