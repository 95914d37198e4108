"""The files of bulk shipping: the export sheet of orders to ship, and reading an import.

The export has the columns couriers' label software and 发货 sheets expect (recipient, phone,
address in parts and whole, goods, weight) and leaves 快递公司 / 快递单号 empty to be filled in.
The import (an .xlsx or CSV, read by ``core.spreadsheets``) reads those two columns and 订单号
by their header. Nothing here changes state: services.py checks the rows and ships.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy

from weishang.core import spreadsheets
from weishang.core.address import address_line
from weishang.core.spreadsheets import Column

from .. import carriers
from ..models import Order

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
#: Lines read at most, empty ones included (see ``spreadsheets.Layout``).
MAX_SHEET_LINES = 3 * MAX_ROWS

# --- export ---------------------------------------------------------------------------------

#: The headers stay Chinese in every language: they are what couriers and their software look
#: for. Numbers that must stay digits as typed are text columns.
EXPORT_COLUMNS = (
    Column("订单号", 20, text=True), Column("收件人", 10), Column("手机", 13, text=True),
    Column("省", 10), Column("市", 10), Column("区", 10), Column("详细地址", 30),
    Column("完整地址", 45), Column("商品", 40), Column("件数", 6), Column("重量(kg)", 9),
    Column("备注", 20), Column("快递公司", 12), Column("快递单号", 20, text=True),
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
    return [
        order.number, order.recipient_name, order.recipient_phone, order.province, order.city,
        order.district, order.street,
        address_line(order.province, order.city, order.district, order.street), _goods(order),
        sum(line.quantity for line in order.lines.all()), _weight_kg(order),
        order.customer_note, None, None,
    ]


def export_workbook(orders) -> bytes:
    """The .xlsx file of ``orders`` (their lines and variants prefetched)."""
    writer = spreadsheets.XlsxWriter()
    sheet = writer.add_sheet("发货", EXPORT_COLUMNS)
    for order in orders:
        sheet.append(_export_row(order))
    with writer.save() as output:
        return output.read()


# --- import ---------------------------------------------------------------------------------

#: Accepted headers of each column we read, written as ``spreadsheets.header_key`` leaves them.
IMPORT_HEADERS = {
    "order_number": ("订单号", "订单编号", "ordernumber", "order"),
    "carrier": ("快递公司", "物流公司", "快递", "carrier"),
    "tracking_number": ("快递单号", "运单号", "物流单号", "trackingnumber", "tracking"),
}


def _layout() -> spreadsheets.Layout:
    return spreadsheets.Layout(
        columns=IMPORT_HEADERS, required=IMPORT_HEADERS,
        no_header=gettext_lazy("No header row found: the sheet needs the columns 订单号, "
                               "快递公司 and 快递单号."),
        no_rows=gettext_lazy("The file has no orders in it."),
        too_many_rows=gettext_lazy("The file has more than %(maximum)d orders; split it into "
                                   "smaller files."),
        max_rows=MAX_ROWS, max_bytes=MAX_FILE_BYTES, max_lines=MAX_SHEET_LINES, max_columns=50)
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
    #: What the sheet itself holds wrong (hidden characters), found when it was read.
    unreadable: str = ""

    @property
    def carrier_name(self) -> str:
        return carriers.carrier_name(self.carrier_code) if self.carrier_code else self.carrier

    @property
    def left_blank(self) -> bool:
        """No carrier and no tracking number: the order is not shipped by this file."""
        return not self.carrier and not self.tracking_number


def read_shipping_file(upload) -> list[ShippingRow]:
    """The rows of an uploaded .xlsx (first sheet) or CSV, read by the header row, empty rows
    skipped. Raises InvalidInput (field "file") when the file cannot be read, is too big, has
    no header row with 订单号 / 快递公司 / 快递单号, no rows, or more than MAX_ROWS rows."""
    rows = []
    for line in spreadsheets.read_rows(upload, _layout()):
        texts = {field: line.texts.get(field, "") for field in IMPORT_HEADERS}
        rows.append(ShippingRow(row=line.line, **texts,
                                unreadable=line.problems[0] if line.problems else ""))
    return rows


def rows_to_session(rows: list[ShippingRow]) -> list[dict]:
    """What a preview keeps between the upload and the confirmation (plain JSON)."""
    return [{"row": row.row, "order_number": row.order_number, "carrier": row.carrier,
             "tracking_number": row.tracking_number} for row in rows]


def rows_from_session(data) -> list[ShippingRow]:
    return [ShippingRow(row=int(item["row"]), order_number=str(item["order_number"]),
                        carrier=str(item["carrier"]), tracking_number=str(item["tracking_number"]))
            for item in data or []]


def row_status(row: ShippingRow) -> str:
    """"error", "blank" (not shipped: no carrier or tracking number) or "ok" (to ship)."""
    return "error" if row.error else "blank" if row.left_blank else "ok"


def row_as_dict(row: ShippingRow) -> dict:
    """A checked row for the API."""
    data = asdict(row)
    data["status"] = row_status(row)
    data["carrier"] = row.carrier_code or row.carrier
    del data["carrier_code"], data["unreadable"]
    return data
