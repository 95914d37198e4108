from django.core.management.base import BaseCommand

from weishang.orders import jobs


class Command(BaseCommand):
    help = ("Run the periodic order jobs once: cancel unpaid orders past their time, complete "
            "orders shipped long enough ago. For a cron job or systemd timer, every minute.")

    def handle(self, *args, **options):
        for name, changed in jobs.run_all().items():
            self.stdout.write(f"{name}: {changed}")
