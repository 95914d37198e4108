"""Helpers for the earnings tests: orders sold through an agent's shop, paid by the owner, and
moved through their states by orders.services, so the ledger is written by the real receivers."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from tests.factories import (
    AgentFactory,
    AgentLevelFactory,
    ProductFactory,
    UserFactory,
    VariantFactory,
)
from weishang.accounts.models import Role, User
from weishang.accounts.services import owner_shop
from weishang.commissions.models import AgentBalance, Bucket, CommissionSettings, LedgerEntry
from weishang.inventory import services as inventory
from weishang.inventory.models import MovementReason
from weishang.orders import services as orders
from weishang.orders.models import OrderLine
from weishang.orders.services import CartLine, Recipient

BUCKETS = ("pending", "frozen", "available", "withdrawing", "withdrawn")


def money(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


def agent(**kwargs):
    """An active agent at a level 30% off retail (unless ``level`` says otherwise)."""
    kwargs.setdefault("level", AgentLevelFactory(rank=1, discount_percent=Decimal("30")))
    return AgentFactory(**kwargs)


def upline_commission(percent) -> None:
    settings = CommissionSettings.load()
    settings.upline_enabled, settings.upline_percent = True, Decimal(percent)
    settings.save()


def balance(who) -> dict[str, Decimal]:
    row = AgentBalance.objects.filter(agent=who).values(*BUCKETS).first() or {}
    return {bucket: money(row.get(bucket) or 0) for bucket in BUCKETS if row.get(bucket)}


def ledger_sums(who) -> dict[str, Decimal]:
    sums: dict[str, Decimal] = {}
    for bucket, amount in LedgerEntry.objects.filter(agent=who).values_list("bucket", "amount"):
        sums[bucket] = sums.get(bucket, Decimal(0)) + amount
    return {bucket: money(total) for bucket, total in sums.items() if total}


def earned(who, *kinds) -> Decimal:
    entries = LedgerEntry.objects.filter(agent=who, bucket=Bucket.PENDING, amount__gt=0)
    if kinds:
        entries = entries.filter(kind__in=kinds)
    return money(sum(entries.values_list("amount", flat=True), Decimal(0)))


def the_owner():
    return User.objects.filter(role=Role.OWNER).first() or UserFactory(
        role=Role.OWNER, username="owner", phone="13800000000")


RECIPIENT = Recipient(name="张三", phone="13812345678", province="广东省", city="深圳市",
                      district="南山区", street="粤海街道科技园南区8栋")


def sell(seller, price="100.00", quantity=1, source="warehouse", level_price=None, pay=True):
    """An order of a fresh variant placed in the agent's shop (the owner's when ``seller`` is
    None), its line's stock source and level price set as checkout records them, and paid."""
    variant = VariantFactory(product=ProductFactory(), retail_price=price)
    inventory.adjust_stock(variant=variant, delta=quantity, reason=MovementReason.INITIAL)
    owner = the_owner()
    shop = seller.user.shop if seller else owner_shop()
    order = orders.place_order(shop=shop, lines=[CartLine(variant.public_id, quantity)],
                               recipient=RECIPIENT)
    OrderLine.objects.filter(order=order).update(stock_source=source, level_price=level_price)
    return orders.confirm_payment(order, actor=owner) if pay else order


def complete(order, at=None):
    """Shipped and completed (at ``at``, default now)."""
    owner = the_owner()
    order = orders.ship_order(order, actor=owner, carrier="sf", tracking_number="SF1234567890123")
    return orders.complete_order(order, actor=owner, now=at or timezone.now())


def refund(order):
    """Refunded by the owner: asked for and refunded, in any state that allows it (a completed
    order at any time, after-sales)."""
    owner = the_owner()
    return orders.refund_order(orders.request_refund(order, actor=owner), actor=owner)


def after_window(order, days=7) -> timezone.datetime:
    return order.completed_at + timedelta(days=days, seconds=1)
