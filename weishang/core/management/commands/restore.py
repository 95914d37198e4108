from pathlib import Path

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from weishang.core import backup
from weishang.core.management.commands.backup import describe


class Command(BaseCommand):
    help = ("Restore an archive made by `weishang backup` into this instance: its database, "
            "media files and secret key. The instance must be empty (a new database, or one "
            "just migrated) unless --replace. The whole archive is checked first; a damaged, "
            "foreign or newer archive is refused and nothing changes. Stop the server, worker "
            "and beat first.")

    def add_arguments(self, parser):
        parser.add_argument("file", help=_("The archive to restore."))
        parser.add_argument("--replace", action="store_true",
                            help=_("Overwrite this instance's data, media and secret key."))

    def handle(self, *args, file, replace, **options):
        restored = backup.restore(Path(file), replace=replace)
        summary = restored.archive
        self.stdout.write(_("Restored %(file)s, made %(created)s by Weishang %(version)s.") % {
            "file": summary.path, "created": summary.created,
            "version": summary.weishang_version})
        for line in describe(summary):
            self.stdout.write(f"  {line}")
        if restored.migrated:
            self.stdout.write(_("The backup's schema was older: migrations were applied."))
        if restored.secret_key_note:
            self.stderr.write(restored.secret_key_note)
