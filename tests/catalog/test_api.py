from decimal import Decimal

import pytest
from django.urls import reverse

from tests.api_clients import english_client
from tests.catalog.conftest import COLOUR_SIZE, new_product, picture_bytes, upload
from tests.factories import CategoryFactory
from weishang.catalog import services
from weishang.catalog.models import Category, Product, ProductImage, Variant

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    """An anonymous visitor."""
    return english_client()


@pytest.fixture
def manager_api(catalog_staff):
    return english_client(catalog_staff)


PRODUCTS = "/api/v1/products/"


def product_url(product, action=""):
    return f"{PRODUCTS}{product.public_id}/" + (f"{action}/" if action else "")


def shirt_payload(**changes):
    payload = {
        "title": "纯棉T恤",
        "selling_points": "透气\n不起球",
        "description": "<p>好穿</p>",
        "specs": [{"name": "颜色", "values": ["红", "蓝"]}],
        "variants": [
            {"spec_values": {"颜色": "红"}, "retail_price": "99.00", "market_price": "129",
             "cost_price": "40", "sku_code": "TS-R", "weight_grams": 200},
            {"spec_values": {"颜色": "蓝"}, "retail_price": "109.5"},
        ],
    }
    payload.update(changes)
    return payload


def test_create_a_product_with_specs_and_variants(manager_api):
    response = manager_api.post(PRODUCTS, shirt_payload(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    product = Product.objects.get(public_id=body["id"])
    assert body["is_on_shelf"] is False
    assert body["lowest_price"] == "99.00" and body["highest_price"] == "109.50"
    red = next(variant for variant in body["variants"] if variant["spec_label"] == "红")
    assert red["retail_price"] == "99.00"
    assert red["market_price"] == "129.00"
    assert red["cost_price"] == "40.00"
    assert red["sku_code"] == "TS-R"
    assert red["id"] == product.variants.get(spec_label="红").public_id
    assert isinstance(product.variants.get(spec_label="蓝").retail_price, Decimal)


def test_update_specs_keeps_variant_ids(manager_api):
    product = new_product(COLOUR_SIZE)
    red_s = product.variants.get(spec_label="红 / S").public_id
    payload = {"specs": [{"name": "颜色", "values": ["红"]},
                         {"name": "尺码", "values": ["S", "XL"]}],
               "variants": [{"spec_values": {"颜色": "红", "尺码": "XL"}, "retail_price": "120"}]}
    response = manager_api.patch(product_url(product), payload, format="json")
    assert response.status_code == 200, response.json()
    labels = {variant["spec_label"]: variant for variant in response.json()["variants"]
              if variant["is_active"]}
    assert set(labels) == {"红 / S", "红 / XL"}
    assert labels["红 / S"]["id"] == red_s
    assert response.json()["title"] == product.title  # left out of the PATCH: kept


def test_shelf_and_duplicate_actions(manager_api):
    product = new_product()
    response = manager_api.post(product_url(product, "shelf"), {"on_shelf": True},
                                format="json")
    assert response.status_code == 200 and response.json()["is_on_shelf"] is True
    response = manager_api.post(product_url(product, "duplicate"))
    assert response.status_code == 201
    assert response.json()["title"].endswith(" (copy)")
    assert response.json()["is_on_shelf"] is False

    bare = Product.objects.create(title="空")
    response = manager_api.post(product_url(bare, "shelf"), {"on_shelf": True}, format="json")
    assert response.status_code == 409
    assert response.json()["code"] == "no_variant_on_sale"
    assert "no variant on sale" in response.json()["message"]


def test_variant_endpoint_updates_prices(manager_api, api):
    product = services.set_on_shelf(new_product(price="10"), True)
    variant = product.variants.get()
    url = f"/api/v1/variants/{variant.public_id}/"
    response = manager_api.patch(url, {"retail_price": "12.5", "cost_price": "3"},
                                 format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["retail_price"] == "12.50"
    variant.refresh_from_db()
    assert variant.retail_price == Decimal("12.50") and variant.cost_price == Decimal("3.00")
    public = api.get(url).json()
    assert public["retail_price"] == "12.50"
    assert "cost_price" not in public


@pytest.mark.parametrize(("changes", "field"), [
    ({"title": ""}, "title"),
    ({"variants": [{"spec_values": {"颜色": "红"}, "retail_price": "12.345"}]}, "variants"),
    ({"variants": [{"spec_values": {"颜色": "红"}, "retail_price": "-1"}]}, "variants"),
    ({"variants": [{"spec_values": {"颜色": "红"}, "retail_price": "99"}]}, "variants"),
    ({"variants": [{"spec_values": {"颜色": "绿"}, "retail_price": "99"}]}, "variants"),
    ({"specs": [{"name": "颜色", "values": ["红", "红"]}]}, "specs"),
    ({"specs": [{"name": "颜色", "values": []}]}, "specs"),
    ({"category": "nonexistent"}, "category"),
    ({"variants": "nope"}, "variants"),
])
def test_bad_product_input_is_400_json_and_writes_nothing(manager_api, changes, field):
    response = manager_api.post(PRODUCTS, shirt_payload(**changes), format="json")
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid"
    assert body["message"]
    assert field in body["fields"]
    assert not Product.objects.exists() and not Variant.objects.exists()


def test_bad_update_writes_nothing(manager_api):
    product = new_product([{"name": "颜色", "values": ["红"]}], price="10", title="原来")
    payload = {"title": "新的", "specs": [{"name": "颜色", "values": ["红", "蓝"]}],
               "variants": [{"spec_values": {"颜色": "红"}, "retail_price": "11"}]}
    response = manager_api.put(product_url(product), payload, format="json")
    assert response.status_code == 400
    assert "retail price of 蓝" in response.json()["message"]
    product.refresh_from_db()
    assert product.title == "原来" and product.variants.count() == 1
    assert product.variants.get().retail_price == Decimal("10.00")


def test_bad_variant_price_writes_nothing(manager_api):
    variant = new_product(price="10").variants.get()
    response = manager_api.patch(f"/api/v1/variants/{variant.public_id}/",
                                 {"retail_price": "1.001"}, format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["retail_price"]
    variant.refresh_from_db()
    assert variant.retail_price == Decimal("10.00")


def test_anonymous_see_only_what_the_shop_shows(api):
    shown = services.set_on_shelf(new_product(COLOUR_SIZE, title="上架"), True)
    services.update_product(shown, title="上架", specs=[COLOUR_SIZE[0]],
                            variants=[services.VariantData(spec_values={"颜色": c},
                                                           retail_price="5", cost_price="1")
                                      for c in ("红", "蓝")])
    new_product(title="下架")
    hidden_category = CategoryFactory(is_active=False)
    services.set_on_shelf(new_product(title="分类隐藏", category=hidden_category), True)
    no_variants = Product.objects.create(title="无规格", is_on_shelf=True)

    body = api.get(PRODUCTS).json()
    assert [item["title"] for item in body["results"]] == ["上架"]
    variants = body["results"][0]["variants"]
    assert {variant["spec_label"] for variant in variants} == {"红", "蓝"}
    assert all("cost_price" not in variant for variant in variants)
    assert api.get(PRODUCTS, {"on_shelf": "false"}).json()["count"] == 1
    assert api.get(product_url(no_variants)).status_code == 404
    hidden_variant = shown.variants.get(spec_label="红 / S")
    assert api.get(f"/api/v1/variants/{hidden_variant.public_id}/").status_code == 404


def test_managers_filter_the_list(manager_api):
    top = CategoryFactory(name="服装")
    child = CategoryFactory(name="T恤", parent=top)
    on = services.set_on_shelf(new_product(title="上架", category=child), True)
    off = new_product(title="下架")
    services.update_variant(off.variants.get(), retail_price="1", barcode="6901111")

    def titles(**params):
        return {item["title"] for item in manager_api.get(PRODUCTS, params).json()["results"]}

    assert titles() == {"上架", "下架"}
    assert titles(on_shelf="true") == {"上架"}
    assert titles(on_shelf="false") == {"下架"}
    assert titles(category=top.public_id) == {"上架"}
    assert titles(category="unknown") == set()
    assert titles(search="6901111") == {"下架"}
    assert manager_api.get(product_url(on)).json()["category_name"] == "T恤"


def test_images_in_output_and_upload(manager_api, settings):
    product = new_product()
    response = manager_api.post(product_url(product, "images"),
                                {"image": upload(picture_bytes())}, format="multipart")
    assert response.status_code == 201, response.json()
    [image] = response.json()["images"]
    stored = ProductImage.objects.get()
    assert image["id"] == stored.public_id
    assert image["url"] == "http://testserver" + stored.image.url
    assert image["thumbnail_url"] == "http://testserver" + stored.thumbnail.url

    response = manager_api.post(product_url(product, "images"),
                                {"image": upload(b"not a picture", name="x.png")},
                                format="multipart")
    assert response.status_code == 400
    assert response.json()["fields"] == {"image": [response.json()["message"]]}
    assert ProductImage.objects.count() == 1

    response = manager_api.delete(f"{product_url(product, 'images')}{stored.public_id}/")
    assert response.status_code == 204
    assert not ProductImage.objects.exists()


def test_categories_crud(manager_api, api):
    response = manager_api.post("/api/v1/categories/", {"name": "服装"}, format="json")
    assert response.status_code == 201
    top = response.json()
    child = manager_api.post("/api/v1/categories/", {"name": "T恤", "parent": top["id"]},
                             format="json").json()
    assert child["parent"] == top["id"]
    response = manager_api.post("/api/v1/categories/", {"name": "短袖", "parent": child["id"]},
                                format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["parent"]
    response = manager_api.patch(f"/api/v1/categories/{child['id']}/", {"is_active": False},
                                 format="json")
    assert response.json()["is_active"] is False and response.json()["name"] == "T恤"
    assert [item["name"] for item in api.get("/api/v1/categories/").json()] == ["服装"]
    response = manager_api.delete(f"/api/v1/categories/{top['id']}/")
    assert response.status_code == 409
    assert response.json()["code"] == "category_has_children"
    assert manager_api.delete(f"/api/v1/categories/{child['id']}/").status_code == 204
    assert Category.objects.count() == 1


def test_prices_are_strings_with_two_decimals(api):
    services.set_on_shelf(new_product(price=Decimal("99")), True)
    variant = api.get(PRODUCTS).json()["results"][0]["variants"][0]
    assert variant["retail_price"] == "99.00"
    assert variant["market_price"] is None


def test_schema_documents_the_catalog(api):
    response = api.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in ["/api/v1/products/", "/api/v1/products/{id}/shelf/",
                 "/api/v1/products/{id}/duplicate/", "/api/v1/variants/{id}/",
                 "/api/v1/categories/{id}/"]:
        assert path in paths


def test_schema_has_no_warnings_for_the_catalog(tmp_path, capsys):
    from django.core.management import call_command
    from drf_spectacular.drainage import GENERATOR_STATS

    GENERATOR_STATS.reset()
    call_command("spectacular", "--file", str(tmp_path / "schema.yml"))
    output = capsys.readouterr()
    assert "catalog" not in output.err + output.out


@pytest.mark.parametrize("position", [38889125638583279616, -1, services.MAX_POSITION + 1])
def test_out_of_range_category_position_is_refused(manager_api, position):
    response = manager_api.post("/api/v1/categories/", {"name": "食品", "position": position},
                                format="json")
    assert response.status_code == 400
    assert response.json()["fields"]["position"]
    assert not Category.objects.exists()


def test_service_refuses_an_out_of_range_position(db):
    from weishang.core.errors import InvalidInput

    with pytest.raises(InvalidInput):
        services.create_category(name="食品", position=10**20)
    assert not Category.objects.exists()
