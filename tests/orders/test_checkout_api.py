"""The API checkout refuses what the shop's pages refuse, says when to come back, and keeps one
buyer's checkout key from reaching another buyer's order."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.api_clients import english_client
from tests.factories import UserFactory
from tests.orders.test_api import CHECKOUT, checkout_payload, stock_of
from weishang.orders import services
from weishang.orders.models import Order, ShopSettings

pytestmark = pytest.mark.django_db

SETTINGS_API = "/api/v1/orders/settings/"


@pytest.fixture(autouse=True)
def generous_limits(settings):
    settings.CHECKOUT_LIMIT_PER_ADDRESS = 100
    settings.CHECKOUT_LIMIT_PER_MOBILE = 100
    settings.CHECKOUT_LIMIT_MINUTES = 10


@pytest.fixture
def api():
    return english_client()


def recipient(**changes):
    return {"name": "张三", "phone": "13812345678", "province": "广东省", "city": "深圳市",
            "district": "南山区", "street": "粤海街道科技园南区8栋", **changes}


@pytest.mark.parametrize(("region", "field"), [
    ({"province": "浙江省", "city": "乌鲁木齐市", "district": "天山区"}, "city"),
    ({"province": "新彊维吾尔自治区", "city": "乌鲁木齐市", "district": "天山区"}, "province"),
    ({"district": "天山区"}, "district"),
])
def test_a_region_that_does_not_fit_is_refused(api, shop, stocked, region, field):
    variant = stocked(10)
    response = api.post(CHECKOUT, checkout_payload(shop, variant, recipient=recipient(**region)),
                        format="json")
    assert response.status_code == 400, response.json()
    assert response.json()["code"] == "invalid" and field in response.json()["fields"]
    assert not Order.objects.exists() and stock_of(variant) == 10


def test_quantities_over_the_owners_limits_are_refused(api, shop, stocked, owner):
    services.update_shop_settings(owner, max_line_quantity=3)
    variant = stocked(10)
    response = api.post(CHECKOUT, checkout_payload(shop, variant, quantity=4), format="json")
    assert response.status_code == 400
    assert response.json()["code"] == "quantity_limit"
    assert "at most 3 per order" in response.json()["message"]
    assert stock_of(variant) == 10


def test_too_many_checkouts_from_one_address_answer_429(api, shop, stocked, settings):
    """25 anonymous checkouts in 6 s took all 50 units for the whole payment window."""
    settings.CHECKOUT_LIMIT_PER_ADDRESS = 3
    variant = stocked(50)
    statuses = [api.post(CHECKOUT, checkout_payload(
        shop, variant, recipient=recipient(phone=f"139000000{n:02d}")), format="json")
        for n in range(25)]

    assert [response.status_code for response in statuses] == [201] * 3 + [429] * 22
    refused = statuses[-1]
    assert refused.json()["code"] == "too_many_checkouts"
    assert "Please try again in" in refused.json()["message"]
    assert 0 < int(refused["Retry-After"]) <= 600
    assert stock_of(variant) == 50 - 2 * 3


def test_a_mobile_number_with_the_most_unpaid_orders_answers_409(api, shop, stocked, owner):
    services.update_shop_settings(owner, max_unpaid_orders=2)
    variant = stocked(50)
    statuses = [api.post(CHECKOUT, checkout_payload(shop, variant), format="json").status_code
                for _ in range(3)]
    assert statuses == [201, 201, 409]
    refused = api.post(CHECKOUT, checkout_payload(shop, variant), format="json").json()
    assert refused["code"] == "too_many_unpaid_orders"
    assert Order.objects.count() == 2


def test_another_buyers_key_with_another_body_never_answers_their_order(shop, stocked):
    """Today a different body with someone's key returned their order and its private link."""
    variant = stocked(10)
    first = english_client().post(CHECKOUT, checkout_payload(shop, variant,
                                                             idempotency_key="cart-1"),
                                  format="json")
    assert first.status_code == 201

    stranger = english_client().post(CHECKOUT, checkout_payload(
        shop, variant, idempotency_key="cart-1",
        recipient=recipient(name="李四", phone="13900001111")), format="json")
    assert stranger.status_code == 409
    assert stranger.json()["code"] == "idempotency_key_reused"
    assert first.json()["url"] not in stranger.content.decode()
    assert first.json()["number"] not in stranger.content.decode()
    assert Order.objects.count() == 1


def _token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return client


def test_a_key_belongs_to_the_signed_in_client(shop, stocked):
    variant = stocked(10)
    body = checkout_payload(shop, variant, idempotency_key="cart-1")
    mine, theirs = _token_client(UserFactory()), _token_client(UserFactory())

    placed = mine.post(CHECKOUT, body, format="json")
    other = theirs.post(CHECKOUT, body, format="json")
    again = mine.post(CHECKOUT, body, format="json")

    assert (placed.status_code, other.status_code, again.status_code) == (201, 201, 200)
    assert again.json()["url"] == placed.json()["url"] != other.json()["url"]
    assert Order.objects.count() == 2


def test_a_key_belongs_to_the_session_that_sent_it(shop, stocked):
    """Two browsers (each its session cookie) using the same key place their own orders."""
    variant = stocked(10)
    body = checkout_payload(shop, variant, idempotency_key="cart-1")
    browsers = [APIClient(), APIClient()]
    for browser in browsers:
        session = browser.session
        session["cart"] = []
        session.save()
        browser.cookies["sessionid"] = session.session_key

    responses = [browser.post(CHECKOUT, body, format="json") for browser in browsers]
    assert [response.status_code for response in responses] == [201, 201]
    assert browsers[0].post(CHECKOUT, body, format="json").json()["url"] == \
        responses[0].json()["url"]
    assert Order.objects.count() == 2


def test_the_owner_sets_the_checkout_limits_through_the_api(owner):
    api = english_client(owner)
    current = api.get(SETTINGS_API).json()
    assert (current["max_line_quantity"], current["max_order_quantity"],
            current["max_unpaid_orders"]) == (20, 50, 3)
    response = api.patch(SETTINGS_API, {"max_line_quantity": 5, "max_unpaid_orders": 1},
                         format="json")
    assert response.status_code == 200
    settings = ShopSettings.load()
    assert (settings.max_line_quantity, settings.max_unpaid_orders) == (5, 1)
    for bad in ({"max_line_quantity": 0}, {"max_order_quantity": 10**9},
                {"max_unpaid_orders": "many"}):
        assert api.patch(SETTINGS_API, bad, format="json").status_code == 400
    assert ShopSettings.load().max_line_quantity == 5


#: Queries of an API checkout before the checkout limits, by lines (see the checkout page's):
#: the answer is the order as written, not read back.
QUERIES_BEFORE_THE_LIMITS = {1: 14, 5: 14}


@pytest.mark.parametrize("lines", [1, 5])
def test_an_api_checkout_takes_no_more_queries_than_it_did(api, shop, stocked, lines,
                                                          django_assert_max_num_queries):
    ShopSettings.load()  # the first read creates the row: not part of a checkout
    ContentType.objects.get_for_model(Order)  # cached by every process after its first
    variants = [stocked(10) for _ in range(lines)]
    body = checkout_payload(shop, variants[0], idempotency_key="cart-1")
    body["lines"] = [{"variant": variant.public_id, "quantity": 1} for variant in variants]
    added = 2 if connection.vendor == "postgresql" else 1
    with django_assert_max_num_queries(QUERIES_BEFORE_THE_LIMITS[lines] + added):
        assert api.post(CHECKOUT, body, format="json").status_code == 201
