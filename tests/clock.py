"""`pytest --clock 17:30`: the whole session runs as if the wall clock said today, 17:30 UTC.

The shop keeps Beijing time, eight hours ahead of UTC, so a test that mixes up a UTC date with
a Beijing one fails only from 16:00 to 24:00 UTC. Pinning the clock inside that window (and at
an hour outside it) makes such a test fail on every run instead of a third of the day.

time-machine moves the wall clock in-process (`time.time`, `datetime.now`, …) and ticks on from
the pinned moment; monotonic time, which sleeps, timeouts and thread joins rely on, is left
alone. Each xdist worker and the live server's thread share the moved clock; Chromium, a
process of its own, is set to it by the browser tests' fixture (``pinned_clock``).

Registered for the whole suite in tests/conftest.py.
"""

import datetime as dt
import re

import pytest
import time_machine

_HOUR_MINUTE = re.compile(r"(?P<hour>[01]?\d|2[0-3]):(?P<minute>[0-5]\d)")
_PINNED = pytest.StashKey[dt.datetime]()


def pytest_addoption(parser):
    parser.addoption(
        "--clock", metavar="HH:MM",
        help="run every test with the wall clock pinned to today's date at HH:MM UTC, ticking "
             "on from there (e.g. 17:30, when it is already the next day in Beijing)")


def pinned_moment(value: str, *, today: dt.date | None = None) -> dt.datetime:
    """The moment ``--clock HH:MM`` names: today (UTC) at that time, as an aware datetime.

    Only the hour moves: a date far away would also have to move the clocks that the tests
    cannot reach (files' times, the browser's cookies)."""
    match = _HOUR_MINUTE.fullmatch(value.strip())
    if not match:
        raise pytest.UsageError(f"--clock {value!r}: give an hour and minute, HH:MM (UTC)")
    day = today or dt.datetime.now(dt.UTC).date()
    return dt.datetime.combine(day, dt.time(int(match["hour"]), int(match["minute"])),
                               tzinfo=dt.UTC)


def pytest_configure(config):
    value = config.getoption("clock")
    if not value:
        return
    moment = pinned_moment(value)
    # A timestamp, not the aware datetime: given a time zone, time-machine would also set the
    # process's TZ, and the shop's local time is Django's business (TIME_ZONE), not the clock's.
    traveller = time_machine.travel(moment.timestamp(), tick=True)
    traveller.start()
    config.add_cleanup(traveller.stop)
    config.stash[_PINNED] = moment


def pytest_report_header(config):
    if moment := config.stash.get(_PINNED, None):
        return f"clock: pinned to {moment:%Y-%m-%d %H:%M} UTC (--clock), ticking on"
    return None


@pytest.fixture(scope="session")
def pinned_clock(request) -> dt.datetime | None:
    """The moment ``--clock`` pinned the session to, or None on the real clock."""
    return request.config.stash.get(_PINNED, None)
