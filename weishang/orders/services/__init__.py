"""Every change of an order: placing it, its state transitions, and the shop's selling rules.

Prices and totals always come from the database, never from what a browser posted. Placing an
order inserts it and takes its stock in one transaction: when one item is short,
InsufficientStock names it and nothing is written. A state changes only along TRANSITIONS,
with the order row locked, so two people confirming the same payment at once cannot both win.
"""

import secrets
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from weishang.accounts.models import Role
from weishang.catalog.models import Product, Variant
from weishang.catalog.queries import visible_in_shop
from weishang.core.cleaning import clean_line, one_line
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.core.phone import normalize_mobile, validate_mobile
from weishang.core.regions import checked_region, refuse_outside_mainland
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.inventory.queries import with_stock
from weishang.network.models import Agent, HiddenProduct
from weishang.network.pricing import level_prices
from weishang.network.queries import selling_agent

from .. import buyers, carriers, signals
from ..models import (
    OPEN_STATES,
    PROVINCE_SUFFIXES,
    TRANSITIONS,
    Order,
    OrderChannel,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderState,
    PurchaseDelivery,
    RegionShippingFee,
    ShopSettings,
    StockSource,
    is_refund_decline,
)
from . import guards as checkout

ZERO = Decimal("0.00")
MAX_LINES = 50
#: The most of one item any order may have; a customer's checkout is held to the owner's
#: lower ShopSettings.max_line_quantity and max_order_quantity.
MAX_LINE_QUANTITY = 999
MAX_ORDER_QUANTITY = MAX_LINES * MAX_LINE_QUANTITY
MAX_UNPAID_ORDERS = 100
#: Order numbers carry the date in China, whatever the server's clock zone.
ORDER_NUMBER_ZONE = ZoneInfo("Asia/Shanghai")
ORDER_NUMBER_RANDOM_DIGITS = 10
ORDER_NUMBER_ATTEMPTS = 5
MIN_EXPIRY_MINUTES = 5
MAX_EXPIRY_MINUTES = 7 * 24 * 60
MAX_AUTO_COMPLETE_DAYS = 90
MAX_AFTER_SALES_DAYS = 90


class ActorKind:
    USER = "user"
    CUSTOMER = "customer"
    SYSTEM = "system"


# ---------------------------------------------------------------------------------------------
# Shop settings and shipping fees


def _clean_money(value, *, field: str, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise InvalidInput(_("Enter an amount."), field=field)
    try:
        amount = to_money(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter an amount such as 10 or 9.90."), field=field) from None
    if amount < 0:
        raise InvalidInput(_("Enter an amount of 0 or more."), field=field)
    if amount >= Decimal("1000000000"):
        raise InvalidInput(_("Enter a smaller amount."), field=field)
    return amount


def _clean_whole_number(value, *, field: str, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise InvalidInput(
            _("Enter a whole number from %(minimum)d to %(maximum)d.")
            % {"minimum": minimum, "maximum": maximum},
            field=field,
        )
    return value


def _clean_image(value, *, field: str):
    """An uploaded picture (checked by Pillow), or "" to remove the current one."""
    if not value:
        return ""
    try:
        return forms.ImageField().clean(value)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), field=field) from None


_SETTINGS_CLEANERS = {
    "payment_instructions": lambda value: (value or "").strip(),
    "wechat_pay_code": lambda value: _clean_image(value, field="wechat_pay_code"),
    "alipay_code": lambda value: _clean_image(value, field="alipay_code"),
    "unpaid_expiry_minutes": lambda value: _clean_whole_number(
        value, field="unpaid_expiry_minutes", minimum=MIN_EXPIRY_MINUTES,
        maximum=MAX_EXPIRY_MINUTES),
    "auto_complete_days": lambda value: _clean_whole_number(
        value, field="auto_complete_days", minimum=1, maximum=MAX_AUTO_COMPLETE_DAYS),
    "after_sales_days": lambda value: _clean_whole_number(
        value, field="after_sales_days", minimum=0, maximum=MAX_AFTER_SALES_DAYS),
    "shipping_fee": lambda value: _clean_money(value, field="shipping_fee"),
    "free_shipping_above": lambda value: _clean_money(value, field="free_shipping_above",
                                                      allow_none=True),
    "max_line_quantity": lambda value: _clean_whole_number(
        value, field="max_line_quantity", minimum=1, maximum=MAX_LINE_QUANTITY),
    "max_order_quantity": lambda value: _clean_whole_number(
        value, field="max_order_quantity", minimum=1, maximum=MAX_ORDER_QUANTITY),
    "max_unpaid_orders": lambda value: _clean_whole_number(
        value, field="max_unpaid_orders", minimum=1, maximum=MAX_UNPAID_ORDERS),
}


@transaction.atomic
def update_shop_settings(actor, **fields) -> ShopSettings:
    """Change some of the selling rules (only the fields given). ``actor`` is the person."""
    unknown = set(fields) - set(_SETTINGS_CLEANERS)
    if unknown:
        raise TypeError(f"unknown shop settings: {', '.join(sorted(unknown))}")
    cleaned = {name: _SETTINGS_CLEANERS[name](value) for name, value in fields.items()}
    settings = ShopSettings.load(lock=True)
    for name, value in cleaned.items():
        setattr(settings, name, value)
    settings.save()
    return settings


def short_province(name: str) -> str:
    """广西壮族自治区 → 广西, 广东省 → 广东, 上海市 → 上海 (how a region fee matches an address)."""
    name = (name or "").strip()
    for suffix in PROVINCE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


@transaction.atomic
def set_region_fees(actor, rows) -> list[RegionShippingFee]:
    """Replace all regional fees with ``rows``: (province, fee, free_above or None) each."""
    seen: set[str] = set()
    fees = []
    province_limit = max_length_of(RegionShippingFee, "province")
    for province, fee, free_above in rows:
        province = (province or "").strip()
        if not province or len(province) > province_limit:
            raise InvalidInput(_("Enter a province name."), field="province")
        if short_province(province) in seen:
            raise InvalidInput(
                _("%(province)s is listed twice.") % {"province": province}, field="province"
            )
        seen.add(short_province(province))
        fees.append(RegionShippingFee(
            province=province,
            shipping_fee=_clean_money(fee, field="shipping_fee"),
            free_shipping_above=_clean_money(free_above, field="free_shipping_above",
                                             allow_none=True),
        ))
    RegionShippingFee.objects.all().delete()
    return RegionShippingFee.objects.bulk_create(fees)


def shipping_fee_for(goods_total: Decimal, province: str = "",
                     settings: ShopSettings | None = None) -> Decimal:
    """The shop's flat fee, free from its threshold; a province with its own fee uses its own
    fee and threshold instead (no threshold: never free there)."""
    settings = settings or ShopSettings.load()
    fee, free_from = settings.shipping_fee, settings.free_shipping_above
    wanted = short_province(province)
    if wanted:
        for region in RegionShippingFee.objects.all():
            if short_province(region.province) == wanted:
                fee, free_from = region.shipping_fee, region.free_shipping_above
                break
    if free_from is not None and goods_total >= free_from:
        return ZERO
    return to_money(fee)


# ---------------------------------------------------------------------------------------------
# Cart, quote and placing an order


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
    those a customer may buy: on sale, product on shelf and visible in the shop."""
    variants = {
        variant.public_id: variant
        for variant in with_stock(Variant.objects.filter(public_id__in=public_ids))
    }
    visible_products = visible_in_shop(Product.objects.all()).values("pk")
    sellable = set(
        Variant.objects.filter(pk__in=[v.pk for v in variants.values()], is_active=True,
                               product__in=visible_products).values_list("pk", flat=True)
    )
    return variants, sellable


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


def new_order_number(now: datetime | None = None) -> str:
    """20260314 + 10 random digits: the date in China, and nothing to guess or count."""
    day = timezone.localtime(now or timezone.now(), ORDER_NUMBER_ZONE).strftime("%Y%m%d")
    random_part = secrets.randbelow(10**ORDER_NUMBER_RANDOM_DIGITS)
    return f"{day}{random_part:0{ORDER_NUMBER_RANDOM_DIGITS}d}"


class IdempotencyKeyTaken(Exception):
    """Another request with the same key inserted its order first."""


def _insert_order(order: Order, key: checkout.CheckoutKey | None) -> None:
    """Save a new order under a fresh number, drawing again on the (rare) clash of numbers."""
    for attempt in range(ORDER_NUMBER_ATTEMPTS):
        order.number = new_order_number()
        try:
            with transaction.atomic():
                order.save(force_insert=True)
            return
        except IntegrityError:
            order.pk = None
            if key and Order.objects.filter(idempotency_scope=key.scope,
                                            idempotency_key=key.key).exists():
                raise IdempotencyKeyTaken from None
            if attempt == ORDER_NUMBER_ATTEMPTS - 1:
                raise


@transaction.atomic
def create_order(*, shop, order_lines, recipient, key: checkout.CheckoutKey | None, actor,
                 channel, attribution: Attribution | None = None, kind: str = OrderKind.RETAIL,
                 purchaser=None, delivery: str = "", settings: ShopSettings | None = None,
                 limit_unpaid: bool = False, buyer: buyers.Buyer | None = None) -> Order:
    """Insert an order with its priced, unsaved ``order_lines`` and take its stock. Callers
    clean their input first (place_order, purchases.place_purchase). Raises
    IdempotencyKeyTaken when a concurrent request with the same key won. ``limit_unpaid``:
    refuse it when the recipient's mobile number has the shop's most unpaid orders already."""
    settings = settings or ShopSettings.load()
    if limit_unpaid:
        checkout.refuse_too_many_unpaid(recipient.phone, settings.max_unpaid_orders, key)
    goods_total = to_money(sum((line.line_total for line in order_lines), ZERO))
    # A purchase kept in cloud stock goes nowhere: nothing to ship, nothing to charge for it.
    shipping = (ZERO if delivery == PurchaseDelivery.CLOUD
                else shipping_fee_for(goods_total, recipient.province, settings))
    now = timezone.now()
    order = Order(
        shop=shop, channel=channel, kind=kind, purchaser=purchaser, delivery=delivery,
        placed_by=actor, idempotency_key=key.key if key else None,
        idempotency_scope=key.scope if key else "", request_digest=key.digest if key else "",
        recipient_name=recipient.name, recipient_phone=recipient.phone,
        province=recipient.province, city=recipient.city, district=recipient.district,
        street=recipient.street, customer_note=recipient.note,
        **_attribution_fields(attribution), **(buyer or buyers.Buyer()).order_fields,
        goods_total=goods_total, shipping_fee=shipping, payable=goods_total + shipping,
        expires_at=now + timedelta(minutes=settings.unpaid_expiry_minutes),
    )
    _insert_order(order, key)
    _take_order_stock(order, order_lines, actor=actor)
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    OrderEvent.objects.create(order=order, from_state="", to_state=OrderState.PENDING_PAYMENT,
                              actor=actor, actor_kind=_actor_kind(actor, by_customer=actor is None))
    signals.order_placed.send(sender=Order, order=order)
    return order


def _take_order_stock(order: Order, order_lines: list[OrderLine], *, actor) -> None:
    """Take the units of a new order. A retail order in an active agent's shop takes each line
    from that agent's cloud stock when it holds enough for the line (一件代发), else from the
    warehouse; its lines keep the agent's level price, which their earnings are worked out
    from. Everything else comes from the warehouse, an order bought by an agent too
    (buyers.py): the agent's cloud stock serves customers, and such an order may earn the
    seller nothing (commissions), which would leave them short of the stock they paid for."""
    agent = selling_agent(order.shop) if order.kind == OrderKind.RETAIL else None
    from_warehouse = order_lines
    if agent is not None:
        prices = level_prices(agent.level, [line.variant for line in order_lines])
        drawn = set() if order.bought_by_agent else (
            inventory.draw_cloud_stock(
                agent.user, [(line.variant, line.quantity) for line in order_lines],
                actor=actor, related=order))
        for line in order_lines:
            line.level_price = prices[line.variant.pk]
            line.stock_source = (StockSource.CLOUD if line.variant.pk in drawn
                                 else StockSource.WAREHOUSE)
        from_warehouse = [line for line in order_lines if line.variant.pk not in drawn]
    if from_warehouse:
        inventory.take_stock([(line.variant, line.quantity) for line in from_warehouse],
                             reason=MovementReason.SALE, actor=actor, related=order)


def _attribution_fields(attribution: Attribution | None) -> dict:
    if attribution is None:
        return {}
    return {"source_channel": attribution.channel[:max_length_of(Order, "source_channel")],
            "source_post": attribution.post[:max_length_of(Order, "source_post")],
            "source_link": attribution.link[:max_length_of(Order, "source_link")],
            "source_seller": attribution.seller}


def _ensure_the_shop_sells(shop, order_lines: list[OrderLine]) -> Agent | None:
    """An agent's shop sells only while the agent is active, and never what the agent hid.
    The shop pages say so; this holds for every way in (the API too). Returns the shop's agent
    (None: the owner's shop)."""
    if shop.seller.role != Role.AGENT:
        return None
    agent = selling_agent(shop)
    if agent is None:
        raise Conflict(_("This shop is closed."), code="shop_closed")
    hidden = set(HiddenProduct.objects.filter(
        agent=agent, product_id__in={line.variant.product_id for line in order_lines},
    ).values_list("product_id", flat=True))
    for line in order_lines:
        if line.variant.product_id in hidden:
            raise InvalidInput(_("%(item)s is not sold in this shop.")
                               % {"item": line.product_title}, field="lines")
    return agent


@dataclass(frozen=True)
class PlacedOrder:
    order: Order
    #: True when the checkout key had placed this order before: nothing new was placed.
    replayed: bool


def clean_checkout_key(key) -> str | None:
    key = (key or "").strip() or None
    if key and len(key) > max_length_of(Order, "idempotency_key"):
        raise InvalidInput(_("The checkout key is too long."), field="idempotency_key")
    return key


def place_order_once(*, shop, lines, recipient: Recipient, idempotency_key: str | None = None,
                     actor=None, channel=OrderChannel.SHOP,
                     attribution: Attribution | None = None,
                     client: checkout.Client | None = None, buyer_user=None) -> PlacedOrder:
    """Create an order awaiting payment and take its stock, all or nothing.

    ``actor`` is the owner or staff entering an order taken in chat (None: the customer).
    ``attribution`` names the tracked link the customer came through, if any. ``client`` is
    the customer's device when the order comes from a request (the shop's pages, the API): its
    checkouts are then counted (services/guards.py), which code placing orders in-process
    (the demo, tests) leaves out. A customer's order is held to the owner's limits per item
    and per order (ShopSettings); one taken in chat is not. ``buyer_user`` is whoever is
    signed in while checking out for themselves (None: nobody): with the recipient's mobile it
    tells whether an agent is buying (buyers.py); an agent is refused in their own shop
    (Conflict ``own_shop``).

    A repeated ``idempotency_key`` of the same client with the same content returns the order
    the first request created (``replayed``), even when both arrive at the same moment; with
    other content it is refused (Conflict ``idempotency_key_reused``). Raises InvalidInput
    (with ``field``) for bad input, InsufficientStock naming the item that is short, and for a
    counted checkout TooManyRequests or Conflict ``too_many_unpaid_orders``.
    """
    key = checkout.CheckoutKey.of(
        clean_checkout_key(idempotency_key), actor=actor, client=client,
        content={"shop": shop.pk, "channel": channel, "recipient": asdict(recipient),
                 "lines": [(line.variant_public_id, line.quantity) for line in lines]})
    if key and (earlier := key.earlier_order()):
        return PlacedOrder(earlier, replayed=True)
    if channel not in OrderChannel.values:
        raise InvalidInput(_("Choose a valid channel."), field="channel")
    recipient = clean_recipient(recipient)
    order_lines = priced_lines(lines)
    seller = _ensure_the_shop_sells(shop, order_lines)
    buyer = buyers.buyer_at_checkout(seller, recipient.phone, buyer_user)
    settings = ShopSettings.load()
    if actor is None:
        _refuse_over_customer_limits(order_lines, settings)
    counted = actor is None and client is not None
    if counted:
        checkout.count_checkout(client, recipient.phone)
    try:
        order = create_order(shop=shop, order_lines=order_lines, recipient=recipient, key=key,
                             actor=actor, channel=channel, attribution=attribution,
                             settings=settings, limit_unpaid=counted, buyer=buyer)
    except IdempotencyKeyTaken:
        return PlacedOrder(key.earlier_order(), replayed=True)
    return PlacedOrder(order, replayed=False)


def place_order(**arguments) -> Order:
    """The order of place_order_once (the same arguments), placed now or before."""
    return place_order_once(**arguments).order


# ---------------------------------------------------------------------------------------------
# Transitions


def _actor_kind(actor, *, by_customer: bool) -> str:
    if by_customer:
        return ActorKind.CUSTOMER
    return ActorKind.USER if actor is not None else ActorKind.SYSTEM


def _clean_note(note, *, field: str = "note") -> str:
    return clean_line(note, field=field, limit=max_length_of(OrderEvent, "note"))


def invalid_transition(current: str, target: str) -> Conflict:
    return Conflict(
        _("An order that is “%(current)s” cannot become “%(target)s”.")
        % {"current": OrderState(current).label, "target": OrderState(target).label},
        code="invalid_transition",
    )


def _order_lines_for_stock(order: Order) -> list[tuple[Variant, int]]:
    return [(line.variant, line.quantity)
            for line in order.lines.select_related("variant__product")]


def _return_order_stock(order: Order, *, reason, actor) -> None:
    """Put an order's units back where they came from: the selling agent's cloud stock for
    lines drawn from it, the warehouse for the others."""
    lines = list(order.lines.select_related("variant__product"))
    cloud = [(line.variant, line.quantity) for line in lines
             if line.stock_source == StockSource.CLOUD]
    warehouse = [(line.variant, line.quantity) for line in lines
                 if line.stock_source == StockSource.WAREHOUSE]
    # Cloud before warehouse, as when the order was placed: locks are always taken in one order.
    if cloud:
        inventory.return_stock(cloud, reason=reason, actor=actor, related=order,
                               location=inventory.cloud_location(order.shop.seller))
    if warehouse:
        inventory.return_stock(warehouse, reason=reason, actor=actor, related=order)


def is_cloud_purchase(order: Order) -> bool:
    return order.kind == OrderKind.PURCHASE and order.delivery == PurchaseDelivery.CLOUD


def state_before_refund_request(order: Order) -> str:
    """The state a refund request was made from, read from what happened to the order: a
    declined request takes it back there."""
    if order.completed_at is not None:
        return OrderState.COMPLETED
    if order.shipped_at is not None:
        return OrderState.SHIPPED
    return OrderState.PAID


def allowed_moves(order: Order, *, by_customer: bool = False,
                  now: datetime | None = None) -> frozenset[str]:
    """TRANSITIONS, narrowed: a cloud purchase is never shipped (once paid its units are in
    the agent's cloud stock and it is complete, see confirm_payment) nor refunded once
    complete (its way back is the buy-back); a customer (``by_customer``) asks for a refund of
    a completed order only within the after-sales window; a refund request is refunded or
    declined back to the state it was asked from."""
    if is_cloud_purchase(order) and order.state == OrderState.PAID:
        return frozenset({OrderState.COMPLETED})
    if order.state == OrderState.REFUND_REQUESTED:
        return frozenset({OrderState.REFUNDED, state_before_refund_request(order)})
    if order.state == OrderState.COMPLETED:
        until = order.after_sales_until
        if until is None or (by_customer and (now or timezone.now()) >= until):
            return frozenset()
    return TRANSITIONS[order.state]


def after_sales_closed(order: Order, now: datetime | None = None) -> str:
    """Why the customer may no longer ask for a refund of this completed order ("" while they
    may, or when it is not a completed order with after-sales)."""
    until = order.after_sales_until
    if order.state != OrderState.COMPLETED or until is None or (now or timezone.now()) < until:
        return ""
    if until <= order.completed_at:
        return _("This shop takes no refund requests once an order is completed. Please "
                 "contact the seller.")
    return _("The after-sales period of this order ended on %(date)s. Please contact the "
             "seller.") % {"date": date_format(timezone.localtime(until), "SHORT_DATETIME_FORMAT")}


def _refused(order: Order, target: str, now: datetime, *, declining_refund: bool) -> Conflict:
    """Why the order cannot move to ``target``, in the customer's terms when the after-sales
    window is what closed it."""
    if declining_refund and order.state != OrderState.REFUND_REQUESTED:
        return Conflict(_("This order has no refund request to decline."),
                        code="invalid_transition")
    reason = after_sales_closed(order, now) if target == OrderState.REFUND_REQUESTED else ""
    if reason:
        return Conflict(reason, code="after_sales_closed")
    return invalid_transition(order.state, target)


@transaction.atomic
def _transition(order: Order, target: str, *, actor, actor_kind: str, note: str = "",
                changes: dict | None = None, now: datetime | None = None,
                declining_refund: bool = False) -> Order:
    """Move the order to ``target`` if TRANSITIONS allow it from its current state, locking
    the row first so that a concurrent move sees this one's result. Stock goes back when an
    unpaid order is cancelled, or a refund is made for an order that never shipped.

    Leaving a refund request other than by the refund is declining it, and only
    ``declining_refund`` does that: paying, shipping or completing it again is refused."""
    locked = Order.objects.select_for_update().get(pk=order.pk)
    now = now or timezone.now()
    if (target not in allowed_moves(locked, by_customer=actor_kind == ActorKind.CUSTOMER,
                                    now=now)
            or is_refund_decline(locked.state, target) != declining_refund):
        raise _refused(locked, target, now, declining_refund=declining_refund)
    if target == OrderState.CANCELLED:
        _return_order_stock(locked, reason=MovementReason.RELEASE, actor=actor)
    elif target == OrderState.REFUNDED and locked.shipped_at is None:
        _return_order_stock(locked, reason=MovementReason.RETURN, actor=actor)
    changes = {**(changes or {}), "state": target, "updated_at": now}
    if target in (OrderState.CANCELLED, OrderState.REFUNDED):
        changes["closed_at"] = now
    # The row is locked, yet the state condition keeps the update honest on any database.
    updated = Order.objects.filter(pk=locked.pk, state=locked.state).update(**changes)
    if updated != 1:
        raise invalid_transition(locked.state, target)
    OrderEvent.objects.create(order=locked, from_state=locked.state, to_state=target,
                              actor=actor, actor_kind=actor_kind, note=note)
    moved = Order.objects.get(pk=locked.pk)
    signals.order_state_changed.send(sender=Order, order=moved, from_state=locked.state,
                                     to_state=target)
    return moved


@transaction.atomic
def confirm_payment(order: Order, *, actor, reference: str = "") -> Order:
    """The owner saw the money arrive: the order is paid (``reference`` e.g. the transfer note).

    A purchase kept in cloud stock is then complete: its units go into the agent's cloud
    stock, while the warehouse count stays down (the owner holds the goods for the agent)."""
    limit = max_length_of(Order, "payment_reference")
    reference = one_line(reference)
    if len(reference) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field="reference")
    now = timezone.now()
    paid = _transition(order, OrderState.PAID, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False),
                       note=reference,
                       changes={"paid_at": now, "payment_reference": reference}, now=now)
    if not is_cloud_purchase(paid):
        return paid
    inventory.return_stock(_order_lines_for_stock(paid), reason=MovementReason.PURCHASE,
                           actor=actor, related=paid,
                           location=inventory.cloud_location(paid.purchaser))
    return _transition(paid, OrderState.COMPLETED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False),
                       note=_("Kept in cloud stock"), changes={"completed_at": now}, now=now)


@transaction.atomic
def ship_order(order: Order, *, actor, carrier: str, tracking_number: str) -> Order:
    """The parcel left with ``carrier``; refused for an order without an address to ship to."""
    carrier = carriers.clean_carrier(carrier)
    tracking_number = carriers.clean_tracking_number(carrier, tracking_number)
    if not has_address(Order.objects.select_for_update().get(pk=order.pk)):
        raise Conflict(_("Order %(number)s has no address to ship to.")
                       % {"number": order.number}, code="no_address")
    now = timezone.now()
    return _transition(
        order, OrderState.SHIPPED, actor=actor, actor_kind=_actor_kind(actor, by_customer=False),
        note=f"{carriers.carrier_name(carrier)} {tracking_number}",
        changes={"shipped_at": now, "carrier": carrier, "tracking_number": tracking_number},
        now=now,
    )


def complete_order(order: Order, *, actor=None, now: datetime | None = None,
                   note: str = "") -> Order:
    """The parcel arrived (``actor`` None: completed automatically). The order's after-sales
    window is fixed now, from the shop's setting: changing the setting later applies to orders
    completed afterwards."""
    now = now or timezone.now()
    until = now + timedelta(days=ShopSettings.load().after_sales_days)
    return _transition(order, OrderState.COMPLETED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False), note=_clean_note(note),
                       changes={"completed_at": now, "after_sales_until": until}, now=now)


def cancel_order(order: Order, *, actor=None, by_customer: bool = False, note: str = "",
                 now: datetime | None = None) -> Order:
    """Cancel an unpaid order and put its stock back (``actor`` None and not ``by_customer``:
    the system, i.e. expiry)."""
    return _transition(order, OrderState.CANCELLED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=by_customer),
                       note=_clean_note(note), now=now)


def request_refund(order: Order, *, actor=None, by_customer: bool = False, note: str = "",
                   now: datetime | None = None) -> Order:
    """Ask for a refund (``note``: why). A customer asks about a completed order only within
    the shop's after-sales window (Conflict ``after_sales_closed`` after it); the owner's
    people at any time."""
    return _transition(order, OrderState.REFUND_REQUESTED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=by_customer),
                       note=_clean_note(note), now=now)


def refund_order(order: Order, *, actor, note: str = "") -> Order:
    """The money went back in full; the stock too when the order never shipped."""
    return _transition(order, OrderState.REFUNDED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False), note=_clean_note(note))


@transaction.atomic
def decline_refund(order: Order, *, actor, reason: str) -> Order:
    """驳回: the seller declines the refund request, saying why (``reason``, shown to the
    customer). The order goes back to the state it was asked from, where it left off; the
    customer may ask again while that state allows it."""
    reason = clean_line(reason, field="reason", limit=max_length_of(OrderEvent, "note"),
                        missing=_("Say why you decline the refund request."))
    locked = Order.objects.select_for_update().get(pk=order.pk)
    return _transition(locked, state_before_refund_request(locked), actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False), note=reason,
                       declining_refund=True)


def declined_refund(order: Order) -> OrderEvent | None:
    """The decline that answered the order's latest refund request (its ``note`` says why), or
    None: never declined, refunded, or asked again since. Reads the prefetched events if any."""
    for event in reversed(list(order.events.all())):
        if OrderState.REFUND_REQUESTED in (event.from_state, event.to_state):
            return event if event.declines_refund else None
    return None


# ---------------------------------------------------------------------------------------------
# Periodic jobs (see jobs.py and tasks.py for what runs them)


def expire_unpaid_orders(now: datetime | None = None) -> int:
    """Cancel orders still unpaid after their ``expires_at``; returns how many. Each in its own
    transaction; one paid in the meantime is left alone."""
    now = now or timezone.now()
    due = Order.objects.filter(state=OrderState.PENDING_PAYMENT, expires_at__lte=now)
    expired = 0
    for order in due.only("pk").order_by("pk"):
        try:
            cancel_order(order, note=_("Not paid in time"), now=now)
        except Conflict:
            continue
        expired += 1
    return expired


def complete_shipped_orders(now: datetime | None = None) -> int:
    """Complete orders shipped at least ``auto_complete_days`` ago; returns how many."""
    now = now or timezone.now()
    shipped_before = now - timedelta(days=ShopSettings.load().auto_complete_days)
    due = Order.objects.filter(state=OrderState.SHIPPED, shipped_at__lte=shipped_before)
    completed = 0
    for order in due.only("pk").order_by("pk"):
        try:
            complete_order(order, now=now, note=_("Completed automatically"))
        except Conflict:
            continue
        completed += 1
    return completed


# ---------------------------------------------------------------------------------------------
# Personal data


ERASED_NAME = "—"


def has_address(order: Order) -> bool:
    """Whether the order says whom to ship to and where (an erased recipient does not)."""
    return all((order.recipient_phone, order.province, order.city, order.street))


@transaction.atomic
def erase_recipient(order_ids, *, reason: str) -> int:
    """Remove who and where from the given orders (a customer's erasure under PIPL), keeping
    the goods, amounts, dates and states that accounting needs: the recipient, the customer's
    note, the tracking number, and the notes of the timeline (where the tracking number and
    the customer's own words are written too). Returns how many orders changed. Refused while
    one of them is still under way (OPEN_STATES): it needs its address. ``reason`` goes to
    the erasure log."""
    orders = Order.objects.filter(pk__in=list(order_ids))
    still_open = [number for number, state in
                  orders.select_for_update().order_by("pk").values_list("number", "state")
                  if state in OPEN_STATES]
    if still_open:
        raise Conflict(_("These orders are still under way: %(numbers)s.")
                       % {"numbers": ", ".join(still_open)}, code="orders_open")
    OrderEvent.objects.filter(order__in=orders).exclude(note="").erase_personal_text(
        reason=reason)
    return orders.update(
        recipient_name=ERASED_NAME, recipient_phone="", province="", city="", district="",
        street="", customer_note="", tracking_number="", updated_at=timezone.now(),
    )
