import json
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, ProductFactory, VariantFactory


@pytest.fixture
def get_page(client, shop_url):
    """get_page(product): the product page in the owner's shop, in English."""

    def get(product):
        response = client.get(shop_url("product", product.public_id), HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return response

    return get


def clothing(colours=("白", "黑"), sizes=("M", "L")):
    product = ProductFactory(
        title="纯棉T恤",
        specs=[{"name": "颜色", "values": list(colours)}, {"name": "尺码", "values": list(sizes)}],
    )
    variants = [
        VariantFactory(
            product=product, spec_values={"颜色": colour, "尺码": size},
            spec_label=f"{colour} / {size}", retail_price=Decimal("59.00") + index,
        )
        for index, (colour, size) in enumerate((c, s) for c in colours for s in sizes)
    ]
    return product, variants


@pytest.mark.django_db
def test_product_page_shows_title_prices_points_description_and_images(get_page, picture):
    top = CategoryFactory(name="服装")
    product = ProductFactory(
        title="羊毛围巾", category=CategoryFactory(name="围巾", parent=top),
        selling_points="100% 羊毛\n\n不起球 ", description="<p>手工<strong>编织</strong></p>",
    )
    VariantFactory(product=product, retail_price=Decimal("129.00"))
    VariantFactory(product=product, retail_price=Decimal("1999.90"))
    picture(product, 0)
    picture(product, 1)

    page = get_page(product).content.decode()

    assert "<h1>羊毛围巾</h1>" in page
    assert "¥129.00 – ¥1,999.90" in page
    assert "<li>100% 羊毛</li>" in page and "<li>不起球</li>" in page
    assert "<p>手工<strong>编织</strong></p>" in page
    assert page.count('<img src="/media/products/') == 2
    assert f"/c/{top.public_id}/" in page, "the breadcrumb leads back to the category"


@pytest.mark.django_db
def test_description_html_that_skipped_the_service_is_still_cleaned(get_page):
    product = VariantFactory(
        product__description='<p onclick="steal()">好<script>alert(1)</script></p>'
                             '<a href="javascript:steal()">链接</a>'
    ).product

    page = get_page(product).content.decode()

    assert "<p>好</p>" in page
    assert "alert(1)" not in page and "steal()" not in page


@pytest.mark.django_db
@pytest.mark.parametrize("state", ["off shelf", "no variant on sale", "unknown"])
def test_products_not_for_sale_are_not_found(client, shop_url, state):
    if state == "off shelf":
        public_id = VariantFactory(product__is_on_shelf=False).product.public_id
    elif state == "no variant on sale":
        public_id = VariantFactory(is_active=False).product.public_id
    else:
        public_id = "0" * 32
    response = client.get(shop_url("product", public_id))
    assert response.status_code == 404
    assert "此页面不存在或已下架" in response.content.decode()


@pytest.mark.django_db
def test_each_variant_shows_its_price_and_stock_state(get_page, stock):
    product, (white_m, white_l, black_m, black_l) = clothing()
    stock(white_m, 0, low_stock_threshold=5)
    stock(white_l, 3, low_stock_threshold=5)
    stock(black_m, 20, low_stock_threshold=5)
    # black_l has never been stocked: sold out too.

    page = get_page(product).content.decode()
    variant_list = page[page.index('<ul class="variant-list">'):]

    def line_of(variant):
        start = variant_list.index(variant.spec_label)
        return variant_list[start:variant_list.index("</li>", start)]

    assert "Sold out" in line_of(white_m) and "¥59.00" in line_of(white_m)
    assert "Only 3 left" in line_of(white_l)
    assert "In stock" in line_of(black_m)
    assert "Sold out" in line_of(black_l)


@pytest.mark.django_db
def test_picker_offers_each_spec_value_in_the_declared_order(get_page):
    product, variants = clothing(colours=("黑", "白"), sizes=("S", "M", "L"))
    variants[-1].is_active = False  # 白 / L is no longer sold
    variants[-1].save()

    response = get_page(product)
    page = response.content.decode()

    buttons = [
        (line.split('data-spec="')[1].split('"')[0], line.split('data-value="')[1].split('"')[0])
        for line in page.splitlines() if 'class="chip spec-value"' in line
    ]
    assert buttons == [("颜色", "黑"), ("颜色", "白"), ("尺码", "S"), ("尺码", "M"), ("尺码", "L")]
    picker = json.loads(page.split('id="variant-picker" type="application/json">')[1]
                        .split("</script>")[0])
    assert {tuple(v["choice"].values()) for v in picker} == {
        ("黑", "S"), ("黑", "M"), ("黑", "L"), ("白", "S"), ("白", "M")
    }
    assert variants[-1].public_id not in page


@pytest.mark.django_db
def test_variants_without_spec_values_get_one_button_each(get_page):
    product = ProductFactory()
    VariantFactory(product=product, spec_label="小瓶", spec_values={})
    VariantFactory(product=product, spec_label="大瓶", spec_values={})

    page = get_page(product).content.decode()

    assert 'data-value="小瓶"' in page and 'data-value="大瓶"' in page


@pytest.mark.django_db
def test_a_single_variant_needs_no_picker(get_page, stock):
    variant = VariantFactory(spec_label="", spec_values={})
    stock(variant, 8)

    page = get_page(variant.product).content.decode()

    assert "data-picker" not in page and "In stock" in page


@pytest.mark.django_db
def test_the_cart_form_posts_a_variant_only_once_one_is_chosen(get_page):
    product, variants = clothing()
    page = get_page(product).content.decode()

    # The picker's input stays disabled until a whole combination is picked (product.js);
    # without JavaScript each variant has a radio button, sold-out ones disabled.
    assert 'name="variant" value="" disabled data-chosen-variant' in page
    assert page.count('type="radio" name="variant"') == len(variants)
    assert 'name="quantity" value="1" min="1" max="999"' in page


@pytest.mark.django_db
def test_a_single_variant_is_posted_without_choosing(get_page, stock):
    variant = VariantFactory(spec_label="", spec_values={})
    page = get_page(variant.product).content.decode()
    assert f'<input type="hidden" name="variant" value="{variant.public_id}">' in page
    assert 'type="radio"' not in page


@pytest.mark.django_db
def test_query_count_does_not_grow_with_variants(get_page, stock, picture):
    def count_queries(product):
        cache.clear()  # count the queries of rendering, not of the page cache
        with CaptureQueriesContext(connection) as queries:
            get_page(product)
        return len(queries)

    small, (variant, *_) = clothing(colours=("白",), sizes=("M",))
    stock(variant, 5)
    picture(small)
    big, variants = clothing(colours=("白", "黑", "红", "蓝"), sizes=("S", "M", "L", "XL", "XXL"))
    for index, variant in enumerate(variants):
        stock(variant, index, low_stock_threshold=2)
    for position in range(9):
        picture(big, position)

    assert len(variants) == 20
    get_page(small)  # the first visit starts the session
    # The shop, the session, the product, its images, its variants with their stock.
    assert count_queries(small) == count_queries(big) <= 5
