"""A description's HTML is sanitized: script, event handlers and javascript: links never reach
the console page or the API, whichever way they came in."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from tests.catalog.conftest import new_product, product_form
from weishang.catalog import services
from weishang.catalog.models import Product
from weishang.catalog.richtext import sanitize_description

HOSTILE = (
    '<p onclick="steal()">好<script>alert("x")</script></p>'
    '<img src="x.png" onerror="alert(1)" alt="图">'
    '<a href="javascript:alert(1)">点我</a>'
    '<a href="JaVaScRiPt&colon;alert(2)">再点</a>'
    '<img src="data:image/svg+xml;base64,PHN2Zz4=">'
    '<iframe src="https://evil.example/"></iframe>'
    '<style>body{display:none}</style>'
    '<h3>标题</h3><ul><li><b>要点</b></li></ul>'
    '<a href="https://shop.example/p/1" target="_blank">链接</a>'
)
DANGEROUS = ["<script", "alert(", "onerror", "onclick", "javascript:", "<iframe", "<style",
             "data:image", "target="]


def assert_harmless(text: str):
    for needle in DANGEROUS:
        assert needle not in text.lower(), needle


def test_sanitizer_keeps_formatting_and_drops_the_rest():
    clean = sanitize_description(HOSTILE)
    assert_harmless(clean)
    assert "<h3>标题</h3>" in clean
    assert "<ul><li><b>要点</b></li></ul>" in clean
    assert '<img src="x.png" alt="图">' in clean
    assert '<a href="https://shop.example/p/1" rel="noopener nofollow">链接</a>' in clean
    assert sanitize_description('<a href="/p/1">相对</a>') == (
        '<a href="/p/1" rel="noopener nofollow">相对</a>')


@pytest.mark.django_db
def test_services_store_sanitized_html():
    product = new_product(description=HOSTILE)
    assert_harmless(Product.objects.get(pk=product.pk).description)


@pytest.mark.django_db
def test_console_form_stores_and_shows_sanitized_html(catalog_client):
    data = product_form(description=HOSTILE, rows=[((), {"retail_price": "1"})])
    catalog_client.post(reverse("catalog:product_create"), data)
    product = Product.objects.get()
    assert_harmless(product.description)
    page = catalog_client.get(reverse("catalog:product_detail", args=[product.public_id]))
    assert "<h3>标题</h3>" in page.content.decode()
    assert_harmless(page.content.decode().split('<div class="description">')[1])


@pytest.mark.django_db
def test_html_written_around_the_services_is_still_sanitized_when_shown(catalog_client):
    """E.g. the admin or an import: the page and the API sanitize again on the way out."""
    product = services.set_on_shelf(new_product(), True)
    Product.objects.filter(pk=product.pk).update(description=HOSTILE)
    page = catalog_client.get(reverse("catalog:product_detail", args=[product.public_id]))
    assert_harmless(page.content.decode().split('<div class="description">')[1])
    for body in (APIClient().get("/api/v1/products/").json()["results"][0],
                 APIClient().get(f"/api/v1/products/{product.public_id}/").json()):
        assert_harmless(body["description"])
        assert "<h3>标题</h3>" in body["description"]


@pytest.mark.django_db
def test_api_stores_sanitized_html(catalog_staff):
    client = APIClient()
    client.force_authenticate(catalog_staff)
    response = client.post("/api/v1/products/", {
        "title": "T恤", "description": HOSTILE, "variants": [{"retail_price": "1"}],
    }, format="json")
    assert response.status_code == 201
    assert_harmless(response.json()["description"])
    assert_harmless(Product.objects.get().description)


@pytest.mark.django_db
def test_titles_are_escaped(catalog_client):
    product = new_product(title='<img src=x onerror="alert(1)">')
    for url in (reverse("catalog:product_list"),
                reverse("catalog:product_detail", args=[product.public_id])):
        page = catalog_client.get(url).content.decode()
        assert '<img src=x onerror="alert(1)">' not in page
        assert "&lt;img src=x onerror=" in page
