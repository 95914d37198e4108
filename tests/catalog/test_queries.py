"""The console product list and the API product list run a fixed number of queries, however many
products, variants and pictures there are."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from tests.catalog.conftest import COLOUR_SIZE, new_product
from tests.factories import CategoryFactory
from weishang.catalog import queries, services
from weishang.catalog.models import ProductImage
from weishang.inventory import services as inventory

pytestmark = pytest.mark.django_db

CONSOLE_LIST_QUERIES = 8  # session, user, area grants, count, products, pictures, categories
API_LIST_QUERIES = 7  # session, user, area grants, count, products, pictures, variants


def fill_shop(count: int, specs=COLOUR_SIZE):
    category = CategoryFactory()
    for number in range(count):
        product = services.set_on_shelf(
            new_product(specs, title=f"商品{number}", category=category), True
        )
        for position in range(2):
            ProductImage.objects.create(product=product, image=f"p/{number}-{position}.jpg",
                                        thumbnail=f"p/t-{number}-{position}.jpg",
                                        width=800, height=800, position=position)
        inventory.adjust_stock(variant=product.variants.first(), delta=5, reason="initial")


def count_queries(request) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = request()
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("user", ["catalog_staff", "owner"])
def test_console_list_queries_do_not_grow(client, request, user, django_assert_max_num_queries):
    client.force_login(request.getfixturevalue(user))
    url = reverse("catalog:product_list")
    fill_shop(3, specs=[COLOUR_SIZE[0]])
    with django_assert_max_num_queries(CONSOLE_LIST_QUERIES):
        few = count_queries(lambda: client.get(url))
    fill_shop(27)
    with django_assert_max_num_queries(CONSOLE_LIST_QUERIES):
        many = count_queries(lambda: client.get(url, {"q": "商品", "shelf": "on"}))
    assert many == few


@pytest.mark.parametrize("user", [None, "catalog_staff"])
def test_api_list_queries_do_not_grow(request, user, django_assert_max_num_queries):
    client = APIClient()
    if user:
        client.force_login(request.getfixturevalue(user))
    fill_shop(3, specs=[COLOUR_SIZE[0]])
    with django_assert_max_num_queries(API_LIST_QUERIES):
        few = count_queries(lambda: client.get("/api/v1/products/"))
    fill_shop(27)
    with django_assert_max_num_queries(API_LIST_QUERIES):
        many = count_queries(lambda: client.get("/api/v1/products/", {"search": "商品"}))
    assert many == few
    assert client.get("/api/v1/products/").json()["count"] == 30


def test_list_annotations():
    product = new_product(COLOUR_SIZE, price="10")
    services.update_variant(product.variants.get(spec_label="蓝 / L"), retail_price="25")
    inventory.adjust_stock(variant=product.variants.get(spec_label="红 / S"), delta=4,
                           reason="initial")
    inventory.adjust_stock(variant=product.variants.get(spec_label="蓝 / L"), delta=6,
                           reason="initial")
    services.update_product(product, title="T", specs=[{"name": "颜色", "values": ["红"]},
                                                       COLOUR_SIZE[1]])
    listed = queries.console_products().get(pk=product.pk)
    # 蓝 / L is no longer on sale: neither its price nor its stock count.
    assert (listed.lowest_price, listed.highest_price) == (Decimal("10.00"), Decimal("10.00"))
    assert listed.total_stock == 4
    assert listed.variant_count == 3
