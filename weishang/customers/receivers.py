"""Keeps customer records in step with orders (connected in apps.CustomersConfig.ready).

Both signals arrive inside the order's transaction: a failure here undoes the order too, which
is what we want (an order without its customer would never be counted)."""

from django.dispatch import receiver

from weishang.orders.signals import order_placed, order_state_changed

from . import services


@receiver(order_placed, dispatch_uid="customers.order_placed")
def remember_customer(sender, order, **kwargs):
    services.upsert_from_order(order)


@receiver(order_state_changed, dispatch_uid="customers.order_state_changed")
def update_order_stats(sender, order, **kwargs):
    services.order_state_changed(order)
