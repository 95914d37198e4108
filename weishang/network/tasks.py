"""Celery tasks for the periodic network jobs (scheduled in weishang/celery.py)."""

from celery import shared_task

from . import services
from .upgrades import services as upgrades


@shared_task
def upgrade_agents() -> int:
    return upgrades.run_upgrades()


@shared_task
def expire_upline_bindings() -> int:
    return services.expire_bindings()
