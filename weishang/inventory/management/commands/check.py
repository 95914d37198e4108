"""``weishang check``: Django's system checks, then the stock ledger.

Every stock level must equal the sum of its movements and the quantity its latest movement
left. A level changed behind the services' back (raw SQL, a restored backup, a bug) shows up
here, and the command exits non-zero so monitoring or CI notices.
"""

from django.core.management.base import CommandError
from django.core.management.commands import check
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.inventory import services
from weishang.inventory.models import StockLevel, StockMovement


class Command(check.Command):
    help = "Checks the project for problems, then that every stock level equals its ledger."

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        if not options["list_tags"]:
            self.check_stock_ledger()

    def check_stock_ledger(self):
        tables = connection.introspection.table_names()
        if not {StockLevel._meta.db_table, StockMovement._meta.db_table} <= set(tables):
            self.stdout.write(self.style.WARNING(
                _("Stock ledger: not verified, the database is not migrated yet.")))
            return
        problems = services.verify_ledger()
        if problems:
            for problem in problems:
                self.stderr.write(str(problem))
            raise CommandError(ngettext(
                "Stock ledger: %(count)d level differs from its movements.",
                "Stock ledger: %(count)d levels differ from their movements.",
                len(problems),
            ) % {"count": len(problems)})
        count = StockLevel.objects.count()
        self.stdout.write(self.style.SUCCESS(ngettext(
            "Stock ledger: %(count)d level, equal to the sum of its movements.",
            "Stock ledger: %(count)d levels, all equal to the sum of their movements.",
            count,
        ) % {"count": count}))
