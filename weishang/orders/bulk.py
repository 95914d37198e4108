"""Bulk shipping with Excel: export the paid orders waiting to ship, import the tracking numbers.

The export has the columns couriers' label software and 发货 sheets expect (recipient, phone,
address in parts and whole, goods, weight) and leaves 快递公司 / 快递单号 empty to be filled in.
The import reads those two columns (and 订单号) by their header, checks every row, and ships
either every order of the file or none: a file with one wrong row changes nothing.
"""

import io
from dataclasses import asdict, dataclass
from datetime import date
from decimal import Decimal

import openpyxl
from django.db import transaction
from django.db.models import Prefetch
from django.utils.translation import gettext as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from weishang.core.errors import DomainError, InvalidInput

from . import carriers, queries, services
from .models import Order, OrderLine, OrderState

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
#: Lines read at most, empty ones included: a tiny file can claim a row far down the sheet,
#: and the reader would produce every empty line up to it.
MAX_SHEET_LINES = 3 * MAX_ROWS
#: How far down the sheet the header row may be (some sheets start with a title line).
HEADER_SEARCH_ROWS = 10
#: Columns read per row; anything to the right is ignored (and never loaded).
MAX_COLUMNS = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# --- export ---------------------------------------------------------------------------------

#: (header, width in characters). The headers stay Chinese in every language: they are what
#: couriers and their software look for.
EXPORT_COLUMNS = (
    ("订单号", 20), ("收件人", 10), ("手机", 13), ("省", 10), ("市", 10), ("区", 10),
    ("详细地址", 30), ("完整地址", 45), ("商品", 40), ("件数", 6), ("重量(kg)", 9),
    ("备注", 20), ("快递公司", 12), ("快递单号", 20),
)
_TEXT_COLUMNS = ("订单号", "手机", "快递单号")  # digits that must not become numbers


def orders_to_ship(*, date_from: date | None = None, date_to: date | None = None):
    """Paid orders not shipped yet (placed between the dates, both included), oldest paid
    first, with their lines and the lines' variants (for the weight)."""
    return (
        queries.console_orders(state=OrderState.PAID, date_from=date_from, date_to=date_to)
        .prefetch_related(None)
        .prefetch_related(Prefetch("lines", queryset=OrderLine.objects.select_related("variant")
                                   .order_by("id")))
        .order_by("paid_at", "id")
    )


def _goods(order: Order) -> str:
    return "; ".join(
        " ".join(filter(None, (line.product_title, line.spec_label))) + f" × {line.quantity}"
        for line in order.lines.all()
    )


def _weight_kg(order: Order) -> Decimal:
    grams = sum(line.variant.weight_grams * line.quantity for line in order.lines.all())
    return (Decimal(grams) / 1000).quantize(Decimal("0.001"))


def _export_row(order: Order) -> list:
    address = f"{order.province}{order.city}{order.district}{order.street}"
    return [
        order.number, order.recipient_name, order.recipient_phone, order.province, order.city,
        order.district, order.street, address, _goods(order),
        sum(line.quantity for line in order.lines.all()), _weight_kg(order),
        order.customer_note, "", "",
    ]


def export_workbook(orders) -> bytes:
    """The .xlsx file of ``orders`` (their lines and variants prefetched)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "发货"
    sheet.append([header for header, _width in EXPORT_COLUMNS])
    for order in orders:
        sheet.append(_export_row(order))
    bold = Font(bold=True)
    for index, (header, width) in enumerate(EXPORT_COLUMNS, start=1):
        column = get_column_letter(index)
        sheet.column_dimensions[column].width = width
        sheet.cell(row=1, column=index).font = bold
        if header in _TEXT_COLUMNS:
            sheet.column_dimensions[column].number_format = "@"
            for (cell,) in sheet.iter_rows(min_row=2, min_col=index, max_col=index):
                cell.number_format = "@"
    sheet.freeze_panes = "A2"
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


# --- import ---------------------------------------------------------------------------------

#: Accepted headers (compared without spaces, case-insensitive) for each column we read.
_IMPORT_HEADERS = {
    "order_number": {"订单号", "订单编号", "ordernumber", "order"},
    "carrier": {"快递公司", "物流公司", "快递", "carrier"},
    "tracking_number": {"快递单号", "运单号", "物流单号", "trackingnumber", "tracking"},
}
_CARRIER_NAME_SUFFIXES = ("快递包裹", "速运", "速递", "快递", "物流")


def _short_carrier_name(name: str) -> str:
    for suffix in _CARRIER_NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    return name


#: 顺丰速运, 顺丰 and sf all mean "SF".
_CARRIER_BY_NAME = {
    key.casefold(): code
    for code, name in carriers.CARRIERS
    for key in (code, name, _short_carrier_name(name))
}


def carrier_code(text: str) -> str:
    """The carrier's code for its code or (short) Chinese name; "" when it is none of ours."""
    return _CARRIER_BY_NAME.get("".join((text or "").split()).casefold(), "")


@dataclass
class ShippingRow:
    """One line of an imported file: what it says, and what is wrong with it ("" if nothing)."""

    row: int  # the sheet's row number, as the owner sees it in Excel
    order_number: str
    carrier: str  # as written in the file
    tracking_number: str
    error: str = ""
    carrier_code: str = ""

    @property
    def carrier_name(self) -> str:
        return carriers.carrier_name(self.carrier_code) if self.carrier_code else self.carrier


class ShippingFileRefused(InvalidInput):
    """Some rows are wrong (or one failed while shipping); ``rows`` says which and why."""

    def __init__(self, rows: list[ShippingRow], message=None):
        self.rows = rows
        super().__init__(message or _("Some rows are wrong; nothing was shipped."),
                         code="invalid_rows")


def _cell_text(value) -> str:
    """A cell as text: 773123456789012 typed as a number stays 773123456789012, not 7.7E14."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _header_key(value) -> str:
    return "".join(_cell_text(value).split()).casefold()


def _column_positions(row) -> dict[str, int] | None:
    """Which column holds each field, if ``row`` is the header row (all three found)."""
    keys = [_header_key(value) for value in row]
    positions = {}
    for field, names in _IMPORT_HEADERS.items():
        position = next((index for index, key in enumerate(keys) if key in names), None)
        if position is None:
            return None
        positions[field] = position
    return positions


def _open_sheet(upload):
    name = getattr(upload, "name", "") or ""
    if not name.lower().endswith(".xlsx"):
        raise InvalidInput(_("Upload an Excel file (.xlsx)."), field="file")
    if upload.size > MAX_FILE_BYTES:
        raise InvalidInput(
            _("The file is larger than %(size)d MB; split it into smaller files.")
            % {"size": MAX_FILE_BYTES // (1024 * 1024)}, field="file")
    try:
        workbook = openpyxl.load_workbook(upload, read_only=True, data_only=True)
        return workbook, workbook.worksheets[0]
    # A damaged or disguised file fails inside openpyxl in many ways (zip, XML, missing parts).
    except Exception:
        raise InvalidInput(_("This file cannot be read as an Excel (.xlsx) file."),
                           field="file") from None


def read_shipping_file(upload) -> list[ShippingRow]:
    """The rows of an uploaded .xlsx (first sheet), read by the header row, empty rows skipped.
    Raises InvalidInput (field "file") when the file is not a readable .xlsx, is too big, has
    no header row with 订单号 / 快递公司 / 快递单号, no rows, or more than MAX_ROWS rows."""
    workbook, sheet = _open_sheet(upload)
    rows: list[ShippingRow] = []
    positions = None
    try:
        for number, values in enumerate(
                sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
            if number > MAX_SHEET_LINES:
                raise InvalidInput(
                    _("The sheet has more than %(maximum)d lines; remove the empty ones or "
                      "split it into smaller files.") % {"maximum": MAX_SHEET_LINES},
                    field="file")
            if positions is None:
                positions = _column_positions(values)
                if positions is None and number >= HEADER_SEARCH_ROWS:
                    break
                continue
            texts = {field: _cell_text(values[index]) if index < len(values) else ""
                     for field, index in positions.items()}
            if not any(texts.values()):
                continue
            if len(rows) == MAX_ROWS:
                raise InvalidInput(
                    _("The file has more than %(maximum)d orders; split it into smaller files.")
                    % {"maximum": MAX_ROWS}, field="file")
            rows.append(ShippingRow(row=number, **texts))
    except DomainError:
        raise
    except Exception:
        raise InvalidInput(_("This file cannot be read as an Excel (.xlsx) file."),
                           field="file") from None
    finally:
        workbook.close()
    if positions is None:
        raise InvalidInput(
            _("No header row found: the sheet needs the columns 订单号, 快递公司 and 快递单号."),
            field="file")
    if not rows:
        raise InvalidInput(_("The file has no orders in it."), field="file")
    return rows


def _row_error(row: ShippingRow, order: Order | None, first_row: dict[str, int]) -> str:
    if not row.order_number:
        return _("Enter the order number.")
    if first_row[row.order_number] != row.row:
        return _("This order is already in row %(row)d.") % {"row": first_row[row.order_number]}
    if order is None:
        return _("There is no order with this number.")
    if order.state != OrderState.PAID:
        return _("This order is “%(state)s”; only paid orders can be shipped.") % {
            "state": OrderState(order.state).label}
    if not row.carrier:
        return _("Enter the carrier.")
    if not row.carrier_code:
        return _("“%(carrier)s” is not a carrier we know.") % {"carrier": row.carrier}
    try:
        row.tracking_number = carriers.clean_tracking_number(row.carrier_code,
                                                             row.tracking_number)
    except InvalidInput as error:
        return str(error.message)
    return ""


def check_rows(rows: list[ShippingRow]) -> tuple[list[ShippingRow], dict[str, Order]]:
    """Fill each row's ``error`` and ``carrier_code`` (one query for all the orders); returns
    the rows and the orders found, by number."""
    numbers = {row.order_number for row in rows if row.order_number}
    orders = {order.number: order for order in Order.objects.filter(number__in=numbers)}
    first_row: dict[str, int] = {}
    for row in rows:
        first_row.setdefault(row.order_number, row.row)
    for row in rows:
        row.carrier_code = carrier_code(row.carrier)
        row.error = _row_error(row, orders.get(row.order_number), first_row)
    return rows, orders


def apply_shipping(rows: list[ShippingRow], *, actor) -> int:
    """Ship every row's order in one transaction; returns how many. When any row is wrong, or
    shipping one fails (e.g. it was refunded meanwhile), raises ShippingFileRefused with the
    rows and their errors, and nothing is shipped."""
    rows, orders = check_rows(rows)
    if any(row.error for row in rows):
        raise ShippingFileRefused(rows)
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    services.ship_order(orders[row.order_number], actor=actor,
                                        carrier=row.carrier_code,
                                        tracking_number=row.tracking_number)
                except DomainError as error:
                    row.error = str(error.message)
                    raise
    except DomainError:
        raise ShippingFileRefused(
            rows, _("Row %(row)d could not be shipped, so nothing was shipped.")
            % {"row": next(row.row for row in rows if row.error)}) from None
    return len(rows)


def rows_to_session(rows: list[ShippingRow]) -> list[dict]:
    """What a preview keeps between the upload and the confirmation (plain JSON)."""
    return [{"row": row.row, "order_number": row.order_number, "carrier": row.carrier,
             "tracking_number": row.tracking_number} for row in rows]


def rows_from_session(data) -> list[ShippingRow]:
    return [ShippingRow(row=int(item["row"]), order_number=str(item["order_number"]),
                        carrier=str(item["carrier"]), tracking_number=str(item["tracking_number"]))
            for item in data or []]


def row_as_dict(row: ShippingRow) -> dict:
    """A checked row for the API (status "ok" or "error")."""
    data = asdict(row)
    data["status"] = "error" if row.error else "ok"
    data["carrier"] = row.carrier_code or row.carrier
    del data["carrier_code"]
    return data
