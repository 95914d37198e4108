"""Placing an order: prices and totals from the database, stock taken all or nothing, bad
input refused with a clear message and nothing written."""

import re
from dataclasses import replace
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import UserFactory, VariantFactory
from weishang.core.errors import InsufficientStock, InvalidInput, NotPermitted
from weishang.inventory.models import StockLevel, StockMovement
from weishang.inventory.services import adjust_stock, verify_ledger
from weishang.orders import services
from weishang.orders.models import (
    Order,
    OrderChannel,
    OrderEvent,
    OrderState,
    RegionShippingFee,
    ShopSettings,
)
from weishang.orders.services import CartLine, guards

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def stock_of(variant) -> int:
    return StockLevel.objects.get(variant=variant).quantity


@pytest.fixture
def nothing_written():
    """Use as a context: asserts no order, line, event or stock movement appeared inside."""

    class Snapshot:
        def __enter__(self):
            self.before = self.counts()
            return self

        def __exit__(self, *exc):
            assert self.counts() == self.before, "a refused order wrote something"

        @staticmethod
        def counts():
            return (Order.objects.count(), OrderEvent.objects.count(),
                    StockMovement.objects.count())

    return Snapshot


def test_an_order_snapshots_the_items_takes_stock_and_waits_for_payment(place, stocked):
    shirt = stocked(5, price="59.90", title="纯棉T恤", spec="红 / M")
    scarf = stocked(3, price="120.00", title="真丝围巾")
    services.update_shop_settings(None, shipping_fee="8", unpaid_expiry_minutes=45)
    before = timezone.now()

    order = place([CartLine(shirt.public_id, 2), CartLine(scarf.public_id, 1)])

    assert re.fullmatch(r"\d{8}\d{10}", order.number)
    assert order.number[:8] == timezone.localtime(order.created_at).strftime("%Y%m%d")
    assert order.state == OrderState.PENDING_PAYMENT and order.channel == OrderChannel.SHOP
    assert order.recipient_phone == "13812345678" and order.district == "南山区"
    assert (order.goods_total, order.shipping_fee, order.payable) == (
        Decimal("239.80"), Decimal("8.00"), Decimal("247.80"))
    lines = list(order.lines.order_by("id"))
    assert [(line.product_title, line.spec_label, line.unit_price, line.quantity,
             line.line_total) for line in lines] == [
        ("纯棉T恤", "红 / M", Decimal("59.90"), 2, Decimal("119.80")),
        ("真丝围巾", scarf.spec_label, Decimal("120.00"), 1, Decimal("120.00")),
    ]
    assert (stock_of(shirt), stock_of(scarf)) == (3, 2)
    sales = StockMovement.objects.filter(reason="sale")
    assert {movement.related for movement in sales} == {order}
    assert verify_ledger() == []
    assert before + timezone.timedelta(minutes=45) <= order.expires_at
    event = order.events.get()
    assert (event.from_state, event.to_state, event.actor_kind) == ("", "pending_payment",
                                                                    "customer")


def test_an_order_taken_in_chat_records_who_entered_it(place, stocked, owner):
    order = place(stocked(), actor=owner, channel=OrderChannel.CHAT)
    assert order.placed_by == owner and order.channel == "chat"
    assert order.events.get().actor_kind == "user"


def test_order_numbers_are_unique_and_random(place, stocked):
    variant = stocked(20)
    numbers = {place(variant).number for _ in range(20)}
    assert len(numbers) == 20
    assert len({number[8:] for number in numbers}) == 20


def test_an_order_number_clash_draws_a_new_number(place, stocked, monkeypatch):
    variant = stocked(5)
    first = place(variant)
    drawn = iter([first.number, first.number, "202601010000000001"])
    monkeypatch.setattr(services.checkout, "new_order_number", lambda now=None: next(drawn))
    assert place(variant).number == "202601010000000001"


def test_the_same_variant_twice_is_one_line(place, stocked):
    variant = stocked(5)
    order = place([CartLine(variant.public_id, 1), CartLine(variant.public_id, 2)])
    assert order.lines.get().quantity == 3 and stock_of(variant) == 2


def test_prices_come_from_the_database_not_from_the_cart(place, stocked):
    variant = stocked(5, price="100.00")
    tampered = CartLine(variant.public_id, 1)
    tampered.unit_price = Decimal("0.01")  # what a tampered form would post: never read
    order = place([tampered])
    assert order.lines.get().unit_price == Decimal("100.00")
    assert order.goods_total == Decimal("100.00")


def test_a_price_change_after_the_quote_is_charged_at_the_new_price(place, stocked):
    variant = stocked(5, price="100.00")
    assert services.quote([CartLine(variant.public_id, 1)]).goods_total == Decimal("100.00")
    variant.retail_price = Decimal("80.00")
    variant.save()
    assert place(variant).goods_total == Decimal("80.00")


def test_not_enough_stock_names_the_item_and_writes_nothing(place, stocked, nothing_written):
    shirt = stocked(2, title="纯棉T恤", spec="红 / M")
    scarf = stocked(5)
    with nothing_written(), pytest.raises(InsufficientStock) as refused:
        place([CartLine(scarf.public_id, 1), CartLine(shirt.public_id, 3)])
    assert "纯棉T恤 红 / M" in refused.value.message
    assert (stock_of(shirt), stock_of(scarf)) == (2, 5)


def bad_lines(stocked):
    """(description, lines, expected message fragment) for carts that must be refused."""
    on_sale = stocked(10)
    off_shelf = stocked(10, is_on_shelf=False)
    inactive = stocked(10)
    inactive.is_active = False
    inactive.save()

    def line(quantity, variant=on_sale):
        return [CartLine(variant.public_id, quantity)]

    return [
        ("empty cart", [], "empty"),
        ("zero", line(0), "1 to 999"),
        ("negative", line(-1), "1 to 999"),
        ("huge", line(1000), "1 to 999"),
        ("enormous", line(10**12), "1 to 999"),
        ("not a number", line("2"), "whole number"),
        ("a float", line(1.5), "whole number"),
        ("a bool", line(True), "whole number"),
        ("off shelf", line(1, off_shelf), "no longer for sale"),
        ("inactive variant", line(1, inactive), "no longer for sale"),
        ("unknown variant", [CartLine("0" * 32, 1)], "no longer exists"),
        ("too many lines", [CartLine(stocked(1).public_id, 1) for _ in range(51)],
         "at most 50"),
    ]


def test_bad_carts_are_refused_and_write_nothing(place, stocked, nothing_written):
    for description, lines, message in bad_lines(stocked):
        with nothing_written(), pytest.raises(InvalidInput) as refused:
            place(lines)
        assert refused.value.field == "lines", description
        assert message in str(refused.value.message), description


def test_a_product_in_a_hidden_category_cannot_be_ordered(place, stocked, nothing_written):
    variant = stocked(5)
    variant.product.category.is_active = False
    variant.product.category.save()
    with nothing_written(), pytest.raises(InvalidInput):
        place(variant)


@pytest.mark.parametrize(("field", "value", "message"), [
    ("phone", "1234567", "11 digits"),
    ("phone", "", "11 digits"),
    ("phone", "12812345678", "11 digits"),
    ("name", "  ", "name"),
    ("name", "张" * 31, "30"),
    ("province", "", "province"),
    ("city", "", "city"),
    ("street", "", "street"),
    ("street", "路" * 121, "120"),
    ("note", "备" * 201, "200"),
])
def test_bad_recipients_are_refused_and_write_nothing(place, stocked, recipient, nothing_written,
                                                      field, value, message):
    variant = stocked(5)
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        place(variant, recipient=replace(recipient, **{field: value}))
    assert refused.value.field == field
    assert message in str(refused.value.message)


def test_the_phone_is_normalised(place, stocked, recipient):
    order = place(stocked(), recipient=replace(recipient, phone="+86 138-1234-5678"))
    assert order.recipient_phone == "13812345678"


def test_the_same_idempotency_key_returns_the_first_order(place, stocked):
    variant = stocked(5)
    first = place(variant, 2, idempotency_key="checkout-1")
    again = place(variant, 2, idempotency_key="checkout-1")
    assert again.pk == first.pk
    assert Order.objects.count() == 1 and stock_of(variant) == 3
    assert place(variant, 1, idempotency_key="checkout-2").pk != first.pk


def test_an_idempotency_key_taken_by_a_concurrent_request_returns_its_order(place, stocked,
                                                                          monkeypatch):
    """The winner's row appears between our look-up and our insert: we return the winner."""
    variant = stocked(5)
    winner = place(variant, idempotency_key="same")
    real_filter = Order.objects.filter
    calls = {"n": 0}

    def filter_missing_the_first_lookup(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            return Order.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(Order.objects, "filter", filter_missing_the_first_lookup)
    assert place(variant, idempotency_key="same").pk == winner.pk
    monkeypatch.undo()
    assert Order.objects.count() == 1 and stock_of(variant) == 4


# ---------------------------------------------------------------------------------------------
# Totals and shipping


def test_free_shipping_at_or_above_the_threshold(stocked):
    variant = stocked(50, price="50.00")
    services.update_shop_settings(None, shipping_fee="10.00", free_shipping_above="100")
    fees = [services.quote([CartLine(variant.public_id, n)]).shipping_fee for n in (1, 2, 3)]
    assert fees == [Decimal("10.00"), Decimal("0.00"), Decimal("0.00")]


def test_a_region_fee_overrides_the_shop_fee_by_full_or_short_name(place, stocked, recipient):
    variant = stocked(50, price="50.00")
    services.update_shop_settings(None, shipping_fee="10.00", free_shipping_above="80")
    services.set_region_fees(None, [("新疆", "25", None), ("西藏自治区", "30", "500")])
    cart = [CartLine(variant.public_id, 2)]

    assert services.quote(cart, province="广东省").shipping_fee == Decimal("0.00")
    assert services.quote(cart, province="新疆维吾尔自治区").shipping_fee == Decimal("25.00")
    assert services.quote(cart, province="西藏").shipping_fee == Decimal("30.00")
    order = place(cart, recipient=replace(recipient, province="新疆维吾尔自治区", city="乌鲁木齐市",
                                          district="天山区"))
    assert (order.shipping_fee, order.payable) == (Decimal("25.00"), Decimal("125.00"))


def test_region_fees_are_replaced_and_checked():
    services.set_region_fees(None, [("新疆", "25", None)])
    services.set_region_fees(None, [("青海省", "15", "200")])
    assert [(r.province, r.shipping_fee, r.free_shipping_above)
            for r in RegionShippingFee.objects.all()] == [
        ("青海省", Decimal("15.00"), Decimal("200.00"))]
    for rows in ([("新疆", "-1", None)], [("", "1", None)], [("新疆", "x", None)],
                 [("新疆", "1", None), ("新疆维吾尔自治区", "2", None)]):
        with pytest.raises(InvalidInput):
            services.set_region_fees(None, rows)
    assert RegionShippingFee.objects.count() == 1


def test_shop_settings_are_checked():
    for fields in ({"unpaid_expiry_minutes": 4}, {"auto_complete_days": 0},
                   {"shipping_fee": "-1"}, {"shipping_fee": 1.5},
                   {"free_shipping_above": "abc"}):
        with pytest.raises(InvalidInput):
            services.update_shop_settings(None, **fields)
    settings_row = services.update_shop_settings(None, payment_instructions=" 备注写订单号 ",
                                                 free_shipping_above="")
    assert settings_row.payment_instructions == "备注写订单号"
    assert settings_row.free_shipping_above is None
    assert ShopSettings.load().unpaid_expiry_minutes == 30


def test_only_the_owner_changes_the_selling_rules():
    """Staff, even managing orders, are refused by the services themselves (no actor: the
    system, e.g. a loader)."""
    staff = UserFactory(role="staff", areas=["orders"])
    with pytest.raises(NotPermitted):
        services.update_shop_settings(staff, shipping_fee="5")
    with pytest.raises(NotPermitted):
        services.set_region_fees(staff, [("新疆", "25", None)])
    assert (ShopSettings.load().shipping_fee, RegionShippingFee.objects.count()) == (
        ShopSettings().shipping_fee, 0)


def test_a_quote_shows_problems_instead_of_raising(stocked):
    shirt = stocked(2, title="纯棉T恤", spec="红 / M")
    gone = stocked(0, title="帽子", spec="黑")
    quote = services.quote([CartLine(shirt.public_id, 3), CartLine(gone.public_id, 1),
                            CartLine("nope", 1), CartLine(shirt.public_id + "x", 0)])
    problems = [line.problem for line in quote.lines]
    assert problems[0] == "“纯棉T恤 红 / M”: only 2 left."
    assert problems[1] == "“帽子 黑” is sold out."
    assert "no longer exists" in problems[2]
    assert quote.lines[0].available == 2 and not quote.can_order
    assert quote.goods_total == Decimal("0.00") and quote.payable == Decimal("0.00")
    assert not services.quote([]).can_order


money = st.decimals(min_value=Decimal("0"), max_value=Decimal("9999.99"), places=2)


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(prices=st.lists(money, min_size=1, max_size=4),
       quantities=st.lists(st.integers(1, 999), min_size=4, max_size=4),
       fee=money, free_above=st.one_of(st.none(), money))
def test_payable_is_goods_plus_shipping_and_goods_the_sum_of_lines(
        place, prices, quantities, fee, free_above):
    services.update_shop_settings(None, shipping_fee=fee, free_shipping_above=free_above,
                                  max_line_quantity=services.MAX_LINE_QUANTITY,
                                  max_order_quantity=services.MAX_ORDER_QUANTITY)
    variants = [VariantFactory(retail_price=price) for price in prices]
    for variant in variants:
        adjust_stock(variant=variant, delta=999, reason="initial")
    order = place([CartLine(v.public_id, q) for v, q in zip(variants, quantities, strict=False)])

    lines = list(order.lines.all())
    amounts = [order.goods_total, order.shipping_fee, order.payable,
               *(line.line_total for line in lines)]
    assert all(isinstance(a, Decimal) and a.as_tuple().exponent == -2 for a in amounts)
    assert order.goods_total == sum(line.line_total for line in lines)
    assert all(line.line_total == line.unit_price * line.quantity for line in lines)
    assert order.payable == order.goods_total + order.shipping_fee
    free = free_above is not None and order.goods_total >= free_above
    assert order.shipping_fee == (Decimal("0.00") if free else fee)


def test_the_district_is_required_only_where_the_city_has_districts(place, stocked, recipient,
                                                                     nothing_written):
    variant = stocked(5)
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        place(variant, recipient=replace(recipient, district=""))
    assert refused.value.field == "district"
    dongguan = replace(recipient, city="东莞市", district="", street="南城街道鸿福路1号")
    assert place(variant, recipient=dongguan).district == ""


@pytest.mark.parametrize("province", ["香港特别行政区", "台湾省", "澳门"])
def test_an_address_outside_the_mainland_is_refused_with_the_reason(
        place, stocked, recipient, nothing_written, province):
    variant = stocked(5)
    outside = replace(recipient, province=province, city="九龙", district="",
                      phone="+852 9123 4567")
    with nothing_written(), pytest.raises(InvalidInput) as refused:
        place(variant, recipient=outside)
    assert refused.value.field == "province"
    assert str(refused.value.message) == (
        "This shop delivers within mainland China only, not to Hong Kong, Macau or Taiwan.")


@pytest.mark.parametrize("lines", [1, 3])
def test_a_customers_checkout_takes_at_most_fifteen_queries_whatever_its_lines(
        shop, stocked, recipient, lines, django_assert_max_num_queries):
    """Keyed, counted, for a new customer: the key, the variants, the seller, the buyer, the
    settings, the unpaid orders (on PostgreSQL their lock), the regional fee, the order, its
    lines and event, the stock in one UPDATE and its movements in one INSERT; inside a test's
    transaction, in a savepoint (two more). The customer is recorded after the commit
    (tests/customers/test_records.py)."""
    ShopSettings.load()  # the first read creates the row: not part of a checkout
    ContentType.objects.get_for_model(Order)  # cached by every process after its first
    variants = [stocked(5) for _ in range(lines)]
    with django_assert_max_num_queries(15):
        placed = services.place_order_once(
            shop=shop, lines=[CartLine(variant.public_id, 2) for variant in variants],
            recipient=recipient, idempotency_key="cart-1",
            client=guards.Client(address="203.0.113.7", scope="session:abc"))
    assert not placed.replayed and placed.order.lines.count() == lines
    assert [stock_of(variant) for variant in variants] == [3] * lines
    assert StockMovement.objects.filter(delta=-2).count() == lines
