"""Filters by local day: "placed from day A to day B", both days included.

A filter's days may be any dates a person or a client can send, 0001-01-01 and 9999-12-31
included. The first day of the calendar begins, in the shop's time zone, before the first moment
UTC can hold, and no day follows the last: such an end of the range is left open (nothing lies
beyond it) instead of failing with an ``OverflowError``.
"""

from datetime import UTC, date, datetime, time, timedelta, tzinfo

from django.db.models import Q
from django.utils import timezone


def _start(day: date, zone: tzinfo | None) -> datetime | None:
    """When ``day`` begins in ``zone`` (the current time zone by default); None when that
    moment lies before the first one UTC can hold."""
    moment = timezone.make_aware(datetime.combine(day, time.min), zone)
    try:
        moment.astimezone(UTC)
    except OverflowError:
        return None
    return moment


def between_days(field: str, first: date | None, last: date | None,
                 zone: tzinfo | None = None) -> Q:
    """``field`` (a moment) falls on a day from ``first`` to ``last`` in ``zone``; a side that
    is None is open."""
    condition = Q()
    start = _start(first, zone) if first else None
    if start:
        condition &= Q(**{f"{field}__gte": start})
    end = _start(last + timedelta(days=1), zone) if last and last < date.max else None
    if end:
        condition &= Q(**{f"{field}__lt": end})
    return condition
