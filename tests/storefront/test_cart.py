from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VariantFactory
from weishang.catalog.models import Variant
from weishang.inventory import services as inventory


def cart_of(client):
    return client.session.get("cart", [])


@pytest.fixture
def cart_page(client, shop_url):
    def get():
        response = client.get(shop_url("cart"), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.fixture
def tea(stock):
    variant = VariantFactory(product__title="乌龙茶", spec_label="250g",
                             retail_price=Decimal("88.00"))
    stock(variant, 10)
    return variant


@pytest.mark.django_db
def test_add_keeps_variant_quantity_and_price_and_merges(client, tea, add_to_cart, shop):
    response = add_to_cart(tea, 2)
    assert response.status_code == 302
    assert response["Location"] == f"/s/{shop.code}/p/{tea.product.public_id}/"
    add_to_cart(tea, 3)

    assert cart_of(client) == [[tea.public_id, 5, "88.00"]]
    page = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Added “乌龙茶 250g” to the cart." in page
    assert '<span id="cart-badge" class="cart-badge"><span class="visually-hidden">items:</span>5' \
        in page


@pytest.mark.django_db
def test_htmx_add_answers_with_a_message_and_the_new_badge(client, tea, add_to_cart):
    response = add_to_cart(tea, 1, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    fragment = response.content.decode()
    assert "Added “乌龙茶 250g” to the cart." in fragment
    assert 'id="cart-badge"' in fragment and 'hx-swap-oob="true"' in fragment
    assert "<html" not in fragment


@pytest.mark.django_db
@pytest.mark.parametrize(("quantity", "message"), [
    (0, "between 1 and 999"), (-1, "between 1 and 999"), (100000, "between 1 and 999"),
    ("two", "whole number"), (11, "only 10 left"),
])
def test_bad_quantities_change_nothing(client, tea, add_to_cart, quantity, message):
    response = add_to_cart(tea, quantity, HTTP_HX_REQUEST="true")
    assert message in response.content.decode()
    assert cart_of(client) == []


@pytest.mark.django_db
def test_items_not_for_sale_cannot_be_added(client, add_to_cart, stock):
    off_shelf = VariantFactory(product__is_on_shelf=False)
    sold_out = VariantFactory(product__title="绝版")
    stock(off_shelf, 5)

    assert "no longer for sale" in add_to_cart(off_shelf, HTTP_HX_REQUEST="true").content.decode()
    assert "sold out" in add_to_cart(sold_out, HTTP_HX_REQUEST="true").content.decode()
    assert cart_of(client) == []


@pytest.mark.django_db
def test_change_and_remove(client, tea, add_to_cart, shop_url, stock):
    other = VariantFactory(retail_price=Decimal("10.00"))
    stock(other, 5)
    add_to_cart(tea, 1)
    add_to_cart(other, 2)

    client.post(shop_url("cart_change"), {"variant": tea.public_id, "quantity": "4"})
    assert cart_of(client)[0][1] == 4
    response = client.post(shop_url("cart_change"), {"variant": tea.public_id, "quantity": "0"},
                           HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert "between 1 and 999" in response.content.decode()
    assert cart_of(client)[0][1] == 4
    client.post(shop_url("cart_change"), {"variant": tea.public_id, "action": "remove"})
    assert [line[0] for line in cart_of(client)] == [other.public_id]


@pytest.mark.django_db
def test_cart_page_shows_lines_and_totals(client, tea, add_to_cart, cart_page):
    add_to_cart(tea, 2)
    page = cart_page()
    assert "乌龙茶" in page and "250g" in page
    assert "¥176.00" in page, "goods and payable, via |cny"
    assert "notice" not in page


@pytest.mark.django_db
def test_cart_page_says_when_the_price_changed(client, tea, add_to_cart, cart_page):
    add_to_cart(tea, 1)
    Variant.objects.filter(pk=tea.pk).update(retail_price=Decimal("99.00"))

    page = cart_page()

    assert "Price changed from ¥88.00 to ¥99.00 since you added it." in page
    assert "¥99.00" in page


@pytest.mark.django_db
def test_cart_page_says_when_stock_is_short_sold_out_or_off_shelf(
        client, tea, add_to_cart, cart_page, stock):
    short = VariantFactory(product__title="短缺")
    gone = VariantFactory(product__title="下架")
    stock(short, 3)
    stock(gone, 3)
    add_to_cart(tea, 2)
    add_to_cart(short, 3)
    add_to_cart(gone, 1)
    inventory.adjust_stock(variant=tea, delta=-10, reason="damage")  # sold out since
    inventory.adjust_stock(variant=short, delta=-1, reason="damage")  # 2 left of 3 in the cart
    gone.product.is_on_shelf = False
    gone.product.save()

    page = cart_page()

    assert "“乌龙茶 250g” is sold out." in page
    assert "only 2 left." in page
    assert "is no longer for sale." in page
    assert page.count("cart-line-problem") == 3


@pytest.mark.django_db
def test_empty_cart(cart_page):
    assert "Your cart is empty." in cart_page()


@pytest.mark.django_db
def test_cart_page_queries_do_not_grow_with_lines(client, add_to_cart, cart_page, stock):
    def count_queries():
        with CaptureQueriesContext(connection) as queries:
            cart_page()
        return len(queries)

    variants = VariantFactory.create_batch(12)
    for variant in variants:
        stock(variant, 5)
    add_to_cart(variants[0])
    cart_page()  # the first quote creates the shop settings
    few = count_queries()
    for variant in variants[1:]:
        add_to_cart(variant)
    # The shop, the session, the variants with stock, those for sale, the shop settings.
    assert count_queries() == few <= 5
