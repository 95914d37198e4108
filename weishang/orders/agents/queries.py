"""Reads of the orders of an agent's own shop, shared by the agent's console, the console's
order pages and the API. Every read is scoped to the seller given, never wider."""

from datetime import datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from .. import queries as order_queries
from ..models import SALE_STATES, Order, OrderState

#: States in which an order of the agent's shop still waits for someone (payment, shipping).
WAITING_STATES = (OrderState.PENDING_PAYMENT, OrderState.PAID)


def shop_orders(user, **filters) -> QuerySet:
    """The orders of ``user``'s own shop (an agent's), newest first, filtered like the owner's
    order list (``orders.queries.console_orders``)."""
    return order_queries.console_orders(**filters).filter(shop__seller_id=user.pk)


def shop_order(user, number: str) -> Order:
    """One order of ``user``'s own shop with its lines and timeline; Order.DoesNotExist for any
    other order (another agent's looks exactly like one that does not exist)."""
    order = order_queries.order_detail(number)
    if order.shop.seller_id != user.pk:
        raise Order.DoesNotExist(number)
    return order


def latest_orders(seller_id: int, count: int) -> list[Order]:
    """The ``count`` newest orders of a seller's shop (the owner's page of an agent)."""
    return list(Order.objects.filter(shop__seller_id=seller_id)
                .order_by("-created_at", "-id")[:count])


def _start_of_month(now: datetime) -> datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def dashboard_counts(user, now: datetime | None = None) -> dict:
    """Orders waiting and this month's sales of ``user``'s own shop (one query)."""
    month = _start_of_month(now or timezone.now())
    totals = Order.objects.filter(shop__seller_id=user.pk).aggregate(
        waiting=Count("pk", filter=Q(state__in=WAITING_STATES)),
        month_orders=Count("pk", filter=Q(state__in=SALE_STATES, created_at__gte=month)),
        month_sales=Sum("payable", filter=Q(state__in=SALE_STATES, created_at__gte=month)),
    )
    totals["month_sales"] = totals["month_sales"] or 0
    return totals
