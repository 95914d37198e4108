"""Celery app. Without REDIS_URL tasks run eagerly in-process (the embedded default).

With Redis, ``celery -A weishang worker -B`` also runs the periodic order jobs and the
settlement of earnings below.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")

app = Celery("weishang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.conf.beat_schedule = {
    "expire-unpaid-orders": {
        "task": "weishang.orders.tasks.expire_unpaid_orders",
        "schedule": 60.0,
    },
    "complete-shipped-orders": {
        "task": "weishang.orders.tasks.complete_shipped_orders",
        "schedule": 3600.0,
    },
    "settle-earnings": {
        "task": "weishang.commissions.tasks.settle_earnings",
        "schedule": 3600.0,
    },
}
