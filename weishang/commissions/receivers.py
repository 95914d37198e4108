"""Earnings follow their orders (connected in apps.CommissionsConfig.ready).

The signal arrives inside the order's transaction: if the ledger cannot be written, the
payment, completion or refund is undone with it rather than leaving an order whose earnings
disagree with it.
"""

from django.dispatch import receiver

from weishang.orders.models import OrderState
from weishang.orders.signals import order_state_changed

from . import services


@receiver(order_state_changed, dispatch_uid="commissions.order_state_changed")
def follow_order(sender, order, from_state, to_state, **kwargs):
    # Earned at payment only: an order back in PAID after a declined refund request earns
    # nothing the payment did not (settings or uplines may have changed since).
    if to_state == OrderState.PAID and from_state == OrderState.PENDING_PAYMENT:
        services.earn_for_order(order)
    elif to_state == OrderState.COMPLETED:
        services.freeze_for_order(order, now=order.completed_at)
    elif to_state in (OrderState.REFUNDED, OrderState.CANCELLED) and order.paid_at:
        services.take_back_for_order(order)
