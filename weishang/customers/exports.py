"""Export a list of customers to Excel, in the columns the import reads back.

The file carries full mobile numbers, so every export is written to the access log (PIPL).
Rows are streamed into the workbook (``core.spreadsheets``), a chunk of customers at a time,
so a list of 200k customers never sits in memory.
"""

from django.db.models import Prefetch

from weishang.core.spreadsheets import Column, XlsxWriter

from . import queries
from .models import AccessAction, AccessLog, CustomerAddress, Gender

#: Customers read from the database at a time.
CHUNK = 2000

#: The headers are Chinese in every language: they are what the import (and Chinese
#: spreadsheet users) read.
COLUMNS = (
    Column("姓名", 12), Column("手机", 14), Column("微信", 16), Column("性别", 6),
    Column("生日", 12), Column("省", 10), Column("市", 10), Column("区", 10), Column("地址", 36),
    Column("标签", 20), Column("来源", 10), Column("订单数", 8), Column("累计消费", 12),
    Column("首次下单", 18), Column("最近下单", 18), Column("添加时间", 18),
)
_GENDER_WORDS = {Gender.MALE: "男", Gender.FEMALE: "女"}


def _row(customer, sources: dict[str, str]) -> list:
    address = customer.default_addresses[0] if customer.default_addresses else None
    return [
        customer.name, customer.phone, customer.wechat_id, _GENDER_WORDS.get(customer.gender, ""),
        customer.birthday, customer.province, customer.city, customer.district,
        address.street if address else "",
        "、".join(tag.name for tag in customer.tags.all()),
        queries.source_channel_name(customer.source_channel, sources),
        customer.order_count, customer.total_spent, customer.first_order_at,
        customer.last_order_at, customer.created_at,
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
    writer = XlsxWriter()
    sheet = writer.add_sheet("客户", COLUMNS)
    sources = dict(queries.source_channel_choices())
    count = 0
    for customer in customers.iterator(chunk_size=CHUNK):
        sheet.append(_row(customer, sources))
        count += 1
    output = writer.save()
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
