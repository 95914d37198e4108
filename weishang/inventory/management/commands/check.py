"""``weishang check``: Django's system checks, then the stock ledger and the ledgers of the
apps after inventory (each app's ``checks.check_ledger(command)``, e.g. commissions').

Every stock level must equal the sum of its movements and the quantity its latest movement
left. A level changed behind the services' back (raw SQL, a restored backup, a bug) shows up
here, and the command exits non-zero so monitoring or CI notices.
"""

from importlib import import_module

from django.apps import apps
from django.core.management.base import CommandError
from django.core.management.commands import check
from django.db import connection
from django.utils.module_loading import module_has_submodule
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.inventory import services
from weishang.inventory.models import StockLevel, StockMovement


def app_ledger_checks():
    """The ``check_ledger(command)`` of each app with a ``checks`` module: how the apps after
    inventory, which it may not import, add their ledgers to the command."""
    for app_config in apps.get_app_configs():
        if app_config.name.startswith("weishang.") and module_has_submodule(
                app_config.module, "checks"):
            check_ledger = getattr(import_module(f"{app_config.name}.checks"), "check_ledger",
                                   None)
            if check_ledger:
                yield check_ledger


class Command(check.Command):
    help = ("Checks the project for problems, then that every stock level and every agent's "
            "balance equals its ledger.")

    def handle(self, *app_labels, **options):
        super().handle(*app_labels, **options)
        if not options["list_tags"]:
            self.check_ledgers()

    def check_ledgers(self):
        """Every ledger is verified, even after one fails; then the command fails if any did."""
        failures = []
        for check_ledger in [Command.check_stock_ledger, *app_ledger_checks()]:
            try:
                check_ledger(self)
            except CommandError as failure:
                failures.append(str(failure))
        if failures:
            raise CommandError(" ".join(failures))

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
