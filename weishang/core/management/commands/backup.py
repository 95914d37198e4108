from pathlib import Path

from django.core.management.base import BaseCommand
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.core import backup


class Command(BaseCommand):
    help = ("Write one archive (a gzip'd tar, mode 0600) with the database, the media files and "
            "the secret key, and a manifest of what it holds. It contains personal data and the "
            "key: keep it somewhere safe. Restore it with `weishang restore FILE`.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The archive to write, e.g. "
                                           "weishang-2026-01-31.tar.gz (replaced if it exists)."))

    def handle(self, *args, file, **options):
        summary = backup.back_up(Path(file))
        self.stdout.write(_("Backup written to %(file)s (%(size)s).") % {
            "file": summary.path, "size": filesizeformat(summary.path.stat().st_size)})
        for line in describe(summary):
            self.stdout.write(f"  {line}")


def describe(summary: backup.Summary) -> list[str]:
    """What an archive holds, for `weishang backup` and `weishang restore`."""
    return [
        _("Database: %(engine)s, %(tables)d tables, %(rows)d rows.") % {
            "engine": summary.engine, "tables": summary.tables, "rows": summary.rows},
        ngettext("Media: %(count)d file.", "Media: %(count)d files.", summary.media_files) % {
            "count": summary.media_files}
        if summary.media_included else
        _("Media: not included (stored in S3; back that bucket up on its own)."),
        _("Secret key: included.") if summary.secret_key_included else
        _("Secret key: not included (it comes from the SECRET_KEY environment variable)."),
    ]
