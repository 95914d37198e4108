"""Every change to the catalog: categories, products, their variants and images.

Each function runs in one transaction and raises a ``weishang.core.errors`` domain error with a
translated message when the input is not acceptable; nothing is written then.

Variants are the combinations of a product's spec options (颜色 × 尺码 ...), one variant each. A
product without spec options has a single variant with an empty ``spec_label``. When the options
change, variants whose label still exists are kept (same public id, so stock and orders stay
attached), new combinations get new variants, and variants whose combination is gone are
switched off (``is_active=False``), never deleted: stock movements and orders may point at them.
"""

import contextlib
import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.catalog.richtext import sanitize_description
from weishang.core import images
from weishang.core.cleaning import clean_name
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.files import delete_files_after_commit, stored_files
from weishang.core.money import CENT, MAX_DIGITS, to_money
from weishang.core.versions import shop_pages_changed

MAX_SPECS = 3
MAX_SPEC_VALUES = 20
MAX_VARIANTS = 200
MAX_IMAGES = 9
SPEC_NAME_MAX_LENGTH = 20
SPEC_VALUE_MAX_LENGTH = 30
SPEC_LABEL_SEPARATOR = " / "
TITLE_MAX_LENGTH = Product._meta.get_field("title").max_length
SELLING_POINTS_MAX_LENGTH = 500
CATEGORY_NAME_MAX_LENGTH = Category._meta.get_field("name").max_length
MAX_POSITION = 100_000
MAX_USAGE_DAYS = 3650
#: ``update_product(usage_days=KEEP)``: callers that do not edit the usage period leave it.
KEEP = object()
SKU_CODE_MAX_LENGTH = Variant._meta.get_field("sku_code").max_length
BARCODE_MAX_LENGTH = Variant._meta.get_field("barcode").max_length
MAX_WEIGHT_GRAMS = 1_000_000
LARGEST_AMOUNT = Decimal(10) ** (MAX_DIGITS - 2)


@contextlib.contextmanager
def _unique_clash_as_conflict(message):
    """A unique constraint that a concurrent request won first becomes a Conflict."""
    try:
        yield
    except IntegrityError as exc:
        raise Conflict(message) from exc


# ---------------------------------------------------------------------------------------------
# Categories


def check_category_placement(category: Category | None, parent: Category | None) -> None:
    """Two levels only: a parent must be a top category, and a parent cannot get a parent."""
    if parent is None:
        return
    if category is not None and category.pk is not None:
        if parent.pk == category.pk:
            raise InvalidInput(_("A category cannot be placed under itself."), field="parent")
        if category.children.exists():
            raise InvalidInput(
                _("This category has sub-categories, so it must stay a top category."),
                field="parent",
            )
    if parent.parent_id is not None:
        raise InvalidInput(
            _("Sub-categories can only be placed under a top category."), field="parent"
        )


def _check_name_free(name: str, parent: Category | None, category: Category | None) -> None:
    siblings = Category.objects.filter(parent=parent, name=name)
    if category is not None and category.pk is not None:
        siblings = siblings.exclude(pk=category.pk)
    if siblings.exists():
        raise InvalidInput(
            _("There is already a category named “%(name)s” here.") % {"name": name},
            field="name",
        )


def _clean_position(value) -> int:
    try:
        position = int(value or 0)
    except (TypeError, ValueError):
        position = -1
    if not 0 <= position <= MAX_POSITION:
        raise InvalidInput(
            _("The position must be a whole number from 0 to %(limit)d.") % {"limit": MAX_POSITION},
            field="position",
        )
    return position


def _save_category(category: Category, *, name, parent, position, is_active) -> Category:
    name = clean_name(name, limit=CATEGORY_NAME_MAX_LENGTH)
    check_category_placement(category, parent)
    _check_name_free(name, parent, category)
    category.name, category.parent = name, parent
    category.position, category.is_active = _clean_position(position), bool(is_active)
    clash = _("There is already a category named “%(name)s” here.") % {"name": name}
    with _unique_clash_as_conflict(clash), transaction.atomic():
        category.save()
        shop_pages_changed()
    return category


def create_category(*, name: str, parent: Category | None = None, position: int = 0,
                    is_active: bool = True) -> Category:
    return _save_category(Category(), name=name, parent=parent, position=position,
                          is_active=is_active)


@transaction.atomic
def update_category(category: Category, *, name: str, parent: Category | None,
                    position: int = 0, is_active: bool = True) -> Category:
    category = Category.objects.select_for_update().get(pk=category.pk)
    return _save_category(category, name=name, parent=parent, position=position,
                          is_active=is_active)


@transaction.atomic
def delete_category(category: Category) -> None:
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.children.exists():
        raise Conflict(_("This category still has sub-categories; delete or move them first."),
                       code="category_has_children")
    if category.products.exists():
        raise Conflict(_("This category still has products; move them to another category first."),
                       code="category_has_products")
    category.delete()
    shop_pages_changed()


# ---------------------------------------------------------------------------------------------
# Spec options and variants


@dataclass
class VariantData:
    """What the seller enters for one combination of spec options.

    ``spec_values`` names the combination ({"颜色": "红", "尺码": "M"}; empty without specs).
    Amounts are ``Decimal``, ``int`` or ``str`` in yuan with at most two decimals.
    """

    retail_price: Decimal | int | str | None
    spec_values: Mapping[str, str] = field(default_factory=dict)
    market_price: Decimal | int | str | None = None
    cost_price: Decimal | int | str | None = None
    weight_grams: int | None = 0
    barcode: str = ""
    sku_code: str = ""


def spec_label(values: Sequence[str]) -> str:
    """"红 / M" for the combination ("红", "M"); "" without specs."""
    return SPEC_LABEL_SEPARATOR.join(values)


def variant_name(label: str) -> str:
    """How a variant is named in messages: its label, or "default spec" without specs."""
    return label or _("Default spec")


def clean_specs(specs: Iterable[Mapping]) -> list[dict]:
    """Trimmed spec options [{"name": ..., "values": [...]}]; InvalidInput when not usable.

    At most three options, each with a name and at least one value; no name or value twice.
    """
    cleaned = []
    for option in specs or []:
        name = str(option.get("name") or "").strip()
        values = [str(value).strip() for value in option.get("values") or []]
        values = [value for value in values if value]
        if not name and not values:
            continue
        if not name:
            raise InvalidInput(_("Give each spec a name, such as “颜色”."), field="specs")
        if len(name) > SPEC_NAME_MAX_LENGTH:
            raise InvalidInput(
                _("A spec name can have at most %(limit)d characters.")
                % {"limit": SPEC_NAME_MAX_LENGTH},
                field="specs",
            )
        if not values:
            raise InvalidInput(
                _("Spec “%(name)s” needs at least one value.") % {"name": name}, field="specs"
            )
        if len(values) > MAX_SPEC_VALUES:
            raise InvalidInput(
                _("Spec “%(name)s” can have at most %(limit)d values.")
                % {"name": name, "limit": MAX_SPEC_VALUES},
                field="specs",
            )
        for value in values:
            if len(value) > SPEC_VALUE_MAX_LENGTH:
                raise InvalidInput(
                    _("A spec value can have at most %(limit)d characters.")
                    % {"limit": SPEC_VALUE_MAX_LENGTH},
                    field="specs",
                )
        repeated = _first_repeated(values)
        if repeated is not None:
            raise InvalidInput(
                _("Spec “%(name)s” lists “%(value)s” twice.") % {"name": name, "value": repeated},
                field="specs",
            )
        cleaned.append({"name": name, "values": values})
    if len(cleaned) > MAX_SPECS:
        raise InvalidInput(
            _("A product can have at most %(limit)d specs.") % {"limit": MAX_SPECS}, field="specs"
        )
    repeated = _first_repeated(option["name"] for option in cleaned)
    if repeated is not None:
        raise InvalidInput(
            _("There are two specs named “%(name)s”.") % {"name": repeated}, field="specs"
        )
    count = 1
    for option in cleaned:
        count *= len(option["values"])
    if count > MAX_VARIANTS:
        raise InvalidInput(
            _("These specs make %(count)d combinations; at most %(limit)d are allowed.")
            % {"count": count, "limit": MAX_VARIANTS},
            field="specs",
        )
    labels = [spec_label(values) for values in combinations(cleaned)]
    repeated = _first_repeated(labels)
    if repeated is not None:
        raise InvalidInput(
            _("Two combinations would both be called “%(label)s”; change a value.")
            % {"label": repeated},
            field="specs",
        )
    return cleaned


def combinations(specs: Sequence[Mapping]) -> list[tuple[str, ...]]:
    """Every combination of the (clean) spec options' values, in order; [()] without specs."""
    return list(itertools.product(*(option["values"] for option in specs)))


def _first_repeated(items: Iterable[str]) -> str | None:
    seen = set()
    for item in items:
        if item in seen:
            return item
        seen.add(item)
    return None


def _money(value, *, variant: str, label: str, required: bool = False) -> Decimal | None:
    """A price as entered: at most two decimals, not negative; None when left empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidInput(
                _("Enter the %(field)s of %(variant)s.") % {"field": label, "variant": variant},
                field="variants",
            )
        return None
    if isinstance(value, float):
        raise TypeError("money must not be a float; pass a Decimal, int or str")
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation:
        amount = None
    if amount is None or not amount.is_finite():
        raise InvalidInput(
            _("%(variant)s: the %(field)s is not an amount of money, such as 12.50.")
            % {"field": label, "variant": variant},
            field="variants",
        )
    if amount < 0:
        raise InvalidInput(
            _("%(variant)s: the %(field)s cannot be negative.")
            % {"field": label, "variant": variant},
            field="variants",
        )
    if amount >= LARGEST_AMOUNT:
        raise InvalidInput(
            _("%(variant)s: the %(field)s is too large.") % {"field": label, "variant": variant},
            field="variants",
        )
    if amount != amount.quantize(CENT):
        raise InvalidInput(
            _("%(variant)s: the %(field)s can have at most 2 decimal places (fen).")
            % {"field": label, "variant": variant},
            field="variants",
        )
    return to_money(amount)


def _clean_code(value, *, limit: int, variant: str, label: str) -> str:
    code = str(value or "").strip()
    if len(code) > limit:
        raise InvalidInput(
            _("%(variant)s: the %(field)s can have at most %(limit)d characters.")
            % {"variant": variant, "field": label, "limit": limit},
            field="variants",
        )
    return code


def _clean_weight(value, *, variant: str) -> int:
    if value is None or value == "":
        return 0
    try:
        grams = int(value) if isinstance(value, int | str) and not isinstance(value, bool) else -1
    except ValueError:
        grams = -1
    if not 0 <= grams <= MAX_WEIGHT_GRAMS:
        raise InvalidInput(
            _("%(variant)s: the weight must be a whole number of grams from 0 to %(limit)d.")
            % {"variant": variant, "limit": MAX_WEIGHT_GRAMS},
            field="variants",
        )
    return grams


def clean_variant_fields(data: VariantData, name: str) -> dict:
    """The model fields of one variant from what was entered (InvalidInput if not valid)."""
    return {
        "retail_price": _money(data.retail_price, variant=name, label=_("retail price"),
                               required=True),
        "market_price": _money(data.market_price, variant=name, label=_("market price")),
        "cost_price": _money(data.cost_price, variant=name, label=_("cost price")),
        "weight_grams": _clean_weight(data.weight_grams, variant=name),
        "barcode": _clean_code(data.barcode, limit=BARCODE_MAX_LENGTH, variant=name,
                               label=_("barcode")),
        "sku_code": _clean_code(data.sku_code, limit=SKU_CODE_MAX_LENGTH, variant=name,
                                label=_("SKU code")) or None,
    }


def _check_sku_codes(wanted: Mapping[str, str], owners: Mapping[str, Variant]) -> None:
    """``wanted`` maps a spec label to the SKU code it should get; ``owners`` the variants that
    already exist under those labels. A code may only belong to one variant."""
    repeated = _first_repeated(wanted.values())
    if repeated is not None:
        raise InvalidInput(
            _("The SKU code “%(code)s” is entered twice.") % {"code": repeated}, field="variants"
        )
    taken = Variant.objects.filter(sku_code__in=list(wanted.values())).values_list(
        "sku_code", "pk"
    )
    for code, holder_pk in taken:
        keeper = next(label for label, wanted_code in wanted.items() if wanted_code == code)
        if keeper not in owners or owners[keeper].pk != holder_pk:
            raise InvalidInput(
                _("The SKU code “%(code)s” is already used by another variant.")
                % {"code": code},
                field="variants",
            )


def _combination_of(data: VariantData, names: Sequence[str]) -> tuple[str, ...]:
    given = {
        str(key).strip(): str(value).strip() for key, value in (data.spec_values or {}).items()
    }
    if set(given) != set(names):
        raise InvalidInput(
            _("Variant “%(variant)s” does not match the product's specs.")
            % {"variant": spec_label(list(given.values())) or "-"},
            field="variants",
        )
    return tuple(given[name] for name in names)


def _sync_variants(product: Product, specs: list[dict], entered: Sequence[VariantData]) -> None:
    """Make the product's variants the combinations of ``specs`` (see the module docstring).

    Every new combination needs its data in ``entered``; existing ones keep theirs unless given.
    Checks everything first, then writes.
    """
    names = [option["name"] for option in specs]
    wanted = combinations(specs)
    data_by_combination: dict[tuple[str, ...], VariantData] = {}
    for data in entered:
        combination = _combination_of(data, names)
        if combination in data_by_combination:
            raise InvalidInput(
                _("Variant “%(variant)s” is entered twice.")
                % {"variant": variant_name(spec_label(combination))},
                field="variants",
            )
        data_by_combination[combination] = data
    unknown = set(data_by_combination) - set(wanted)
    if unknown:
        raise InvalidInput(
            _("Variant “%(variant)s” is not one of the combinations of the specs.")
            % {"variant": variant_name(spec_label(sorted(unknown)[0]))},
            field="variants",
        )

    existing = {variant.spec_label: variant
                for variant in Variant.objects.select_for_update().filter(product=product)}
    fields_by_label = {}
    for combination in wanted:
        label = spec_label(combination)
        if combination in data_by_combination:
            fields_by_label[label] = clean_variant_fields(
                data_by_combination[combination], variant_name(label)
            )
        elif label not in existing:
            raise InvalidInput(
                _("Enter the %(field)s of %(variant)s.")
                % {"field": _("retail price"), "variant": variant_name(label)},
                field="variants",
            )
    sku_codes = {label: fields["sku_code"] for label, fields in fields_by_label.items()
                 if fields["sku_code"]}
    _check_sku_codes(sku_codes, existing)

    kept_labels = {spec_label(combination) for combination in wanted}
    for variant in existing.values():
        if variant.spec_label not in kept_labels and variant.is_active:
            variant.is_active = False
            variant.save(update_fields=["is_active", "updated_at"])
    for position, combination in enumerate(wanted):
        label = spec_label(combination)
        variant = existing.get(label) or Variant(product=product, spec_label=label)
        variant.spec_values = dict(zip(names, combination, strict=True))
        variant.position = position
        variant.is_active = True
        for name, value in fields_by_label.get(label, {}).items():
            setattr(variant, name, value)
        variant.save()


# ---------------------------------------------------------------------------------------------
# Products


def clean_product_fields(*, title, selling_points, description, category,
                         usage_days=KEEP) -> dict:
    """A product's own fields as they will be stored (description sanitized); InvalidInput if
    one is not acceptable. ``usage_days`` is left out of the result when it is ``KEEP``."""
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Enter a title."), field="title")
    if len(title) > TITLE_MAX_LENGTH:
        raise InvalidInput(
            _("The title can have at most %(limit)d characters.") % {"limit": TITLE_MAX_LENGTH},
            field="title",
        )
    selling_points = "\n".join(
        line.strip() for line in (selling_points or "").splitlines() if line.strip()
    )
    if len(selling_points) > SELLING_POINTS_MAX_LENGTH:
        raise InvalidInput(
            _("The selling points can have at most %(limit)d characters.")
            % {"limit": SELLING_POINTS_MAX_LENGTH},
            field="selling_points",
        )
    if category is not None and not isinstance(category, Category):
        raise TypeError("category must be a Category or None")
    fields = {
        "title": title,
        "selling_points": selling_points,
        "description": sanitize_description(description),
        "category": category,
    }
    if usage_days is not KEEP:
        fields["usage_days"] = _clean_usage_days(usage_days)
    return fields


def _clean_usage_days(usage_days) -> int | None:
    """How long one unit lasts (customer care's repurchase reminders); None: it does not run
    out, or nobody said."""
    if usage_days in (None, ""):
        return None
    if isinstance(usage_days, bool) or not isinstance(usage_days, int) \
            or not 1 <= usage_days <= MAX_USAGE_DAYS:
        raise InvalidInput(
            _("One unit lasts from 1 to %(limit)d days; leave it empty if it does not run out.")
            % {"limit": MAX_USAGE_DAYS}, field="usage_days")
    return usage_days


def _sku_clash_message() -> str:
    return _("A SKU code was just taken by another variant; check the SKU codes and save again.")


def create_product(*, title: str, selling_points: str = "", description: str = "",
                   category: Category | None = None, usage_days: int | None = None,
                   specs: Iterable[Mapping] = (), variants: Sequence[VariantData],
                   actor=None) -> Product:
    """A new product, off shelf, with one variant per combination of ``specs``."""
    fields = clean_product_fields(title=title, selling_points=selling_points,
                                   description=description, category=category,
                                   usage_days=usage_days)
    specs = clean_specs(specs)
    with _unique_clash_as_conflict(_sku_clash_message()), transaction.atomic():
        product = Product.objects.create(**fields, specs=specs, is_on_shelf=False,
                                         created_by=actor)
        _sync_variants(product, specs, variants)
    return product


def update_product(product: Product, *, title: str, selling_points: str = "",
                   description: str = "", category: Category | None = None,
                   usage_days=KEEP, specs: Iterable[Mapping] | None = None,
                   variants: Sequence[VariantData] = ()) -> Product:
    """Change a product's fields and, when ``specs`` is given, its spec options and variants.

    ``variants`` may update existing combinations and must cover every new one.
    """
    fields = clean_product_fields(title=title, selling_points=selling_points,
                                   description=description, category=category,
                                   usage_days=usage_days)
    with _unique_clash_as_conflict(_sku_clash_message()), transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        specs = clean_specs(product.specs if specs is None else specs)
        for name, value in fields.items():
            setattr(product, name, value)
        product.specs = specs
        product.save()
        _sync_variants(product, specs, variants)
        shop_pages_changed()
    return product


def update_variant(variant: Variant, *, retail_price, market_price=None, cost_price=None,
                   weight_grams=0, barcode: str = "", sku_code: str = "") -> Variant:
    """Change the prices and codes of one variant (its combination follows the product's specs)."""
    with _unique_clash_as_conflict(_sku_clash_message()), transaction.atomic():
        variant = Variant.objects.select_for_update().get(pk=variant.pk)
        data = VariantData(retail_price=retail_price, market_price=market_price,
                           cost_price=cost_price, weight_grams=weight_grams, barcode=barcode,
                           sku_code=sku_code)
        fields = clean_variant_fields(data, variant_name(variant.spec_label))
        if fields["sku_code"]:
            label = variant.spec_label
            _check_sku_codes({label: fields["sku_code"]}, {label: variant})
        for name, value in fields.items():
            setattr(variant, name, value)
        variant.save()
        shop_pages_changed()
    return variant


@transaction.atomic
def set_on_shelf(product: Product, on_shelf: bool) -> Product:
    """Put a product on shelf (visible in the shop) or take it off."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    if on_shelf and not product.variants.filter(is_active=True).exists():
        raise Conflict(_("This product has no variant on sale, so it cannot be put on shelf."),
                       code="no_variant_on_sale")
    if product.is_on_shelf != on_shelf:
        product.is_on_shelf = on_shelf
        product.save(update_fields=["is_on_shelf", "updated_at"])
        shop_pages_changed()
    return product


def _copy_title(title: str) -> str:
    suffix = _(" (copy)")
    return title[: TITLE_MAX_LENGTH - len(suffix)] + suffix


def duplicate_product(product: Product, *, actor=None) -> Product:
    """A copy to edit into a similar product: off shelf, new ids, variants on sale without SKU
    codes, and its own copies of the image files."""
    with stored_files() as stored, transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        copy = Product.objects.create(
            title=_copy_title(product.title), selling_points=product.selling_points,
            description=product.description, category=product.category, specs=product.specs,
            is_on_shelf=False, position=product.position, created_by=actor,
        )
        Variant.objects.bulk_create(
            Variant(
                product=copy, spec_values=variant.spec_values, spec_label=variant.spec_label,
                barcode=variant.barcode, retail_price=variant.retail_price,
                market_price=variant.market_price, cost_price=variant.cost_price,
                weight_grams=variant.weight_grams, position=variant.position,
            )
            for variant in product.variants.filter(is_active=True)
        )
        for image in product.images.all():
            duplicate = ProductImage(product=copy, extension=image.extension,
                                     position=image.position)
            for name in ("image", "thumbnail"):
                original = getattr(image, name)
                if not original:
                    continue
                with original.open("rb") as source:
                    getattr(duplicate, name).save(name, ContentFile(source.read()), save=False)
                stored.append(getattr(duplicate, name))
            # Saving a file may reset the dimension fields; the original's are known.
            duplicate.width, duplicate.height = image.width, image.height
            duplicate.save()
    return copy


# ---------------------------------------------------------------------------------------------
# Images


def add_images(product: Product, uploads: Sequence) -> list[ProductImage]:
    """Add pictures to the end of a product's gallery (all or none of them).

    Each upload is checked by its content (``images.check_image``) and gets a 400 px thumbnail.
    """
    if not uploads:
        raise InvalidInput(_("Choose a picture to upload."), field="image")
    checked = [images.check_image(upload) for upload in uploads]
    thumbnails = [images.make_thumbnail(upload) for upload in uploads]
    originals = [images.without_metadata(upload, info)
                 for upload, info in zip(uploads, checked, strict=True)]
    with stored_files() as stored, transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        count = product.images.count()
        if count + len(uploads) > MAX_IMAGES:
            raise InvalidInput(
                _("A product can have at most %(limit)d pictures; it has %(count)d.")
                % {"limit": MAX_IMAGES, "count": count},
                code="too_many_images", field="image",
            )
        position = (product.images.aggregate(last=Max("position"))["last"] or 0) + 1
        added = []
        for offset, (info, original, thumbnail) in enumerate(zip(checked, originals, thumbnails,
                                                                 strict=True)):
            image = ProductImage(product=product, extension=info.extension,
                                 position=position + offset)
            image.image.save(f"upload.{info.extension}", original.content, save=False)
            stored.append(image.image)
            image.thumbnail.save("thumbnail.jpg", thumbnail, save=False)
            stored.append(image.thumbnail)
            image.width, image.height = original.width, original.height
            image.save()
            added.append(image)
        shop_pages_changed()
    return added


def add_image(product: Product, upload) -> ProductImage:
    return add_images(product, [upload])[0]


@transaction.atomic
def remove_image(image: ProductImage) -> None:
    """Remove a picture; its files go once the change is committed."""
    image = ProductImage.objects.select_for_update().get(pk=image.pk)
    image.delete()
    delete_files_after_commit(image.image, image.thumbnail)
    shop_pages_changed()


@transaction.atomic
def reorder_images(product: Product, public_ids: Sequence[str]) -> None:
    """Put a product's pictures in the given order (every picture exactly once)."""
    product = Product.objects.select_for_update().get(pk=product.pk)
    gallery = {image.public_id: image for image in product.images.all()}
    if sorted(public_ids) != sorted(gallery):
        raise InvalidInput(_("The list of pictures has changed; reload the page and try again."),
                           field="images")
    for position, public_id in enumerate(public_ids, start=1):
        image = gallery[public_id]
        if image.position != position:
            image.position = position
            image.save(update_fields=["position"])
    shop_pages_changed()


@transaction.atomic
def move_image(image: ProductImage, step: int) -> None:
    """Move a picture ``step`` places towards the end (negative: towards the front)."""
    product = Product.objects.select_for_update().get(pk=image.product_id)
    order = list(product.images.values_list("public_id", flat=True))
    if image.public_id not in order:
        raise InvalidInput(_("The list of pictures has changed; reload the page and try again."),
                           field="images")
    index = order.index(image.public_id)
    target = min(max(index + step, 0), len(order) - 1)
    order.insert(target, order.pop(index))
    reorder_images(product, order)
