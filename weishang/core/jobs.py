"""The periodic jobs of every app, and the small in-process scheduler of the embedded default.

Each app registers its jobs in its ``AppConfig.ready`` (core comes first, so any app may, and
no app needs to import one after it). With Redis, Celery beat runs the same jobs on the same
cadence (weishang/celery.py builds its schedule from ``JOBS``). Without it, ``weishang demo``
and ``weishang serve`` start ``start_scheduler()``: one daemon thread that wakes once a minute
and runs the jobs that are due; with several processes (gunicorn's workers) each starts one,
and a lock file lets one of them run the jobs at a time. ``weishang runjobs`` runs them once,
for a cron job or a systemd timer instead.

Whoever runs a job runs it through ``run()``, which records the run in its ``JobRun`` row (one
upsert); Celery's workers also record a ``heartbeat()`` every ``HEARTBEAT_EVERY`` seconds. What
``/healthz?deep=1`` makes of those rows is ``core/health.py``.
"""

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from django.apps import apps as global_apps
from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import JobRun

logger = logging.getLogger(__name__)

MINUTE, HOUR, DAY = 60, 3600, 86400
INTERVAL_SECONDS = MINUTE
#: The row of the workers' heartbeat among the jobs' (no job may take its name).
HEARTBEAT = "heartbeat"
HEARTBEAT_EVERY = 30


@dataclass(frozen=True)
class Job:
    run: Callable[[], int]  # how many things it changed (orders, settled earnings, …)
    every: int  # seconds between runs


#: name -> Job, in the order the apps registered them.
JOBS: dict[str, Job] = {}


def register(name: str, run: Callable[[], int], *, every: int) -> None:
    """Run ``run`` every ``every`` seconds (from an app's ``ready``). Every job must be safe to
    run any number of times, from several places at once."""
    if name == HEARTBEAT:
        raise ValueError(f"{HEARTBEAT!r} is the workers' heartbeat, not a job's name")
    JOBS[name] = Job(run, every)


def run(name: str, *, host: str = "") -> int:
    """Run the job ``name`` once and record the run on ``host`` (this machine by default);
    how many things it changed. A failure is recorded, then raised again."""
    started = timezone.now()
    try:
        changed = JOBS[name].run()
    except Exception as error:
        _record(name, host, started, error=error)
        raise
    _record(name, host, started, changed=changed)
    if changed:
        logger.info("job %s changed %d", name, changed)
    return changed


def heartbeat(host: str = "") -> None:
    """Record that a worker on ``host`` runs tasks now (Celery beat sends this every
    ``HEARTBEAT_EVERY`` seconds, so its age tells a stopped worker or beat)."""
    _record(HEARTBEAT, host, timezone.now())


def _record(name: str, host: str, started, *, changed: int = 0,
            error: Exception | None = None) -> None:
    """One INSERT … ON CONFLICT DO UPDATE: the row of ``name`` says how its last run went."""
    finished = timezone.now()
    row = JobRun(name=name, host=(host or socket.gethostname())[:255], last_started=started,
                 last_finished=finished, last_error=_error_name(error) if error else "")
    fields = ["host", "last_started", "last_finished", "last_error"]
    if error is None:
        row.last_succeeded, row.changed = finished, changed
        fields += ["last_succeeded", "changed"]
    JobRun.objects.bulk_create([row], update_conflicts=True, unique_fields=["name"],
                               update_fields=fields)


def _error_name(error: Exception) -> str:
    """The error's type, never its message (which may quote a person's data)."""
    kind = type(error)
    module = "" if kind.__module__ == "builtins" else f"{kind.__module__}."
    return f"{module}{kind.__qualname__}"[:200]


def note_jobs(sender, *, using: str, apps=global_apps, **kwargs) -> None:
    """After every ``migrate`` (post_migrate, connected by core's ``ready``), every registered
    job has its row, dated when it first got one: a job that has never run is late only once
    its first runs were due. ``flush`` (the transactional tests) sends it without ``apps``:
    then the installed apps, as Django's own receivers do."""
    try:
        model = apps.get_model("core", "JobRun")
    except LookupError:  # migrated back to before the table existed
        return
    model.objects.using(using).bulk_create([model(name=name) for name in JOBS],
                                           ignore_conflicts=True)


def run_all(names: Iterable[str] | None = None) -> dict[str, int]:
    """Run the named jobs (every job by default) once each; a failing job is logged, left out
    of the result and does not stop the others."""
    results = {}
    for name in JOBS if names is None else names:
        try:
            results[name] = run(name)
        except Exception:  # the scheduler must survive any one bad run
            logger.exception("job %s failed", name)
    return results


def scheduler_wanted() -> bool:
    """In-process jobs unless Celery beat runs them (REDIS_URL) or WEISHANG_INPROCESS_JOBS=0."""
    return not settings.REDIS_URL and os.environ.get("WEISHANG_INPROCESS_JOBS", "1") != "0"


def celery_problem() -> str:
    """Why ``weishang worker`` and ``weishang beat`` cannot start (translated), or ""."""
    if settings.REDIS_URL:
        return ""
    return _("REDIS_URL is not set: the Celery worker and beat need Redis, e.g. "
             "REDIS_URL=redis://127.0.0.1:6379/0. Without it, `weishang serve` runs the "
             "background jobs itself.")


def _due(last_runs: dict[str, float], now: float, interval: float) -> list[str]:
    # Half an interval of slack: a wake-up may come a hair before a whole ``every`` has passed.
    return [name for name, job in JOBS.items()
            if name not in last_runs or now - last_runs[name] >= job.every - interval / 2]


class _OneProcess:
    """An exclusive lock on a file, taken without waiting and kept until the process ends: of
    the processes that share the file, one holds it; when that one exits (a gunicorn worker
    recycled or killed), the system releases it and the next to try takes it over."""

    def __init__(self, path: Path):
        self.path, self.file = path, None

    def held(self) -> bool:
        if self.file is None:
            import fcntl  # Unix only; Windows serves with waitress, one process

            file = self.path.open("a")
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                file.close()
                return False
            self.file = file  # open for the life of the process: the lock stays held
            logger.info("this process (%d) runs the periodic jobs", os.getpid())
        return True


def _succeeded_ago() -> dict[str, float]:
    """Seconds since each job last succeeded, whoever ran it (this process, one that held the
    lock before, ``weishang runjobs``, a Celery worker): read once when a scheduler starts
    running jobs, so that a restart or a takeover does not run the daily jobs again at once."""
    now = timezone.now()
    return {name: (now - succeeded).total_seconds()
            for name, succeeded in JobRun.objects.filter(
                name__in=list(JOBS), last_succeeded__isnull=False).values_list(
                "name", "last_succeeded")}


def _loop(stop: threading.Event, interval: float, lock: _OneProcess | None) -> None:
    # When each job last succeeded, on the monotonic clock (a failed one runs again); None
    # until this process first runs jobs.
    last_runs: dict[str, float] | None = None
    while not stop.wait(interval):
        if lock is not None and not lock.held():
            continue
        now = time.monotonic()
        close_old_connections()
        try:
            if last_runs is None:
                last_runs = {name: now - ago for name, ago in _succeeded_ago().items()}
            succeeded = run_all(_due(last_runs, now, interval))
        finally:
            connection.close()
        last_runs.update(dict.fromkeys(succeeded, now))


def start_scheduler(interval: float = INTERVAL_SECONDS, *,
                    lock_file: Path | None = None) -> threading.Event | None:
    """Start the scheduler thread if wanted; returns the event that stops it (None if not).

    With ``lock_file``, the thread runs jobs only while its process holds that file's lock, so
    that several processes each starting a scheduler run every job once, not once each. A
    process that starts or takes over runs at its first tick the jobs that are due by their
    ``JobRun`` rows (every job on a fresh install)."""
    if not scheduler_wanted():
        return None
    stop = threading.Event()
    lock = None if lock_file is None else _OneProcess(lock_file)
    threading.Thread(target=_loop, args=(stop, interval, lock), name="weishang-jobs",
                     daemon=True).start()
    logger.info("periodic jobs run in-process, checked every %s seconds", interval)
    return stop
