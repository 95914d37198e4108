"""The periodic order jobs (registered in apps.py, run by core/jobs.py): expiry, completion."""

from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.core.errors import Conflict

from ..models import Order, OrderState, ShopSettings
from .transitions import cancel_order, complete_order


def expire_unpaid_orders(now: datetime | None = None) -> int:
    """Cancel orders still unpaid after their ``expires_at``; returns how many. Each in its own
    transaction; one paid in the meantime is left alone."""
    now = now or timezone.now()
    due = Order.objects.filter(state=OrderState.PENDING_PAYMENT, expires_at__lte=now)
    expired = 0
    for order in due.only("pk").order_by("pk"):
        try:
            cancel_order(order, note=_("Not paid in time"), now=now)
        except Conflict:
            continue
        expired += 1
    return expired


def complete_shipped_orders(now: datetime | None = None) -> int:
    """Complete orders shipped at least ``auto_complete_days`` ago; returns how many."""
    now = now or timezone.now()
    shipped_before = now - timedelta(days=ShopSettings.load().auto_complete_days)
    due = Order.objects.filter(state=OrderState.SHIPPED, shipped_at__lte=shipped_before)
    completed = 0
    for order in due.only("pk").order_by("pk"):
        try:
            complete_order(order, now=now, note=_("Completed automatically"))
        except Conflict:
            continue
        completed += 1
    return completed
