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

from dataclasses import asdict
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Variant
from weishang.core.cleaning import one_line
from weishang.core.errors import Conflict, InvalidInput, NotPermitted
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.network.models import (
    BUYBACK_MONTHS,
    MIN_BUYBACK_PERCENT,
    Agent,
    AgentState,
    NetworkSettings,
)
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
    PurchaseDelivery,
)
from ..services import ZERO, CartLine, Recipient
from ..services.guards import CheckoutKey
from .queries import Lot, held_lots, months_before, purchase_terms

HUNDRED = Decimal(100)


def active_agent(user) -> Agent:
    """The user's agent record if it is active; NotPermitted for anyone else."""
    agent = agent_of(user)
    if agent is None or agent.state != AgentState.ACTIVE:
        raise NotPermitted(_("Only an active agent can buy stock."))
    return agent


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
    bought more than BUYBACK_MONTHS ago, or more than they hold. ``actor``: the agent
    themselves or a person managing agents."""
    if not (actor and actor.pk == agent.user_id):
        require_manager(actor, "agents")
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
    """The owner transferred the refund: record its reference (a buy-back is paid once);
    ``actor`` must manage agents."""
    require_manager(actor, "agents")
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
