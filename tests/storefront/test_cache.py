"""Shop pages are cached (weishang/storefront/cache.py) and change as soon as what they show
changes: prices, stock (also taken by an order), shelf, images, categories."""

import pytest
from django.core.cache import cache
from django.db.models import F
from django.test import Client

from tests.factories import VariantFactory
from weishang.catalog import services as catalog
from weishang.catalog.models import Product
from weishang.core import versions
from weishang.core.models import ShopPagesVersion
from weishang.core.versions import VERSION_ROW
from weishang.inventory import services as inventory
from weishang.orders import services as orders


@pytest.fixture(autouse=True, params=["shared cache", "per-process cache"])
def version_kept(request, settings):
    """Every test runs with the pages' version read from a shared cache (Redis: no query) and
    from the database row (the per-process default cache)."""
    settings.SHOP_PAGES_VERSION_IN_CACHE = request.param == "shared cache"
    return request.param


@pytest.fixture
def tea(stock):
    variant = VariantFactory(product__title="明前龙井", retail_price="99.00")
    stock(variant, 10, low_stock_threshold=2)
    return variant


@pytest.fixture
def pages(client, shop_url, tea):
    """pages(): the product page and the shop home, as a visitor sees them now (in English)."""

    def get():
        product = client.get(shop_url("product", tea.product.public_id), HTTP_ACCEPT_LANGUAGE="en")
        home = client.get(shop_url("shop"), HTTP_ACCEPT_LANGUAGE="en")
        return product.content.decode(), home.content.decode()

    get()  # the first visit fills the cache
    return get


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """with committed(): the change inside is committed (its on-commit callbacks run)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.mark.django_db
def test_a_returning_visitors_cached_page_runs_no_query_with_a_shared_cache(
        client, shop_url, tea, pages, version_kept, django_assert_num_queries):
    url = shop_url("product", tea.product.public_id)
    # Per process (the local-memory default), the version row is read: the one thing that
    # tells this process of another's change. The session is never read (cookies carry the
    # badge).
    with django_assert_num_queries(0 if version_kept == "shared cache" else 1):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "明前龙井" in response.content.decode()


@pytest.mark.django_db
def test_a_change_committed_by_another_process_shows_with_a_per_process_cache(
        settings, tea, pages):
    settings.SHOP_PAGES_VERSION_IN_CACHE = False
    # Another worker renames the product and bumps the row; this process's cache hears nothing.
    Product.objects.filter(pk=tea.product_id).update(title="雨前龙井")
    ShopPagesVersion.objects.filter(pk=VERSION_ROW).update(value=F("value") + 1)
    product, home = pages()
    assert "雨前龙井" in product and "雨前龙井" in home


@pytest.mark.django_db
def test_pages_are_built_afresh_when_the_shared_cache_lost_the_version(settings, tea, pages):
    settings.SHOP_PAGES_VERSION_IN_CACHE = True
    pages()
    cache.delete(versions.CACHE_KEY)  # evicted, or the cache restarted with some pages kept
    Product.objects.filter(pk=tea.product_id).update(title="雨前龙井")
    assert "雨前龙井" in pages()[0]


@pytest.mark.django_db
def test_each_visitor_gets_a_working_csrf_token_and_their_own_cart_badge(shop_url, tea, pages):
    url = shop_url("product", tea.product.public_id)
    buyer, other = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    page = buyer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    assert token in page.split("hx-headers=")[1].split(">")[0]

    added = buyer.post(shop_url("cart_add"), {"variant": tea.public_id, "quantity": "2",
                                              "csrfmiddlewaretoken": token})
    assert added.status_code == 302

    buyer.get(added["Location"])  # shows (and uses up) the "added" message
    badge = '<span class="visually-hidden">items:</span>2</span>'
    assert badge in buyer.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    other_page = other.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert badge not in other_page and token not in other_page


@pytest.mark.django_db
def test_a_message_is_shown_once_on_a_cached_page(client, shop_url, tea, pages):
    client.post(shop_url("cart_add"), {"variant": tea.public_id, "quantity": "1",
                                       "product": tea.product.public_id},
                HTTP_ACCEPT_LANGUAGE="en")
    url = shop_url("product", tea.product.public_id)
    assert "Added “明前龙井" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Added “明前龙井" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_a_price_change_shows_at_once(tea, pages, committed):
    with committed():
        catalog.update_variant(tea, retail_price="88.00", market_price="129.00")
    product, home = pages()
    assert "88.00" in product and "88.00" in home
    assert "99.00" not in product


@pytest.mark.django_db
def test_a_stock_change_shows_at_once(owner, tea, pages, committed):
    with committed():
        inventory.adjust_stock(variant=tea, delta=-9, reason="damage")
    assert "Only 1 left" in pages()[0]
    with committed():
        inventory.set_low_stock_threshold(tea, 0, actor=owner)
    assert "In stock" in pages()[0]


@pytest.mark.django_db
def test_an_order_taking_the_last_units_shows_sold_out(shop, tea, pages, committed):
    assert "In stock" in pages()[0]
    with committed():
        orders.place_order(
            shop=shop, lines=[orders.CartLine(tea.public_id, 10)],
            recipient=orders.Recipient("张三", "13812345678", "北京市", "北京市", "朝阳区",
                                       "建国路1号"),
        )
    assert "Sold out" in pages()[0]


@pytest.mark.django_db
def test_taking_a_product_off_shelf_removes_it_at_once(client, shop_url, tea, pages, committed):
    with committed():
        catalog.set_on_shelf(tea.product, False)
    product_url = shop_url("product", tea.product.public_id)
    assert client.get(product_url).status_code == 404
    assert "明前龙井" not in pages()[1]


@pytest.mark.django_db
def test_an_image_change_shows_at_once(tea, picture, committed, pages):
    image = picture(tea.product)
    with committed():
        catalog.reorder_images(tea.product, [image.public_id])
    product, home = pages()
    assert image.image.url in product and image.thumbnail.url in home
    with committed():
        catalog.remove_image(image)
    product, home = pages()
    assert image.image.url not in product and image.thumbnail.url not in home


@pytest.mark.django_db
def test_a_category_change_shows_at_once(tea, pages, committed):
    category = tea.product.category
    with committed():
        catalog.update_category(category, name="绿茶", parent=None)
    product, home = pages()
    assert "绿茶" in product and "绿茶" in home
    with committed():
        catalog.create_category(name="红茶")
    assert "红茶" in pages()[1]
