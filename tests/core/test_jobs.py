"""What runs the periodic jobs of every app: `weishang runjobs`, the in-process scheduler (each
job on its own cadence), Celery beat (the same jobs on the same cadence)."""

import io
import time
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from weishang.celery import app
from weishang.core import jobs
from weishang.network import tasks as network_tasks
from weishang.orders import tasks as order_tasks
from weishang.orders.models import Order, OrderState

pytestmark = pytest.mark.django_db

EVERY_JOB = {"expire_unpaid_orders", "complete_shipped_orders", "settle_earnings",
             "upgrade_agents", "expire_upline_bindings"}


def test_every_app_registered_its_jobs():
    assert set(jobs.JOBS) == EVERY_JOB
    assert jobs.JOBS["expire_unpaid_orders"].every == jobs.MINUTE
    assert jobs.JOBS["upgrade_agents"].every == jobs.DAY


def test_runjobs_runs_every_job_once(place, stocked):
    order = place(stocked(5), 2)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("runjobs", stdout=out)
    assert "expire_unpaid_orders: 1" in out.getvalue()
    assert "complete_shipped_orders: 0" in out.getvalue()
    assert "upgrade_agents: 0" in out.getvalue()
    assert "expire_upline_bindings: 0" in out.getvalue()
    assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED


def test_runjobs_runs_only_the_jobs_named():
    out = io.StringIO()
    call_command("runjobs", "expire_unpaid_orders", stdout=out)
    assert out.getvalue() == "expire_unpaid_orders: 0\n"
    with translation.override("en"), pytest.raises(CommandError,
                                                   match="No such job: expire_everything"):
        call_command("runjobs", "expire_everything")


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken():
        raise RuntimeError("database away")

    monkeypatch.setitem(jobs.JOBS, "expire_unpaid_orders", jobs.Job(broken, jobs.MINUTE))
    assert jobs.run_all() == dict.fromkeys(EVERY_JOB - {"expire_unpaid_orders"}, 0)
    assert "expire_unpaid_orders failed" in caplog.text


def test_the_scheduler_runs_only_without_redis_and_unless_disabled(settings, monkeypatch):
    settings.REDIS_URL = "redis://localhost:6379/0"
    assert jobs.start_scheduler() is None
    settings.REDIS_URL = ""
    monkeypatch.setenv("WEISHANG_INPROCESS_JOBS", "0")
    assert jobs.start_scheduler() is None
    monkeypatch.delenv("WEISHANG_INPROCESS_JOBS")
    assert jobs.scheduler_wanted()


def test_a_job_is_due_at_first_then_after_its_interval(monkeypatch):
    monkeypatch.setattr(jobs, "JOBS", {"often": jobs.Job(lambda: 0, 60),
                                       "daily": jobs.Job(lambda: 0, 86400)})
    assert jobs._due({}, 1000.0, 60) == ["often", "daily"]
    ran = {"often": 1000.0, "daily": 1000.0}
    # A wake-up a little early still counts as a whole interval.
    assert jobs._due(ran, 1059.9, 60) == ["often"]
    assert jobs._due(ran, 1000.0 + 86399, 60) == ["often", "daily"]


@pytest.fixture
def scheduler(monkeypatch):
    """start(jobs): the scheduler thread ticking every 10 ms over ``jobs``, on the test's
    connection (which it must not close); stopped after the test."""
    monkeypatch.setattr(jobs, "connection", type("Closed", (), {"close": staticmethod(
        lambda: None)}))
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    stops = []

    def start(registered):
        monkeypatch.setattr(jobs, "JOBS", registered)
        stops.append(jobs.start_scheduler(interval=0.01))

    yield start
    for stop in stops:
        stop.set()


def wait_for(condition):
    """Until ``condition()`` holds; the generous limit only ends a run that is stuck (a busy
    machine may take seconds to schedule the thread), and monotonic time, because the wall
    clock may be pinned (pytest --clock)."""
    deadline = time.monotonic() + 120
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.01)


def test_the_scheduler_thread_runs_due_jobs_and_retries_a_failed_one(scheduler):
    often, daily = [], []

    def record():
        often.append(1)
        if len(often) == 1:
            raise RuntimeError("first run fails")
        return 0

    scheduler({"often": jobs.Job(record, 0), "daily": jobs.Job(lambda: daily.append(1) or 0,
                                                             jobs.DAY)})
    wait_for(lambda: len(often) >= 3)
    assert len(often) >= 3
    assert daily == [1]  # once at the first tick, then not before a day has passed


def test_celery_beat_runs_every_job_on_its_cadence_and_the_tasks_call_them(place, stocked):
    beat = {entry["task"].rsplit(".", 1)[1]: entry["schedule"]
            for entry in app.conf.beat_schedule.values()}
    assert beat == {name: job.every for name, job in jobs.JOBS.items()}
    order = place(stocked(5))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert order_tasks.expire_unpaid_orders.delay().get() == 1
    assert order_tasks.complete_shipped_orders.delay().get() == 0
    assert network_tasks.upgrade_agents.delay().get() == 0
    assert network_tasks.expire_upline_bindings.delay().get() == 0
