from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError

from weishang.core import jobs
from weishang.core.tasks import run_job


class Command(BaseCommand):
    help = ("Run the periodic jobs once (or only those named): cancel unpaid orders past their "
            "time, complete orders shipped long enough ago, settle earnings, upgrade agents, end "
            "upline bindings whose time is up. For a cron job or systemd timer: all of them "
            "hourly, and expire_unpaid_orders every minute. With --on-workers they are queued "
            "for the Celery workers instead of run here.")

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="job",
                            help="Jobs to run (default: all).")
        parser.add_argument("--on-workers", action="store_true",
                            help="Queue the jobs for the Celery workers (needs REDIS_URL).")

    def handle(self, *args, names, on_workers, **options):
        unknown = sorted(set(names) - set(jobs.JOBS))
        if unknown:
            raise CommandError(_("No such job: %(unknown)s. The jobs are: %(jobs)s.") % {
                "unknown": ", ".join(unknown), "jobs": ", ".join(jobs.JOBS)})
        if on_workers:
            self._queue(names or list(jobs.JOBS))
            return
        for name, changed in jobs.run_all(names or None).items():
            self.stdout.write(f"{name}: {changed}")

    def _queue(self, names: list[str]) -> None:
        if not settings.REDIS_URL:
            raise CommandError(_("There are no workers to queue jobs for: REDIS_URL is not set. "
                                 "Run them here, without --on-workers."))
        for name in names:
            try:
                run_job.delay(name)
            except OperationalError as error:
                message = _("Could not queue %(job)s: Redis at REDIS_URL does not answer "
                            "(%(error)s).") % {"job": name, "error": error}
                raise CommandError(message) from error
            self.stdout.write(_("%(job)s: queued") % {"job": name})
