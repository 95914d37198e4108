"""Money is Decimal end to end: typed in a form or sent to the API, stored, shown and returned."""

from decimal import Decimal

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from rest_framework.test import APIClient

from tests.catalog.conftest import new_product, product_form
from weishang.catalog import services
from weishang.catalog.models import Product, Variant
from weishang.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

AMOUNTS = st.decimals(min_value=0, max_value=Decimal("9999999999.99"), places=2,
                      allow_nan=False, allow_infinity=False)


def shared_variant() -> Variant:
    return Variant.objects.first() or new_product().variants.get()


@given(AMOUNTS)
def test_any_amount_in_fen_is_stored_exactly(amount):
    variant = services.update_variant(shared_variant(), retail_price=str(amount))
    assert Variant.objects.get(pk=variant.pk).retail_price == amount


@given(st.decimals(min_value=0, max_value=1000, places=3, allow_nan=False,
                   allow_infinity=False).filter(lambda value: value != value.quantize(
                       Decimal("0.01"))))
def test_amounts_below_a_fen_are_refused_not_rounded(amount):
    variant = shared_variant()
    with pytest.raises(InvalidInput, match="2 decimal places"):
        services.update_variant(variant, retail_price=amount)
    assert Variant.objects.get(pk=variant.pk).retail_price == Decimal("99.00")


def test_form_to_database_to_page_to_api(catalog_client):
    data = product_form(rows=[((), {"retail_price": "12.30", "market_price": "0.1",
                                    "cost_price": "7"})])
    assert catalog_client.post(reverse("catalog:product_create"), data).status_code == 302
    variant = Variant.objects.get()
    assert isinstance(variant.retail_price, Decimal)
    assert (variant.retail_price, variant.market_price, variant.cost_price) == (
        Decimal("12.30"), Decimal("0.10"), Decimal("7.00"))
    page = catalog_client.get(reverse("catalog:product_list")).content.decode()
    assert "¥12.30" in page
    services.set_on_shelf(variant.product, True)
    api_variant = APIClient().get("/api/v1/products/").json()["results"][0]["variants"][0]
    assert (api_variant["retail_price"], api_variant["market_price"]) == ("12.30", "0.10")


def test_form_refuses_a_fraction_of_a_fen(catalog_client):
    data = product_form(rows=[((), {"retail_price": "12.345"})])
    response = catalog_client.post(reverse("catalog:product_create"), data)
    assert "no more than 2 decimal places" in response.content.decode()
    assert not Product.objects.exists()


def test_api_refuses_a_fraction_of_a_fen_and_returns_strings(catalog_staff):
    client = APIClient()
    client.force_authenticate(catalog_staff)
    response = client.post("/api/v1/products/", {
        "title": "T", "variants": [{"retail_price": 12.345}]}, format="json")
    assert response.status_code == 400
    assert "retail_price" in str(response.json()["fields"])
    response = client.post("/api/v1/products/", {
        "title": "T", "variants": [{"retail_price": 99}]}, format="json")
    assert response.json()["variants"][0]["retail_price"] == "99.00"
    assert Variant.objects.get().retail_price == Decimal("99.00")


def test_large_amounts_are_exact(catalog_staff):
    product = new_product(price="9999999999.99")
    assert product.variants.get().retail_price == Decimal("9999999999.99")
