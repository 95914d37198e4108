"""/healthz for load balancers (the database) and ?deep=1 for monitors (the cache, the
workers' heartbeat and every job's last run, judged at pinned times)."""

from datetime import UTC, datetime, timedelta
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from weishang.core import health, jobs
from weishang.core.models import JobRun


@pytest.mark.django_db
def test_healthy_when_the_database_answers(client):
    response = client.get(reverse("healthz"))

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response.headers["Cache-Control"]


@pytest.mark.django_db
def test_unavailable_when_the_database_does_not_answer(client):
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("connection refused")
    ):
        response = client.get(reverse("healthz"))

    assert response.status_code == 503
    assert response.json()["database"] == "unreachable"


# --- ?deep=1: cache, workers and jobs ---------------------------------------------------------

T0 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)
REDIS = "redis://127.0.0.1:6379/6"  # only read to know that Celery runs the jobs


@pytest.fixture
def at(db, time_machine):
    """at(moment): the wall clock stopped there. The jobs were installed (migrated) at T0."""
    JobRun.objects.update(created_at=T0)

    def pin(moment):
        time_machine.move_to(moment, tick=False)

    return pin


def deep(client):
    response = client.get(reverse("healthz"), {"deep": "1"})
    return response.status_code, response.json()


def run_every_job(at, moment):
    at(moment)
    for name in jobs.JOBS:
        jobs.run(name)


def test_deep_reports_each_part_and_every_job_without_redis(client, at, settings):
    settings.REDIS_URL = ""
    run_every_job(at, T0 + timedelta(minutes=1))
    at(T0 + timedelta(minutes=2))

    status, body = deep(client)

    assert status == 200
    assert body["status"] == "ok"
    assert (body["database"], body["cache"], body["worker"]) == ("ok", "ok", "in-process")
    assert set(body["jobs"]) == set(jobs.JOBS)
    assert body["jobs"]["expire_unpaid_orders"] == {
        "ok": True, "last_run": "2026-03-02T08:01:00+00:00", "age_seconds": 60,
        "every_seconds": 60, "last_error": None}


def test_without_redis_a_stopped_scheduler_shows_in_the_minutes_job(client, at, settings):
    settings.REDIS_URL = ""
    run_every_job(at, T0)
    at(T0 + timedelta(minutes=7))  # twice a minute and five minutes' slack
    assert deep(client)[0] == 200

    at(T0 + timedelta(minutes=7, seconds=1))
    status, body = deep(client)
    assert status == 503
    assert body["status"] == "failing"
    assert [name for name, job in body["jobs"].items() if not job["ok"]] == [
        "expire_unpaid_orders"]


def test_the_worker_is_alive_while_its_heartbeat_is_young(client, at, settings):
    settings.REDIS_URL = REDIS
    run_every_job(at, T0)
    jobs.heartbeat("celery@worker1")

    at(T0 + timedelta(seconds=89))
    status, body = deep(client)
    assert status == 200
    assert body["worker"] == {"ok": True, "last_heartbeat": "2026-03-02T08:00:00+00:00",
                              "age_seconds": 89}

    at(T0 + timedelta(seconds=90))  # three heartbeats missed
    status, body = deep(client)
    assert status == 503
    assert body["worker"]["ok"] is False


def test_with_redis_no_heartbeat_yet_is_failing(client, at, settings):
    settings.REDIS_URL = REDIS
    at(T0)
    status, body = deep(client)
    assert status == 503
    assert body["worker"] == {"ok": False, "last_heartbeat": None, "age_seconds": None}


def test_a_fresh_install_is_not_late_before_its_jobs_were_first_due(client, at, settings):
    """Installed at T0, beat started two hours later: the hourly and daily jobs have not run
    yet, and need not have."""
    settings.REDIS_URL = REDIS
    started = T0 + timedelta(hours=2)
    at(started)
    jobs.heartbeat("celery@worker1")  # the first heartbeat: beat runs from here
    at(started + timedelta(hours=2, minutes=5))  # twice an hour and five minutes' slack
    jobs.run("expire_unpaid_orders")
    jobs.heartbeat("celery@worker1")

    status, body = deep(client)
    assert status == 200, body
    assert body["jobs"]["settle_earnings"] == {
        "ok": True, "last_run": None, "age_seconds": None, "every_seconds": 3600,
        "last_error": None}

    at(started + timedelta(hours=2, minutes=5, seconds=1))
    jobs.heartbeat("celery@worker1")
    status, body = deep(client)
    assert status == 503
    late = {name for name, job in body["jobs"].items() if not job["ok"]}
    assert late == {"complete_shipped_orders", "settle_earnings"}  # the daily ones have time


def test_a_failed_run_is_shown_and_late_only_once_no_run_succeeds(
        client, at, settings, monkeypatch):
    settings.REDIS_URL = ""
    run_every_job(at, T0)

    def broken():
        raise ValueError("13800138000")

    monkeypatch.setitem(jobs.JOBS, "settle_earnings", jobs.Job(broken, jobs.HOUR))
    at(T0 + timedelta(hours=1))
    jobs.run_all(["settle_earnings", "expire_unpaid_orders"])
    status, body = deep(client)
    assert status == 200
    assert body["jobs"]["settle_earnings"] == {
        "ok": True, "last_run": "2026-03-02T08:00:00+00:00", "age_seconds": 3600,
        "every_seconds": 3600, "last_error": "ValueError"}

    at(T0 + timedelta(hours=2, minutes=5, seconds=1))
    jobs.run_all(["settle_earnings", "expire_unpaid_orders"])
    status, body = deep(client)
    assert status == 503
    assert body["jobs"]["settle_earnings"]["ok"] is False


def test_deep_fails_when_the_cache_does_not_answer(client, at, settings):
    settings.REDIS_URL = ""
    run_every_job(at, T0)
    with mock.patch.object(cache, "set", side_effect=ConnectionError("redis away")):
        status, body = deep(client)
    assert status == 503
    assert (body["status"], body["cache"]) == ("failing", "unreachable")


def test_deep_fails_when_the_database_does_not_answer(client, db):
    with mock.patch.object(
        CursorWrapper, "execute", side_effect=OperationalError("connection refused")
    ):
        status, body = deep(client)
    assert status == 503
    assert body == {"status": "failing", "database": "unreachable", "cache": "ok"}


def test_the_plain_check_still_asks_only_the_database(client, db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert client.get(reverse("healthz")).json() == {"status": "ok", "database": "ok"}


def test_the_consoles_warning_costs_one_query(at, settings, django_assert_num_queries):
    settings.REDIS_URL = REDIS
    run_every_job(at, T0)
    at(T0 + timedelta(hours=3))
    with django_assert_num_queries(1):
        workers_down, jobs_late = health.late()
    assert workers_down == {"ok": False, "last_heartbeat": None, "age_seconds": None}
    assert jobs_late == ["expire_unpaid_orders", "complete_shipped_orders", "settle_earnings"]
