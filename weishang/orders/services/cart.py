"""Carts, quotes and recipients: what a new order is made of, checked and priced.

Prices and totals always come from the database, never from what a browser posted. Nothing
here writes: checkout.py places an order, purchases/services.py a stock purchase.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.utils.translation import gettext as _

from weishang.catalog.models import Product, Variant
from weishang.catalog.queries import visible_in_shop
from weishang.core.cleaning import clean_line
from weishang.core.errors import InvalidInput
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.core.phone import normalize_mobile, validate_mobile
from weishang.core.regions import checked_region, refuse_outside_mainland
from weishang.inventory import services as inventory
from weishang.inventory.queries import with_stock

from ..models import Order, OrderLine, ShopSettings
from .settings import MAX_LINE_QUANTITY, MAX_LINES, ZERO, shipping_fee_for


@dataclass(frozen=True)
class Attribution:
    """The tracked link a sale came through (see marketing); every part optional."""

    channel: str = ""
    post: str = ""
    link: str = ""
    seller: object = None  # a User


@dataclass
class CartLine:
    variant_public_id: str
    quantity: int


@dataclass
class Recipient:
    name: str
    phone: str
    province: str
    city: str
    district: str
    street: str
    note: str = ""


@dataclass
class QuoteLine:
    variant: Variant | None
    product_title: str
    spec_label: str
    unit_price: Decimal
    quantity: int
    line_total: Decimal
    available: int
    #: Why this line cannot be ordered as it is (translated), or "".
    problem: str = ""


@dataclass
class Quote:
    """What a cart costs now. Totals cover the lines that can be ordered as they are."""

    lines: list[QuoteLine]
    goods_total: Decimal
    shipping_fee: Decimal
    payable: Decimal
    problems: list[str] = field(default_factory=list)

    @property
    def can_order(self) -> bool:
        return bool(self.lines) and not self.problems


def _quantity_problem(quantity) -> str:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        return _("Enter the quantity as a whole number.")
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        return _("Enter a quantity from 1 to %(maximum)d.") % {"maximum": MAX_LINE_QUANTITY}
    return ""


def _merged_cart(lines) -> list[CartLine]:
    """One line per variant, in cart order (a variant added twice has its quantities added)."""
    merged: dict[str, CartLine] = {}
    for line in lines:
        key = str(line.variant_public_id or "")
        if key in merged and not _quantity_problem(merged[key].quantity) \
                and not _quantity_problem(line.quantity):
            merged[key] = CartLine(key, merged[key].quantity + line.quantity)
        else:
            merged.setdefault(key, CartLine(key, line.quantity))
    return list(merged.values())


def _sellable_variants(public_ids) -> tuple[dict[str, Variant], set[int]]:
    """The variants by public id (with product and warehouse ``quantity``), and the ids of
    those a customer may buy: on sale, product on shelf and visible in the shop (one query)."""
    visible_products = visible_in_shop(Product.objects.all()).values("pk")
    found = with_stock(Variant.objects.filter(public_id__in=public_ids)).annotate(
        sellable=ExpressionWrapper(Q(is_active=True, product__in=visible_products),
                                   output_field=BooleanField()))
    variants = {variant.public_id: variant for variant in found}
    return variants, {variant.pk for variant in variants.values() if variant.sellable}


def _availability_problem(variant: Variant | None, sellable: set[int]) -> str:
    if variant is None:
        return _("This item no longer exists.")
    if variant.pk not in sellable:
        return _("“%(item)s” is no longer for sale.") % {"item": inventory.item_name(variant)}
    return ""


def _line_problem(variant: Variant | None, sellable: set[int], quantity) -> str:
    problem = _availability_problem(variant, sellable) or _quantity_problem(quantity)
    if problem:
        return problem
    available = variant.quantity or 0
    if quantity > available:
        if available == 0:
            return _("“%(item)s” is sold out.") % {"item": inventory.item_name(variant)}
        return _("“%(item)s”: only %(available)d left.") % {
            "item": inventory.item_name(variant), "available": available}
    return ""


def over_line_limit(variant: Variant, quantity: int, settings: ShopSettings) -> str:
    """Why a customer may not order ``quantity`` of this item at once (translated), or ""."""
    if quantity <= settings.max_line_quantity:
        return ""
    return _("“%(item)s”: at most %(maximum)d per order.") % {
        "item": inventory.item_name(variant), "maximum": settings.max_line_quantity}


def _over_order_limit(quantities, settings: ShopSettings) -> str:
    """Why a customer may not order these quantities in one order (translated), or ""."""
    total = sum(quantities)
    if total <= settings.max_order_quantity:
        return ""
    return _("At most %(maximum)d items in one order (this one has %(count)d).") % {
        "maximum": settings.max_order_quantity, "count": total}


def _refuse_over_customer_limits(order_lines: list[OrderLine], settings: ShopSettings) -> None:
    problems = [over_line_limit(line.variant, line.quantity, settings) for line in order_lines]
    problems.append(_over_order_limit([line.quantity for line in order_lines], settings))
    problem = next((problem for problem in problems if problem), "")
    if problem:
        raise InvalidInput(problem, field="lines", code="quantity_limit")


def quote(lines, *, province: str = "", for_customer: bool = True) -> Quote:
    """Price a cart from the database. Never raises for stock, price or availability problems:
    each line carries its ``problem`` and the quote lists them all in ``problems``.
    ``for_customer``: the owner's limits on what a customer orders at once apply (not to an
    order the owner or staff take in chat)."""
    settings = ShopSettings.load()
    cart = _merged_cart(lines)
    problems = []
    if not cart:
        problems.append(_("Your cart is empty."))
    elif len(cart) > MAX_LINES:
        problems.append(_("An order can have at most %(maximum)d items.") % {"maximum": MAX_LINES})
    variants, sellable = _sellable_variants([line.variant_public_id for line in cart])
    quote_lines = []
    for line in cart:
        variant = variants.get(line.variant_public_id)
        problem = _line_problem(variant, sellable, line.quantity)
        if for_customer and not problem:
            problem = over_line_limit(variant, line.quantity, settings)
        quantity = 0 if _quantity_problem(line.quantity) else line.quantity
        unit_price = to_money(variant.retail_price) if variant else ZERO
        quote_lines.append(QuoteLine(
            variant=variant,
            product_title=variant.product.title if variant else "",
            spec_label=variant.spec_label if variant else "",
            unit_price=unit_price,
            quantity=quantity,
            line_total=to_money(unit_price * quantity),
            available=(variant.quantity or 0) if variant else 0,
            problem=problem,
        ))
        if problem:
            problems.append(problem)
    orderable = [line for line in quote_lines if not line.problem]
    if for_customer and (too_many := _over_order_limit(
            [line.quantity for line in orderable], settings)):
        problems.append(too_many)
    goods_total = to_money(sum((line.line_total for line in orderable), ZERO))
    shipping = shipping_fee_for(goods_total, province, settings) if orderable else ZERO
    return Quote(quote_lines, goods_total, shipping, goods_total + shipping, problems)


def clean_recipient(recipient: Recipient) -> Recipient:
    """The recipient of any order that ships (a customer's, one taken in chat, an agent's
    purchase, an address kept for a customer), checked and tidied: whitespace collapsed, the
    mobile number normalised, the region by its official names (core/regions.py, which also
    refuses a city or district that is not in the province)."""
    def limit(name):
        return max_length_of(Order, name)

    name = clean_line(recipient.name, field="name", limit=limit("recipient_name"),
                 missing=_("Enter the recipient's name."))
    # Outside the mainland the reason is that, not the (non-mainland) mobile number.
    refuse_outside_mainland(recipient.province)
    phone = normalize_mobile(str(recipient.phone or ""))
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="phone") from None
    region = checked_region(
        clean_line(recipient.province, field="province", limit=limit("province")),
        clean_line(recipient.city, field="city", limit=limit("city")),
        clean_line(recipient.district, field="district", limit=limit("district")))
    street = clean_line(recipient.street, field="street", limit=limit("street"),
                   missing=_("Enter the street address."))
    note = clean_line(recipient.note, field="note", limit=limit("customer_note"))
    return Recipient(name, phone, region.province, region.city, region.district, street, note)


def priced_lines(lines) -> list[OrderLine]:
    """Unsaved OrderLines with prices from the database; InvalidInput (field "lines") for an
    empty or too long cart, a bad quantity or an item not for sale. Stock is checked later,
    under lock, by take_stock."""
    cart = _merged_cart(lines)
    if not cart:
        raise InvalidInput(_("Your cart is empty."), field="lines")
    if len(cart) > MAX_LINES:
        raise InvalidInput(_("An order can have at most %(maximum)d items.")
                           % {"maximum": MAX_LINES}, field="lines")
    variants, sellable = _sellable_variants([line.variant_public_id for line in cart])
    order_lines = []
    for line in cart:
        variant = variants.get(line.variant_public_id)
        problem = _availability_problem(variant, sellable) or _quantity_problem(line.quantity)
        if problem:
            raise InvalidInput(problem, field="lines")
        unit_price = to_money(variant.retail_price)
        order_lines.append(OrderLine(
            variant=variant,
            product_title=variant.product.title,
            spec_label=variant.spec_label,
            sku_code=variant.sku_code or "",
            unit_price=unit_price,
            quantity=line.quantity,
            line_total=to_money(unit_price * line.quantity),
            cost_price=variant.cost_price,
        ))
    return order_lines
