"""After-sales on completed orders (售后): the customer asks within the shop's window, the
owner's people refund at any time; through the service, the console, the customer's page and
the API."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.api_clients import english_client
from tests.factories import UserFactory
from tests.orders.purchasing import buy_into_cloud, cloud, new_agent
from weishang.core.errors import Conflict
from weishang.inventory.models import StockLevel
from weishang.orders import services
from weishang.orders.models import OrderEvent, OrderState, ShopSettings

pytestmark = pytest.mark.django_db

SF_NUMBER = "SF1234567890123"
CUSTOMER_REFUND = "/api/v1/orders/refund-request/"
SETTINGS_API = "/api/v1/orders/settings/"


def completed(order, owner, *, days_ago=0):
    """Paid, shipped and completed ``days_ago`` days ago."""
    order = services.confirm_payment(order, actor=owner)
    order = services.ship_order(order, actor=owner, carrier="SF", tracking_number=SF_NUMBER)
    return services.complete_order(order, actor=owner,
                                   now=timezone.now() - timedelta(days=days_ago))


@pytest.fixture
def order(place, stocked, owner):
    """An order of 2 units, completed just now (window: the default 7 days)."""
    return completed(place(stocked(5, price="25.00"), quantity=2), owner)


@pytest.fixture
def late(place, stocked, owner):
    """An order completed 8 days ago: the default window has passed."""
    return completed(place(stocked(5, price="25.00"), quantity=2), owner, days_ago=8)


def stock_of(order) -> int:
    return StockLevel.objects.get(variant=order.lines.get().variant).quantity


def set_window(days):
    services.update_shop_settings(None, after_sales_days=days)


# --- the service ----------------------------------------------------------------------------


def test_the_window_is_7_days_from_completion_by_default(order):
    assert ShopSettings.load().after_sales_days == 7
    assert order.after_sales_until == order.completed_at + timedelta(days=7)


def test_the_customer_asks_within_the_window_and_the_owner_refunds(order, owner):
    asked = services.request_refund(order, by_customer=True, note="有破损")
    assert asked.state == OrderState.REFUND_REQUESTED
    event = asked.events.last()
    assert (event.from_state, event.actor_kind, event.note) == ("completed", "customer", "有破损")
    refunded = services.refund_order(asked, actor=owner)
    assert refunded.state == OrderState.REFUNDED and refunded.closed_at is not None
    assert stock_of(refunded) == 3, "the parcel was delivered: the stock stays out"


@pytest.mark.usefixtures("english")
def test_after_the_window_the_customer_is_refused_with_the_date(late):
    with pytest.raises(Conflict) as refused:
        services.request_refund(late, by_customer=True)
    assert refused.value.code == "after_sales_closed"
    assert "after-sales period of this order ended on" in str(refused.value.message)
    late.refresh_from_db()
    assert late.state == OrderState.COMPLETED
    assert not OrderEvent.objects.filter(order=late, to_state="refund_requested").exists()


def test_the_window_ends_to_the_second(order):
    until = order.after_sales_until
    with pytest.raises(Conflict):
        services.request_refund(order, by_customer=True, now=until)
    asked = services.request_refund(order, by_customer=True, now=until - timedelta(seconds=1))
    assert asked.state == OrderState.REFUND_REQUESTED


@pytest.mark.usefixtures("english")
def test_a_window_of_0_days_takes_no_customer_request_after_completion(place, stocked, owner):
    set_window(0)
    order = completed(place(stocked(5, price="25.00")), owner)
    with pytest.raises(Conflict) as refused:
        services.request_refund(order, by_customer=True)
    assert "no refund requests once an order is completed" in str(refused.value.message)


def test_the_owner_refunds_a_completed_order_at_any_time(late, owner):
    refunded = services.refund_order(services.request_refund(late, actor=owner, note="投诉"),
                                     actor=owner)
    assert refunded.state == OrderState.REFUNDED
    assert stock_of(refunded) == 3


def test_a_completed_order_is_not_refunded_in_one_step(order, owner):
    with pytest.raises(Conflict) as refused:
        services.refund_order(order, actor=owner)
    assert refused.value.code == "invalid_transition"


def test_a_longer_window_lets_the_customer_ask_later_of_orders_completed_since(
        late, place, stocked, owner):
    set_window(10)
    since = completed(place(stocked(5, price="25.00")), owner, days_ago=8)
    assert since.after_sales_until == since.completed_at + timedelta(days=10)
    assert services.request_refund(since, by_customer=True).state == OrderState.REFUND_REQUESTED
    with pytest.raises(Conflict) as refused:
        services.request_refund(late, by_customer=True)
    assert refused.value.code == "after_sales_closed", "completed with 7 days, it keeps them"


@pytest.mark.parametrize("days", [-1, 91, "7", None, True])
def test_the_window_setting_is_checked(days):
    from weishang.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        set_window(days)
    assert refused.value.field == "after_sales_days"
    assert ShopSettings.load().after_sales_days == 7


def test_a_completed_cloud_purchase_has_no_after_sales_its_way_back_is_the_buy_back(
        owner, stocked):
    agent, variant = new_agent(), stocked(10)
    purchase = buy_into_cloud(agent, variant, 3, owner)
    assert purchase.state == OrderState.COMPLETED
    assert purchase.after_sales_until is None
    assert services.allowed_moves(purchase) == frozenset()
    with pytest.raises(Conflict) as refused:
        services.request_refund(purchase, actor=owner)
    assert refused.value.code == "invalid_transition"
    assert cloud(agent, variant) == 3


def test_the_moves_of_a_completed_order(order, late):
    assert services.allowed_moves(order) == {OrderState.REFUND_REQUESTED}
    assert services.allowed_moves(order, by_customer=True) == {OrderState.REFUND_REQUESTED}
    assert services.allowed_moves(late) == {OrderState.REFUND_REQUESTED}
    assert services.allowed_moves(late, by_customer=True) == frozenset()


# --- the console ----------------------------------------------------------------------------


@pytest.fixture
def desk(client):
    client.force_login(UserFactory(role="staff", areas=["orders"]))
    return client


def test_the_order_desk_offers_a_refund_after_the_window_and_refunds(desk, late):
    page = desk.get(reverse("orders:detail", args=[late.number])).content.decode()
    assert 'data-action="request_refund"' in page and "data-after-sales" in page
    response = desk.post(reverse("orders:action", args=[late.number, "request_refund"]),
                         {"note": "客户投诉质量问题"})
    assert response.status_code == 302
    response = desk.post(reverse("orders:action", args=[late.number, "refund"]), {"note": ""})
    assert response.status_code == 302
    late.refresh_from_db()
    assert late.state == OrderState.REFUNDED


# --- the customer's order page --------------------------------------------------------------


def customer_page(client, order):
    return client.get(reverse("storefront:order", args=[order.access_token]),
                      HTTP_ACCEPT_LANGUAGE="en").content.decode()


def ask_on_the_page(client, order, note="尺码不对"):
    return client.post(reverse("storefront:request_refund", args=[order.access_token]),
                       {"note": note}, HTTP_ACCEPT_LANGUAGE="en")


def test_the_customer_asks_on_their_order_page_within_the_window(client, order):
    page = customer_page(client, order)
    assert "data-after-sales-until" in page
    assert reverse("storefront:request_refund", args=[order.access_token]) in page
    response = ask_on_the_page(client, order)
    assert response.status_code == 302
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your refund request was sent to the seller."]
    order.refresh_from_db()
    assert order.state == OrderState.REFUND_REQUESTED
    assert order.events.last().note == "尺码不对"
    assert "Request a refund" not in customer_page(client, order), "asked once"


def test_after_the_window_the_page_says_so_and_a_request_is_refused(client, late):
    page = customer_page(client, late)
    assert "data-after-sales-closed" in page and "Please contact the seller." in page
    assert reverse("storefront:request_refund", args=[late.access_token]) not in page
    response = ask_on_the_page(client, late)
    assert response.status_code == 302
    message = [str(m) for m in get_messages(response.wsgi_request)]
    assert len(message) == 1 and "after-sales period of this order ended" in message[0]
    late.refresh_from_db()
    assert late.state == OrderState.COMPLETED


def test_the_customer_asks_about_a_paid_order_too_and_its_stock_comes_back(
        client, place, stocked, owner):
    order = services.confirm_payment(place(stocked(5), quantity=2), actor=owner)
    assert "data-after-sales-until" not in customer_page(client, order)
    assert ask_on_the_page(client, order).status_code == 302
    services.refund_order(order, actor=owner)
    assert stock_of(order) == 5


def test_an_unknown_link_asks_nothing(client):
    response = client.post(reverse("storefront:request_refund", args=["nope"]))
    assert response.status_code == 404


# --- the API --------------------------------------------------------------------------------


def ask_by_api(order, phone="13812345678", note="坏了"):
    return english_client().post(CUSTOMER_REFUND, {"phone": phone, "number": order.number,
                                                   "note": note}, format="json")


def test_the_customer_asks_through_the_api_within_the_window(order):
    response = ask_by_api(order)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["state"] == "refund_requested"
    assert body["after_sales_until"] is not None
    assert order.events.last().actor_kind == "customer"


def test_after_the_window_the_api_refuses_the_customer(late):
    response = ask_by_api(late)
    assert response.status_code == 409
    assert response.json()["code"] == "after_sales_closed"
    assert "Please contact the seller." in response.json()["message"]
    late.refresh_from_db()
    assert late.state == OrderState.COMPLETED


def test_the_api_needs_the_right_mobile_number(order):
    assert ask_by_api(order, phone="13900000000").status_code == 404
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED


def test_the_owner_refunds_through_the_api_after_the_window(late):
    desk = english_client(UserFactory(role="staff", areas=["orders"]))
    detail = desk.get(f"/api/v1/orders/{late.number}/").json()
    assert detail["after_sales_until"] is not None
    asked = desk.post(f"/api/v1/orders/{late.number}/request-refund/", {"note": "投诉"},
                      format="json")
    assert asked.status_code == 200 and asked.json()["state"] == "refund_requested"
    refunded = desk.post(f"/api/v1/orders/{late.number}/refund/", {}, format="json")
    assert refunded.status_code == 200 and refunded.json()["state"] == "refunded"


def test_the_window_in_the_order_list_costs_no_query_per_order(place, stocked, owner,
                                                                django_assert_max_num_queries):
    desk = english_client(UserFactory(role="staff", areas=["orders"]))
    completed(place(stocked(5)), owner)
    with CaptureQueriesContext(connection) as few:
        assert desk.get("/api/v1/orders/").status_code == 200
    for _ in range(5):
        completed(place(stocked(5)), owner)
    with django_assert_max_num_queries(len(few)):
        listed = desk.get("/api/v1/orders/").json()["results"]
    assert len(listed) == 6 and all(row["after_sales_until"] for row in listed)


def test_the_owner_reads_and_changes_the_window_through_the_api(owner):
    api = english_client(owner)
    assert api.get(SETTINGS_API).json()["after_sales_days"] == 7
    response = api.patch(SETTINGS_API, {"after_sales_days": 15}, format="json")
    assert response.status_code == 200 and response.json()["after_sales_days"] == 15
    assert ShopSettings.load().after_sales_days == 15
    refused = api.patch(SETTINGS_API, {"after_sales_days": 91}, format="json")
    assert refused.status_code == 400
    assert ShopSettings.load().after_sales_days == 15


def test_only_the_owner_changes_the_selling_rules_through_the_api(db):
    desk = english_client(UserFactory(role="staff", areas=["orders"]))
    assert desk.patch(SETTINGS_API, {"after_sales_days": 1}, format="json").status_code == 403
    assert english_client().get(SETTINGS_API).status_code in (401, 403)
    assert ShopSettings.load().after_sales_days == 7
