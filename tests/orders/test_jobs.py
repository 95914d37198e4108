"""What runs the periodic jobs: `weishang runjobs`, the in-process scheduler, Celery beat."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from weishang.celery import app
from weishang.orders import jobs, tasks
from weishang.orders.models import Order, OrderState

pytestmark = pytest.mark.django_db


def test_runjobs_expires_unpaid_orders_once(place, stocked):
    order = place(stocked(5), 2)
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    out = io.StringIO()
    call_command("runjobs", stdout=out)
    assert "expire_unpaid_orders: 1" in out.getvalue()
    assert "complete_shipped_orders: 0" in out.getvalue()
    assert Order.objects.get(pk=order.pk).state == OrderState.CANCELLED


def test_a_failing_job_is_logged_and_the_others_still_run(monkeypatch, caplog):
    def broken():
        raise RuntimeError("database away")

    monkeypatch.setitem(jobs.JOBS, "expire_unpaid_orders", broken)
    assert jobs.run_all() == {"complete_shipped_orders": 0, "settle_earnings": 0}
    assert "expire_unpaid_orders failed" in caplog.text


def test_the_scheduler_runs_only_without_redis_and_unless_disabled(settings, monkeypatch):
    settings.REDIS_URL = "redis://localhost:6379/0"
    assert jobs.start_scheduler() is None
    settings.REDIS_URL = ""
    monkeypatch.setenv("WEISHANG_INPROCESS_JOBS", "0")
    assert jobs.start_scheduler() is None
    monkeypatch.delenv("WEISHANG_INPROCESS_JOBS")
    assert jobs.scheduler_wanted()


def test_the_scheduler_thread_runs_the_jobs_and_survives_errors(monkeypatch):
    runs = []

    def record():
        runs.append(1)
        if len(runs) == 1:
            raise RuntimeError("first run fails")
        return 0

    monkeypatch.setattr(jobs, "JOBS", {"record": record})
    monkeypatch.setattr(jobs, "connection", type("Closed", (), {"close": staticmethod(
        lambda: None)}))  # the test's connection belongs to the test
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    stop = jobs.start_scheduler(interval=0.01)
    try:
        deadline = timezone.now() + timedelta(seconds=5)
        while len(runs) < 3 and timezone.now() < deadline:
            stop.wait(0.01)
    finally:
        stop.set()
    assert len(runs) >= 3


def test_celery_beat_schedules_every_job_and_the_tasks_call_them(place, stocked):
    schedule = {entry["task"]: entry["schedule"] for entry in app.conf.beat_schedule.values()}
    assert schedule == {"weishang.orders.tasks.expire_unpaid_orders": 60.0,
                        "weishang.orders.tasks.complete_shipped_orders": 3600.0,
                        "weishang.commissions.tasks.settle_earnings": 3600.0}
    order = place(stocked(5))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.expire_unpaid_orders.delay().get() == 1
    assert tasks.complete_shipped_orders.delay().get() == 0
