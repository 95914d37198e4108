from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import CategoryFactory, ProductFactory, VariantFactory


@pytest.fixture
def get_page(client, shop_url):
    """get_page(category=None, **params): the shop home (or a category page) in English."""

    def get(category=None, **params):
        url = shop_url("category", category.public_id) if category else shop_url("shop")
        response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 200
        return response.content.decode()

    return get


@pytest.mark.django_db
def test_only_products_on_shelf_with_a_variant_on_sale_are_shown(get_page):
    VariantFactory(product__title="On shelf")
    VariantFactory(product__title="Off shelf", product__is_on_shelf=False)
    VariantFactory(product__title="Nothing on sale", is_active=False)
    ProductFactory(title="No variant at all")

    page = get_page()

    assert "On shelf" in page
    assert "Off shelf" not in page
    assert "Nothing on sale" not in page
    assert "No variant at all" not in page


@pytest.mark.django_db
def test_tile_shows_the_lowest_price_and_the_market_price_of_that_variant(get_page):
    product = ProductFactory(title="Tea")
    VariantFactory(product=product, retail_price=Decimal("88.00"), market_price=Decimal("99.00"))
    VariantFactory(product=product, retail_price=Decimal("1288.50"), market_price=Decimal("1500"))
    VariantFactory(product=product, retail_price=Decimal("10.00"), is_active=False)

    page = get_page()

    assert "¥88.00 up" in page
    assert "<s class=\"price-market\">" in page and "¥99.00</s>" in page
    assert "¥10.00" not in page and "¥1,500.00" not in page


@pytest.mark.django_db
def test_market_price_not_above_the_price_is_not_struck_through(get_page):
    VariantFactory(retail_price=Decimal("50.00"), market_price=Decimal("50.00"))
    VariantFactory(retail_price=Decimal("60.00"), market_price=None)

    page = get_page()

    assert "¥50.00" in page and "¥60.00" in page
    assert "price-market" not in page


@pytest.mark.django_db
def test_search_matches_title_and_selling_points(get_page):
    VariantFactory(product__title="玫瑰精华面膜", product__selling_points="补水")
    VariantFactory(product__title="乌龙茶", product__selling_points="高山茶园\n回甘")
    VariantFactory(product__title="羊毛围巾")

    assert "乌龙茶" in get_page(q="茶")
    assert "玫瑰精华面膜" not in get_page(q="茶")
    assert "玫瑰精华面膜" in get_page(q="补水")
    page = get_page(q="no such thing")
    assert "0 products match" in page
    assert "Try another word" in page


@pytest.mark.django_db
def test_a_top_category_includes_its_sub_categories(get_page):
    clothing = CategoryFactory(name="服装")
    shirts = CategoryFactory(name="T恤", parent=clothing)
    tea = CategoryFactory(name="茶叶")
    VariantFactory(product__title="Plain shirt", product__category=shirts)
    VariantFactory(product__title="Coat", product__category=clothing)
    VariantFactory(product__title="Oolong", product__category=tea)

    top = get_page(category=clothing)
    assert "Plain shirt" in top and "Coat" in top and "Oolong" not in top
    assert "T恤" in top, "the sub-category chips of the chosen top category are shown"

    sub = get_page(category=shirts)
    assert "Plain shirt" in sub and "Coat" not in sub

    everything = get_page()
    assert "Oolong" in everything and "Coat" in everything
    assert "T恤" not in everything, "sub-categories appear once their top category is chosen"


@pytest.mark.django_db
def test_hidden_categories_get_no_chip(get_page):
    CategoryFactory(name="Shown")
    CategoryFactory(name="Hidden", is_active=False)

    page = get_page()

    assert "Shown" in page and "Hidden" not in page


@pytest.mark.django_db
def test_pages_of_twenty(get_page):
    for number in range(25):
        VariantFactory(product__title=f"Item {number:02d}")

    first, second = get_page(), get_page(page=2)

    assert first.count('class="tile"') == 20 and second.count('class="tile"') == 5
    assert "Page 1 of 2" in first and 'rel="next"' in first
    assert "Item 00" in second and "Item 24" in first
    assert get_page(page="nonsense").count('class="tile"') == 20


@pytest.mark.django_db
def test_empty_shop_says_so(get_page):
    assert "no products on shelf yet" in get_page()


@pytest.mark.django_db
def test_simplified_chinese_is_the_default(client, shop_url):
    VariantFactory()
    response = client.get(shop_url("shop"))
    assert response.headers["Content-Language"] == "zh-hans"


def _fill_shop(count, picture):
    top = CategoryFactory()
    sub = CategoryFactory(parent=top)
    for number in range(count):
        product = ProductFactory(category=sub if number % 2 else top)
        VariantFactory.create_batch(3, product=product)
        picture(product, 0)
        picture(product, 1)
    return top


@pytest.mark.django_db
def test_query_count_does_not_grow_with_products(get_page, picture, django_assert_max_num_queries):
    def count_queries(**params):
        cache.clear()  # count the queries of rendering, not of the page cache
        with CaptureQueriesContext(connection) as queries:
            get_page(**params)
        return len(queries)

    top = _fill_shop(3, picture)
    get_page()  # the first visit starts the session
    few = count_queries(category=top)
    _fill_shop(27, picture)
    many = count_queries(category=top)

    assert few == many
    # The shop, the session, categories and their children, count, page, images.
    with django_assert_max_num_queries(7):
        get_page(q="商品")
