"""Celery app. Without REDIS_URL tasks run eagerly in-process (the embedded default).

With Redis, Celery beat (``weishang beat``, or ``weishang worker -B``) sends the periodic jobs
of ``core/jobs.JOBS`` on their cadence — the one list the in-process scheduler and
``weishang runjobs`` also read — and the workers run them (``core/tasks.py``); every
``HEARTBEAT_EVERY`` seconds it also sends a heartbeat, which whichever worker takes it records.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")

app = Celery("weishang")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def beat_schedule() -> dict:
    """Each registered job every ``every`` seconds, and the heartbeat. A run not started
    within its interval (no worker took it) is dropped, not piled up for when one comes."""
    from weishang.core import jobs

    schedule = {name: {"task": "weishang.core.tasks.run_job", "schedule": float(job.every),
                       "args": (name,), "options": {"expires": job.every}}
                for name, job in jobs.JOBS.items()}
    schedule[jobs.HEARTBEAT] = {"task": "weishang.core.tasks.heartbeat",
                                "schedule": float(jobs.HEARTBEAT_EVERY),
                                "options": {"expires": jobs.HEARTBEAT_EVERY}}
    return schedule


@app.on_after_finalize.connect
def _schedule_jobs(sender, **kwargs):
    # Finalized once Django is set up (the apps have registered their jobs), before beat
    # reads its schedule.
    sender.conf.beat_schedule = beat_schedule()
