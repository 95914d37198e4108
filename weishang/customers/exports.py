"""Export a list of customers to Excel, in the columns the import reads back.

The file carries full mobile numbers, so every export is written to the access log (PIPL).
Rows are streamed into a write-only workbook, a chunk of customers at a time, so a list of
200k customers never sits in memory.
"""

import tempfile

from django.db.models import Prefetch
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from . import queries
from .models import AccessAction, AccessLog, CustomerAddress, Gender

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: Customers read from the database at a time.
CHUNK = 2000
#: Files up to this size stay in memory; bigger ones go to a temporary file.
IN_MEMORY_BYTES = 5 * 1024 * 1024

#: (header, width in characters). The headers are Chinese in every language: they are what
#: the import (and Chinese spreadsheet users) read.
COLUMNS = (
    ("姓名", 12), ("手机", 14), ("微信", 16), ("性别", 6), ("生日", 12), ("省", 10),
    ("市", 10), ("区", 10), ("地址", 36), ("标签", 20), ("来源", 10), ("订单数", 8),
    ("累计消费", 12), ("首次下单", 18), ("最近下单", 18), ("添加时间", 18),
)
_GENDER_WORDS = {Gender.MALE: "男", Gender.FEMALE: "女"}


def _local(moment):
    """Excel has no time zones: the time as read on a clock in the shop's zone."""
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def _row(customer, sources: dict[str, str]) -> list:
    address = customer.default_addresses[0] if customer.default_addresses else None
    return [
        customer.name, customer.phone, customer.wechat_id, _GENDER_WORDS.get(customer.gender, ""),
        customer.birthday, customer.province, customer.city, customer.district,
        address.street if address else "",
        "、".join(tag.name for tag in customer.tags.all()),
        queries.source_channel_name(customer.source_channel, sources),
        customer.order_count, customer.total_spent, _local(customer.first_order_at),
        _local(customer.last_order_at), _local(customer.created_at),
    ]


def export_customers(customers, *, actor, description: str = ""):
    """The .xlsx of ``customers`` (a queryset, in its order; erased ones are left out), as an
    open binary file at its start; logs the export (who, how many, ``description`` of the
    list) in the access log."""
    customers = (
        customers.filter(erased_at__isnull=True)
        .prefetch_related(
            "tags",
            Prefetch("addresses", queryset=CustomerAddress.objects.filter(is_default=True),
                     to_attr="default_addresses"))
    )
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("客户")
    bold = Font(bold=True)
    for index, (_header, width) in enumerate(COLUMNS):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    header = []
    for title, _width in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    sources = dict(queries.source_channel_choices())
    count = 0
    for customer in customers.iterator(chunk_size=CHUNK):
        sheet.append(_row(customer, sources))
        count += 1
    # Handed open to the caller (an HTTP response closes it when sent).
    output = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY_BYTES)  # noqa: SIM115
    workbook.save(output)
    output.seek(0)
    detail = f"{count} · {description}" if description else str(count)
    AccessLog.objects.create(actor=actor, action=AccessAction.EXPORT_LIST,
                             detail=detail[:AccessLog._meta.get_field("detail").max_length])
    return output


def filtered_customers(user, filters: dict):
    """The customers ``user`` may see narrowed by ``filters`` (queries.customer_list's keyword
    arguments), and a short description of the filters for the access log."""
    described = {"q" if name == "text" else name: value for name, value in filters.items()
                 if value not in (None, "")}
    return (queries.customer_list(user, **filters),
            " ".join(f"{name}={value}" for name, value in described.items()))
