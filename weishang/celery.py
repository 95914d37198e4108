"""Celery app. Without REDIS_URL tasks run eagerly in-process (the embedded default).

With Redis, ``celery -A weishang worker -B`` also runs the periodic jobs below: the same jobs,
on the same cadence, that the in-process scheduler runs without it (core/jobs.py, registered by
each app). Each task is named after its job.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")

MINUTE, HOUR, DAY = 60.0, 3600.0, 86400.0

app = Celery("weishang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "expire-unpaid-orders": {
        "task": "weishang.orders.tasks.expire_unpaid_orders",
        "schedule": MINUTE,
    },
    "complete-shipped-orders": {
        "task": "weishang.orders.tasks.complete_shipped_orders",
        "schedule": HOUR,
    },
    "settle-earnings": {
        "task": "weishang.commissions.tasks.settle_earnings",
        "schedule": HOUR,
    },
    "upgrade-agents": {
        "task": "weishang.network.tasks.upgrade_agents",
        "schedule": DAY,
    },
    "expire-upline-bindings": {
        "task": "weishang.network.tasks.expire_upline_bindings",
        "schedule": DAY,
    },
}
