"""Reads of stock shared by the console pages and the API.

Lists run a fixed number of queries however many variants there are: each variant's quantity and
threshold in the owner's warehouse are subqueries of the one list query. A variant that has never
had stock has no level yet; it is listed with quantity 0 and threshold 0, i.e. sold out.
"""

from django.db.models import F, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from weishang.catalog.models import Variant

from .models import LocationKind, StockLevel, StockMovement


class StockFilter:
    """Which variants a stock list shows."""

    LOW = "low"  # at or below the threshold, sold out included
    SOLD_OUT = "sold_out"
    ALL = "all"
    CHOICES = (LOW, SOLD_OUT, ALL)


def _warehouse_level(field: str) -> Coalesce:
    level = StockLevel.objects.filter(variant=OuterRef("pk"), location__kind=LocationKind.WAREHOUSE)
    return Coalesce(Subquery(level.values(field)[:1]), 0, output_field=IntegerField())


def with_stock(variants: QuerySet) -> QuerySet:
    """Adds ``quantity`` and ``threshold`` (warehouse) and the product, in the same query."""
    return variants.select_related("product").annotate(
        quantity=_warehouse_level("quantity"), threshold=_warehouse_level("low_stock_threshold")
    )


def filter_stock(variants: QuerySet, *, state: str = StockFilter.ALL,
                 search: str = "") -> QuerySet:
    """``state`` is one of StockFilter; ``search`` matches the product title or the SKU code."""
    if state == StockFilter.LOW:
        variants = variants.filter(quantity__lte=F("threshold"))
    elif state == StockFilter.SOLD_OUT:
        variants = variants.filter(quantity=0)
    search = (search or "").strip()
    if search:
        variants = variants.filter(Q(product__title__icontains=search)
                                   | Q(sku_code__icontains=search))
    return variants


def stock_list(*, state: str = StockFilter.LOW, search: str = "",
               variants: QuerySet | None = None) -> QuerySet:
    """Variants (by default those on sale) with their stock, fewest units first."""
    if variants is None:
        variants = Variant.objects.filter(is_active=True)
    return filter_stock(with_stock(variants), state=state, search=search).order_by(
        "quantity", "product__title", "position", "id"
    )


def product_stock(product) -> list[Variant]:
    """The product's variants on sale, in their order, with their stock."""
    variants = with_stock(Variant.objects.filter(product=product, is_active=True))
    return list(variants.order_by("position", "id"))


def variant_with_stock(public_id: str) -> Variant:
    """One variant (on sale or not) with its stock. Raises Variant.DoesNotExist."""
    return with_stock(Variant.objects.all()).get(public_id=public_id)


def movements(variant: Variant | None = None) -> QuerySet:
    """Ledger rows of the warehouse, newest first, with who made them and their item."""
    rows = StockMovement.objects.filter(level__location__kind=LocationKind.WAREHOUSE)
    rows = rows.select_related("actor", "level__variant__product").order_by("-id")
    if variant is not None:
        rows = rows.filter(level__variant=variant)
    return rows
