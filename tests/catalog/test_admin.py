from decimal import Decimal

import pytest
from django.urls import reverse

from tests.catalog.conftest import new_product
from tests.factories import UserFactory
from weishang.catalog.models import Category, Product

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(role="owner", is_staff=True, is_superuser=True))
    return client


def change_form(product, **changes):
    variant = product.variants.get()
    data = {
        "title": product.title, "selling_points": "", "description": "", "category": "",
        "variants-TOTAL_FORMS": "1", "variants-INITIAL_FORMS": "1",
        "variants-MIN_NUM_FORMS": "0", "variants-MAX_NUM_FORMS": "0",
        "variants-0-id": str(variant.pk), "variants-0-product": str(product.pk),
        "variants-0-retail_price": "99.00", "variants-0-market_price": "",
        "variants-0-cost_price": "", "variants-0-weight_grams": "0",
        "variants-0-barcode": "", "variants-0-sku_code": "",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0", "images-MAX_NUM_FORMS": "0",
    }
    data.update(changes)
    return data


def test_pages_open(admin_client):
    product = new_product()
    for url in [reverse("admin:catalog_product_changelist"),
                reverse("admin:catalog_product_change", args=[product.pk]),
                reverse("admin:catalog_variant_changelist"),
                reverse("admin:catalog_category_add")]:
        assert admin_client.get(url).status_code == 200, url


def test_product_change_goes_through_the_rules(admin_client):
    product = new_product()
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(url, change_form(
        product, title="新名字", description='<p>好</p><script>x()</script>', is_on_shelf="on",
        **{"variants-0-retail_price": "88.8"}))
    assert response.status_code == 302
    product.refresh_from_db()
    assert (product.title, product.description, product.is_on_shelf) == ("新名字", "<p>好</p>",
                                                                         True)
    assert product.variants.get().retail_price == Decimal("88.80")


def test_bad_admin_input_writes_nothing(admin_client):
    product = new_product(title="原来")
    url = reverse("admin:catalog_product_change", args=[product.pk])
    response = admin_client.post(url, change_form(
        product, title="新", selling_points="长" * 501,
        **{"variants-0-retail_price": "1.234"}))
    assert response.status_code == 200
    product.refresh_from_db()
    assert product.title == "原来"
    assert product.variants.get().retail_price == Decimal("99.00")


def test_categories_keep_two_levels_in_the_admin(admin_client):
    add = reverse("admin:catalog_category_add")
    assert admin_client.post(add, {"name": "服装", "position": 0,
                                   "is_active": "on"}).status_code == 302
    top = Category.objects.get()
    admin_client.post(add, {"name": "T恤", "parent": top.pk, "position": 0, "is_active": "on"})
    child = Category.objects.get(name="T恤")
    response = admin_client.post(reverse("admin:catalog_category_change", args=[top.pk]),
                                 {"name": "服装", "parent": child.pk, "position": 0})
    assert response.status_code == 200
    assert Category.objects.get(pk=top.pk).parent is None


def test_shelf_and_duplicate_actions(admin_client):
    product = new_product()
    bare = Product.objects.create(title="空")
    url = reverse("admin:catalog_product_changelist")
    admin_client.post(url, {"action": "put_on_shelf", "_selected_action": [product.pk, bare.pk]})
    assert Product.objects.get(pk=product.pk).is_on_shelf
    assert not Product.objects.get(pk=bare.pk).is_on_shelf
    admin_client.post(url, {"action": "duplicate", "_selected_action": [product.pk]})
    assert Product.objects.filter(title=product.title + " (copy)").exists()
