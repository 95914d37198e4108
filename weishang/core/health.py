"""Whether the shop is healthy: what ``/healthz?deep=1`` answers and the owner's console warns of.

A job is late when its last successful run is older than twice its interval and ``SLACK``; one
that has never run counts from when it was installed (its row, made by ``migrate``) or from the
first heartbeat, whichever is later — a fresh install, or a beat just started, is not late
before the job's first runs were due. With Redis, the workers are alive while the heartbeat
(sent by beat, recorded by a worker: both must run) is younger than ``HEARTBEAT_STALE``. Without
Redis the jobs run in-process (or from a timer) and the minute's job tells when they stop.
"""

import uuid
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError
from django.utils import timezone

from .jobs import HEARTBEAT, HEARTBEAT_EVERY, JOBS, MINUTE
from .models import JobRun

SLACK = 5 * MINUTE
HEARTBEAT_STALE = 3 * HEARTBEAT_EVERY


def report() -> dict:
    """The deep health check: database, cache, workers and every job (see the README's
    "Background jobs"); ``status`` is "ok" only when all of them are."""
    result = {"status": "ok", "database": "ok", "cache": _cache()}
    try:
        rows = _rows()
    except DatabaseError:
        result.update(status="failing", database="unreachable")
        return result
    now = timezone.now()
    result["worker"] = _worker(rows, now)
    result["jobs"] = _jobs(rows, now)
    if (result["cache"] != "ok" or not _worker_ok(result["worker"])
            or not all(job["ok"] for job in result["jobs"].values())):
        result["status"] = "failing"
    return result


def late() -> tuple[dict | None, list[str]]:
    """In one query: the workers' state when they are not running (else None), and the jobs
    that are late, for the owner's console."""
    rows, now = _rows(), timezone.now()
    worker = _worker(rows, now)
    return (None if _worker_ok(worker) else worker,
            [name for name, job in _jobs(rows, now).items() if not job["ok"]])


def _rows() -> dict[str, JobRun]:
    return {row.name: row for row in JobRun.objects.all()}


def _cache() -> str:
    key, token = "healthz", uuid.uuid4().hex
    try:
        cache.set(key, token, 30)
        return "ok" if cache.get(key) == token else "failing"
    except Exception:  # a cache that is down raises its client's own errors
        return "unreachable"


def _worker(rows: dict[str, JobRun], now: datetime) -> dict | str:
    if not settings.REDIS_URL:
        return "in-process"
    row = rows.get(HEARTBEAT)
    last = row.last_finished if row else None
    age = _age(last, now)
    return {"ok": age is not None and age < HEARTBEAT_STALE,
            "last_heartbeat": last and last.isoformat(), "age_seconds": age}


def _worker_ok(worker: dict | str) -> bool:
    return worker == "in-process" or worker["ok"]


def _jobs(rows: dict[str, JobRun], now: datetime) -> dict[str, dict]:
    heartbeat = rows.get(HEARTBEAT)
    states = {}
    for name, job in JOBS.items():
        row = rows.get(name)
        last = row.last_succeeded if row else None
        waiting_since = max((r.created_at for r in (row, heartbeat) if r), default=None)
        since = last or waiting_since
        states[name] = {
            "ok": since is not None and _age(since, now) <= 2 * job.every + SLACK,
            "last_run": last and last.isoformat(),
            "age_seconds": _age(last, now),
            "every_seconds": job.every,
            "last_error": (row.last_error or None) if row else None,
        }
    return states


def _age(moment: datetime | None, now: datetime) -> int | None:
    """Whole seconds since ``moment``; never negative (another machine's clock may run ahead)."""
    return None if moment is None else max(0, int((now - moment).total_seconds()))
