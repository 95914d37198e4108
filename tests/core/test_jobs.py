"""What runs the periodic jobs of every app: `weishang runjobs`, the in-process scheduler (each
job on its own cadence), Celery beat (the same jobs on the same cadence), and the record each
run leaves (JobRun)."""

import io
import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from weishang.celery import app, beat_schedule
from weishang.core import jobs, tasks
from weishang.core.models import JobRun
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
    connection (which it must not close), recording nothing (the thread's own connection
    would wait for the test's transaction); stopped after the test."""
    monkeypatch.setattr(jobs, "connection", type("Closed", (), {"close": staticmethod(
        lambda: None)}))
    monkeypatch.setattr(jobs, "close_old_connections", lambda: None)
    monkeypatch.setattr(jobs, "_record", lambda *args, **kwargs: None)
    monkeypatch.setattr(jobs, "_succeeded_ago", dict)
    stops = []

    def start(registered, **options):
        monkeypatch.setattr(jobs, "JOBS", registered)
        stops.append(jobs.start_scheduler(interval=0.01, **options))

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


def test_a_restarted_scheduler_runs_only_the_jobs_due_by_their_last_success(scheduler,
                                                                           monkeypatch):
    """A recycled gunicorn worker, or a server restarted after a deploy, does not run the daily
    jobs again at its first tick when they succeeded an hour ago."""
    often, daily = [], []
    monkeypatch.setattr(jobs, "_succeeded_ago", lambda: {"often": 3600.0, "daily": 3600.0})
    scheduler({"often": jobs.Job(lambda: often.append(1) or 0, jobs.MINUTE),
               "daily": jobs.Job(lambda: daily.append(1) or 0, jobs.DAY)})
    wait_for(lambda: often)
    assert often and not daily


def test_the_last_successes_are_read_from_the_job_rows(monkeypatch, time_machine):
    monkeypatch.setattr(jobs, "JOBS", {"often": jobs.Job(lambda: 0, 60),
                                       "never": jobs.Job(lambda: 0, 60)})
    time_machine.move_to(datetime(2026, 12, 8, 1, 0, tzinfo=UTC), tick=False)
    jobs.run("often")
    JobRun.objects.get_or_create(name="never")  # installed by migrate, never run
    time_machine.move_to(datetime(2026, 12, 8, 1, 10, tzinfo=UTC), tick=False)
    assert jobs._succeeded_ago() == {"often": 600.0}


def test_of_the_processes_sharing_a_lock_file_one_runs_the_jobs_until_it_ends(scheduler,
                                                                               tmp_path):
    """gunicorn's workers each start a scheduler: the one that holds the lock runs the jobs, and
    another takes over when that process ends (here the holder is another process)."""
    lock_file = tmp_path / "jobs.lock"
    holder = subprocess.Popen(
        [sys.executable, "-c", "import fcntl, sys; lock = open(sys.argv[1], 'a'); "
                               "fcntl.flock(lock, fcntl.LOCK_EX); print('held', flush=True); "
                               "sys.stdin.read()", str(lock_file)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline() == "held\n"
    runs = []  # the thread of each run
    registered = {"often": jobs.Job(lambda: runs.append(threading.get_ident()) or 0, 0)}
    scheduler(registered, lock_file=lock_file)
    scheduler(registered, lock_file=lock_file)  # each opens the file: as good as two processes
    time.sleep(0.5)  # fifty ticks of each: none may run a job while the other process holds it
    assert runs == []

    holder.communicate("")  # the process ends, and with it its lock
    wait_for(lambda: len(runs) >= 6)
    assert len(runs) >= 6 and len(set(runs)) == 1


def test_celery_beat_runs_every_job_on_its_cadence_and_the_heartbeat():
    app.finalize()  # as a worker or beat does, once Django is set up
    assert app.conf.beat_schedule == beat_schedule()
    beat = {name: (entry["task"], entry.get("args"), entry["schedule"])
            for name, entry in beat_schedule().items()}
    assert beat == {
        **{name: ("weishang.core.tasks.run_job", (name,), job.every)
           for name, job in jobs.JOBS.items()},
        "heartbeat": ("weishang.core.tasks.heartbeat", None, jobs.HEARTBEAT_EVERY)}
    # A run no worker took within its interval is dropped, not piled up.
    assert beat_schedule()["expire_unpaid_orders"]["options"] == {"expires": 60}


def test_the_job_task_runs_the_job_and_records_it_under_the_workers_name(place, stocked):
    order = place(stocked(5))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert tasks.run_job.delay("expire_unpaid_orders").get() == 1
    assert tasks.run_job.delay("upgrade_agents").get() == 0
    assert JobRun.objects.get(name="expire_unpaid_orders").changed == 1
    # The worker's log names the job, not the one task that runs them all.
    assert tasks.run_job.shadow_name(("settle_earnings",), {}, {}) == (
        "weishang.jobs.settle_earnings")


def test_the_heartbeat_task_records_the_worker_and_when(time_machine):
    time_machine.move_to("2026-03-02 08:00:30Z", tick=False)
    tasks.heartbeat.delay().get()
    row = JobRun.objects.get(name=jobs.HEARTBEAT)
    assert row.last_finished.isoformat() == "2026-03-02T08:00:30+00:00"
    assert row.host


def test_a_run_is_recorded_with_what_it_changed(time_machine, place, stocked):
    time_machine.move_to("2026-03-02 08:00:00Z", tick=False)
    order = place(stocked(5))
    Order.objects.filter(pk=order.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    jobs.run_all(["expire_unpaid_orders"])
    row = JobRun.objects.get(name="expire_unpaid_orders")
    assert (row.changed, row.last_error) == (1, "")
    assert row.last_started.isoformat() == "2026-03-02T08:00:00+00:00"
    assert row.last_succeeded == row.last_finished == row.last_started

    time_machine.move_to("2026-03-02 08:01:00Z", tick=False)
    jobs.run("expire_unpaid_orders", host="worker-2")
    row.refresh_from_db()
    assert (row.changed, row.host) == (0, "worker-2")
    assert row.last_succeeded.isoformat() == "2026-03-02T08:01:00+00:00"


def test_a_failed_run_records_the_error_type_only_and_keeps_the_last_success(
        monkeypatch, time_machine):
    time_machine.move_to("2026-03-02 08:00:00Z", tick=False)
    jobs.run("settle_earnings")

    def broken():
        raise ValueError("13800138000 is not a valid phone")  # personal data in the message

    monkeypatch.setitem(jobs.JOBS, "settle_earnings", jobs.Job(broken, jobs.HOUR))
    time_machine.move_to("2026-03-02 09:00:00Z", tick=False)
    with pytest.raises(ValueError):
        jobs.run("settle_earnings")
    row = JobRun.objects.get(name="settle_earnings")
    assert row.last_error == "ValueError"
    assert row.last_finished.isoformat() == "2026-03-02T09:00:00+00:00"
    assert row.last_succeeded.isoformat() == "2026-03-02T08:00:00+00:00"

    monkeypatch.setitem(jobs.JOBS, "settle_earnings", jobs.Job(lambda: 0, jobs.HOUR))
    jobs.run("settle_earnings")
    assert JobRun.objects.get(name="settle_earnings").last_error == ""


def test_a_run_is_recorded_in_one_statement(django_assert_num_queries):
    with django_assert_num_queries(1) as captured:
        jobs.heartbeat("celery@web1")
    assert "ON CONFLICT" in captured.captured_queries[0]["sql"].upper()


def test_migrate_gives_every_job_its_row_and_keeps_those_there():
    assert set(JobRun.objects.values_list("name", flat=True)) >= EVERY_JOB
    JobRun.objects.filter(name="settle_earnings").delete()
    installed = JobRun.objects.get(name="upgrade_agents").created_at
    call_command("migrate", verbosity=0)
    assert JobRun.objects.filter(name="settle_earnings").exists()
    assert JobRun.objects.get(name="upgrade_agents").created_at == installed


def test_no_job_may_take_the_heartbeats_name():
    with pytest.raises(ValueError):
        jobs.register(jobs.HEARTBEAT, lambda: 0, every=jobs.MINUTE)


def test_runjobs_queues_on_workers_only_with_redis(settings):
    settings.REDIS_URL = ""
    with translation.override("en"), pytest.raises(CommandError, match="REDIS_URL is not set"):
        call_command("runjobs", "--on-workers")


WORKERS_REDIS = "redis://127.0.0.1:6379/6"


@pytest.fixture
def workers_redis():
    """Redis db 6, emptied, for a real worker; the test is skipped where there is no Redis."""
    client = redis.Redis.from_url(WORKERS_REDIS, socket_timeout=5)
    try:
        client.flushdb()
    except redis.ConnectionError:
        pytest.skip(f"no Redis at {WORKERS_REDIS}")
    yield WORKERS_REDIS
    client.flushdb()


def test_a_real_worker_records_its_heartbeat_and_the_jobs_queued_for_it(workers_redis,
                                                                        tmp_path):
    """`celery -A weishang worker` on a fresh SQLite instance: the heartbeat beat would send
    and a job `runjobs --on-workers` queues are run and recorded by the worker."""
    env = {**os.environ, "WEISHANG_HOME": str(tmp_path), "REDIS_URL": workers_redis,
           "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    env.pop("DATABASE_URL", None)

    def command(*args):
        return subprocess.run([sys.executable, "-m", *args], env=env, capture_output=True,
                              text=True, timeout=600, check=True).stdout

    log = tmp_path / "worker.log"
    with log.open("w") as output:  # it starts while the database is migrated: no task yet
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "weishang", "worker", "--pool", "solo",
             "--hostname", "test@%h", "--without-mingle", "--without-gossip",
             "--without-heartbeat", "--loglevel", "info"],
            env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        command("weishang", "migrate", "--verbosity", "0", "--skip-checks")
        assert "expire_unpaid_orders" in command("weishang", "runjobs", "--on-workers",
                                                 "expire_unpaid_orders")
        command("celery", "-A", "weishang", "call", "weishang.core.tasks.heartbeat")

        def recorded():
            with sqlite3.connect(tmp_path / "weishang.sqlite3") as database:
                return dict(database.execute(
                    "SELECT name, host FROM core_jobrun WHERE last_succeeded IS NOT NULL"))

        wait_for(lambda: len(recorded()) == 2 or worker.poll() is not None)
        assert recorded() == {"heartbeat": f"test@{socket.gethostname()}",
                              "expire_unpaid_orders": f"test@{socket.gethostname()}"}, (
            log.read_text())
        assert "weishang.jobs.expire_unpaid_orders" in log.read_text()  # named in its log
    finally:
        worker.terminate()
        worker.wait(timeout=120)
