"""Customer records from the orders (called by ``receivers``: a new order once it is committed,
a state change inside its transaction).

An order is linked to the record of its shop's seller, found by mobile number or made, so a
seller's records hold only what was bought in their shop and given to it. Records made from
orders keep the seller's edits (a corrected name stays corrected); the order statistics are
always recomputed from the orders themselves, so they cannot drift.
"""

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone

from weishang.core.money import to_money
from weishang.orders import services as orders
from weishang.orders.models import SALE_STATES, Order, OrderChannel, OrderKind

from ..models import Customer, CustomerAddress, CustomerOrder, CustomerQuerySet
from .records import _add_address, _address_fields, _refresh_search_fields


def refresh_order_stats(customer: Customer) -> Customer:
    """Order count, total spent and first/last order, recomputed from the customer's orders.

    Only sales count (orders.models.SALE_STATES); the first and last order fall back to any
    order while none is a sale yet, so a new customer shows when they ordered.
    """
    linked = Order.objects.filter(customer_link__customer=customer)
    sale = Q(state__in=SALE_STATES)
    stats = linked.aggregate(
        order_count=Count("pk", filter=sale),
        total_spent=Sum("payable", filter=sale),
        first_counted=Min("created_at", filter=sale),
        last_counted=Max("created_at", filter=sale),
        first_any=Min("created_at"), last_any=Max("created_at"),
    )
    changes = {
        "order_count": stats["order_count"],
        "total_spent": to_money(stats["total_spent"] or 0),
        "first_order_at": stats["first_counted"] or stats["first_any"],
        "last_order_at": stats["last_counted"] or stats["last_any"],
    }
    Customer.objects.filter(pk=customer.pk).update(**changes, updated_at=timezone.now())
    for field, value in changes.items():
        setattr(customer, field, value)
    return customer


def _source_channel(order: Order) -> str:
    if order.source_channel:
        return order.source_channel
    return "chat" if order.channel == OrderChannel.CHAT else "shop"


def _record_of(order: Order) -> CustomerQuerySet:
    """The record an order belongs to: its shop's seller's, with the recipient's number."""
    return Customer.objects.filter(seller_id=order.shop.seller_id).with_phones(
        order.recipient_phone)


def _new_customer_from(order: Order) -> Customer:
    """A new record made from ``order``, its only order so far, so its statistics are the
    order's. IntegrityError when the same number's other order made it at the same moment."""
    sale = order.state in SALE_STATES
    customer = Customer(
        seller_id=order.shop.seller_id, name=order.recipient_name, phone=order.recipient_phone,
        province=order.province, city=order.city, district=order.district,
        source_channel=_source_channel(order), order_count=int(sale),
        total_spent=to_money(order.payable if sale else 0),
        first_order_at=order.created_at, last_order_at=order.created_at,
    )
    _refresh_search_fields(customer)
    customer.save(force_insert=True)
    return customer


def _fill_blanks(customer: Customer, order: Order) -> None:
    """What an order tells about a known customer that the record lacks; never overwrite what
    the seller wrote."""
    changes = {}
    if not customer.source_channel:
        changes["source_channel"] = _source_channel(order)
    if not customer.province:
        changes.update(province=order.province, city=order.city, district=order.district)
    if changes:
        Customer.objects.filter(pk=customer.pk).update(**changes, updated_at=timezone.now())
        for field, value in changes.items():
            setattr(customer, field, value)


def upsert_from_order(order: Order) -> Customer | None:
    """The customer of a new order in its shop's seller's list, found by mobile number or
    created; the order is linked, its address kept and the statistics updated. Runs once the
    order is committed, and records an order once however often it runs (a second run only
    recomputes the statistics). An agent's stock purchase is no customer's order."""
    if not order.recipient_phone or order.kind == OrderKind.PURCHASE:
        return None
    try:
        return _upsert(order)
    except IntegrityError:
        # The same number ordered twice at the same moment: the other order made the record,
        # which this one now finds.
        return _upsert(order)


@transaction.atomic
def _upsert(order: Order) -> Customer:
    recipient = orders.Recipient(
        name=order.recipient_name, phone=order.recipient_phone, province=order.province,
        city=order.city, district=order.district, street=order.street)
    customer = _record_of(order).select_for_update().first()
    if customer is None:
        customer = _new_customer_from(order)
        CustomerAddress.objects.create(customer=customer, is_default=True,
                                       **_address_fields(recipient))
        CustomerOrder.objects.create(order=order, customer=customer)
        return customer
    _fill_blanks(customer, order)
    _add_address(customer, recipient)
    CustomerOrder.objects.bulk_create([CustomerOrder(order=order, customer=customer)],
                                      ignore_conflicts=True)
    return refresh_order_stats(customer)


def order_state_changed(order: Order) -> None:
    """An order moved: its customer's statistics follow. An order whose customer is not
    recorded yet (that follows the order's commit: an order moved in the transaction that
    placed it, or a recording that failed) has it recorded now."""
    link = CustomerOrder.objects.select_related("customer").filter(order=order).first()
    if link is None:
        upsert_from_order(order)
    else:
        refresh_order_stats(link.customer)
