from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from weishang.core import jobs


class Command(BaseCommand):
    help = ("Run the periodic jobs once (or only those named): cancel unpaid orders past their "
            "time, complete orders shipped long enough ago, settle earnings, upgrade agents, end "
            "upline bindings whose time is up. For a cron job or systemd timer: all of them "
            "hourly, and expire_unpaid_orders every minute.")

    def add_arguments(self, parser):
        parser.add_argument("names", nargs="*", metavar="job",
                            help="Jobs to run (default: all).")

    def handle(self, *args, names, **options):
        unknown = sorted(set(names) - set(jobs.JOBS))
        if unknown:
            raise CommandError(_("No such job: %(unknown)s. The jobs are: %(jobs)s.") % {
                "unknown": ", ".join(unknown), "jobs": ", ".join(jobs.JOBS)})
        for name, changed in jobs.run_all(names or None).items():
            self.stdout.write(f"{name}: {changed}")
