"""Reads for the public shop: what is on shelf, at what price, and whether it is in stock.

Every function here runs a fixed number of queries, however many products or variants there are.
"""

from dataclasses import dataclass
from functools import cache

from django.core.files.storage import default_storage
from django.db import connection
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext

from weishang.accounts.models import Shop
from weishang.catalog.models import Category, Product, ProductImage, Variant
from weishang.catalog.queries import visible_in_shop
from weishang.inventory import queries as inventory_queries
from weishang.network.models import Agent, AgentState, HiddenProduct
from weishang.orders.models import Order


class StockState:
    IN_STOCK = "in_stock"
    LOW = "low"
    SOLD_OUT = "sold_out"


def _active_variants(product_ref="pk") -> QuerySet:
    return Variant.objects.filter(product=OuterRef(product_ref), is_active=True)


def _gallery_prefetch() -> Prefetch:
    return Prefetch(
        "images", queryset=ProductImage.objects.order_by("position", "id"), to_attr="gallery"
    )


def open_shop(code: str) -> Shop | None:
    """The open shop with this code (codes are read aloud in chat: case does not matter) and,
    for an agent's shop, what its header shows: ``agent_id``, ``agent_state``, ``agent_name``,
    ``agent_avatar`` and ``agent_wechat_qr`` (file names; all None in the owner's shop) — the
    same query. Shop pages read it through ``cache.open_shop``.

    Every shop page not yet cached runs it first, so it is one plain SQL statement: building
    it with the ORM took half of a cached page's time (measured with bench/storefront.py).
    """
    shops = Shop.objects.raw(_open_shop_sql(), [(code or "").strip().lower(), True])
    return next(iter(shops), None)


@cache
def _open_shop_sql() -> str:
    quote = connection.ops.quote_name
    shop = quote(Shop._meta.db_table)
    agent = quote(Agent._meta.db_table)
    agent_columns = ", ".join(f"{agent}.{quote(column)} AS {quote('agent_' + alias)}" for column,
                              alias in (("id", "id"), ("state", "state"), ("name", "name"),
                                        ("avatar", "avatar"), ("wechat_qr", "wechat_qr")))
    return (
        f"SELECT {shop}.*, {agent_columns} FROM {shop}"
        f" LEFT JOIN {agent} ON {agent}.{quote('user_id')} = {shop}.{quote('seller_id')}"
        f" WHERE {shop}.{quote('code')} = %s AND {shop}.{quote('is_open')} = %s"
    )


@dataclass(frozen=True)
class ShopAgent:
    """Who sells in an agent's shop, as its header shows them."""

    name: str
    avatar_url: str
    wechat_qr_url: str


def shop_agent(shop: Shop) -> ShopAgent | None:
    """The header of an agent's shop from what ``open_shop`` read (no query); None for the
    owner's shop."""
    if getattr(shop, "agent_id", None) is None:
        return None
    return ShopAgent(
        name=shop.agent_name,
        avatar_url=default_storage.url(shop.agent_avatar) if shop.agent_avatar else "",
        wechat_qr_url=default_storage.url(shop.agent_wechat_qr) if shop.agent_wechat_qr else "",
    )


def is_closed_agent_shop(shop: Shop) -> bool:
    """An agent's shop whose agent is not active (applied, suspended or exited) sells nothing."""
    return shop.agent_state is not None and shop.agent_state != AgentState.ACTIVE


def _not_hidden(products: QuerySet, agent_id: int | None) -> QuerySet:
    """``products`` less those the shop's agent hid (a subquery: no extra query)."""
    if agent_id is None:
        return products
    return products.exclude(
        pk__in=HiddenProduct.objects.filter(agent_id=agent_id).values("product_id"))


def hidden_cart_items(agent_id: int | None, variant_ids) -> list[Variant]:
    """The variants among ``variant_ids`` (public ids) whose product the shop's agent hid."""
    if agent_id is None or not variant_ids:
        return []
    hidden = HiddenProduct.objects.filter(agent_id=agent_id).values("product_id")
    return list(Variant.objects.select_related("product")
                .filter(public_id__in=variant_ids, product_id__in=hidden))


def category_tree() -> list[Category]:
    """Top categories shown in the shop, each with ``shown_children`` (2 queries)."""
    children = Category.objects.filter(is_active=True).order_by("position", "id")
    return list(
        Category.objects.filter(is_active=True, parent__isnull=True)
        .order_by("position", "id")
        .prefetch_related(Prefetch("children", queryset=children, to_attr="shown_children"))
    )


def find_category(tree: list[Category], public_id: str) -> Category | None:
    """The category of the tree with this public id (a top or a sub-category), without a query."""
    for top in tree:
        if top.public_id == public_id:
            return top
        for child in top.shown_children:
            if child.public_id == public_id:
                child.top = top
                return child
    return None


def shelf_products(search: str = "", category: Category | None = None,
                   agent_id: int | None = None) -> QuerySet:
    """On-shelf products with at least one variant on sale, newest first (in an agent's shop,
    ``agent_id``, not those the agent hid).

    Each carries ``lowest_price`` and ``highest_price`` of its variants on sale,
    ``lowest_market_price`` (the struck-through price of the cheapest variant) and ``gallery``.
    A top ``category`` (from ``category_tree``) includes its sub-categories.
    """
    cheapest_first = _active_variants().order_by("retail_price", "id")
    products = (
        _not_hidden(visible_in_shop(Product.objects.all()), agent_id)
        .annotate(
            lowest_price=Subquery(cheapest_first.values("retail_price")[:1]),
            lowest_market_price=Subquery(cheapest_first.values("market_price")[:1]),
            highest_price=Subquery(
                _active_variants().order_by("-retail_price").values("retail_price")[:1]
            ),
        )
        .prefetch_related(_gallery_prefetch())
    )
    if search:
        products = products.filter(Q(title__icontains=search) | Q(selling_points__icontains=search))
    if category is not None:
        category_ids = [category.pk]
        if category.parent_id is None:
            category_ids += [child.pk for child in category.shown_children]
        products = products.filter(category_id__in=category_ids)
    return products


@dataclass
class SpecGroup:
    name: str
    values: list[str]


def shelf_product(public_id: str, agent_id: int | None = None) -> Product:
    """One on-shelf product with its gallery and its variants on sale (404 otherwise, also when
    the agent ``agent_id`` whose shop it is hid it).

    Each variant carries ``quantity`` (units in the owner's warehouse), ``stock_state`` and
    ``choice`` ({spec name: value}, what the picker selects); the product carries
    ``spec_groups`` (the picker's buttons), ``lowest_price`` and ``highest_price``.
    """
    variants = inventory_queries.with_stock(Variant.objects.filter(is_active=True)).order_by(
        "position", "id"
    )
    product = get_object_or_404(
        _not_hidden(visible_in_shop(Product.objects.all()), agent_id)
        .select_related("category__parent")
        .prefetch_related(
            _gallery_prefetch(), Prefetch("variants", queryset=variants, to_attr="on_sale")
        ),
        public_id=public_id,
    )
    if not product.on_sale:
        raise Http404("no variant on sale")
    for variant in product.on_sale:
        variant.stock_state = stock_state(variant.quantity, variant.threshold)
    product.spec_groups = _spec_groups(product)
    prices = [variant.retail_price for variant in product.on_sale]
    product.lowest_price, product.highest_price = min(prices), max(prices)
    return product


def stock_state(quantity: int, low_stock_threshold: int) -> str:
    if quantity <= 0:
        return StockState.SOLD_OUT
    if quantity <= low_stock_threshold:
        return StockState.LOW
    return StockState.IN_STOCK


def _spec_groups(product: Product) -> list[SpecGroup]:
    """The picker's button groups, and each variant's ``choice`` among them.

    Groups follow the product's spec options (their order, only values some variant on sale
    has). When the variants do not each name a value of every option (data entered before the
    specs were set), the picker falls back to one button per variant, labelled by its spec label.
    """
    variants = product.on_sale
    names = [spec.get("name") for spec in product.specs or [] if spec.get("name")]
    if not names:
        names = list(dict.fromkeys(name for v in variants for name in v.spec_values or {}))
    if names and all(all(v.spec_values.get(name) for name in names) for v in variants):
        declared = {spec.get("name"): spec.get("values") or [] for spec in product.specs or []}
        groups = []
        for name in names:
            used = {str(v.spec_values[name]) for v in variants}
            ordered = [str(value) for value in declared.get(name, []) if str(value) in used]
            ordered += sorted(used - set(ordered))
            groups.append(SpecGroup(name=name, values=ordered))
        for variant in variants:
            variant.choice = {name: str(variant.spec_values[name]) for name in names}
    elif len(variants) > 1:
        name = gettext("Spec")
        labels = [v.spec_label or str(index) for index, v in enumerate(variants, start=1)]
        groups = [SpecGroup(name=name, values=labels)]
        for variant, label in zip(variants, labels, strict=True):
            variant.choice = {name: label}
    else:
        groups = []
        for variant in variants:
            variant.choice = {}
    return groups


def variant_for_cart(public_id: str, agent_id: int | None = None) -> Variant | None:
    """A variant a customer may put in the cart (on sale, its product in the shop and not
    hidden by the shop's agent), with its ``quantity`` in stock; None otherwise."""
    variants = inventory_queries.with_stock(Variant.objects.filter(is_active=True)).filter(
        product__in=_not_hidden(visible_in_shop(Product.objects.all()), agent_id)
    )
    return variants.filter(public_id=public_id).first()


def order_for_customer(access_token: str) -> Order | None:
    """The order behind a private link, with its lines, timeline and shop (3 queries)."""
    return (
        Order.objects.select_related("shop")
        .prefetch_related("lines", "events")
        .filter(access_token=access_token)
        .first()
    )
