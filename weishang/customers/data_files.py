"""One customer's personal data as a file (PIPL Art. 45: a person may have a copy of it).

``services.export_customer`` decides who may and logs it; this module only writes the file:
JSON for machines, Excel with one sheet per part for people.
"""

import io
import json

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

JSON_TYPE = "application/json"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = {"json": JSON_TYPE, "xlsx": XLSX_TYPE}


def as_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode()


def _column_labels() -> dict[str, str]:
    return {
        "id": _("Customer ID"), "name": _("Name"), "mobile": _("Mobile number"),
        "wechat_id": _("WeChat ID"), "gender": _("Gender"), "birthday": _("Birthday"),
        "province": _("Province"), "city": _("City"), "district": _("District"),
        "source_channel": _("Source channel"), "seller": _("Seller"),
        "first_order_at": _("First order"), "last_order_at": _("Last order"),
        "order_count": _("Orders"), "total_spent": _("Total spent"),
        "created_at": _("Added"), "tags": _("Tags"), "recipient": _("Recipient"),
        "street": _("Street address"), "default": _("Default"), "time": _("Time"),
        "by": _("By"), "text": _("Note"), "number": _("Order number"), "state": _("State"),
        "payable": _("Payable"), "address": _("Address"),
    }


def _cell(value):
    if isinstance(value, list):
        return " ".join(str(item) for item in value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    return value


def as_xlsx(data: dict) -> bytes:
    labels = _column_labels()
    sheets = [(_("Customer"), [data["customer"]]), (_("Addresses"), data["addresses"]),
              (_("Notes"), data["notes"]), (_("Orders"), data["orders"])]
    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(title)
        if not rows:
            sheet.append([_("None")])
            continue
        keys = list(rows[0])
        sheet.append([labels.get(key, key) for key in keys])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append([_cell(row[key]) for key in keys])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write(data: dict, file_format: str) -> bytes:
    return as_json(data) if file_format == "json" else as_xlsx(data)


def filename(customer_public_id: str, file_format: str) -> str:
    return f"customer-{customer_public_id[:8]}.{file_format}"
