"""The orders API: public checkout and lookup, the owner's list, detail, moves and bulk shipping."""

import pytest

from tests.api_clients import english_client
from tests.factories import UserFactory
from tests.orders.test_bulk import SF_NUMBER, xlsx
from weishang.inventory.models import StockLevel
from weishang.orders import services
from weishang.orders.models import Order, OrderEvent, OrderState

pytestmark = pytest.mark.django_db

ORDERS = "/api/v1/orders/"
CHECKOUT = "/api/v1/checkout/"
LOOKUP = "/api/v1/orders/lookup/"
SHIPPING_IMPORT = "/api/v1/orders/shipping-import/"


@pytest.fixture
def api():
    return english_client()


@pytest.fixture
def desk_api(db):
    return english_client(UserFactory(role="staff", areas=["orders"]))


@pytest.fixture
def order(place, stocked):
    return place(stocked(10, price="25.00"), quantity=2)


def stock_of(variant) -> int:
    return StockLevel.objects.get(variant=variant).quantity


def checkout_payload(shop, variant, quantity=2, **changes):
    payload = {
        "shop_code": shop.code,
        "lines": [{"variant": variant.public_id, "quantity": quantity, "unit_price": "0.01"}],
        "recipient": {"name": "张三", "phone": "13812345678", "province": "广东省",
                      "city": "深圳市", "district": "南山区", "street": "粤海街道科技园南区8栋",
                      "note": "放门口"},
        "idempotency_key": "",
    }
    payload.update(changes)
    return payload


# --- checkout -------------------------------------------------------------------------------


def test_checkout_places_the_order_at_the_shops_prices(api, shop, stocked):
    variant = stocked(10, price="25.00")
    response = api.post(CHECKOUT, checkout_payload(shop, variant), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    order = Order.objects.get(number=body["number"])
    assert body["state"] == "pending_payment"
    assert body["goods_total"] == "50.00"  # the posted unit price is ignored
    assert body["payable"] == str(order.payable)
    assert body["url"].endswith(f"/orders/{order.access_token}/")
    assert body["recipient_phone"] == "138****5678"
    assert body["lines"][0]["quantity"] == 2
    assert [entry["state"] for entry in body["timeline"]] == ["pending_payment"]
    assert order.shop == shop and order.customer_note == "放门口"
    assert stock_of(variant) == 8


def test_a_repeated_checkout_key_places_one_order(api, shop, stocked):
    variant = stocked(10)
    payload = checkout_payload(shop, variant, idempotency_key="cart-7f3a")
    first = api.post(CHECKOUT, payload, format="json")
    again = api.post(CHECKOUT, payload, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["number"] == again.json()["number"]
    assert Order.objects.count() == 1
    assert stock_of(variant) == 8


@pytest.mark.parametrize(("changes", "field"), [
    ({"recipient": {"name": "张三", "phone": "12345", "province": "广东省", "city": "深圳市",
                    "district": "南山区", "street": "科技园"}}, "phone"),
    ({"lines": []}, "lines"),
    ({"quantity": 0}, "lines"),
    ({"quantity": -1}, "lines"),
    ({"quantity": 10**9}, "lines"),
    ({"shop_code": "nosuchshop"}, "shop_code"),
    ({"recipient": "张三 13812345678"}, "recipient"),
])
def test_bad_checkout_input_is_refused_and_writes_nothing(api, shop, stocked, changes, field):
    variant = stocked(10)
    quantity = changes.pop("quantity", 2)
    response = api.post(CHECKOUT, checkout_payload(shop, variant, quantity, **changes),
                        format="json")
    assert response.status_code == 400, response.json()
    body = response.json()
    assert body["code"] == "invalid" and body["message"]
    assert field in body["fields"]
    assert not Order.objects.exists()
    assert stock_of(variant) == 10


def test_checkout_of_an_off_shelf_product_or_too_many_is_refused(api, shop, stocked):
    off_shelf = stocked(10, is_on_shelf=False)
    response = api.post(CHECKOUT, checkout_payload(shop, off_shelf), format="json")
    assert response.status_code == 400
    assert "no longer for sale" in response.json()["message"]

    scarce = stocked(1, title="限量款")
    response = api.post(CHECKOUT, checkout_payload(shop, scarce, quantity=2), format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "insufficient_stock"
    assert "限量款" in response.json()["message"]
    assert not Order.objects.exists()
    assert stock_of(scarce) == 1


# --- lookup ---------------------------------------------------------------------------------


def test_lookup_finds_the_order_with_phone_and_number(api, order, owner):
    services.ship_order(services.confirm_payment(order, actor=owner), actor=owner,
                        carrier="SF", tracking_number=SF_NUMBER)
    response = api.post(LOOKUP, {"phone": "138 1234 5678", "number": order.number},
                        format="json")
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "shipped" and body["state_label"] == "Shipped"
    assert (body["carrier"], body["carrier_name"], body["tracking_number"]) == (
        "SF", "顺丰速运", SF_NUMBER)
    assert [entry["state"] for entry in body["timeline"]] == [
        "pending_payment", "paid", "shipped"]
    assert "note" not in body["timeline"][1]  # the payment reference stays with the owner


@pytest.mark.parametrize("phone", ["13900000000", ""])
def test_lookup_with_a_wrong_phone_finds_nothing(api, order, phone):
    response = api.post(LOOKUP, {"phone": phone, "number": order.number}, format="json")
    assert response.status_code in (400, 404)
    assert response.json()["code"] in ("invalid", "not_found")


def test_lookup_is_rate_limited(api, order):
    answers = [api.post(LOOKUP, {"phone": "13900000000", "number": order.number},
                        format="json").status_code for _ in range(11)]
    assert answers[:10] == [404] * 10
    assert answers[10] == 429
    right = api.post(LOOKUP, {"phone": "13812345678", "number": order.number}, format="json")
    assert right.status_code == 429
    assert right.json()["code"] == "throttled"


# --- the owner's side -----------------------------------------------------------------------


@pytest.mark.parametrize(("who", "expected"), [
    ("anonymous", 401), ("agent", 403), ("staff_without_orders", 403),
    ("staff_with_orders", 200), ("owner", 200),
])
def test_who_may_use_the_order_desk(order, owner, who, expected):
    users = {
        "anonymous": None,
        "agent": UserFactory(role="agent"),
        "staff_without_orders": UserFactory(role="staff", areas=["catalog"]),
        "staff_with_orders": UserFactory(role="staff", areas=["orders"]),
        "owner": owner,
    }
    client = english_client(users[who])
    assert client.get(ORDERS).status_code == expected
    assert client.get(f"{ORDERS}{order.number}/").status_code == expected
    paying = client.post(f"{ORDERS}{order.number}/confirm-payment/", {}, format="json")
    assert paying.status_code == expected
    assert Order.objects.get(pk=order.pk).state == (
        OrderState.PAID if expected == 200 else OrderState.PENDING_PAYMENT)


def test_list_filters_and_its_query_count_does_not_grow(desk_api, place, stocked, owner,
                                                        django_assert_max_num_queries):
    first = place(stocked(10))
    with django_assert_max_num_queries(6) as few:
        desk_api.get(ORDERS)
    for _ in range(5):
        place(stocked(10), quantity=3)
    services.confirm_payment(first, actor=owner)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = desk_api.get(ORDERS)
    assert response.json()["count"] == 6
    assert len(response.json()["results"][0]["lines"]) == 1

    paid = desk_api.get(ORDERS, {"state": "paid"}).json()
    assert [row["number"] for row in paid["results"]] == [first.number]
    found = desk_api.get(ORDERS, {"search": first.number}).json()
    assert found["count"] == 1
    assert desk_api.get(ORDERS, {"state": "lost"}).status_code == 400


def test_detail_has_lines_and_events(desk_api, order, stocked):
    body = desk_api.get(f"{ORDERS}{order.number}/").json()
    assert body["number"] == order.number and body["recipient_phone"] == "13812345678"
    assert body["lines"][0]["variant"] == order.lines.get().variant.public_id
    assert body["lines"][0]["line_total"] == "50.00"
    assert body["events"][0]["state"] == "pending_payment"
    assert desk_api.get(f"{ORDERS}20990101000/").status_code == 404


def post_move(client, order, move, data=None):
    return client.post(f"{ORDERS}{order.number}/{move}/", data or {}, format="json")


def test_an_order_goes_from_payment_to_completion(desk_api, order):
    paid = post_move(desk_api, order, "confirm-payment", {"reference": "微信 8842"})
    assert paid.status_code == 200 and paid.json()["payment_reference"] == "微信 8842"
    shipped = post_move(desk_api, order, "ship",
                        {"carrier": "SF", "tracking_number": "sf-1234 5678 90123"})
    assert shipped.status_code == 200
    assert shipped.json()["tracking_number"] == SF_NUMBER
    completed = post_move(desk_api, order, "complete")
    assert completed.json()["state"] == "completed"
    assert [event["state"] for event in completed.json()["events"]] == [
        "pending_payment", "paid", "shipped", "completed"]


def test_refund_and_cancel_moves(desk_api, order, place, stocked):
    post_move(desk_api, order, "confirm-payment")
    assert post_move(desk_api, order, "request-refund", {"note": "不想要了"}).status_code == 200
    refunded = post_move(desk_api, order, "refund", {"note": "已退款"})
    assert refunded.json()["state"] == "refunded"

    unpaid_variant = stocked(5)
    unpaid = place(unpaid_variant, quantity=2)
    assert post_move(desk_api, unpaid, "cancel").json()["state"] == "cancelled"
    assert stock_of(unpaid_variant) == 5


@pytest.mark.parametrize("move", ["ship", "complete", "refund", "request-refund"])
def test_a_move_the_state_does_not_allow_answers_409(desk_api, order, move):
    response = post_move(desk_api, order, move,
                         {"carrier": "SF", "tracking_number": SF_NUMBER})
    assert response.status_code == 409
    assert response.json()["code"] == "invalid_transition"
    assert response.json()["message"]
    assert OrderEvent.objects.filter(order=order).count() == 1


def test_a_bad_tracking_number_is_refused(desk_api, order):
    post_move(desk_api, order, "confirm-payment")
    response = post_move(desk_api, order, "ship", {"carrier": "ZTO", "tracking_number": "abc"})
    assert response.status_code == 400
    assert "tracking_number" in response.json()["fields"]
    assert Order.objects.get(pk=order.pk).state == OrderState.PAID


# --- bulk shipping --------------------------------------------------------------------------


@pytest.fixture
def two_paid(place, stocked, owner):
    return [services.confirm_payment(place(stocked(5)), actor=owner) for _ in range(2)]


def import_file(client, file, dry_run=False):
    return client.post(SHIPPING_IMPORT, {"file": file, "dry_run": dry_run}, format="multipart")


def test_shipping_import_dry_run_then_apply(desk_api, two_paid):
    rows = [[order.number, "顺丰", SF_NUMBER] for order in two_paid]
    preview = import_file(desk_api, xlsx(rows), dry_run=True)
    assert preview.status_code == 200
    assert preview.json()["shipped"] == 0
    assert [row["status"] for row in preview.json()["rows"]] == ["ok", "ok"]
    assert preview.json()["rows"][0]["carrier"] == "SF"
    assert not Order.objects.filter(state=OrderState.SHIPPED).exists()

    applied = import_file(desk_api, xlsx(rows))
    assert applied.status_code == 200 and applied.json()["shipped"] == 2
    assert Order.objects.filter(state=OrderState.SHIPPED).count() == 2


def test_shipping_import_with_a_wrong_row_ships_nothing(desk_api, two_paid):
    response = import_file(desk_api, xlsx([[two_paid[0].number, "SF", SF_NUMBER],
                                           [two_paid[1].number, "火星快递", SF_NUMBER]]))
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_rows"
    assert [(row["row"], row["status"]) for row in body["rows"]] == [(2, "ok"), (3, "error")]
    assert "火星快递" in body["rows"][1]["error"]
    assert not Order.objects.filter(state=OrderState.SHIPPED).exists()


def test_shipping_import_refuses_what_is_not_an_excel_file(desk_api, two_paid):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = import_file(desk_api, SimpleUploadedFile("orders.csv", b"a,b\n"))
    assert response.status_code == 400
    assert response.json()["fields"]["file"]


def test_shipping_import_needs_the_orders_area(db, two_paid):
    staff = english_client(UserFactory(role="staff", areas=["catalog"]))
    response = import_file(staff, xlsx([[two_paid[0].number, "SF", SF_NUMBER]]))
    assert response.status_code == 403
