"""`pytest --clock HH:MM` (tests/clock.py): the suite can run at any hour of the day on demand."""

import datetime as dt
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.clock import pinned_moment
from tests.test_cli import STUCK_SECONDS

REPOSITORY = Path(__file__).resolve().parents[1]


def test_the_clock_names_todays_date_at_that_hour_in_utc():
    assert pinned_moment("17:30", today=dt.date(2026, 12, 8)) == dt.datetime(
        2026, 12, 8, 17, 30, tzinfo=dt.UTC)
    assert pinned_moment("3:00", today=dt.date(2026, 12, 8)).hour == 3


@pytest.mark.parametrize("value", ["24:00", "17.30", "noon", "2026-12-08T17:30"])
def test_a_clock_that_is_not_an_hour_and_minute_is_refused(value):
    with pytest.raises(pytest.UsageError, match="HH:MM"):
        pinned_moment(value)


def test_every_worker_runs_on_the_pinned_wall_clock_and_real_monotonic_time(tmp_path):
    """Two xdist workers, each a test asserting the clock: the hour is pinned, time goes on
    from there, and sleeps still take their real time."""
    (tmp_path / "test_pinned.py").write_text(textwrap.dedent("""
        import datetime as dt
        import time

        import pytest

        @pytest.mark.parametrize("worker", [1, 2])
        def test_pinned(worker):
            start, started = dt.datetime.now(dt.UTC), time.monotonic()
            time.sleep(0.05)
            assert start.hour == 17 and start.minute >= 30
            assert dt.datetime.now(dt.UTC) > start
            assert time.monotonic() - started >= 0.05
            assert abs(time.time() - dt.datetime.now(dt.UTC).timestamp()) < 60
    """))
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY)}
    env.pop("PYTEST_ADDOPTS", None)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "tests.clock", "-p", "no:cacheprovider",
         "-p", "no:django", "--clock", "17:30", "-n", "2", "-q", "test_pinned.py"],
        cwd=tmp_path, env=env, capture_output=True, text=True, timeout=STUCK_SECONDS)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
