"""Reads of an agent's own console, shared by its pages and the API: their shop's orders, their
direct team, the products they hid. Every read is scoped to the agent given, never wider."""

from datetime import datetime

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils import timezone

from weishang.catalog.models import Product
from weishang.catalog.queries import visible_in_shop, with_list_annotations
from weishang.core.phone import mask_mobile
from weishang.orders import queries as order_queries
from weishang.orders.models import SALE_STATES, Order, OrderState

from ..models import Agent, HiddenProduct

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


def team_of(agent: Agent) -> QuerySet:
    """The agent's direct downline (one level, never deeper), newest first, with their level
    and login; ``masked_phone`` is what may be shown of their number."""
    return (agent.team.select_related("level", "user")
            .order_by("-joined_at", "-id"))


def masked_phone(member: Agent) -> str:
    return mask_mobile(member.user.phone) if member.user.phone else ""


def hidden_product_ids(agent: Agent) -> set[int]:
    return set(HiddenProduct.objects.filter(agent=agent).values_list("product_id", flat=True))


def products_for_hiding(agent: Agent, search: str = "") -> QuerySet:
    """The owner's on-shelf products an agent's shop could list, each with ``is_hidden``."""
    products = visible_in_shop(with_list_annotations(Product.objects.all()))
    if search:
        products = products.filter(title__icontains=search)
    hidden = HiddenProduct.objects.filter(agent=agent, product=OuterRef("pk"))
    return products.annotate(is_hidden=Exists(hidden)).order_by("-created_at", "-id")
