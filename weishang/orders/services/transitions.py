"""The order state machine: every move of an order after it is placed.

A state changes only along models.TRANSITIONS (narrowed by allowed_moves), with the order row
locked, so two people confirming the same payment at once cannot both win. Each move writes
an OrderEvent and sends signals.order_state_changed inside its transaction.
"""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.catalog.models import Variant
from weishang.core.cleaning import clean_line, one_line
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.core.models import max_length_of
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason

from .. import carriers, signals
from ..models import (
    TRANSITIONS,
    Order,
    OrderEvent,
    OrderKind,
    OrderState,
    PurchaseDelivery,
    ShopSettings,
    StockSource,
    is_refund_decline,
)
from .privacy import has_address


class ActorKind:
    USER = "user"
    CUSTOMER = "customer"
    SYSTEM = "system"


def _actor_kind(actor, *, by_customer: bool) -> str:
    if by_customer:
        return ActorKind.CUSTOMER
    return ActorKind.USER if actor is not None else ActorKind.SYSTEM


def _ensure_may_move(order: Order, actor, *, by_customer: bool = False) -> None:
    """Who may move an order: a person managing orders, or the system (``actor`` None: jobs,
    payment callbacks). ``by_customer``: the customer, whom the shop's pages found by the
    order's link or number and mobile (no actor), or signed in as its buyer or the owner."""
    if not by_customer:
        require_manager(actor, "orders", system=True)
    elif actor is not None and not (actor.is_owner or actor.pk == order.purchaser_id):
        raise NotPermitted()


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
    _ensure_may_move(order, actor)
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
    _ensure_may_move(order, actor)
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
    _ensure_may_move(order, actor)
    now = now or timezone.now()
    until = now + timedelta(days=ShopSettings.load().after_sales_days)
    return _transition(order, OrderState.COMPLETED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False), note=_clean_note(note),
                       changes={"completed_at": now, "after_sales_until": until}, now=now)


def cancel_order(order: Order, *, actor=None, by_customer: bool = False, note: str = "",
                 now: datetime | None = None) -> Order:
    """Cancel an unpaid order and put its stock back (``actor`` None and not ``by_customer``:
    the system, i.e. expiry)."""
    _ensure_may_move(order, actor, by_customer=by_customer)
    return _transition(order, OrderState.CANCELLED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=by_customer),
                       note=_clean_note(note), now=now)


def request_refund(order: Order, *, actor=None, by_customer: bool = False, note: str = "",
                   now: datetime | None = None) -> Order:
    """Ask for a refund (``note``: why). A customer asks about a completed order only within
    the shop's after-sales window (Conflict ``after_sales_closed`` after it); the owner's
    people at any time."""
    _ensure_may_move(order, actor, by_customer=by_customer)
    return _transition(order, OrderState.REFUND_REQUESTED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=by_customer),
                       note=_clean_note(note), now=now)


def refund_order(order: Order, *, actor, note: str = "") -> Order:
    """The money went back in full; the stock too when the order never shipped."""
    _ensure_may_move(order, actor)
    return _transition(order, OrderState.REFUNDED, actor=actor,
                       actor_kind=_actor_kind(actor, by_customer=False), note=_clean_note(note))


@transaction.atomic
def decline_refund(order: Order, *, actor, reason: str) -> Order:
    """驳回: the seller declines the refund request, saying why (``reason``, shown to the
    customer). The order goes back to the state it was asked from, where it left off; the
    customer may ask again while that state allows it."""
    _ensure_may_move(order, actor)
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
