"""Celery task for settlement (scheduled in weishang/celery.py)."""

from celery import shared_task

from .services import settlement


@shared_task
def settle_earnings() -> int:
    return settlement.settle().earnings
