"""The periodic jobs of every app, and the small in-process scheduler of the embedded default.

Each app registers its jobs in its ``AppConfig.ready`` (core comes first, so any app may, and
no app needs to import one after it). With Redis, Celery beat runs the same jobs on the same
cadence (weishang/celery.py). Without it, ``weishang demo`` and ``weishang serve`` start
``start_scheduler()``: one daemon thread that wakes once a minute and runs the jobs that are
due. ``weishang runjobs`` runs them once, for a cron job or a systemd timer instead.
"""

import logging
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db import close_old_connections, connection

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 3600, 86400
INTERVAL_SECONDS = MINUTE


@dataclass(frozen=True)
class Job:
    run: Callable[[], int]  # how many things it changed (orders, settled earnings, …)
    every: int  # seconds between runs


#: name -> Job, in the order the apps registered them.
JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[], int], *, every: int) -> None:
    """Run ``run`` every ``every`` seconds (from an app's ``ready``). Every job must be safe to
    run any number of times, from several places at once."""
    JOBS[name] = Job(run, every)


def run_all(names: Iterable[str] | None = None) -> dict[str, int]:
    """Run the named jobs (every job by default) once each; a failing job is logged, left out
    of the result and does not stop the others."""
    results = {}
    for name in JOBS if names is None else names:
        try:
            results[name] = JOBS[name].run()
        except Exception:  # the scheduler must survive any one bad run
            logger.exception("job %s failed", name)
            continue
        if results[name]:
            logger.info("job %s changed %d", name, results[name])
    return results


def scheduler_wanted() -> bool:
    """In-process jobs unless Celery beat runs them (REDIS_URL) or WEISHANG_INPROCESS_JOBS=0."""
    return not settings.REDIS_URL and os.environ.get("WEISHANG_INPROCESS_JOBS", "1") != "0"


def _due(last_runs: dict[str, float], now: float, interval: float) -> list[str]:
    # Half an interval of slack: a wake-up may come a hair before a whole ``every`` has passed.
    return [name for name, job in JOBS.items()
            if name not in last_runs or now - last_runs[name] >= job.every - interval / 2]


def _loop(stop: threading.Event, interval: float) -> None:
    last_runs: dict[str, float] = {}  # when each job last succeeded (a failed one runs again)
    while not stop.wait(interval):
        now = time.monotonic()
        close_old_connections()
        try:
            succeeded = run_all(_due(last_runs, now, interval))
        finally:
            connection.close()
        last_runs.update(dict.fromkeys(succeeded, now))


def start_scheduler(interval: float = INTERVAL_SECONDS) -> threading.Event | None:
    """Start the scheduler thread if wanted; returns the event that stops it (None if not)."""
    if not scheduler_wanted():
        return None
    stop = threading.Event()
    threading.Thread(target=_loop, args=(stop, interval), name="weishang-jobs",
                     daemon=True).start()
    logger.info("periodic jobs run in-process, checked every %s seconds", interval)
    return stop
