"""``weishang check``: Django's system checks, then every app's ledger checks
(``weishang.core.ledgers``: the stock ledger, agents' earnings, …).

A total changed behind the services' back (raw SQL, a restored backup, a bug) shows up here,
and the command exits non-zero so monitoring or CI notices.
"""

from django.core.management.commands import check

from weishang.core import ledgers


class Command(check.Command):
    help = ("Checks the project for problems, then that every stock level and every agent's "
            "balance equals its ledger.")

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        if not options["list_tags"]:
            self.check_ledgers()

    def check_ledgers(self):
        ledgers.check_all(self)
