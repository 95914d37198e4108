"""The ledger checks of every app, which ``weishang check`` runs after Django's system checks.

A ledger check proves that stored totals equal the rows they sum (stock levels and their
movements, agents' balances and their entries). Each app registers its own in its
``AppConfig.ready`` (core comes first, so any app may, and core needs to import none), in the
order of INSTALLED_APPS: the command runs them in that order.

A check is called with the running command: it writes what it verified to ``command.stdout``
(each problem to ``command.stderr``) and raises ``CommandError`` when the ledger is wrong.
"""

from collections.abc import Callable

from django.core.management.base import BaseCommand, CommandError

LedgerCheck = Callable[[BaseCommand], None]

#: name -> check, in the order the apps registered them.
CHECKS: dict[str, LedgerCheck] = {}


def register(name: str, check: LedgerCheck) -> None:
    """Run ``check`` as part of ``weishang check`` (from an app's ``ready``)."""
    CHECKS[name] = check


def check_all(command: BaseCommand) -> None:
    """Every ledger is verified, even after one fails; then CommandError if any did."""
    failures = []
    for check in CHECKS.values():
        try:
            check(command)
        except CommandError as failure:
            failures.append(str(failure))
    if failures:
        raise CommandError(" ".join(failures))
