"""What guards a checkout at the service, whichever way it comes in: the region must fit
together, a customer's quantities and unpaid orders are limited, checkouts are counted per
client address and per mobile number, and a checkout key belongs to its client and content."""

from dataclasses import replace
from decimal import Decimal

import pytest

from tests.orders.purchasing import buy, new_agent
from weishang.core.errors import Conflict, InvalidInput, TooManyRequests
from weishang.inventory.services import item_name
from weishang.orders import services
from weishang.orders.models import Order, OrderChannel, OrderState
from weishang.orders.services import CartLine
from weishang.orders.services.guards import Client

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

XINJIANG = {"province": "浙江省", "city": "乌鲁木齐市", "district": "天山区"}
BUYER = Client(address="203.0.113.7", scope="session:buyer")


@pytest.fixture
def limits(settings):
    """limits(per_address=..., per_mobile=...): the checkout rate limits for this test."""

    def set_limits(per_address=100, per_mobile=100):
        settings.CHECKOUT_LIMIT_PER_ADDRESS = per_address
        settings.CHECKOUT_LIMIT_PER_MOBILE = per_mobile
        settings.CHECKOUT_LIMIT_MINUTES = 10

    set_limits()
    return set_limits


def lines_of(variant, quantity=1):
    return [CartLine(variant.public_id, quantity)]


# --- the region -------------------------------------------------------------------------------


def test_a_city_of_another_province_is_refused_on_every_way_in(place, stocked, recipient, owner,
                                                               shop):
    """浙江省 / 乌鲁木齐市 / 天山区 paid Zhejiang's fee for a parcel to Xinjiang."""
    variant = stocked(10)
    wrong = replace(recipient, **XINJIANG)
    customer = lambda: place(variant, recipient=wrong, client=BUYER)  # noqa: E731
    in_chat = lambda: place(variant, recipient=wrong, actor=owner,  # noqa: E731
                            channel=OrderChannel.CHAT)
    agent_purchase = lambda: buy(new_agent(), variant, 1, delivery="ship",  # noqa: E731
                                 recipient=wrong)
    for way_in in (customer, in_chat, agent_purchase):
        with pytest.raises(InvalidInput) as refused:
            way_in()
        assert refused.value.field == "city"
        assert "浙江省 has no city “乌鲁木齐市”" in refused.value.message
    assert not Order.objects.exists()


def test_the_regional_fee_follows_the_checked_province(place, stocked, recipient, owner):
    services.update_shop_settings(owner, shipping_fee=Decimal("6.00"))
    services.set_region_fees(owner, [("新疆维吾尔自治区", "20.00", None)])
    order = place(stocked(10), recipient=replace(recipient, province="新疆", city="乌鲁木齐",
                                                 district="天山区"))
    assert (order.province, order.city, order.district) == ("新疆维吾尔自治区", "乌鲁木齐市",
                                                            "天山区")
    assert order.shipping_fee == Decimal("20.00")


# --- a customer's quantities ------------------------------------------------------------------


def test_a_customer_orders_at_most_the_owners_units_per_item_and_per_order(place, stocked,
                                                                           owner):
    services.update_shop_settings(owner, max_line_quantity=3, max_order_quantity=5)
    tea, cake = stocked(50, title="乌龙茶"), stocked(50, title="月饼")

    with pytest.raises(InvalidInput) as refused:
        place(tea, 4)
    assert (refused.value.code, refused.value.field) == ("quantity_limit", "lines")
    assert refused.value.message == f"“{item_name(tea)}”: at most 3 per order."
    with pytest.raises(InvalidInput) as refused:
        place([CartLine(tea.public_id, 3), CartLine(cake.public_id, 3)])
    assert refused.value.message == "At most 5 items in one order (this one has 6)."
    assert not Order.objects.exists()

    assert place([CartLine(tea.public_id, 3), CartLine(cake.public_id, 2)]).lines.count() == 2
    # The owner or staff entering an order taken in chat are not limited.
    in_chat = place(tea, 30, actor=owner, channel=OrderChannel.CHAT)
    assert in_chat.lines.get().quantity == 30


def test_the_quote_shows_the_limits_to_customers_only(stocked, owner):
    services.update_shop_settings(owner, max_line_quantity=3, max_order_quantity=5)
    tea = stocked(50, title="乌龙茶")
    for_customer = services.quote(lines_of(tea, 4))
    assert not for_customer.can_order
    assert for_customer.lines[0].problem == f"“{item_name(tea)}”: at most 3 per order."
    assert services.quote(lines_of(tea, 4), for_customer=False).can_order


# --- unpaid orders per mobile number ----------------------------------------------------------


def test_a_mobile_number_holds_at_most_the_owners_unpaid_orders(place, stocked, recipient,
                                                                owner, limits):
    services.update_shop_settings(owner, max_unpaid_orders=2)
    variant = stocked(10)
    first = place(variant, client=BUYER)
    place(variant, client=BUYER)

    with pytest.raises(Conflict) as refused:
        place(variant, client=BUYER)
    assert refused.value.code == "too_many_unpaid_orders"
    assert "already has 2 orders awaiting payment" in refused.value.message
    assert Order.objects.count() == 2

    another_number = replace(recipient, phone="13912345678")
    assert place(variant, recipient=another_number, client=BUYER)
    services.cancel_order(first, by_customer=True)
    assert place(variant, client=BUYER).state == OrderState.PENDING_PAYMENT
    # Orders taken in chat for the customer are the seller's call.
    assert place(variant, actor=owner, channel=OrderChannel.CHAT)


# --- checkouts counted per address and per mobile number --------------------------------------


def test_checkouts_are_counted_per_client_address(place, stocked, recipient, limits):
    limits(per_address=2)
    variant = stocked(10)
    for phone in ("13900000001", "13900000002"):
        place(variant, recipient=replace(recipient, phone=phone), client=BUYER)

    with pytest.raises(TooManyRequests) as refused:
        place(variant, recipient=replace(recipient, phone="13900000003"), client=BUYER)
    assert refused.value.code == "too_many_checkouts" and refused.value.status == 429
    assert 0 < refused.value.retry_after <= 10 * 60
    assert "Too many orders from your network" in refused.value.message
    assert Order.objects.count() == 2

    elsewhere = Client(address="198.51.100.9", scope="session:other")
    assert place(variant, recipient=replace(recipient, phone="13900000003"), client=elsewhere)


def test_checkouts_are_counted_per_mobile_number(place, stocked, limits):
    limits(per_mobile=2)
    variant = stocked(10)
    for address in ("198.51.100.1", "198.51.100.2"):
        place(variant, client=Client(address=address, scope=f"session:{address}"))

    with pytest.raises(TooManyRequests) as refused:
        place(variant, client=Client(address="198.51.100.3", scope="session:3"))
    assert "Too many orders for this mobile number" in refused.value.message
    assert Order.objects.count() == 2


def test_orders_taken_in_chat_are_not_counted(place, stocked, owner, limits):
    limits(per_address=1, per_mobile=1)
    variant = stocked(10)
    for _ in range(3):
        place(variant, actor=owner, channel=OrderChannel.CHAT, client=BUYER)
    assert Order.objects.count() == 3


def test_a_refused_checkout_is_not_counted(place, stocked, recipient, limits):
    limits(per_address=1)
    variant = stocked(10)
    with pytest.raises(InvalidInput):
        place(variant, recipient=replace(recipient, **XINJIANG), client=BUYER)
    assert place(variant, client=BUYER)


# --- checkout keys ----------------------------------------------------------------------------


def test_a_key_belongs_to_its_client_and_its_content(shop, stocked, recipient, limits):
    variant = stocked(10)

    def checkout(client, quantity=1, **changes):
        return services.place_order_once(
            shop=shop, lines=lines_of(variant, quantity), idempotency_key="cart-1",
            recipient=replace(recipient, **changes), client=client)

    first = checkout(BUYER)
    assert not first.replayed
    again = checkout(BUYER)
    assert again.replayed and again.order.pk == first.order.pk

    with pytest.raises(Conflict) as refused:
        checkout(BUYER, quantity=2)
    assert refused.value.code == "idempotency_key_reused"

    someone_else = checkout(Client(address="203.0.113.8", scope="session:someone"),
                            name="李四", phone="13900001111")
    assert not someone_else.replayed and someone_else.order.pk != first.order.pk
    assert someone_else.order.recipient_name == "李四"
    assert Order.objects.count() == 2


def test_without_a_session_a_key_is_bound_by_its_content(shop, stocked, recipient, limits):
    """An API client that keeps no cookie: its retry finds its order, another body does not."""
    variant = stocked(10)
    anonymous = Client(address="203.0.113.7")

    def checkout(**changes):
        return services.place_order_once(shop=shop, lines=lines_of(variant), client=anonymous,
                                         idempotency_key="1",
                                         recipient=replace(recipient, **changes))

    first = checkout()
    assert checkout().order.pk == first.order.pk
    with pytest.raises(Conflict):
        checkout(name="李四", phone="13900001111")
    assert Order.objects.count() == 1
