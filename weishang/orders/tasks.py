"""Celery tasks for the periodic order jobs (scheduled in weishang/celery.py)."""

from celery import shared_task

from . import services


@shared_task
def expire_unpaid_orders() -> int:
    return services.expire_unpaid_orders()


@shared_task
def complete_shipped_orders() -> int:
    return services.complete_shipped_orders()
