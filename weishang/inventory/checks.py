"""The stock ledger, proven (``weishang check``, see ``weishang.core.ledgers``): every stock
level equals the sum of its movements and the quantity its latest movement left."""

from django.core.management.base import CommandError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from . import services
from .models import StockLevel, StockMovement


def check_ledger(command) -> None:
    """Part of ``weishang check``: prints the result, raises CommandError on a problem."""
    tables = connection.introspection.table_names()
    if not {StockLevel._meta.db_table, StockMovement._meta.db_table} <= set(tables):
        command.stdout.write(command.style.WARNING(
            _("Stock ledger: not verified, the database is not migrated yet.")))
        return
    problems = services.verify_ledger()
    if problems:
        for problem in problems:
            command.stderr.write(str(problem))
        raise CommandError(ngettext(
            "Stock ledger: %(count)d level differs from its movements.",
            "Stock ledger: %(count)d levels differ from their movements.",
            len(problems),
        ) % {"count": len(problems)})
    count = StockLevel.objects.count()
    command.stdout.write(command.style.SUCCESS(ngettext(
        "Stock ledger: %(count)d level, equal to the sum of its movements.",
        "Stock ledger: %(count)d levels, all equal to the sum of their movements.",
        count,
    ) % {"count": count}))
