import pytest

from tests.factories import VariantFactory
from weishang.orders import services as orders
from weishang.storefront.throttle import LOOKUP_LIMIT

LOOKUP = "/orders/lookup/"


@pytest.fixture
def placed(shop, stock):
    variant = VariantFactory()
    stock(variant, 5)
    return orders.place_order(
        shop=shop, lines=[orders.CartLine(variant.public_id, 1)],
        recipient=orders.Recipient("张三", "13812345678", "北京市", "北京市", "朝阳区",
                                   "建国路1号"),
    )


def look_up(client, phone, number, **extra):
    return client.post(LOOKUP, {"phone": phone, "number": number}, HTTP_ACCEPT_LANGUAGE="en",
                       **extra)


@pytest.mark.django_db
def test_matching_phone_and_number_lead_to_the_private_page(client, placed):
    response = look_up(client, "+86 138-1234-5678", f" {placed.number} ")
    assert response.status_code == 302
    assert response["Location"] == f"/orders/{placed.access_token}/"


@pytest.mark.django_db
@pytest.mark.parametrize("mismatch", ["phone", "number"])
def test_a_mismatch_gets_one_generic_message(client, placed, mismatch):
    phone = "13900000000" if mismatch == "phone" else placed.recipient_phone
    number = "202601010000000000" if mismatch == "number" else placed.number

    response = look_up(client, phone, number)

    assert response.status_code == 200
    assert "No order matches this mobile number and order number." in response.content.decode()


@pytest.mark.django_db
def test_tries_are_limited_per_ip(client, placed):
    for attempt in range(LOOKUP_LIMIT.limit):
        look_up(client, f"1390000{attempt:04d}", "x")

    response = look_up(client, placed.recipient_phone, placed.number)

    assert response.status_code == 429
    assert "Too many tries. Please try again in" in response.content.decode()
    other_ip = look_up(client, placed.recipient_phone, placed.number, REMOTE_ADDR="10.0.0.9")
    assert other_ip.status_code == 302


@pytest.mark.django_db
def test_tries_are_limited_per_phone(client, placed):
    for attempt in range(LOOKUP_LIMIT.limit):
        look_up(client, placed.recipient_phone, "x", REMOTE_ADDR=f"10.0.1.{attempt}")

    response = look_up(client, placed.recipient_phone, placed.number, REMOTE_ADDR="10.0.2.1")

    assert response.status_code == 429


@pytest.mark.django_db
def test_the_lookup_page_is_chinese_by_default(client):
    assert "查找我的订单" in client.get(LOOKUP).content.decode()
