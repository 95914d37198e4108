"""Keeps customer records in step with orders (connected in apps.CustomersConfig.ready).

Both signals arrive inside the order's transaction. A new order's customer is recorded once
that transaction has committed, in one of its own: the checkout does not wait for it holding
the order's stock, and a failure there is logged without undoing a placed order (recording
again records once). A state change is followed inside its transaction, and records the
order's customer if that has not happened yet: statistics that would not follow it could
drift."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from weishang.orders.signals import order_placed, order_state_changed

from . import services


@receiver(order_placed, dispatch_uid="customers.order_placed")
def remember_customer(sender, order, **kwargs):
    transaction.on_commit(partial(services.upsert_from_order, order), robust=True)


@receiver(order_state_changed, dispatch_uid="customers.order_state_changed")
def update_order_stats(sender, order, **kwargs):
    services.order_state_changed(order)
