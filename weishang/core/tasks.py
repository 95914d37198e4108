"""The Celery tasks of the periodic jobs (scheduled by weishang/celery.py from ``jobs.JOBS``).

One task runs any job by name, through the same ``jobs.run`` as ``weishang runjobs`` and the
in-process scheduler, so every run is recorded alike; the worker's log names the job
(``weishang.jobs.<name>``), not this task.
"""

from celery import shared_task

from . import jobs


def _job_name(task, args, kwargs, options) -> str:
    return f"weishang.jobs.{args[0] if args else kwargs['name']}"


@shared_task(bind=True, shadow_name=_job_name)
def run_job(self, name: str) -> int:
    return jobs.run(name, host=self.request.hostname or "")


@shared_task(bind=True)
def heartbeat(self) -> None:
    jobs.heartbeat(self.request.hostname or "")
