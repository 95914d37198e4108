from decimal import Decimal

import pytest

from tests.catalog.conftest import COLOUR_SIZE, new_product, picture_bytes, upload
from tests.factories import CategoryFactory, UserFactory
from weishang.catalog import services
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.core.errors import Conflict, InvalidInput, NotPermitted

pytestmark = pytest.mark.django_db


def labels(product, active=True):
    return list(product.variants.filter(is_active=active).order_by("position")
                .values_list("spec_label", flat=True))


# --- categories ------------------------------------------------------------------------------


def test_categories_have_exactly_two_levels():
    top = services.create_category(name=" 服装 ")
    child = services.create_category(name="T恤", parent=top)
    assert top.name == "服装" and child.parent == top

    with pytest.raises(InvalidInput, match="only be placed under a top category"):
        services.create_category(name="短袖", parent=child)
    other = services.create_category(name="鞋子")
    with pytest.raises(InvalidInput, match="must stay a top category"):
        services.update_category(top, name="服装", parent=other)
    with pytest.raises(InvalidInput, match="under itself"):
        services.update_category(other, name="鞋子", parent=other)
    assert Category.objects.get(pk=top.pk).parent is None


def test_category_names_are_unique_among_siblings_only():
    top = services.create_category(name="服装")
    services.create_category(name="其他", parent=top)
    services.create_category(name="其他")  # same name at the top is fine
    with pytest.raises(InvalidInput, match="already a category"):
        services.create_category(name="其他", parent=top)
    with pytest.raises(InvalidInput, match="Enter a name"):
        services.create_category(name="   ")
    assert Category.objects.count() == 3


def test_a_category_is_deleted_only_when_empty():
    top = services.create_category(name="服装")
    child = services.create_category(name="T恤", parent=top)
    new_product(category=child)
    with pytest.raises(Conflict, match="sub-categories"):
        services.delete_category(top)
    with pytest.raises(Conflict, match="products"):
        services.delete_category(child)
    Product.objects.update(category=None)
    services.delete_category(child)
    services.delete_category(top)
    assert not Category.objects.exists()


# --- products and variants -------------------------------------------------------------------


def test_variants_are_the_cartesian_product_of_the_specs():
    product = new_product(COLOUR_SIZE, price="59.90")
    assert labels(product) == ["红 / S", "红 / M", "红 / L", "蓝 / S", "蓝 / M", "蓝 / L"]
    variant = product.variants.get(spec_label="蓝 / M")
    assert variant.spec_values == {"颜色": "蓝", "尺码": "M"}
    assert variant.retail_price == Decimal("59.90")
    assert product.is_on_shelf is False
    assert product.specs == COLOUR_SIZE


def test_a_product_without_specs_has_one_variant_with_an_empty_label():
    product = new_product()
    assert labels(product) == [""]
    assert product.variants.get().spec_values == {}


def test_specs_are_trimmed_and_checked():
    cleaned = services.clean_specs([{"name": " 颜色 ", "values": [" 红 ", "", "蓝"]},
                                    {"name": "", "values": []}])
    assert cleaned == [{"name": "颜色", "values": ["红", "蓝"]}]
    refused = [
        [{"name": "颜色", "values": ["红", "红"]}],
        [{"name": "颜色", "values": ["红"]}, {"name": "颜色", "values": ["蓝"]}],
        [{"name": "颜色", "values": []}],
        [{"name": "", "values": ["红"]}],
        [{"name": f"规格{n}", "values": ["a"]} for n in range(4)],
        [{"name": "颜色", "values": [str(n) for n in range(21)]}],
        [{"name": "a", "values": ["x / y", "x"]}, {"name": "b", "values": ["z", "y / z"]}],
    ]
    for specs in refused:
        with pytest.raises(InvalidInput) as error:
            services.clean_specs(specs)
        assert error.value.field == "specs"


def test_every_new_combination_needs_a_retail_price():
    specs = services.clean_specs(COLOUR_SIZE)
    variants = [services.VariantData(spec_values={"颜色": "红", "尺码": "S"}, retail_price="1")]
    with pytest.raises(InvalidInput, match="retail price of 红 / M"):
        services.create_product(title="T恤", specs=specs, variants=variants)
    assert not Product.objects.exists()


def test_updating_specs_keeps_matching_variants_and_switches_off_removed_ones():
    product = new_product(COLOUR_SIZE)
    before = {variant.spec_label: variant.public_id for variant in product.variants.all()}
    new_specs = [{"name": "颜色", "values": ["红", "黑"]}, {"name": "尺码", "values": ["S", "M"]}]
    services.update_product(
        product, title=product.title, specs=new_specs,
        variants=[services.VariantData(spec_values={"颜色": "黑", "尺码": size},
                                       retail_price="109")
                  for size in ("S", "M")],
    )
    after = {variant.spec_label: variant for variant in product.variants.all()}
    assert labels(product) == ["红 / S", "红 / M", "黑 / S", "黑 / M"]
    for label in ("红 / S", "红 / M"):
        assert after[label].public_id == before[label]
        assert after[label].retail_price == Decimal("99.00")  # not given: kept
    assert after["黑 / S"].retail_price == Decimal("109.00")
    assert set(labels(product, active=False)) == {"红 / L", "蓝 / S", "蓝 / M", "蓝 / L"}
    assert after["蓝 / M"].public_id == before["蓝 / M"]

    # Bringing a value back switches its old variant on again, with the same id.
    services.update_product(product, title=product.title, specs=COLOUR_SIZE)
    assert product.variants.get(spec_label="蓝 / M").public_id == before["蓝 / M"]
    assert product.variants.get(spec_label="蓝 / M").is_active


def test_renaming_a_spec_keeps_the_variants():
    product = new_product([{"name": "颜色", "values": ["红", "蓝"]}])
    ids = set(product.variants.values_list("public_id", flat=True))
    services.update_product(product, title="T恤", specs=[{"name": "顏色", "values": ["红", "蓝"]}])
    assert set(product.variants.filter(is_active=True).values_list("public_id", flat=True)) == ids
    assert product.variants.get(spec_label="红").spec_values == {"顏色": "红"}


def test_update_without_specs_changes_fields_and_variant_data_only():
    product = new_product(COLOUR_SIZE)
    services.update_product(
        product, title="  新标题 ", description="<p>好</p><script>x()</script>",
        variants=[services.VariantData(spec_values={"颜色": "红", "尺码": "S"},
                                       retail_price="88.8", sku_code="TS-RS", barcode="690")],
    )
    product.refresh_from_db()
    assert product.title == "新标题"
    assert product.description == "<p>好</p>"
    variant = product.variants.get(spec_label="红 / S")
    assert (variant.retail_price, variant.sku_code, variant.barcode) == (
        Decimal("88.80"), "TS-RS", "690")
    assert product.variants.filter(is_active=True).count() == 6


def test_sku_codes_are_unique_and_a_clash_writes_nothing():
    first = new_product()
    services.update_variant(first.variants.get(), retail_price="10", sku_code="SKU-1")
    specs = [{"name": "颜色", "values": ["红", "蓝"]}]
    same_code = [services.VariantData(spec_values={"颜色": colour}, retail_price="5",
                                      sku_code="SKU-1" if colour == "红" else "")
                 for colour in ("红", "蓝")]
    with pytest.raises(InvalidInput, match="already used"):
        services.create_product(title="另一件", specs=specs, variants=same_code)
    twice = [services.VariantData(spec_values={"颜色": colour}, retail_price="5", sku_code="X")
             for colour in ("红", "蓝")]
    with pytest.raises(InvalidInput, match="entered twice"):
        services.create_product(title="另一件", specs=specs, variants=twice)
    assert Product.objects.count() == 1
    assert Variant.objects.count() == 1
    # Saving a variant with its own code again is fine.
    services.update_variant(first.variants.get(), retail_price="11", sku_code="SKU-1")


@pytest.mark.parametrize(("value", "message"), [
    ("12.345", "at most 2 decimal places"),
    ("-1", "cannot be negative"),
    ("abc", "not an amount of money"),
    ("1e20", "too large"),
    ("", "Enter the retail price"),
])
def test_prices_are_checked_as_money(value, message):
    with pytest.raises(InvalidInput, match=message):
        new_product(price=value)
    assert not Product.objects.exists()


def test_prices_are_stored_as_decimals():
    product = new_product(price=Decimal("12.3"))
    variant = Variant.objects.get(product=product)
    assert isinstance(variant.retail_price, Decimal)
    assert variant.retail_price == Decimal("12.30")
    with pytest.raises(TypeError):
        new_product(price=12.3)


def test_variant_data_for_an_unknown_combination_is_refused():
    with pytest.raises(InvalidInput, match="not one of the combinations"):
        services.create_product(
            title="T恤", specs=[{"name": "颜色", "values": ["红"]}],
            variants=[services.VariantData(spec_values={"颜色": "红"}, retail_price="1"),
                      services.VariantData(spec_values={"颜色": "绿"}, retail_price="1")],
        )
    with pytest.raises(InvalidInput, match="does not match"):
        services.create_product(
            title="T恤", specs=[{"name": "颜色", "values": ["红"]}],
            variants=[services.VariantData(spec_values={"尺码": "红"}, retail_price="1")],
        )


def test_title_is_required_and_limited():
    with pytest.raises(InvalidInput, match="Enter a title"):
        new_product(title="  ")
    with pytest.raises(InvalidInput, match="at most 80"):
        new_product(title="长" * 81)


def test_shelf_needs_a_variant_on_sale():
    product = new_product()
    services.set_on_shelf(product, True)
    assert Product.objects.get(pk=product.pk).is_on_shelf
    services.set_on_shelf(product, False)
    bare = Product.objects.create(title="空")
    with pytest.raises(Conflict, match="no variant on sale"):
        services.set_on_shelf(bare, True)
    assert not Product.objects.get(pk=bare.pk).is_on_shelf


def test_duplicate_copies_everything_with_new_ids_and_files():
    category = CategoryFactory()
    product = new_product(COLOUR_SIZE, category=category, selling_points="软\n透气")
    services.update_variant(product.variants.get(spec_label="红 / S"), retail_price="50",
                            sku_code="RS-1", barcode="6901")
    services.update_product(product, title=product.title, category=category,
                            selling_points="软\n透气", specs=[COLOUR_SIZE[0]],
                            variants=[services.VariantData(spec_values={"颜色": colour},
                                                           retail_price="50")
                                      for colour in ("红", "蓝")])
    services.add_images(product, [upload(picture_bytes()), upload(picture_bytes("JPEG"))])
    product = services.set_on_shelf(product, True)

    copy = services.duplicate_product(product)

    assert copy.public_id != product.public_id
    assert copy.title == product.title + " (copy)"
    assert not copy.is_on_shelf
    assert (copy.category, copy.selling_points, copy.specs) == (
        category, product.selling_points, product.specs)
    assert labels(copy) == labels(product) == ["红", "蓝"]
    assert not copy.variants.filter(is_active=False).exists()
    assert not copy.variants.exclude(sku_code=None).exists()
    assert copy.variants.get(spec_label="红").retail_price == Decimal("50.00")
    assert not set(copy.variants.values_list("public_id", flat=True)) & set(
        product.variants.values_list("public_id", flat=True))
    originals, copies = list(product.images.all()), list(copy.images.all())
    assert len(copies) == 2
    for original, duplicate in zip(originals, copies, strict=True):
        assert duplicate.public_id != original.public_id
        assert duplicate.image.name != original.image.name
        assert duplicate.thumbnail.name != original.thumbnail.name
        assert duplicate.image.read() == original.image.read()
        assert duplicate.image.storage.exists(duplicate.thumbnail.name)
    # Removing the copy's picture leaves the original's file alone.
    services.remove_image(copies[0])
    assert originals[0].image.storage.exists(originals[0].image.name)


def test_copy_title_stays_within_the_limit():
    product = new_product(title="长" * 80)
    copy = services.duplicate_product(product)
    assert len(copy.title) == 80
    assert copy.title.endswith(" (copy)")


def test_images_are_added_in_order_and_reordered(django_capture_on_commit_callbacks):
    product = new_product()
    first, second, third = services.add_images(
        product, [upload(picture_bytes(color=color)) for color in ("red", "green", "blue")]
    )
    services.move_image(third, -1)
    order = list(product.images.values_list("public_id", flat=True))
    assert order == [first.public_id, third.public_id, second.public_id]
    services.reorder_images(product, [second.public_id, first.public_id, third.public_id])
    assert list(product.images.values_list("public_id", flat=True)) == [
        second.public_id, first.public_id, third.public_id]
    with pytest.raises(InvalidInput):
        services.reorder_images(product, [first.public_id])

    storage, name = second.image.storage, second.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.remove_image(second)
    assert not storage.exists(name)
    assert not ProductImage.objects.filter(pk=second.pk).exists()


def test_only_catalog_managers_create_and_duplicate_products():
    """The services refuse a person who may not manage the catalog by themselves, not only
    the console's and the API's guards (no actor: a loader, e.g. the demo)."""
    product = new_product()
    for person in (UserFactory(role="agent"), UserFactory(role="staff", areas=["orders"])):
        with pytest.raises(NotPermitted):
            services.create_product(title="另一件", variants=[
                services.VariantData(spec_values={}, retail_price="10")], actor=person)
        with pytest.raises(NotPermitted):
            services.duplicate_product(product, actor=person)
    assert Product.objects.count() == 1


def test_the_catalogs_other_changes_refuse_who_may_not_manage_it():
    category = services.create_category(name="服装")
    product = new_product()
    services.add_images(product, [upload(picture_bytes())])
    image, variant = product.images.get(), product.variants.get()
    changes = [
        lambda actor: services.create_category(name="鞋", actor=actor),
        lambda actor: services.update_category(category, name="鞋", parent=None, actor=actor),
        lambda actor: services.delete_category(category, actor=actor),
        lambda actor: services.update_product(product, title="新", actor=actor),
        lambda actor: services.set_on_shelf(product, True, actor=actor),
        lambda actor: services.update_variant(variant, retail_price="1", actor=actor),
        lambda actor: services.add_images(product, [upload(picture_bytes())], actor=actor),
        lambda actor: services.reorder_images(product, [image.public_id], actor=actor),
        lambda actor: services.move_image(image, 1, actor=actor),
        lambda actor: services.remove_image(image, actor=actor),
    ]
    staff = UserFactory(role="staff", areas=["orders"])
    for change in changes:
        with pytest.raises(NotPermitted):
            change(staff)
    product.refresh_from_db()
    category.refresh_from_db()
    assert (category.name, product.title, product.is_on_shelf, product.images.count()) == (
        "服装", "纯棉T恤", False, 1)
