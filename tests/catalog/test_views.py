from decimal import Decimal

import pytest
from django.urls import reverse

from tests.catalog.conftest import COLOUR_SIZE, new_product, picture_bytes, product_form, upload
from tests.factories import CategoryFactory
from weishang.catalog import services
from weishang.catalog.models import Category, Product, ProductImage, Variant

pytestmark = pytest.mark.django_db


def grid_rows(response) -> list[str]:
    """The combinations of the variant grid in a rendered form."""
    formset = response.context["editor"].grid
    return [row.label for row in formset]


# --- product list ----------------------------------------------------------------------------


def test_list_shows_rows_with_price_range_stock_and_badge(catalog_client):
    product = new_product(COLOUR_SIZE, price="59.00", title="纯棉T恤")
    services.update_variant(product.variants.get(spec_label="蓝 / L"), retail_price="79.5")
    services.set_on_shelf(product, True)
    new_product(title="帆布包")
    page = catalog_client.get(reverse("catalog:product_list")).content.decode()
    assert "纯棉T恤" in page and "帆布包" in page
    assert "¥59.00" in page and "¥79.50" in page
    assert "Stock 0" in page
    assert "On shelf" in page and "Off shelf" in page


def test_list_searches_title_sku_and_barcode(catalog_client):
    tee = new_product(title="纯棉T恤")
    bag = new_product(title="帆布包")
    services.update_variant(bag.variants.get(), retail_price="10", sku_code="BAG-001",
                            barcode="6901234567890")
    url = reverse("catalog:product_list")
    for query, expected in [("T恤", tee), ("bag-0", bag), ("69012345", bag)]:
        products = list(catalog_client.get(url, {"q": query}).context["page"])
        assert products == [expected], query


def test_list_filters_by_category_and_shelf(catalog_client):
    top = CategoryFactory(name="服装")
    child = CategoryFactory(name="T恤", parent=top)
    in_child = new_product(title="A", category=child)
    in_top = new_product(title="B", category=top)
    elsewhere = new_product(title="C", category=CategoryFactory(name="鞋"))
    services.set_on_shelf(in_top, True)
    url = reverse("catalog:product_list")

    def listed(**params):
        return set(catalog_client.get(url, params).context["page"])

    assert listed(category=top.public_id) == {in_child, in_top}
    assert listed(category=child.public_id) == {in_child}
    assert listed(shelf="on") == {in_top}
    assert listed(shelf="off") == {in_child, elsewhere}
    assert listed(category="nonsense") == {in_child, in_top, elsewhere}


def test_list_paginates(catalog_client):
    for number in range(23):
        new_product(title=f"商品{number}")
    url = reverse("catalog:product_list")
    assert len(catalog_client.get(url).context["page"]) == 20
    assert len(catalog_client.get(url, {"page": 2}).context["page"]) == 3


# --- on/off shelf ----------------------------------------------------------------------------


def test_shelf_toggle_with_htmx_swaps_the_row(catalog_client):
    product = new_product()
    url = reverse("catalog:product_shelf", args=[product.public_id])
    response = catalog_client.post(url, {"on_shelf": "1"}, HTTP_HX_REQUEST="true",
                                   HTTP_HX_CURRENT_URL="http://testserver/console/products/")
    assert response.status_code == 200
    row = response.content.decode()
    assert row.lstrip().startswith("<li") and "On shelf" in row
    assert 'value="/console/products/"' in row
    assert Product.objects.get(pk=product.pk).is_on_shelf


def test_shelf_toggle_without_javascript_goes_back(catalog_client):
    product = new_product()
    url = reverse("catalog:product_shelf", args=[product.public_id])
    response = catalog_client.post(url, {"on_shelf": "1", "next": "/console/products/?q=x"})
    assert response.status_code == 302 and response["Location"] == "/console/products/?q=x"
    response = catalog_client.post(url, {"on_shelf": "0", "next": "https://evil.example/"})
    assert response["Location"] == reverse("catalog:product_detail", args=[product.public_id])
    assert not Product.objects.get(pk=product.pk).is_on_shelf


def test_shelf_refusal_is_shown_in_the_row(catalog_client):
    bare = Product.objects.create(title="没有规格")
    url = reverse("catalog:product_shelf", args=[bare.public_id])
    response = catalog_client.post(url, {"on_shelf": "1"}, HTTP_HX_REQUEST="true")
    assert "no variant on sale" in response.content.decode()
    response = catalog_client.post(url, {"on_shelf": "1"}, follow=True)
    assert "no variant on sale" in response.content.decode()
    assert not Product.objects.get(pk=bare.pk).is_on_shelf


# --- create and edit -------------------------------------------------------------------------


def test_create_without_specs_in_one_step(catalog_client):
    category = CategoryFactory(name="包")
    data = product_form(title="帆布包", category=category.public_id,
                        selling_points="耐用\n能装", description="<p><b>结实</b></p>",
                        rows=[((), {"retail_price": "49.90", "market_price": "69",
                                    "weight_grams": "300", "sku_code": "BAG-1"})])
    response = catalog_client.post(reverse("catalog:product_create"), data)
    product = Product.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("catalog:product_detail", args=[product.public_id])
    assert (product.title, product.category, product.selling_points) == ("帆布包", category,
                                                                         "耐用\n能装")
    variant = product.variants.get()
    assert (variant.spec_label, variant.retail_price, variant.market_price,
            variant.weight_grams, variant.sku_code) == ("", Decimal("49.90"), Decimal("69.00"),
                                                        300, "BAG-1")


def test_create_with_specs_builds_the_grid_first_then_saves(catalog_client):
    url = reverse("catalog:product_create")
    specs = [("颜色", "红，蓝"), ("尺码", "S、M")]
    # The grid still has the single row of "no specs": nothing is saved, the grid is rebuilt
    # with one row per combination, and the price typed in is carried to the new rows.
    response = catalog_client.post(url, product_form(
        specs=specs, rows=[((), {"retail_price": "59"})]))
    assert response.status_code == 200
    assert not Product.objects.exists()
    assert "variant table was updated" in response.content.decode()
    assert grid_rows(response) == ["红 / S", "红 / M", "蓝 / S", "蓝 / M"]
    assert all(row.initial["retail_price"] == "59" for row in response.context["editor"].grid)

    rows = [(("红", "S"), {"retail_price": "59"}), (("红", "M"), {"retail_price": "59"}),
            (("蓝", "S"), {"retail_price": "59"}), (("蓝", "M"), {"retail_price": "69.5"})]
    response = catalog_client.post(url, product_form(specs=specs, rows=rows))
    assert response.status_code == 302
    product = Product.objects.get()
    assert product.specs == [{"name": "颜色", "values": ["红", "蓝"]},
                             {"name": "尺码", "values": ["S", "M"]}]
    assert product.variants.get(spec_label="蓝 / M").retail_price == Decimal("69.50")


def test_refresh_button_rebuilds_the_grid_without_saving(catalog_client):
    response = catalog_client.post(reverse("catalog:product_create"), product_form(
        specs=[("颜色", "红 蓝")], rows=[((), {"retail_price": "9"})], action="refresh"))
    assert grid_rows(response) == ["红", "蓝"]
    assert not Product.objects.exists()


def test_htmx_grid_follows_the_specs_and_keeps_typed_values(catalog_client):
    data = product_form(specs=[("颜色", "红 蓝"), ("尺码", "S")],
                        rows=[(("红",), {"retail_price": "10", "sku_code": "R"}),
                              (("蓝",), {"retail_price": "12"})])
    response = catalog_client.post(reverse("catalog:variant_grid"), data,
                                   HTTP_HX_REQUEST="true")
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page
    assert grid_rows(response) == ["红 / S", "蓝 / S"]
    # New combinations start from the first row's prices, never from its codes.
    assert [row.initial.get("retail_price") for row in response.context["editor"].grid] == [
        "10", "10"]
    assert 'value="R"' not in page
    assert not Product.objects.exists()


def test_htmx_grid_with_bad_specs_shows_the_problem(catalog_client):
    data = product_form(specs=[("颜色", "红 红")], rows=[((), {"retail_price": "10"})])
    response = catalog_client.post(reverse("catalog:variant_grid"), data,
                                   HTTP_HX_REQUEST="true")
    assert "lists “红” twice" in response.content.decode()
    assert grid_rows(response) == ["Default spec"]


def test_edit_shows_the_current_variants_and_keeps_their_ids(catalog_client):
    product = new_product([{"name": "颜色", "values": ["红", "蓝"]}], price="30")
    red = product.variants.get(spec_label="红")
    url = reverse("catalog:product_edit", args=[product.public_id])
    response = catalog_client.get(url)
    assert grid_rows(response) == ["红", "蓝"]
    assert response.context["editor"].grid[0].initial["retail_price"] == Decimal("30.00")

    specs = [("颜色", "红 白")]
    rows = [(("红",), {"retail_price": "31"}), (("白",), {"retail_price": "32"})]
    response = catalog_client.post(url, product_form(title="新T恤", specs=specs, rows=rows))
    assert response.status_code == 302
    red.refresh_from_db()
    assert red.retail_price == Decimal("31.00") and red.is_active
    assert not product.variants.get(spec_label="蓝").is_active
    assert product.variants.get(spec_label="白").retail_price == Decimal("32.00")


@pytest.mark.parametrize(("change", "message"), [
    ({"title": ""}, "This field is required"),
    ({"v-0-retail_price": "12.345"}, "no more than 2 decimal places"),
    ({"v-0-retail_price": "-1"}, "greater than or equal to 0"),
    ({"v-0-retail_price": ""}, "This field is required"),
    ({"v-0-weight_grams": "1.5"}, "Enter a whole number"),
    ({"category": "no-such-category"}, "Select a valid choice"),
    ({"spec_1_values": "红 红"}, "lists “红” twice"),
])
def test_bad_input_shows_the_error_and_writes_nothing(catalog_client, change, message):
    product = new_product([{"name": "颜色", "values": ["红"]}], price="30", title="原来")
    data = product_form(title="改了", specs=[("颜色", "红")],
                        rows=[(("红",), {"retail_price": "31"})])
    data.update(change)
    response = catalog_client.post(reverse("catalog:product_edit", args=[product.public_id]),
                                   data)
    assert response.status_code == 200
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.title == "原来"
    assert product.variants.get().retail_price == Decimal("30.00")


def test_service_refusal_is_shown_on_the_form(catalog_client):
    other = new_product(title="别的")
    services.update_variant(other.variants.get(), retail_price="1", sku_code="TAKEN")
    data = product_form(rows=[((), {"retail_price": "5", "sku_code": "TAKEN"})])
    response = catalog_client.post(reverse("catalog:product_create"), data)
    assert response.status_code == 200
    assert "already used by another variant" in response.content.decode()
    assert Product.objects.count() == 1


def test_form_errors_are_in_chinese_by_default(client, catalog_staff):
    client.force_login(catalog_staff)
    data = product_form(title="", rows=[((), {"retail_price": "12.345"})])
    page = client.post(reverse("catalog:product_create"), data,
                       HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "该字段是必填项" in page
    assert "确认小数不超过 2 位" in page


def test_description_editor_falls_back_to_a_textarea(catalog_client):
    page = catalog_client.get(reverse("catalog:product_create")).content.decode()
    assert '<textarea name="description"' in page
    assert 'contenteditable="true"' in page
    assert "catalog/editor.js" in page


# --- detail, duplicate, images ---------------------------------------------------------------


def test_detail_shows_variants_and_links_to_stock(catalog_client):
    product = new_product(COLOUR_SIZE, price="59")
    services.update_product(product, title=product.title, specs=[COLOUR_SIZE[0]],
                            variants=[services.VariantData(spec_values={"颜色": "红"},
                                                           retail_price="59"),
                                      services.VariantData(spec_values={"颜色": "蓝"},
                                                           retail_price="59",
                                                           cost_price="20")])
    page = catalog_client.get(reverse("catalog:product_detail",
                                      args=[product.public_id])).content.decode()
    assert reverse("inventory:product_stock", args=[product.public_id]) in page
    assert "红 / S" in page and "Not on sale" in page
    assert "cost ¥20.00" in page


def test_duplicate_opens_the_copy(catalog_client):
    product = new_product()
    response = catalog_client.post(reverse("catalog:product_duplicate",
                                           args=[product.public_id]))
    copy = Product.objects.exclude(pk=product.pk).get()
    assert response["Location"] == reverse("catalog:product_edit", args=[copy.public_id])
    assert catalog_client.get(reverse("catalog:product_duplicate",
                                      args=[product.public_id])).status_code == 405


def test_upload_move_and_remove_pictures(catalog_client):
    product = new_product()
    url = reverse("catalog:image_upload", args=[product.public_id])
    response = catalog_client.post(url, {"images": [upload(picture_bytes(color="red")),
                                                    upload(picture_bytes(color="blue"))]})
    assert response.status_code == 302
    first, second = product.images.all()
    page = catalog_client.get(reverse("catalog:product_detail",
                                      args=[product.public_id])).content.decode()
    assert first.thumbnail.url in page

    catalog_client.post(reverse("catalog:image_move", args=[product.public_id,
                                                          second.public_id]),
                        {"direction": "up"})
    assert list(product.images.values_list("public_id", flat=True)) == [second.public_id,
                                                                        first.public_id]
    catalog_client.post(reverse("catalog:image_delete", args=[product.public_id,
                                                            first.public_id]))
    assert list(product.images.all()) == [second]
    other = new_product(title="别的")
    response = catalog_client.post(reverse("catalog:image_delete", args=[other.public_id,
                                                                       second.public_id]))
    assert response.status_code == 404


def test_a_bad_upload_is_explained_and_stores_nothing(catalog_client, settings):
    product = new_product()
    url = reverse("catalog:image_upload", args=[product.public_id])
    response = catalog_client.post(url, {"images": upload(b"GIF89a but not really",
                                                          name="fake.gif")})
    assert response.status_code == 400
    assert "not a picture we accept" in response.content.decode()
    assert not ProductImage.objects.exists()
    response = catalog_client.post(url, {})
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()


# --- categories ------------------------------------------------------------------------------


def test_category_pages(catalog_client):
    response = catalog_client.post(reverse("catalog:category_create"),
                                   {"name": "服装", "position": "1", "is_active": "on"})
    assert response.status_code == 302
    top = Category.objects.get()
    catalog_client.post(reverse("catalog:category_create"),
                        {"name": "T恤", "parent": top.public_id, "is_active": "on"})
    child = Category.objects.get(name="T恤")
    assert child.parent == top
    page = catalog_client.get(reverse("catalog:category_list")).content.decode()
    assert page.index("服装") < page.index("T恤")

    # A category with children cannot be put under another category.
    shoes = Category.objects.create(name="鞋")
    response = catalog_client.post(reverse("catalog:category_edit", args=[top.public_id]),
                                   {"name": "服装", "parent": shoes.public_id})
    assert "must stay a top category" in response.content.decode()
    assert Category.objects.get(pk=top.pk).parent is None
    # The parent list only offers top categories, never the category itself.
    form = catalog_client.get(reverse("catalog:category_edit",
                                      args=[top.public_id])).context["form"]
    assert set(form.fields["parent"].queryset) == {shoes}

    response = catalog_client.post(reverse("catalog:category_delete", args=[top.public_id]),
                                   follow=True)
    assert "still has sub-categories" in response.content.decode()
    catalog_client.post(reverse("catalog:category_delete", args=[child.public_id]))
    catalog_client.post(reverse("catalog:category_delete", args=[top.public_id]))
    assert list(Category.objects.all()) == [shoes]


def test_duplicate_category_name_is_refused_on_the_form(catalog_client):
    Category.objects.create(name="服装")
    response = catalog_client.post(reverse("catalog:category_create"), {"name": "服装"})
    assert response.status_code == 200
    assert "already a category named" in response.content.decode()
    assert Category.objects.count() == 1


def test_inactive_variants_are_not_offered_in_the_grid(catalog_client):
    product = new_product([{"name": "颜色", "values": ["红", "蓝"]}])
    services.update_product(product, title="T", specs=[{"name": "颜色", "values": ["红"]}])
    response = catalog_client.get(reverse("catalog:product_edit", args=[product.public_id]))
    assert grid_rows(response) == ["红"]
    assert Variant.objects.filter(product=product).count() == 2
