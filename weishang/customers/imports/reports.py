"""What importing a file would do (the preview) or did: counts and the wrong rows."""

from dataclasses import dataclass, field

from django.utils.translation import ngettext

from weishang.core.errors import InvalidInput

from .rows import ImportRow

#: Wrong rows kept for the report; beyond that only their count.
MAX_REPORTED_ERRORS = 500


@dataclass
class ImportReport:
    """What a file holds (preview) or did (import)."""

    rows: int = 0
    new: int = 0
    merged: int = 0
    error_count: int = 0
    #: The first MAX_REPORTED_ERRORS wrong rows, in file order.
    error_rows: list[ImportRow] = field(default_factory=list)
    applied: bool = False

    @property
    def skipped(self) -> int:
        return self.error_count

    def add_error(self, row: ImportRow) -> None:
        self.error_count += 1
        if len(self.error_rows) < MAX_REPORTED_ERRORS:
            self.error_rows.append(row)


class ImportRefused(InvalidInput):
    """Some rows are wrong and the user did not choose to skip them; nothing was imported."""

    def __init__(self, report: ImportReport):
        self.report = report
        super().__init__(
            ngettext("%(count)d row is wrong; nothing was imported. Correct it, or choose to "
                     "skip it.",
                     "%(count)d rows are wrong; nothing was imported. Correct them, or choose "
                     "to skip them.", report.error_count) % {"count": report.error_count},
            code="invalid_rows")


def row_as_dict(row: ImportRow) -> dict:
    """A wrong row for the API and the command."""
    return {"row": row.row, "name": row.name, "phone": row.phone, "errors": row.errors}
