"""Clicks are written in batches: the /t/<code> redirect only appends to a list in memory.

Why: one INSERT per click took most of a redirect's time (and on SQLite every worker process
queues for the single writer lock), leaving a tracked link at a fraction of a bare Django view's
speed (bench/links.py). A thread in each process writes the pending clicks every
``CLICK_FLUSH_SECONDS`` (setting, default 1) in one INSERT, and again when the process exits
(gunicorn and waitress exit through ``atexit``); a click waits at most that long to show in the
results.

The trade-off: a process killed without a chance to exit (SIGKILL, power loss) loses the clicks
of its last second. Orders are unaffected: attribution rides in the visitor's cookie. With
``CLICK_FLUSH_SECONDS = 0`` every click is written during its request instead.
"""

import atexit
import logging
import os
import threading
from datetime import datetime
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, close_old_connections, transaction

from weishang.marketing.models import Click, TrackedLink

logger = logging.getLogger(__name__)

#: Past this many waiting clicks the request that adds one writes them all (back-pressure).
MAX_PENDING = 5000


class PendingClick(NamedTuple):
    link_id: int
    at: datetime
    visitor: str


_pending: list[PendingClick] = []
_lock = threading.Lock()
_flusher_pid: int | None = None


def _flush_seconds() -> float:
    return settings.CLICK_FLUSH_SECONDS


def add(link_id: int, at: datetime, visitor: str) -> None:
    with _lock:
        _pending.append(PendingClick(link_id, at, visitor))
        backlog = len(_pending)
    if _flush_seconds() <= 0 or backlog >= MAX_PENDING:
        flush()
    else:
        _ensure_flusher()


def flush() -> int:
    """Writes every pending click (of links that still exist) in one transaction; returns how
    many were written. On a database error the clicks stay pending for the next try."""
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch:
        return 0
    try:
        with transaction.atomic():
            existing = set(TrackedLink.objects.filter(
                pk__in={click.link_id for click in batch}).values_list("pk", flat=True))
            written = Click.objects.bulk_create(
                Click(link_id=click.link_id, at=click.at, visitor=click.visitor)
                for click in batch if click.link_id in existing)
    except DatabaseError:
        logger.exception("could not write %d clicks; retrying", len(batch))
        with _lock:
            _pending[:0] = batch
        return 0
    return len(written)


def _ensure_flusher() -> None:
    """One writer thread per process (a forked worker starts its own)."""
    global _flusher_pid
    if _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    threading.Thread(target=_flush_forever, name="click-flusher", daemon=True).start()


def _flush_forever() -> None:
    stop = threading.Event()
    while not stop.wait(_flush_seconds()):
        close_old_connections()
        flush()


atexit.register(flush)
