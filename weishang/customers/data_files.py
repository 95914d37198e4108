"""One customer's personal data as a file (PIPL Art. 45: a person may have a copy of it).

``services.export_customer`` decides who may and logs it; this module only writes the file:
JSON for machines, Excel with one sheet per part for people.
"""

import json

from django.utils.translation import gettext as _

from weishang.core.spreadsheets import XLSX_CONTENT_TYPE, Column, XlsxWriter

JSON_TYPE = "application/json"
FORMATS = {"json": JSON_TYPE, "xlsx": XLSX_CONTENT_TYPE}


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
    writer = XlsxWriter()
    for title, rows in sheets:
        if not rows:
            writer.add_sheet(title).append([_("None")])
            continue
        keys = list(rows[0])
        sheet = writer.add_sheet(title, [Column(labels.get(key, key)) for key in keys])
        for row in rows:
            sheet.append([_cell(row[key]) for key in keys])
    with writer.save() as output:
        return output.read()


def write(data: dict, file_format: str) -> bytes:
    return as_json(data) if file_format == "json" else as_xlsx(data)


def filename(customer_public_id: str, file_format: str) -> str:
    return f"customer-{customer_public_id[:8]}.{file_format}"
