"""The periodic order jobs, and the small in-process scheduler of the embedded default.

With Redis, Celery beat runs them (weishang/celery.py). Without it, ``weishang demo`` and
``weishang serve`` start ``start_scheduler()``: one daemon thread that runs every job once a
minute. ``weishang runjobs`` runs them once, for a cron job or a systemd timer instead.
"""

import logging
import os
import threading

from django.conf import settings
from django.db import close_old_connections, connection

from . import services

logger = logging.getLogger(__name__)

INTERVAL_SECONDS = 60

#: name -> function() -> number of things it changed (orders, settled earnings, …)
JOBS = {
    "expire_unpaid_orders": services.expire_unpaid_orders,
    "complete_shipped_orders": services.complete_shipped_orders,
}


def register(name: str, job) -> None:
    """Run ``job`` with the order jobs: for the apps after orders, which orders may not import
    (commissions' settlement registers itself in its AppConfig.ready)."""
    JOBS[name] = job


def run_all() -> dict[str, int]:
    """Run every job once; a failing job is logged and does not stop the others."""
    results = {}
    for name, job in JOBS.items():
        try:
            results[name] = job()
        except Exception:  # the scheduler must survive any one bad run
            logger.exception("order job %s failed", name)
            continue
        if results[name]:
            logger.info("job %s changed %d", name, results[name])
    return results


def scheduler_wanted() -> bool:
    """In-process jobs unless Celery beat runs them (REDIS_URL) or WEISHANG_INPROCESS_JOBS=0."""
    return not settings.REDIS_URL and os.environ.get("WEISHANG_INPROCESS_JOBS", "1") != "0"


def _loop(stop: threading.Event, interval: float) -> None:
    while not stop.wait(interval):
        close_old_connections()
        try:
            run_all()
        finally:
            connection.close()


def start_scheduler(interval: float = INTERVAL_SECONDS) -> threading.Event | None:
    """Start the scheduler thread if wanted; returns the event that stops it (None if not)."""
    if not scheduler_wanted():
        return None
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop, interval), name="weishang-order-jobs",
                     daemon=True).start()
    logger.info("order jobs run in-process every %s seconds", interval)
    return stop
