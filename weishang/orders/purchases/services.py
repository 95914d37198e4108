"""Stock purchases (进货), cloud stock (云仓) and buy-backs (回购).

An active agent buys from the owner at their level price, within their level's limits, as an
order of kind purchase: shipped to them, or kept by the owner in the agent's cloud stock (the
units enter it when the owner confirms payment, see ``services.confirm_payment``). Retail
orders in the agent's shop then draw that stock first (``services.create_order``).

An agent who exited may return unsold cloud stock bought within the last BUYBACK_MONTHS for at
least the owner's buy-back share (never below 90%) of what they paid. Which units are still
held is worked out first in, first out: sales used the oldest units, so what is left are the
latest purchases; the units returned are priced from the oldest of those first.
"""

import calendar
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.services import owner_shop
from weishang.catalog.models import Variant
from weishang.core.cleaning import one_line
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.inventory import services as inventory
from weishang.inventory.models import (
    LocationKind,
    MovementReason,
    StockLevel,
    StockLocation,
    StockMovement,
)
from weishang.network.models import (
    BUYBACK_MONTHS,
    MIN_BUYBACK_PERCENT,
    Agent,
    AgentState,
    LevelVariantRule,
    NetworkSettings,
)
from weishang.network.pricing import level_prices
from weishang.network.queries import agent_of

from .. import services
from ..models import (
    BuyBack,
    BuyBackLine,
    BuyBackState,
    Order,
    OrderChannel,
    OrderKind,
    OrderLine,
    OrderState,
    PurchaseDelivery,
)
from ..services import ORDER_NUMBER_ZONE, ZERO, CartLine, Recipient
from ..services.guards import CheckoutKey

HUNDRED = Decimal(100)
#: Purchases that no longer count towards a month's limit.
CLOSED_STATES = (OrderState.CANCELLED, OrderState.REFUNDED)


# ---------------------------------------------------------------------------------------------
# Dates


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


# ---------------------------------------------------------------------------------------------
# Purchases


def active_agent(user) -> Agent:
    """The user's agent record if it is active; NotPermitted for anyone else."""
    agent = agent_of(user)
    if agent is None or agent.state != AgentState.ACTIVE:
        raise NotPermitted(_("Only an active agent can buy stock."))
    return agent


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


def _clean_delivery(delivery) -> str:
    if delivery not in PurchaseDelivery.values:
        raise InvalidInput(_("Choose whether to ship the goods or keep them in cloud stock."),
                           field="delivery")
    return delivery


def _cloud_recipient(agent: Agent) -> Recipient:
    """A cloud purchase goes nowhere: the order names the agent and no address."""
    return Recipient(name=agent.name[:max_length_of(Order, "recipient_name")], phone="",
                     province="", city="", district="", street="")


@transaction.atomic
def _place(agent: Agent, order_lines: list[OrderLine], *, delivery: str, recipient: Recipient,
           key: CheckoutKey | None) -> Order:
    # Locked, the agent's month cannot change between counting it and adding this purchase.
    locked = Agent.objects.select_for_update().select_related("level", "user").get(pk=agent.pk)
    if locked.state != AgentState.ACTIVE:
        raise NotPermitted(_("Only an active agent can buy stock."))
    terms = purchase_terms(locked, [line.variant for line in order_lines])
    for line in order_lines:
        line_terms = terms[line.variant.pk]
        problem = line_terms.problem(line.quantity)
        if problem:
            raise InvalidInput(problem, field="lines")
        line.unit_price = line_terms.level_price
        line.level_price = line_terms.level_price
        line.line_total = to_money(line.unit_price * line.quantity)
    return services.create_order(
        shop=owner_shop(), order_lines=order_lines, recipient=recipient, key=key,
        actor=locked.user, channel=OrderChannel.SHOP, kind=OrderKind.PURCHASE,
        purchaser=locked.user, delivery=delivery)


def place_purchase(*, user, lines: list[CartLine], delivery: str,
                   recipient: Recipient | None = None,
                   idempotency_key: str | None = None) -> Order:
    """An active agent's stock purchase at their level price, awaiting payment; the units
    leave the warehouse now (as for any order) and return if it is cancelled unpaid.

    ``delivery`` ship needs a ``recipient``; cloud keeps the goods in the agent's cloud stock
    once paid. Refused with the reason (InvalidInput, field "lines") outside the level's
    limits per order and per month (this calendar month in China, purchases not cancelled or
    refunded). A key is the agent's own: repeated with the same purchase it returns the order
    placed then, with another purchase it is refused (Conflict ``idempotency_key_reused``).
    """
    agent = active_agent(user)
    delivery = _clean_delivery(delivery)
    key = CheckoutKey.of(
        services.clean_checkout_key(idempotency_key), actor=user,
        content={"delivery": delivery, "recipient": asdict(recipient) if recipient else None,
                 "lines": [(line.variant_public_id, line.quantity) for line in lines]})
    if key and (earlier := key.earlier_order()):
        return earlier
    if delivery == PurchaseDelivery.SHIP:
        if recipient is None:
            raise InvalidInput(_("Enter the address to ship to."), field="name")
        recipient = services.clean_recipient(recipient)
    else:
        recipient = _cloud_recipient(agent)
    order_lines = services.priced_lines(lines)
    try:
        return _place(agent, order_lines, delivery=delivery, recipient=recipient, key=key)
    except services.IdempotencyKeyTaken:
        return key.earlier_order()


# ---------------------------------------------------------------------------------------------
# Reads: purchases and cloud stock


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


# ---------------------------------------------------------------------------------------------
# Buy-back


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


def _clean_percent(percent) -> Decimal:
    floor = max(Decimal(MIN_BUYBACK_PERCENT), NetworkSettings.load().buyback_percent)
    if percent is None:
        return floor
    try:
        percent = Decimal(str(percent))
    except ArithmeticError:
        raise InvalidInput(_("Enter a percentage."), field="percent") from None
    if not floor <= percent <= HUNDRED:
        raise InvalidInput(_("A buy-back refunds from %(floor)s%% to 100%% of what was paid.")
                           % {"floor": format(floor.normalize(), "f")}, field="percent")
    return percent

def _clean_returns(lines) -> list[tuple[Variant, int]]:
    merged: dict[int, list] = {}
    for variant, quantity in lines:
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise InvalidInput(_("Enter the quantity as a whole number."), field="lines")
        if quantity:
            merged.setdefault(variant.pk, [variant, 0])[1] += quantity
    if not merged:
        raise InvalidInput(_("Choose at least one item to return."), field="lines")
    return [(variant, quantity) for variant, quantity in merged.values()]


def _returned_lots(agent: Agent, variant: Variant, quantity: int, since: datetime,
                   ) -> list[tuple[Lot, int]]:
    lots = held_lots(agent, variant)
    held = sum(lot.held for lot in lots)
    item = inventory.item_name(variant)
    if quantity > held:
        raise InvalidInput(_("You hold %(held)d of “%(item)s” from your cloud purchases, fewer "
                             "than %(quantity)d.")
                           % {"held": held, "item": item, "quantity": quantity}, field="lines")
    recent = [lot for lot in lots if lot.paid_at >= since]
    returnable = sum(lot.held for lot in recent)
    if quantity > returnable:
        raise InvalidInput(_("Only %(returnable)d of “%(item)s” were bought within the last "
                             "%(months)d months; older stock cannot be bought back.")
                           % {"returnable": returnable, "item": item, "months": BUYBACK_MONTHS},
                           field="lines")
    taken = []
    for lot in recent:
        units = min(lot.held, quantity)
        if units:
            taken.append((lot, units))
            quantity -= units
    return taken


@transaction.atomic
def request_buyback(*, agent: Agent, lines, actor, percent=None,
                    now: datetime | None = None) -> BuyBack:
    """An exited agent returns cloud stock: ``lines`` are (variant, quantity). The units leave
    the cloud stock for the warehouse at once; the refund is ``percent`` (default and least:
    the owner's buy-back share) of what the agent paid for them, priced from their oldest
    purchases still held. Refused (nothing written) for an agent who has not exited, units
    bought more than BUYBACK_MONTHS ago, or more than they hold."""
    now = now or timezone.now()
    returns = _clean_returns(lines)
    percent = _clean_percent(percent)
    locked = Agent.objects.select_for_update().select_related("user").get(pk=agent.pk)
    if locked.state != AgentState.EXITED:
        raise Conflict(_("Only an agent who has exited can ask for a buy-back; an active agent "
                         "sells their cloud stock."), code="agent_not_exited")
    since = months_before(now, BUYBACK_MONTHS)
    taken = [(variant, lot, units) for variant, quantity in returns
             for lot, units in _returned_lots(locked, variant, quantity, since)]
    paid_total = to_money(sum((lot.unit_price * units for _variant, lot, units in taken), ZERO))
    buyback = BuyBack.objects.create(
        agent=locked, percent=percent, paid_total=paid_total,
        amount=to_money(paid_total * percent / HUNDRED), requested_by=actor)
    BuyBackLine.objects.bulk_create([
        BuyBackLine(buyback=buyback, purchase_line=lot.purchase_line, variant=variant,
                    quantity=units, unit_price=lot.unit_price)
        for variant, lot, units in taken])
    # Cloud before warehouse, the order every change of both takes its locks in.
    inventory.take_stock(returns, reason=MovementReason.BUYBACK, actor=actor, related=buyback,
                         location=inventory.cloud_location(locked.user))
    inventory.return_stock(returns, reason=MovementReason.BUYBACK, actor=actor,
                           related=buyback)
    return buyback


@transaction.atomic
def pay_buyback(buyback: BuyBack, *, actor, reference: str,
                now: datetime | None = None) -> BuyBack:
    """The owner transferred the refund: record its reference (a buy-back is paid once)."""
    reference = one_line(reference)
    if not reference:
        raise InvalidInput(_("Enter the transfer reference."), field="reference")
    limit = max_length_of(BuyBack, "reference")
    if len(reference) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field="reference")
    now = now or timezone.now()
    updated = BuyBack.objects.filter(pk=buyback.pk, state=BuyBackState.REQUESTED).update(
        state=BuyBackState.PAID, paid_at=now, paid_by=actor, reference=reference,
        updated_at=now)
    if updated != 1:
        raise Conflict(_("This buy-back was already paid."), code="already_paid")
    return BuyBack.objects.get(pk=buyback.pk)


def buybacks(*, agent: Agent | None = None, state: str = "") -> QuerySet:
    """Buy-backs newest first (one agent's with ``agent``), with their lines and variants."""
    rows = BuyBack.objects.all()
    if agent is not None:
        rows = rows.filter(agent=agent)
    if state in BuyBackState.values:
        rows = rows.filter(state=state)
    return rows.select_related("agent").prefetch_related(
        Prefetch("lines", queryset=BuyBackLine.objects.select_related("variant__product")))
