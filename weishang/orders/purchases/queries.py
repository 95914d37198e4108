"""Reads of stock purchases, cloud stock and buy-backs: lists, an agent's terms and month,
and which cloud units are still held (first in, first out)."""

import calendar
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.catalog.models import Variant
from weishang.core.errors import NotFound
from weishang.inventory import services as inventory
from weishang.inventory.models import LocationKind, StockLevel, StockLocation, StockMovement
from weishang.network.models import Agent, LevelVariantRule
from weishang.network.pricing import level_prices

from ..models import (
    BuyBack,
    BuyBackLine,
    BuyBackState,
    Order,
    OrderKind,
    OrderLine,
    OrderState,
    PurchaseDelivery,
)
from ..services import ORDER_NUMBER_ZONE

#: Purchases that no longer count towards a month's limit.
CLOSED_STATES = (OrderState.CANCELLED, OrderState.REFUNDED)


def month_start(now: datetime | None = None) -> datetime:
    """The first moment of the current calendar month in China."""
    local = timezone.localtime(now or timezone.now(), ORDER_NUMBER_ZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def months_before(moment: datetime, months: int) -> datetime:
    """The same day ``months`` calendar months earlier (the 31st becomes the month's last)."""
    year, month = divmod(moment.year * 12 + moment.month - 1 - months, 12)
    month += 1
    return moment.replace(year=year, month=month,
                          day=min(moment.day, calendar.monthrange(year, month)[1]))


@dataclass
class PurchaseTerms:
    """What one variant costs an agent and how much of it they may buy."""

    variant: Variant
    level_price: Decimal
    min_per_order: int | None
    max_per_order: int | None
    max_per_month: int | None
    bought_this_month: int

    @property
    def left_this_month(self) -> int | None:
        if self.max_per_month is None:
            return None
        return max(self.max_per_month - self.bought_this_month, 0)

    def problem(self, quantity: int) -> str:
        """Why ``quantity`` cannot be bought in one order now (translated), or ""."""
        item = inventory.item_name(self.variant)
        if self.min_per_order is not None and quantity < self.min_per_order:
            return _("“%(item)s”: at least %(minimum)d per order at your level.") % {
                "item": item, "minimum": self.min_per_order}
        if self.max_per_order is not None and quantity > self.max_per_order:
            return _("“%(item)s”: at most %(maximum)d per order at your level.") % {
                "item": item, "maximum": self.max_per_order}
        if self.max_per_month is not None and \
                quantity + self.bought_this_month > self.max_per_month:
            return _("“%(item)s”: at most %(maximum)d per month at your level, and you have "
                     "bought %(bought)d this month.") % {
                "item": item, "maximum": self.max_per_month, "bought": self.bought_this_month}
        return ""


def bought_this_month(user, variants, now: datetime | None = None) -> dict[int, int]:
    """{variant id: units} the user bought this month in purchases not cancelled or refunded."""
    rows = (OrderLine.objects
            .filter(order__kind=OrderKind.PURCHASE, order__purchaser=user,
                    order__created_at__gte=month_start(now), variant__in=list(variants))
            .exclude(order__state__in=CLOSED_STATES)
            .values_list("variant_id").annotate(units=Sum("quantity")))
    return dict(rows)


def purchase_terms(agent: Agent, variants, now: datetime | None = None) -> dict[int, PurchaseTerms]:
    """{variant id: PurchaseTerms} at the agent's level (three queries whatever the number)."""
    variants = list(variants)
    prices = level_prices(agent.level, variants)
    rules = {rule.variant_id: rule for rule in LevelVariantRule.objects.filter(
        level=agent.level, variant__in=variants)}
    bought = bought_this_month(agent.user, variants, now)
    terms = {}
    for variant in variants:
        rule = rules.get(variant.pk)
        terms[variant.pk] = PurchaseTerms(
            variant=variant, level_price=prices[variant.pk],
            min_per_order=rule.min_per_order if rule else None,
            max_per_order=rule.max_per_order if rule else None,
            max_per_month=rule.max_per_month if rule else None,
            bought_this_month=bought.get(variant.pk, 0),
        )
    return terms


def purchases(*, purchaser=None, state: str = "") -> QuerySet:
    """Purchase orders newest first (one agent's with ``purchaser``), lines prefetched and
    the purchaser's agent record joined."""
    orders = Order.objects.filter(kind=OrderKind.PURCHASE)
    if purchaser is not None:
        orders = orders.filter(purchaser=purchaser)
    if state in OrderState.values:
        orders = orders.filter(state=state)
    return (orders.select_related("purchaser__agent")
            .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related(
                "variant").order_by("id")))
            .order_by("-created_at", "-id"))


def purchase_of(user, number: str) -> Order:
    """One purchase of ``user`` (NotFound for anyone else's, so its existence is not told)."""
    order = purchases(purchaser=user).filter(number=number).first()
    if order is None:
        raise NotFound(_("No such purchase."))
    return order


def cloud_levels(holder) -> QuerySet:
    """The holder's cloud stock per variant (levels ever used, empty ones included)."""
    return (StockLevel.objects
            .filter(location__kind=LocationKind.CLOUD, location__holder=holder)
            .select_related("variant__product")
            .order_by("variant__product__title", "variant__position", "variant_id"))


def cloud_movements(holder) -> QuerySet:
    """Every change of the holder's cloud stock, newest first."""
    return (StockMovement.objects
            .filter(level__location__kind=LocationKind.CLOUD, level__location__holder=holder)
            .select_related("level__variant__product")
            .order_by("-id"))


def cloud_overview() -> QuerySet:
    """Each agent's cloud stock location with its units and the number of items held."""
    return (StockLocation.objects.filter(kind=LocationKind.CLOUD)
            .select_related("holder__agent")
            .annotate(units=Coalesce(Sum("levels__quantity"), 0),
                      items=Count("levels", filter=Q(levels__quantity__gt=0)))
            .order_by("-units", "pk"))


@dataclass
class Lot:
    """Units of one cloud purchase line still held, and what the agent paid for each."""

    purchase_line: OrderLine
    paid_at: datetime
    unit_price: Decimal
    held: int


def held_lots(agent: Agent, variant: Variant) -> list[Lot]:
    """The agent's paid cloud purchases of ``variant`` still held, oldest first.

    Units already bought back are gone from their own lines; every other unit that left the
    cloud stock (sold, moved by hand) is taken from the oldest lines first."""
    lines = list(
        OrderLine.objects.filter(order__kind=OrderKind.PURCHASE,
                                 order__delivery=PurchaseDelivery.CLOUD,
                                 order__purchaser=agent.user, order__paid_at__isnull=False,
                                 variant=variant)
        .exclude(order__state__in=CLOSED_STATES)
        .select_related("order")
        .annotate(returned=Coalesce(Sum("buyback_lines__quantity"), 0))
        .order_by("order__paid_at", "id"))
    held_now = (StockLevel.objects.filter(location__kind=LocationKind.CLOUD,
                                          location__holder=agent.user, variant=variant)
                .values_list("quantity", flat=True).first()) or 0
    remaining = [line.quantity - line.returned for line in lines]
    used_up = max(sum(remaining) - held_now, 0)
    lots = []
    for line, units in zip(lines, remaining, strict=True):
        taken = min(units, used_up)
        used_up -= taken
        if units - taken:
            lots.append(Lot(line, line.order.paid_at, line.unit_price, units - taken))
    return lots


def buybacks(*, agent: Agent | None = None, state: str = "") -> QuerySet:
    """Buy-backs newest first (one agent's with ``agent``), with their lines and variants."""
    rows = BuyBack.objects.all()
    if agent is not None:
        rows = rows.filter(agent=agent)
    if state in BuyBackState.values:
        rows = rows.filter(state=state)
    return rows.select_related("agent").prefetch_related(
        Prefetch("lines", queryset=BuyBackLine.objects.select_related("variant__product")))
