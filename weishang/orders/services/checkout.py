"""Placing an order: insert it and take its stock in one transaction.

When one item is short, InsufficientStock names it and nothing is written. guards.py holds
what a customer's checkout must pass first (rate limits, checkout keys, unpaid orders).
"""

import secrets
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Role, User
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.network.models import Agent, AgentState, HiddenProduct
from weishang.network.pricing import level_prices

from .. import buyers, signals
from ..models import (
    Order,
    OrderChannel,
    OrderEvent,
    OrderKind,
    OrderLine,
    OrderState,
    PurchaseDelivery,
    ShopSettings,
    StockSource,
)
from . import guards
from .cart import (
    Attribution,
    Recipient,
    _refuse_over_customer_limits,
    clean_recipient,
    priced_lines,
)
from .settings import ZERO, shipping_fee_for
from .transitions import _actor_kind

#: Order numbers carry the date in China, whatever the server's clock zone.
ORDER_NUMBER_ZONE = ZoneInfo("Asia/Shanghai")
ORDER_NUMBER_RANDOM_DIGITS = 10
ORDER_NUMBER_ATTEMPTS = 5


def new_order_number(now: datetime | None = None) -> str:
    """20260314 + 10 random digits: the date in China, and nothing to guess or count."""
    day = timezone.localtime(now or timezone.now(), ORDER_NUMBER_ZONE).strftime("%Y%m%d")
    random_part = secrets.randbelow(10**ORDER_NUMBER_RANDOM_DIGITS)
    return f"{day}{random_part:0{ORDER_NUMBER_RANDOM_DIGITS}d}"


class IdempotencyKeyTaken(Exception):
    """Another request with the same key inserted its order first."""


class _InsertRefused(Exception):
    """The order's INSERT broke a unique constraint: its number, or its checkout key."""


def create_order(*, shop, order_lines, recipient, key: guards.CheckoutKey | None, actor,
                 channel, attribution: Attribution | None = None, kind: str = OrderKind.RETAIL,
                 purchaser=None, delivery: str = "", settings: ShopSettings | None = None,
                 limit_unpaid: bool = False, buyer: buyers.Buyer | None = None,
                 agent: Agent | None = None) -> Order:
    """Insert an order with its priced, unsaved ``order_lines`` and take its stock, in one
    transaction. Callers clean their input first (place_order, purchases.place_purchase).
    ``agent``: the active agent whose shop sells this retail order (None: the owner's shop;
    see _ensure_the_shop_sells). Raises IdempotencyKeyTaken when a concurrent request with
    the same key won. ``limit_unpaid``: refuse it when the recipient's mobile number has the
    shop's most unpaid orders already.

    The order's INSERT has no savepoint of its own: when its number (10 random digits a day)
    clashes, the whole transaction is undone and placed again under a new number."""
    settings = settings or ShopSettings.load()
    for attempt in range(ORDER_NUMBER_ATTEMPTS):
        try:
            return _create_order(
                shop=shop, order_lines=order_lines, recipient=recipient, key=key, actor=actor,
                channel=channel, attribution=attribution, kind=kind, purchaser=purchaser,
                delivery=delivery, settings=settings, limit_unpaid=limit_unpaid, buyer=buyer,
                agent=agent)
        except _InsertRefused as refused:
            if key and Order.objects.filter(idempotency_scope=key.scope,
                                            idempotency_key=key.key).exists():
                raise IdempotencyKeyTaken from None
            if attempt == ORDER_NUMBER_ATTEMPTS - 1:
                raise refused.__cause__ from None


@transaction.atomic
def _create_order(*, shop, order_lines, recipient, key, actor, channel, attribution, kind,
                  purchaser, delivery, settings, limit_unpaid, buyer, agent) -> Order:
    """One attempt of create_order. The stock is taken last, so the level rows an order locks
    (the ones every checkout of a popular item waits for) are held only until the commit."""
    if limit_unpaid:
        guards.refuse_too_many_unpaid(recipient.phone, settings.max_unpaid_orders, key)
    goods_total = to_money(sum((line.line_total for line in order_lines), ZERO))
    # A purchase kept in cloud stock goes nowhere: nothing to ship, nothing to charge for it.
    shipping = (ZERO if delivery == PurchaseDelivery.CLOUD
                else shipping_fee_for(goods_total, recipient.province, settings))
    now = timezone.now()
    order = Order(
        number=new_order_number(now),
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
    try:
        order.save(force_insert=True)
    except IntegrityError as error:
        raise _InsertRefused from error
    from_warehouse = _draw_from_the_agent(order, order_lines, agent, actor=actor)
    for line in order_lines:
        line.order = order
    OrderLine.objects.bulk_create(order_lines)
    event = OrderEvent.objects.create(
        order=order, from_state="", to_state=OrderState.PENDING_PAYMENT, actor=actor,
        actor_kind=_actor_kind(actor, by_customer=actor is None))
    _known_as_written(order, lines=order_lines, events=[event])
    if from_warehouse:
        inventory.take_stock([(line.variant, line.quantity) for line in from_warehouse],
                             reason=MovementReason.SALE, actor=actor, related=order,
                             savepoint=False)
    signals.order_placed.send(sender=Order, order=order)
    return order


def _known_as_written(order: Order, **relations: list) -> None:
    """Give the new order its lines and events as they were written, as if prefetched (the
    way Django's prefetch_related keeps them): whoever shows it next (the API's answer, a
    receiver) reads them without asking the database again."""
    for name, objects in relations.items():
        written = getattr(order, name).all()
        written._result_cache, written._prefetch_done = objects, True
        order._prefetched_objects_cache = {**getattr(order, "_prefetched_objects_cache", {}),
                                           name: written}


def _draw_from_the_agent(order: Order, order_lines: list[OrderLine], agent: Agent | None, *,
                         actor) -> list[OrderLine]:
    """The lines of a new order left for the warehouse. A retail order in an active agent's
    shop takes each line from that agent's cloud stock when it holds enough for the line
    (一件代发); its lines keep the agent's level price, which their earnings are worked out
    from. Everything else comes from the warehouse, an order bought by an agent too
    (buyers.py): the agent's cloud stock serves customers, and such an order may earn the
    seller nothing (commissions), which would leave them short of the stock they paid for."""
    if agent is None or order.kind != OrderKind.RETAIL:
        return order_lines
    prices = level_prices(agent.level, [line.variant for line in order_lines])
    drawn = set() if order.bought_by_agent else (
        inventory.draw_cloud_stock(
            agent.user, [(line.variant, line.quantity) for line in order_lines],
            actor=actor, related=order))
    for line in order_lines:
        line.level_price = prices[line.variant.pk]
        line.stock_source = (StockSource.CLOUD if line.variant.pk in drawn
                             else StockSource.WAREHOUSE)
    return [line for line in order_lines if line.variant.pk not in drawn]


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
    (None: the owner's shop), read with its seller in one query."""
    seller = User.objects.select_related("agent__level").get(pk=shop.seller_id)
    if seller.role != Role.AGENT:
        return None
    agent = getattr(seller, "agent", None)
    if agent is None or agent.state != AgentState.ACTIVE:
        raise Conflict(_("This shop is closed."), code="shop_closed")
    agent.user = seller
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
                     client: guards.Client | None = None, buyer_user=None) -> PlacedOrder:
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
    key = guards.CheckoutKey.of(
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
        guards.count_checkout(client, recipient.phone)
    try:
        order = create_order(shop=shop, order_lines=order_lines, recipient=recipient, key=key,
                             actor=actor, channel=channel, attribution=attribution,
                             settings=settings, limit_unpaid=counted, buyer=buyer,
                             agent=seller)
    except IdempotencyKeyTaken:
        return PlacedOrder(key.earlier_order(), replayed=True)
    return PlacedOrder(order, replayed=False)


def place_order(**arguments) -> Order:
    """The order of place_order_once (the same arguments), placed now or before."""
    return place_order_once(**arguments).order
