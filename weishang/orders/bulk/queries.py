"""Reads of bulk shipping: the paid orders waiting to ship."""

from datetime import date

from django.db.models import Prefetch

from .. import queries
from ..models import OrderLine, OrderState


def orders_to_ship(*, date_from: date | None = None, date_to: date | None = None):
    """Paid orders not shipped yet (placed between the dates, both included), oldest paid
    first, with their lines and the lines' variants (for the weight)."""
    return (
        queries.console_orders(state=OrderState.PAID, date_from=date_from, date_to=date_to)
        .prefetch_related(None)
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("variant")
                                   .order_by("id")))
        .order_by("paid_at", "id")
    )
