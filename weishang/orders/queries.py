"""Reads of orders shared by the console pages, the API and the customer's lookup.

Lists run a fixed number of queries however many orders there are: the shop is joined, lines
are prefetched.
"""

from datetime import date

from django.db.models import Count, Prefetch, Q, QuerySet

from weishang.core.cleaning import one_line
from weishang.core.days import between_days
from weishang.core.phone import normalize_mobile

from .models import Order, OrderEvent, OrderLine, OrderState

#: States in which the owner has something to do.
WAITING_STATES = (OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.REFUND_REQUESTED)


def _with_lines(orders: QuerySet) -> QuerySet:
    return orders.select_related("shop").prefetch_related(
        Prefetch("lines", queryset=OrderLine.objects.order_by("id"))
    )



def search_orders(orders: QuerySet, search: str) -> QuerySet:
    """By order number (or its beginning), mobile number, its last 4 digits, or the name."""
    search = one_line(search)
    if not search:
        return orders
    condition = Q(number__startswith=search) | Q(recipient_name__icontains=search)
    phone = normalize_mobile(search)
    if phone.isdigit():
        if len(phone) == 4:
            condition |= Q(recipient_phone__endswith=phone)
        elif len(phone) == 11:
            condition |= Q(recipient_phone=phone)
    return orders.filter(condition)


def console_orders(*, state: str = "", search: str = "", date_from: date | None = None,
                   date_to: date | None = None) -> QuerySet:
    """Orders newest first, filtered by state, placing day (local dates, both ends included)
    and search; lines prefetched. An unknown state filters nothing out."""
    orders = Order.objects.all()
    if state in OrderState.values:
        orders = orders.filter(state=state)
    orders = orders.filter(between_days("created_at", date_from, date_to))
    return _with_lines(search_orders(orders, search)).order_by("-created_at", "-id")


def order_detail(number: str) -> Order:
    """One order with its lines (and their variants) and its timeline (events with actors).
    Raises Order.DoesNotExist."""
    return (
        Order.objects.select_related("shop", "placed_by", "source_seller")
        .prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.select_related("variant__product")
                     .order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.select_related("actor").order_by("id")),
        )
        .get(number=number)
    )


def waiting_counts() -> dict[str, int]:
    """How many orders wait for the owner, per state and in total (one query)."""
    counts = Order.objects.aggregate(**{
        state.value: Count("pk", filter=Q(state=state)) for state in WAITING_STATES
    })
    counts["total_waiting"] = sum(counts.values())
    return counts


def find_for_customer(phone: str, number: str) -> Order | None:
    """The order with this number if it was sent to this mobile number (both must match)."""
    phone = normalize_mobile(phone or "")
    number = "".join((number or "").split())
    if not phone or not number:
        return None
    return (
        Order.objects.prefetch_related(
            Prefetch("lines", queryset=OrderLine.objects.order_by("id")),
            Prefetch("events", queryset=OrderEvent.objects.order_by("id")),
        )
        .filter(number=number, recipient_phone=phone)
        .first()
    )
