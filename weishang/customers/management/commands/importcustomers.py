from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts.models import Role, User
from weishang.core.errors import DomainError
from weishang.customers.imports import reports
from weishang.customers.imports import services as imports


class Command(BaseCommand):
    help = ("Import customers from an Excel (.xlsx) or CSV (UTF-8 or GBK) file with a header "
            "row (姓名, 手机, …). Known mobile numbers are merged, not duplicated. Nothing is "
            "imported while a row is wrong, unless --skip-bad-rows.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--skip-bad-rows", action="store_true",
                            help="import the right rows even when others are wrong")
        parser.add_argument("--dry-run", action="store_true",
                            help="only check the file and count; change nothing")
        parser.add_argument("--user", help="import as this username (default: the owner); "
                                           "an agent's import makes the agent's customers")

    def handle(self, *args, file: Path, skip_bad_rows, dry_run, user, **options):
        actor = self._actor(user)
        try:
            with open(file, "rb") as stream:
                if dry_run:
                    report = imports.check_file(stream, actor=actor)
                else:
                    report = imports.import_file(stream, actor=actor,
                                                 skip_bad_rows=skip_bad_rows)
        except OSError as error:
            raise CommandError(_("Cannot open %(file)s: %(error)s")
                               % {"file": file, "error": error.strerror}) from None
        except reports.ImportRefused as refused:
            self._print_errors(refused.report)
            raise CommandError(str(refused.message)) from None
        except DomainError as error:
            raise CommandError(str(error.message)) from None
        self._print_errors(report)
        summary = (_("Checked, nothing imported. Rows: %(rows)d · new: %(new)d · merged: "
                     "%(merged)d · wrong: %(errors)d.") if dry_run else
                   _("Imported. Rows: %(rows)d · new: %(new)d · merged: %(merged)d · "
                     "skipped: %(errors)d."))
        self.stdout.write(summary % {"rows": report.rows, "new": report.new,
                                     "merged": report.merged, "errors": report.error_count})

    def _actor(self, username: str | None) -> User:
        users = User.objects.filter(is_active=True)
        actor = (users.filter(username=username) if username else
                 users.filter(role=Role.OWNER)).first()
        if actor is None:
            raise CommandError(_("No active user %(name)s.") % {"name": username} if username
                               else _("There is no owner yet; create the owner first."))
        if not actor.can("customers") and actor.role != Role.AGENT:
            raise CommandError(_("%(name)s may not manage customers.") % {"name": actor})
        return actor

    def _print_errors(self, report: reports.ImportReport) -> None:
        for row in report.error_rows:
            self.stderr.write(_("Row %(row)d: %(errors)s")
                              % {"row": row.row, "errors": " ".join(row.errors)})
        hidden = report.error_count - len(report.error_rows)
        if hidden:
            self.stderr.write(ngettext("…and %(count)d more wrong row.",
                                       "…and %(count)d more wrong rows.", hidden)
                              % {"count": hidden})
