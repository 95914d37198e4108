"""A new visitor (the click from a link shared in WeChat) browses without writing anything: no
session row and no session cookie until something goes in the cart, a CSRF cookie only from a
page with a form of its own; the cart, the checkout and the link's attribution still work."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from tests.factories import CategoryFactory, ChannelFactory, VariantFactory
from tests.marketing.sharing import (
    ADDRESS,
    PHONE,
    link_targets_checked_at_once,  # noqa: F401 (autouse)
    shared_post,
)
from weishang.marketing.links import queries as link_queries
from weishang.orders.models import Order

pytestmark = pytest.mark.django_db


@pytest.fixture
def tea(stock):
    variant = VariantFactory(product__title="明前龙井", product__category=CategoryFactory(),
                             retail_price="99.00")
    stock(variant, 10)
    return variant


@pytest.fixture
def visitor():
    """A new visitor's browser, checking CSRF tokens as a real one does."""
    return Client(enforce_csrf_checks=True, **PHONE)


def _token(page: str) -> str:
    return page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]


def test_csrf_cookies_stay_out_of_sessions():
    assert settings.CSRF_USE_SESSIONS is False


def test_browsing_writes_no_session_and_only_the_product_page_gives_a_csrf_cookie(
        visitor, shop_url, tea):
    category = tea.product.category
    pages = {"shop": shop_url("shop"), "category": shop_url("category", category.public_id)}
    for name, url in pages.items():
        for _visit in range(2):  # built, then from the cache
            response = visitor.get(url)
            assert response.status_code == 200, name
            assert settings.SESSION_COOKIE_NAME not in response.cookies, name
            assert settings.CSRF_COOKIE_NAME not in response.cookies, name

    product = visitor.get(shop_url("product", tea.product.public_id))

    assert "明前龙井" in product.content.decode()
    assert settings.CSRF_COOKIE_NAME in product.cookies
    assert settings.SESSION_COOKIE_NAME not in visitor.cookies
    assert Session.objects.count() == 0


def test_a_tracked_link_lands_without_a_session(visitor, owner, shop, tea):
    link = shared_post(owner, ChannelFactory(code="wechat"), tea.product)

    landing = visitor.get(link_queries.link_url(link))
    page = visitor.get(landing["Location"])

    assert page.status_code == 200 and "明前龙井" in page.content.decode()
    assert settings.SESSION_COOKIE_NAME not in visitor.cookies
    assert Session.objects.count() == 0


def test_the_cart_starts_the_session_and_the_order_keeps_the_links_attribution(
        visitor, owner, shop, shop_url, tea):
    link = shared_post(owner, ChannelFactory(code="wechat"), tea.product)
    landing = visitor.get(link_queries.link_url(link))
    page = visitor.get(landing["Location"]).content.decode()

    added = visitor.post(shop_url("cart_add"), {"variant": tea.public_id, "quantity": "2",
                                                "csrfmiddlewaretoken": _token(page)})

    assert added.status_code == 302
    assert Session.objects.count() == 1
    checkout = visitor.get(shop_url("checkout")).content.decode()
    placed = visitor.post(shop_url("checkout"), {
        **ADDRESS, "idempotency_key": "first-click", "action": "place",
        "csrfmiddlewaretoken": _token(checkout)})
    assert placed.status_code == 302, placed.content.decode()[:2000]
    order = Order.objects.get(idempotency_key="first-click")
    assert (order.shop, order.source_channel, order.source_link) == (shop, "wechat", link.code)
    assert placed["Location"] == reverse("storefront:order", args=[order.access_token])


def test_the_language_switch_needs_no_csrf_cookie(visitor, shop_url, tea):
    url = shop_url("shop")
    visitor.get(url)

    switched = visitor.post("/i18n/setlang/", {"language": "en", "next": url})

    assert switched.status_code == 302
    assert "Cart" in visitor.get(url).content.decode()


#: Queries of a page built for a new visitor, with the pages' version in a shared cache: the
#: shop, then the page's own reads (the per-process default cache reads the version row too).
BUILT = {"product": 4, "shop": 6, "category": 6}


@pytest.mark.parametrize("version_in_cache", [True, False], ids=["shared cache", "per process"])
@pytest.mark.parametrize("name", BUILT)
def test_a_new_visitors_page_costs_its_reads_once_then_nothing(
        settings, visitor, shop_url, tea, name, version_in_cache, django_assert_num_queries):
    settings.SHOP_PAGES_VERSION_IN_CACHE = version_in_cache
    url = {"product": shop_url("product", tea.product.public_id), "shop": shop_url("shop"),
           "category": shop_url("category", tea.product.category.public_id)}[name]
    version_read = 0 if version_in_cache else 1

    with django_assert_num_queries(BUILT[name] + version_read):
        assert visitor.get(url).status_code == 200
    with django_assert_num_queries(version_read):
        assert Client(**PHONE).get(url).status_code == 200, "another new visitor, from the cache"
