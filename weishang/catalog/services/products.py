"""Products: their own fields, creation and changes (with their variants), the shelf, and
copies."""

from collections.abc import Iterable, Mapping, Sequence

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.catalog.richtext import sanitize_description
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.files import stored_files
from weishang.core.versions import shop_pages_changed

from .clashes import unique_clash_as_conflict
from .variants import VariantData, clean_specs, sku_clash_message, sync_variants

TITLE_MAX_LENGTH = Product._meta.get_field("title").max_length
SELLING_POINTS_MAX_LENGTH = 500
MAX_USAGE_DAYS = 3650
#: ``update_product(usage_days=KEEP)``: callers that do not edit the usage period leave it.
KEEP = object()


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


def create_product(*, title: str, selling_points: str = "", description: str = "",
                   category: Category | None = None, usage_days: int | None = None,
                   specs: Iterable[Mapping] = (), variants: Sequence[VariantData],
                   actor=None) -> Product:
    """A new product, off shelf, with one variant per combination of ``specs``. ``actor``, a
    catalog manager, is recorded as its creator (None: a loader, e.g. the demo)."""
    require_manager(actor, "catalog", system=True)
    fields = clean_product_fields(title=title, selling_points=selling_points,
                                   description=description, category=category,
                                   usage_days=usage_days)
    specs = clean_specs(specs)
    with unique_clash_as_conflict(sku_clash_message()), transaction.atomic():
        product = Product.objects.create(**fields, specs=specs, is_on_shelf=False,
                                         created_by=actor)
        sync_variants(product, specs, variants)
    return product


def update_product(product: Product, *, title: str, selling_points: str = "",
                   description: str = "", category: Category | None = None,
                   usage_days=KEEP, specs: Iterable[Mapping] | None = None,
                   variants: Sequence[VariantData] = (), actor=None) -> Product:
    """Change a product's fields and, when ``specs`` is given, its spec options and variants.

    ``variants`` may update existing combinations and must cover every new one. ``actor``
    must manage the catalog (None: the system).
    """
    require_manager(actor, "catalog", system=True)
    fields = clean_product_fields(title=title, selling_points=selling_points,
                                   description=description, category=category,
                                   usage_days=usage_days)
    with unique_clash_as_conflict(sku_clash_message()), transaction.atomic():
        product = Product.objects.select_for_update().get(pk=product.pk)
        specs = clean_specs(product.specs if specs is None else specs)
        for name, value in fields.items():
            setattr(product, name, value)
        product.specs = specs
        product.save()
        sync_variants(product, specs, variants)
        shop_pages_changed()
    return product


@transaction.atomic
def set_on_shelf(product: Product, on_shelf: bool, *, actor=None) -> Product:
    """Put a product on shelf (visible in the shop) or take it off."""
    require_manager(actor, "catalog", system=True)
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
    codes, and its own copies of the image files. ``actor``: a catalog manager (None: the
    system)."""
    require_manager(actor, "catalog", system=True)
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
