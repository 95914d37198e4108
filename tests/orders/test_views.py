"""The order desk in the console: who may open what, the list, the detail and its actions."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import UserFactory
from tests.selling import payment_deadline_on
from weishang.inventory.models import StockLevel
from weishang.orders import services
from weishang.orders.models import Order, OrderEvent, OrderState
from weishang.orders.services import CartLine, Recipient

SF_NUMBER = "SF1234567890123"
NOTHING_CHANGED = "未做任何更改"  # the console speaks Simplified Chinese by default


@pytest.fixture
def order(place, stocked):
    return place(stocked(10, price="25.00"), quantity=2)


@pytest.fixture
def login(client, owner):
    """login(kind): the test client logged in as that kind of user ("anonymous" stays out)."""

    def as_user(kind):
        users = {
            "owner": lambda: owner,
            "staff_with_orders": lambda: UserFactory(role="staff", areas=["orders"]),
            "staff_without_orders": lambda: UserFactory(role="staff", areas=["catalog"]),
            "agent": lambda: UserFactory(role="agent"),
        }
        if kind != "anonymous":
            client.force_login(users[kind]())
        return client

    return as_user


@pytest.fixture
def desk(login):
    return login("staff_with_orders")


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def paid(order, owner):
    return services.confirm_payment(order, actor=owner, reference="微信转账")


def shipped(order, owner):
    return services.ship_order(paid(order, owner), actor=owner, carrier="SF",
                               tracking_number=SF_NUMBER)


# -- Who may open what -----------------------------------------------------------------------

PAGE_ACCESS = {
    "anonymous": "login",
    "staff_without_orders": 403,
    "agent": 403,
    "staff_with_orders": 200,
    "owner": 200,
}


@pytest.mark.parametrize("kind", PAGE_ACCESS)
@pytest.mark.parametrize("page", ["list", "detail", "create", "settings"])
def test_who_may_open_each_page(login, order, kind, page):
    url = reverse(f"orders:{page}", **({"args": [order.number]} if page == "detail" else {}))
    expected = PAGE_ACCESS[kind]
    if page == "settings" and kind == "staff_with_orders":
        expected = 403  # the selling rules are the owner's alone
    if kind == "agent" and page in ("list", "detail"):
        # An agent reads their own shop's orders there (tests/network/test_agent_permissions.py):
        # the owner's order is not theirs.
        expected = 200 if page == "list" else 404
    response = login(kind).get(url)
    if expected == "login":
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("kind", ["anonymous", "staff_without_orders", "agent"])
@pytest.mark.parametrize("action", ["confirm_payment", "cancel"])
def test_only_the_order_desk_may_act_on_an_order(login, order, kind, action):
    response = login(kind).post(reverse("orders:action", args=[order.number, action]),
                                {"reference": "x", "note": "x"})
    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("accounts:login") in response["Location"]
    order.refresh_from_db()
    assert order.state == OrderState.PENDING_PAYMENT
    assert order.events.count() == 1


def test_staff_with_the_orders_area_may_act(desk, order):
    response = desk.post(reverse("orders:action", args=[order.number, "confirm_payment"]))
    assert response.status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.PAID


def test_an_unknown_order_or_action_is_not_found(desk, order):
    assert desk.get(reverse("orders:detail", args=["20990101nope"])).status_code == 404
    assert desk.post(reverse("orders:action", args=[order.number, "delete"])).status_code == 404
    assert desk.get(reverse("orders:action", args=[order.number, "cancel"])).status_code == 405


# -- The list --------------------------------------------------------------------------------

def listed(response) -> set[str]:
    return {order.number for order in response.context["page"]}


@pytest.fixture
def three_orders(place, stocked, owner):
    variant = stocked(50)
    zhang = place(variant)
    li = place(variant, recipient=Recipient(
        name="李四", phone="15900001111", province="上海市", city="上海市", district="浦东新区",
        street="张江路88弄3号"))
    wang = place(variant, recipient=Recipient(
        name="王五", phone="13700002222", province="北京市", city="北京市", district="海淀区",
        street="中关村1号"))
    paid(li, owner)
    return zhang, li, wang


def test_list_shows_rows_with_masked_phone_and_state_counts(desk, three_orders):
    zhang, li, _wang = three_orders
    response = desk.get(reverse("orders:list"))
    page = response.content.decode()
    assert listed(response) == {order.number for order in three_orders}
    assert "138****5678" in page
    assert "13812345678" not in page
    assert zhang.get_state_display() in page
    assert "¥99.00" in page
    tabs = {tab["value"]: tab["count"] for tab in response.context["tabs"]}
    assert tabs[""] == 3
    assert tabs[OrderState.PENDING_PAYMENT] == 2
    assert tabs[OrderState.PAID] == 1
    assert tabs[OrderState.SHIPPED] == 0


@pytest.mark.parametrize(("query", "who"), [
    ({"state": "paid"}, {"li"}),
    ({"state": "pending_payment"}, {"zhang", "wang"}),
    ({"state": "nonsense"}, {"zhang", "li", "wang"}),
    ({"q": "李四"}, {"li"}),
    ({"q": "王"}, {"wang"}),
    ({"q": "15900001111"}, {"li"}),
    ({"q": "2222"}, {"wang"}),  # the last 4 digits of the mobile number
    ({"q": "5678"}, {"zhang"}),
    ({"q": "nobody"}, set()),
])
def test_list_filters_and_search(desk, three_orders, query, who):
    by_name = dict(zip(("zhang", "li", "wang"), three_orders, strict=True))
    response = desk.get(reverse("orders:list"), query)
    assert listed(response) == {by_name[name].number for name in who}


def test_list_searches_by_order_number(desk, three_orders):
    _zhang, li, _wang = three_orders
    assert listed(desk.get(reverse("orders:list"), {"q": li.number})) == {li.number}


def test_list_filters_by_date_range(desk, three_orders):
    zhang, _li, _wang = three_orders
    Order.objects.filter(pk=zhang.pk).update(created_at=timezone.now() - timedelta(days=10))
    today = timezone.localdate()
    recent = desk.get(reverse("orders:list"), {"date_from": today.isoformat()})
    assert zhang.number not in listed(recent) and len(listed(recent)) == 2
    old = desk.get(reverse("orders:list"), {"date_to": (today - timedelta(days=5)).isoformat()})
    assert listed(old) == {zhang.number}
    ignored = desk.get(reverse("orders:list"), {"date_from": "not a date"})
    assert len(listed(ignored)) == 3


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_list_query_count_does_not_grow_with_orders(desk, place, stocked,
                                                    django_assert_max_num_queries):
    variants = [stocked(100) for _ in range(3)]
    lines = [CartLine(variant.public_id, 1) for variant in variants]
    place(lines)
    url = reverse("orders:list")
    few = count_queries(desk, url)
    for _ in range(12):
        place(lines)
    with django_assert_max_num_queries(few):
        desk.get(url)


def test_list_pages(desk, place, stocked):
    variant = stocked(100)
    for _ in range(21):
        place(variant)
    first = desk.get(reverse("orders:list"))
    assert len(first.context["page"]) == 20
    assert len(desk.get(reverse("orders:list"), {"page": 2}).context["page"]) == 1


# -- The detail ------------------------------------------------------------------------------

def shown_actions(response) -> list[str]:
    return [item["action"].name for item in response.context["actions"]]


def test_detail_shows_lines_totals_recipient_and_timeline(desk, order):
    response = desk.get(reverse("orders:detail", args=[order.number]))
    page = response.content.decode()
    assert "纯棉T恤" in page
    assert "¥25.00 × 2" in page
    assert "¥50.00" in page
    assert "13812345678" in page  # the full number for the order desk
    assert "粤海街道科技园南区8栋" in page
    assert 'data-event="pending_payment"' in page


def test_detail_gives_the_payment_deadline_with_its_date_and_the_time_left(
        desk, owner, place, stocked):
    """A day to pay: 'pay before 00:53' alone read as today for an order placed at 00:53."""
    services.update_shop_settings(owner, unpaid_expiry_minutes=1440)
    order = place(stocked(1))
    page = desk.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert 23 * 3600 < payment_deadline_on(page, order) <= 24 * 3600
    services.confirm_payment(order, actor=owner, reference="微信转账")
    page = desk.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "data-pay-before" not in page and "data-countdown" not in page


@pytest.mark.parametrize(("advance", "actions"), [
    (lambda order, owner: order, ["confirm_payment", "cancel"]),
    (paid, ["ship", "request_refund"]),
    (shipped, ["complete", "request_refund"]),
    (lambda order, owner: services.complete_order(shipped(order, owner), actor=owner),
     ["request_refund"]),
    (lambda order, owner: services.request_refund(paid(order, owner), actor=owner),
     ["refund", "decline_refund"]),
    (lambda order, owner: services.request_refund(shipped(order, owner), actor=owner),
     ["refund", "decline_refund"]),
    (lambda order, owner: services.cancel_order(order, actor=owner), []),
])
def test_detail_offers_only_the_moves_allowed_in_its_state(desk, order, owner, advance, actions):
    order = advance(order, owner)
    response = desk.get(reverse("orders:detail", args=[order.number]))
    assert shown_actions(response) == actions
    page = response.content.decode()
    for name in ["confirm_payment", "ship", "complete", "cancel", "request_refund", "refund",
                 "decline_refund"]:
        url = reverse("orders:action", args=[order.number, name])
        assert (f'action="{url}"' in page) == (name in actions)


def test_detail_query_count_does_not_grow_with_lines_and_events(desk, place, stocked, owner,
                                                                django_assert_max_num_queries):
    small = place(stocked(10))
    url = reverse("orders:detail", args=[small.number])
    few = count_queries(desk, url)
    big = shipped(place([CartLine(stocked(10).public_id, 1) for _ in range(8)]), owner)
    with django_assert_max_num_queries(few):
        desk.get(reverse("orders:detail", args=[big.number]))


# -- Each action: the happy path and the refusal ---------------------------------------------

def act(client, order, action, data=None):
    return client.post(reverse("orders:action", args=[order.number, action]), data or {})


def test_confirm_payment_records_the_reference(desk, order):
    response = act(desk, order, "confirm_payment", {"reference": "尾号8899"})
    assert response.status_code == 302
    assert response["Location"] == reverse("orders:detail", args=[order.number])
    order.refresh_from_db()
    assert order.state == OrderState.PAID
    assert order.payment_reference == "尾号8899"
    assert order.number in messages_of(response)[0]


def test_ship_with_carrier_and_tracking_number(desk, order, owner):
    paid(order, owner)
    response = act(desk, order, "ship", {"carrier": "SF", "tracking_number": "sf 1234 5678 90123"})
    assert response.status_code == 302
    order.refresh_from_db()
    assert (order.state, order.carrier, order.tracking_number) == ("shipped", "SF", SF_NUMBER)
    page = desk.get(reverse("orders:detail", args=[order.number])).content.decode()
    assert "顺丰速运" in page and SF_NUMBER in page


def test_a_bad_tracking_number_is_refused_and_nothing_written(desk, order, owner):
    paid(order, owner)
    response = act(desk, order, "ship", {"carrier": "SF", "tracking_number": "ABC"})
    assert response.status_code == 400
    assert "SF1234567890123" in response.content.decode()  # the example in the message
    assert messages_of(response)[0].startswith(NOTHING_CHANGED)
    order.refresh_from_db()
    assert order.state == OrderState.PAID and order.tracking_number == ""
    assert order.events.count() == 2


def test_ship_needs_a_carrier_from_the_list(desk, order, owner):
    paid(order, owner)
    response = act(desk, order, "ship", {"carrier": "NOPE", "tracking_number": SF_NUMBER})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.PAID


def test_complete_a_shipped_order(desk, order, owner):
    shipped(order, owner)
    assert act(desk, order, "complete").status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.COMPLETED


def test_cancel_gives_the_stock_back(desk, order):
    level = StockLevel.objects.get(variant=order.lines.get().variant)
    assert level.quantity == 8
    response = act(desk, order, "cancel", {"note": "客户不要了"})
    assert response.status_code == 302
    order.refresh_from_db()
    level.refresh_from_db()
    assert order.state == OrderState.CANCELLED
    assert level.quantity == 10
    assert order.events.last().note == "客户不要了"


def test_request_refund_then_refund(desk, order, owner):
    paid(order, owner)
    assert act(desk, order, "request_refund", {"note": "尺码不对"}).status_code == 302
    assert act(desk, order, "refund", {"note": "已退微信"}).status_code == 302
    order.refresh_from_db()
    assert order.state == OrderState.REFUNDED
    assert [event.to_state for event in order.events.all()] == [
        "pending_payment", "paid", "refund_requested", "refunded"]


@pytest.mark.parametrize(("advance", "action", "data"), [
    (paid, "confirm_payment", {"reference": "again"}),
    (lambda order, owner: order, "ship", {"carrier": "SF", "tracking_number": SF_NUMBER}),
    (paid, "complete", {}),
    (paid, "cancel", {}),
    (lambda order, owner: order, "refund", {}),
    (lambda order, owner: services.cancel_order(order, actor=owner), "request_refund", {}),
])
def test_a_move_not_allowed_in_the_state_is_refused_and_nothing_written(desk, order, owner,
                                                                         advance, action, data):
    order = advance(order, owner)
    before = (order.state, order.payment_reference, order.tracking_number)
    events = OrderEvent.objects.count()
    response = act(desk, order, action, data)
    assert response.status_code == 409
    errors = messages_of(response)
    assert len(errors) == 1 and errors[0].startswith(NOTHING_CHANGED)
    order.refresh_from_db()
    assert (order.state, order.payment_reference, order.tracking_number) == before
    assert OrderEvent.objects.count() == events


def test_a_note_too_long_is_refused(desk, order):
    response = act(desk, order, "cancel", {"note": "很" * 201})
    assert response.status_code == 400
    order.refresh_from_db()
    assert order.state == OrderState.PENDING_PAYMENT
