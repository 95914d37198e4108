"""Spreadsheets in and out: the one reader of uploaded .xlsx and CSV files, and the one writer of
.xlsx exports. Every import and export goes through them.

Reading (``read_rows``): the file's kind is told by its content, never its name — an .xlsx
(first sheet; read-only mode, values not formulas), or a CSV saved by Excel or WPS in UTF-8,
UTF-8 with a byte-order mark, or GBK/GB18030. Files are streamed row by row, so a 100k-row file
stays small in memory. Columns are found by their header — any of a column's aliases, in any
order, on one of the first lines (some sheets start with a title) — and other columns are
ignored. An .xlsx says in its ``<dimension>`` how far its data goes, and files written by some
tools say it wrong: read-only openpyxl would stop there without a word, so the dimension is
ignored and rows are counted as they are read. Each row comes with its cells as text and the
hidden characters found in them (``weishang.core.text``), for the importer to report.

Writing (``XlsxWriter``): a write-only workbook (memory stays flat for any number of rows) in
which text is written as text — a name such as ``=HYPERLINK(…)`` or ``=cmd|' /C calc'!A0`` is a
string cell, marked so that editing it in Excel keeps it one, never a formula — and hidden
characters already stored are left out, so no stored value can break a file.
"""

import codecs
import csv
import re
import tempfile
import unicodedata
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import openpyxl
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .errors import DomainError, InvalidInput
from .text import printable, text_problem

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: What a file input of an import accepts (its ``accept`` attribute).
ACCEPTED_FILES = ".xlsx,.csv," + XLSX_CONTENT_TYPE + ",text/csv"

_XLSX_SIGNATURE = b"PK\x03\x04"
_OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
_SNIFF_BYTES = 64 * 1024
#: The share of control characters beyond which a file is taken for a binary one.
_MOST_CONTROLS_IN_TEXT = 0.05

# --- cells ----------------------------------------------------------------------------------

_HEADER_NOISE = re.compile(r"\(.*?\)|[*:\s_\-]")


def header_key(value) -> str:
    """'手机号码（必填）', ' Mobile  Number*' → '手机号码', 'mobilenumber'."""
    text = unicodedata.normalize("NFKC", str(value or ""))
    return _HEADER_NOISE.sub("", text).casefold()


def cell_text(value) -> str:
    """A cell as one line of text: 13812345678 or 773123456789012 typed as a number stays
    itself (not 1.38E10), a date is 2026-05-01, whitespace is collapsed."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime) and value == datetime(value.year, value.month, value.day):
        value = value.date()
    return " ".join(str(value).split())


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """What one kind of file holds, its limits, and what to say when it holds nothing."""

    #: Each field's accepted headers, written as ``header_key`` leaves them.
    columns: Mapping[str, Collection[str]]
    #: The fields whose columns make a line the header row.
    required: Collection[str]
    no_header: str
    no_rows: str
    #: With ``%(maximum)d``.
    too_many_rows: str
    max_rows: int
    max_bytes: int
    #: Lines read at most, empty ones included: a tiny file can claim a row far down the
    #: sheet, and the reader would produce every empty line up to it.
    max_lines: int
    #: Columns read per line; anything further right is ignored (and never loaded).
    max_columns: int = 60
    #: How far down the header row may be.
    header_search_rows: int = 10


@dataclass(slots=True)
class SheetRow:
    """One non-empty line under the header."""

    line: int  # as the spreadsheet numbers it (the header of a plain file is line 1)
    values: dict[str, object]  # the non-empty cells by field, as read (numbers, dates, text)
    texts: dict[str, str]  # the same as ``cell_text`` gives them
    problems: list[str]  # hidden characters found, each prefixed with its column's header


def sheet_row(line: int, values: Mapping[str, object],
              labels: Mapping[str, str] | None = None) -> SheetRow:
    """The row of ``values`` by field (empty ones left out), its texts and their problems;
    ``labels`` are the headers as written in the file, to name a column in a problem."""
    values = {field: value for field, value in values.items() if value not in (None, "")}
    texts = {field: cell_text(value) for field, value in values.items()}
    problems = []
    for field, text in texts.items():
        if problem := text_problem(text):
            problems.append(_("%(column)s: %(problem)s") % {
                "column": (labels or {}).get(field, field), "problem": problem})
    return SheetRow(line, values, texts, problems)


def _refuse(message) -> InvalidInput:
    return InvalidInput(message, field="file")


def _unreadable() -> InvalidInput:
    return _refuse(_("This file cannot be read: upload an Excel file (.xlsx) or a CSV file."))


def _size_of(stream) -> int:
    size = stream.seek(0, 2)
    stream.seek(0)
    return size


def _is_utf8(stream) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := stream.read(_SNIFF_BYTES):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
        return True
    except UnicodeDecodeError:
        return False
    finally:
        stream.seek(0)


def text_encoding(stream, head: bytes) -> str:
    """The encoding of a CSV file: its byte-order mark, else UTF-8 if it all decodes, else
    GB18030 (which reads GBK, what Chinese Excel and WPS save CSV in). Refuses a file whose
    start holds NUL or many control characters: it is no text (a stray one in a cell is that
    row's error)."""
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in head:
        raise _unreadable()
    encoding = "utf-8" if _is_utf8(stream) else "gb18030"
    try:
        sample = head.decode(encoding, errors="strict" if encoding == "utf-8" else "ignore")
    except UnicodeDecodeError:  # a UTF-8 character cut at the end of the sample
        sample = head.decode(encoding, errors="ignore")
    controls = sum(1 for char in sample
                   if unicodedata.category(char) == "Cc" and char not in "\t\r\n")
    if controls > len(sample) * _MOST_CONTROLS_IN_TEXT:
        raise _unreadable()
    return encoding


def _csv_lines(stream, encoding: str) -> Iterator[list]:
    reader = codecs.getreader(encoding)(stream)
    try:
        first_line = reader.readline()
        delimiter = max(",\t;", key=first_line.count)
        yield from csv.reader(_chain_first(first_line, reader), delimiter=delimiter)
    except (UnicodeDecodeError, csv.Error):
        raise _unreadable() from None


def _chain_first(first_line: str, reader) -> Iterator[str]:
    yield first_line
    yield from reader


def _xlsx_lines(stream, max_columns: int) -> Iterator[tuple]:
    try:
        workbook = openpyxl.load_workbook(stream, read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    # A damaged or disguised file fails inside openpyxl in many ways (zip, XML, missing parts).
    except Exception:
        raise _unreadable() from None
    try:
        sheet.reset_dimensions()  # a stale <dimension> would end the rows early
        yield from sheet.iter_rows(max_col=max_columns, values_only=True)
    except DomainError:
        raise
    except Exception:
        raise _unreadable() from None
    finally:
        workbook.close()


def _file_lines(stream, layout: Layout) -> Iterator:
    """The lines of an uploaded or opened file (binary, seekable), as lists of cell values."""
    if _size_of(stream) > layout.max_bytes:
        raise _refuse(_("The file is larger than %(size)d MB; split it into smaller files.")
                      % {"size": layout.max_bytes // (1024 * 1024)})
    head = stream.read(_SNIFF_BYTES)
    stream.seek(0)
    if not head:
        raise _refuse(_("The file is empty."))
    if head.startswith(_XLSX_SIGNATURE):
        return _xlsx_lines(stream, layout.max_columns)
    if head.startswith(_OLD_EXCEL_SIGNATURE):
        raise _refuse(_("This is an old Excel file (.xls): open it in Excel or WPS and save it "
                        "as .xlsx or CSV."))
    return _csv_lines(stream, text_encoding(stream, head))


def _header(values, layout: Layout) -> tuple[dict[str, int], dict[str, str]] | None:
    """Which column holds each field and its header as written, if ``values`` is the header
    row (the required fields found); the first of two columns with one field's header wins."""
    positions: dict[str, int] = {}
    labels: dict[str, str] = {}
    for index, value in enumerate(values):
        key = header_key(value)
        for field, headers in layout.columns.items():
            if key in headers and field not in positions:
                positions[field] = index
                labels[field] = cell_text(value)
    return (positions, labels) if set(layout.required) <= positions.keys() else None


def read_rows(stream, layout: Layout) -> Iterator[SheetRow]:
    """The non-empty lines under the header row of ``stream`` (an .xlsx or CSV file, binary and
    seekable). Raises InvalidInput (field "file") when the file cannot be read, is too big, or
    has no header row, no rows or too many."""
    header = None
    count = 0
    for number, values in enumerate(_file_lines(stream, layout), start=1):
        if number > layout.max_lines:
            raise _refuse(_("The sheet has more than %(maximum)d lines; remove the empty ones or "
                            "split it into smaller files.") % {"maximum": layout.max_lines})
        if header is None:
            header = _header(values, layout)
            if header is None and number >= layout.header_search_rows:
                break
            continue
        positions, labels = header
        row = sheet_row(number, {field: values[index] if index < len(values) else None
                                 for field, index in positions.items()}, labels)
        if not any(row.texts.values()):
            continue
        count += 1
        if count > layout.max_rows:
            raise _refuse(layout.too_many_rows % {"maximum": layout.max_rows})
        yield row
    if header is None:
        raise _refuse(layout.no_header)
    if not count:
        raise _refuse(layout.no_rows)


# --- writing --------------------------------------------------------------------------------

#: What makes Excel, WPS or LibreOffice take typed text for a formula.
_FORMULA_STARTS = ("=", "+", "-", "@")
#: Values openpyxl writes as numbers, dates or booleans; anything else is written as text.
_NATIVE_TYPES = (bool, int, float, Decimal, date, time, timedelta)
#: Files up to this size stay in memory; bigger ones go to a temporary file.
IN_MEMORY_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Column:
    header: str
    #: In characters; 0 leaves the spreadsheet's default.
    width: int = 0
    #: The column is formatted as text, so that numbers typed into it later stay as typed
    #: (order and tracking numbers, not 7.7E14).
    text: bool = False


class XlsxSheet:
    """One sheet of an ``XlsxWriter``: its header row (bold, frozen), then ``append``ed rows."""

    def __init__(self, workbook, title: str, columns: Sequence[Column]):
        self._sheet = workbook.create_sheet(title)
        self._text_columns = {index for index, column in enumerate(columns) if column.text}
        for index, column in enumerate(columns):
            dimension = self._sheet.column_dimensions[get_column_letter(index + 1)]
            if column.width:
                dimension.width = column.width
            if column.text:
                dimension.number_format = "@"
        if columns:
            self._sheet.freeze_panes = "A2"  # before the first row: rows are written at once
            bold = Font(bold=True)
            header = [WriteOnlyCell(self._sheet, column.header) for column in columns]
            for cell in header:
                cell.font = bold
            self._sheet.append(header)

    def append(self, values: Iterable) -> None:
        self._sheet.append([self._cell(index, value) for index, value in enumerate(values)])

    def _cell(self, index: int, value):
        """``value`` as openpyxl should write it: plain values as they are, a cell where the
        value needs its type or format fixed."""
        if isinstance(value, datetime) and value.tzinfo is not None:
            # Excel has no time zones: the time as read on a clock in the shop's zone.
            value = timezone.localtime(value).replace(tzinfo=None)
        if isinstance(value, _NATIVE_TYPES):
            return value
        value = printable(str(value)) if value is not None else ""
        text_column = index in self._text_columns
        formula_like = value.startswith(_FORMULA_STARTS) or value in ERROR_CODES
        if not formula_like and not text_column:
            return value or None
        # An empty cell of a text column is written too, formatted for what will be typed in.
        cell = WriteOnlyCell(self._sheet, value or None)
        if value:
            cell.data_type = "s"  # openpyxl made "=…" a formula and "#N/A" an error
        if formula_like:
            cell.quotePrefix = True  # as Excel marks text typed after an apostrophe
        if text_column:
            cell.number_format = "@"
        return cell


class XlsxWriter:
    """An .xlsx written sheet by sheet, row by row; every value is safe to write."""

    def __init__(self):
        self._workbook = openpyxl.Workbook(write_only=True)

    def add_sheet(self, title: str, columns: Sequence[Column] = ()) -> XlsxSheet:
        return XlsxSheet(self._workbook, title, columns)

    def save(self):
        """The file, open at its start (in memory while small); the caller closes it."""
        # Handed open to the caller (an HTTP response closes it when sent).
        output = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
        self._workbook.save(output)
        output.seek(0)
        return output
