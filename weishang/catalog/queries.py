"""Reads of the catalog shared by the console pages and the API.

The list querysets run a fixed number of queries however many products, variants or images
there are: prices and stock are annotated with subqueries, images and variants are prefetched.
"""

from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce

from weishang.catalog.models import Category, Product, ProductImage, Variant

# Stock that the owner can sell: the warehouse (agents' cloud stock belongs to the agents).
OWNER_STOCK_LOCATION_KIND = "warehouse"


def _active_variants_of_outer_product() -> QuerySet:
    return Variant.objects.filter(product=OuterRef("pk"), is_active=True)


def _gallery() -> Prefetch:
    return Prefetch("images", queryset=ProductImage.objects.order_by("position", "id"),
                    to_attr="gallery")


def with_list_annotations(products: QuerySet) -> QuerySet:
    """Adds ``lowest_price``, ``highest_price`` (retail, variants on sale), ``total_stock``
    (owner's warehouse, variants on sale), ``variant_count`` and the prefetched ``gallery``."""
    variants_on_sale = _active_variants_of_outer_product()
    per_product = variants_on_sale.order_by().values("product")
    stock = per_product.annotate(
        total=Sum("stock_levels__quantity",
                  filter=Q(stock_levels__location__kind=OWNER_STOCK_LOCATION_KIND))
    ).values("total")
    count = per_product.annotate(total=Count("pk")).values("total")
    return (
        products.select_related("category__parent")
        .annotate(
            lowest_price=Subquery(
                variants_on_sale.order_by("retail_price").values("retail_price")[:1]
            ),
            highest_price=Subquery(
                variants_on_sale.order_by("-retail_price").values("retail_price")[:1]
            ),
            total_stock=Coalesce(Subquery(stock), 0),
            variant_count=Coalesce(Subquery(count), 0),
        )
        .prefetch_related(_gallery())
    )


def visible_in_shop(products: QuerySet) -> QuerySet:
    """Products a visitor may see: on shelf, with a variant on sale, not in a hidden category."""
    shown_category = Q(category__isnull=True) | (
        Q(category__is_active=True)
        & (Q(category__parent__isnull=True) | Q(category__parent__is_active=True))
    )
    return products.filter(
        shown_category, Exists(_active_variants_of_outer_product()), is_on_shelf=True
    )


def filter_products(products: QuerySet, *, search: str = "", category: Category | None = None,
                    on_shelf: bool | None = None) -> QuerySet:
    """Search in title, SKU code and barcode; a top category includes its sub-categories."""
    search = (search or "").strip()
    if search:
        matching_variant = Variant.objects.filter(product=OuterRef("pk")).filter(
            Q(sku_code__icontains=search) | Q(barcode__icontains=search)
        )
        products = products.filter(Q(title__icontains=search) | Q(Exists(matching_variant)))
    if category is not None:
        products = products.filter(Q(category=category) | Q(category__parent=category))
    if on_shelf is not None:
        products = products.filter(is_on_shelf=on_shelf)
    return products


def console_products(**filters) -> QuerySet:
    """The console list: every product, newest first, with list annotations."""
    return with_list_annotations(filter_products(Product.objects.all(), **filters))


def api_products(*, sees_everything: bool, **filters) -> QuerySet:
    """The API: catalog managers see every product and variant; everybody else sees the shop
    (``visible_in_shop``) and only variants on sale. Variants are prefetched as ``variant_list``."""
    products = Product.objects.all() if sees_everything else visible_in_shop(Product.objects.all())
    if not sees_everything:
        filters.pop("on_shelf", None)
    variants = Variant.objects.order_by("position", "id")
    if not sees_everything:
        variants = variants.filter(is_active=True)
    return with_list_annotations(filter_products(products, **filters)).prefetch_related(
        Prefetch("variants", queryset=variants, to_attr="variant_list")
    )


def product_for_console(public_id: str) -> Product:
    """One product with its gallery and all its variants (``variant_list``, on sale first), each
    with ``stock`` in the owner's warehouse. Raises Product.DoesNotExist."""
    variants = Variant.objects.annotate(
        stock=Coalesce(
            Sum("stock_levels__quantity",
                filter=Q(stock_levels__location__kind=OWNER_STOCK_LOCATION_KIND)),
            0,
        )
    ).order_by("-is_active", "position", "id")
    return (
        Product.objects.select_related("category__parent")
        .prefetch_related(_gallery(), Prefetch("variants", queryset=variants,
                                               to_attr="variant_list"))
        .get(public_id=public_id)
    )


def category_tree(*, with_product_count: bool = False) -> QuerySet:
    """All categories, each top one followed by its sub-categories (in their positions); with
    ``product_count`` on each when asked."""
    categories = Category.objects.select_related("parent").order_by(
        Coalesce("parent__position", "position"),
        Coalesce("parent_id", "id"),
        F("parent_id").asc(nulls_first=True),
        "position",
        "id",
    )
    if with_product_count:
        categories = categories.annotate(product_count=Count("products"))
    return categories
