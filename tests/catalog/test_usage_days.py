"""A product's usage period (how long one unit lasts), typed on the product form or sent to the
API, feeds customer care's repurchase reminders."""

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.catalog.conftest import new_product, product_form
from weishang.catalog import services
from weishang.catalog.models import Product
from weishang.core.errors import InvalidInput

pytestmark = pytest.mark.django_db

ROW = [((), {"retail_price": "99.00"})]


def test_the_product_form_keeps_the_usage_period(catalog_client):
    catalog_client.post(reverse("catalog:product_create"),
                        product_form(title="益生菌", usage_days="30", rows=ROW))
    product = Product.objects.get()
    assert product.usage_days == 30
    edit = reverse("catalog:product_edit", args=[product.public_id])
    assert 'name="usage_days" value="30"' in catalog_client.get(edit).content.decode()
    catalog_client.post(edit, product_form(title="益生菌", usage_days="", rows=ROW))
    product.refresh_from_db()
    assert product.usage_days is None


@pytest.mark.parametrize("value, message", [
    ("0", "Ensure this value is greater than or equal to 1."),
    ("3651", "Ensure this value is less than or equal to 3650."),
    ("一个月", "Enter a whole number."),
], ids=["zero", "ten-years", "words"])
def test_a_bad_usage_period_is_refused_and_nothing_saved(catalog_client, value, message):
    response = catalog_client.post(reverse("catalog:product_create"),
                                   product_form(title="益生菌", usage_days=value, rows=ROW))
    assert message in response.content.decode()
    assert not Product.objects.exists()


def test_the_service_checks_the_usage_period_and_keeps_it_unless_given():
    with pytest.raises(InvalidInput, match="One unit lasts from 1 to 3650 days") as refused:
        new_product(title="面霜", usage_days=0)
    assert refused.value.field == "usage_days"
    product = new_product(title="面霜", usage_days=60)
    services.update_product(product, title="面霜 50ml")  # e.g. the admin, which does not edit it
    product.refresh_from_db()
    assert product.usage_days == 60


def test_the_api_reads_and_writes_the_usage_period(catalog_staff):
    api = english_client(catalog_staff)
    created = api.post("/api/v1/products/", {
        "title": "益生菌", "usage_days": 30, "variants": [{"retail_price": "99.00"}]},
        format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["usage_days"] == 30
    url = f"/api/v1/products/{created.json()['id']}/"
    assert api.patch(url, {"title": "益生菌 大包装"}, format="json").json()["usage_days"] == 30
    assert api.patch(url, {"usage_days": None}, format="json").json()["usage_days"] is None
    refused = api.patch(url, {"usage_days": 0}, format="json")
    assert refused.status_code == 400 and "usage_days" in refused.json()["fields"]
