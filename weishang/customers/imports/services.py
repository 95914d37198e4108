"""Import customers from Excel (.xlsx) or CSV (UTF-8 or GBK), with a preview; merge by mobile.

``check_file`` reads every row (``rows``) and says what would happen (new, merged, wrong rows);
``import_file`` reads the file again inside one transaction, writing in batches, and rolls
everything back when a row is wrong unless the user chose to skip the bad rows.

A row whose mobile number is already a customer's is merged into that record: it keeps its
seller and only gains what it lacks (empty fields, tags, an address, a note), so importing the
same file twice changes nothing the second time.

An upload waits for its import in the data folder (never in a public one) under an unguessable
name (``stage_upload``), since the import reads the file again after the preview.

The export writes a list of customers to Excel in the columns the import reads back. The file
carries full mobile numbers, so every export is written to the access log (PIPL). Rows are
streamed into the workbook (``core.spreadsheets``), a chunk of customers at a time, so a list of
200k customers never sits in memory.
"""

import secrets
import time
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import User
from weishang.accounts.permissions import require_manager, require_manager_or_agent
from weishang.core.db import insert_all, update_each
from weishang.core.errors import Conflict
from weishang.core.phone import is_mobile
from weishang.core.spreadsheets import Column, XlsxWriter

from .. import queries, services
from ..models import AccessAction, AccessLog, Customer, CustomerAddress, CustomerNote, Gender, Tag
from .reports import ImportRefused, ImportReport
from .rows import IMPORT_SOURCE, ImportRow, read_rows

#: Rows checked and written together: one lookup of their numbers, one insert per table.
BATCH_ROWS = 2000
#: Staged uploads older than this are removed when the next one arrives.
STAGED_FILE_SECONDS = 24 * 3600


def _batches(rows: Iterable[ImportRow]) -> Iterator[list[ImportRow]]:
    rows = iter(rows)
    while batch := list(islice(rows, BATCH_ROWS)):
        yield batch


class _Importer:
    """Checks rows batch by batch against the file so far and the database; writes them when
    ``write`` is set (inside the caller's transaction)."""

    def __init__(self, *, actor: User, write: bool):
        self.actor = actor
        self.seller = services.seller_for(actor)
        self.write = write
        self.report = ImportReport()
        self.first_row_of_phone: dict[str, int] = {}

    def run(self, rows: Iterable[ImportRow]) -> ImportReport:
        for batch in _batches(rows):
            self.report.rows += len(batch)
            for row in batch:
                self._check_repeat(row)
            good = [row for row in batch if not row.errors]
            existing = self._existing(good)
            good = [row for row in good if not row.errors]
            for row in batch:
                if row.errors:
                    self.report.add_error(row)
            merged = [row for row in good if row.phone in existing]
            new = [row for row in good if row.phone not in existing]
            self.report.new += len(new)
            self.report.merged += len(merged)
            if self.write:
                self._save(new, merged, existing)
        return self.report

    def _check_repeat(self, row: ImportRow) -> None:
        if not row.phone or not is_mobile(row.phone):
            return
        first = self.first_row_of_phone.setdefault(row.phone, row.row)
        if first != row.row:
            row.errors.append(_("Row %(row)d has the same mobile number.") % {"row": first})

    def _sellers_customers(self):
        return Customer.objects.filter(seller=self.seller)

    def _existing(self, rows: list[ImportRow]) -> dict[str, Customer]:
        """The seller's customers with these rows' numbers (other sellers' records of the same
        people are theirs: the import neither sees nor touches them)."""
        return {customer.phone: customer for customer in
                self._sellers_customers().with_phones(*(row.phone for row in rows))}

    # --- writing ---

    def _save(self, new: list[ImportRow], merged: list[ImportRow],
              existing: dict[str, Customer]) -> None:
        insert_all([self._new_customer(row) for row in new])
        ids = dict(self._sellers_customers().with_phones(*(row.phone for row in new))
                   .values_list("phone", "pk"))
        self._fill_blanks(merged, existing)
        merged_ids = {existing[row.phone].pk for row in merged}
        ids.update((row.phone, existing[row.phone].pk) for row in merged)
        rows = new + merged
        self._add_tags(rows, ids)
        self._add_addresses(rows, ids, merged_ids=merged_ids)
        self._add_notes(rows, ids)

    def _new_customer(self, row: ImportRow) -> Customer:
        return Customer(
            seller=self.seller, name=row.name, phone=row.phone, wechat_id=row.wechat_id,
            gender=row.gender, birthday=row.birthday, province=row.province, city=row.city,
            district=row.district, source_channel=row.source_channel or IMPORT_SOURCE,
            **services.search_fields(name=row.name, phone=row.phone, birthday=row.birthday,
                                     wechat_id=row.wechat_id))

    _FILLABLE = ("wechat_id", "gender", "birthday", "source_channel")
    _REGION = ("province", "city", "district")

    def _fill_blanks(self, rows: list[ImportRow], existing: dict[str, Customer]) -> None:
        # One UPDATE per set of changed fields, run for each customer (executemany):
        # bulk_update's CASE over every field of every row costs seconds per thousand rows.
        changed: dict[tuple[str, ...], list[list]] = {}
        for row in rows:
            customer = existing[row.phone]
            changes = {name: getattr(row, name) for name in self._FILLABLE
                       if not getattr(customer, name) and getattr(row, name)}
            if not customer.province and row.province:  # the region goes as one, or not
                changes.update({name: getattr(row, name) for name in self._REGION})
            keys = services.search_fields(name="", phone="", birthday=row.birthday,
                                          wechat_id=row.wechat_id)
            if "birthday" in changes:
                changes["birthday_md"] = keys["birthday_md"]
            if "wechat_id" in changes:
                changes["wechat_key"] = keys["wechat_key"]
            if changes:
                changed.setdefault(tuple(changes), []).append([*changes.values(), customer.pk])
        now = timezone.now()
        for names, values in changed.items():
            update_each(Customer, [*names, "updated_at"],
                        [[*changes[:-1], now, changes[-1]] for changes in values])

    def _add_tags(self, rows: list[ImportRow], ids: dict[str, int]) -> None:
        names = {tag for row in rows for tag in row.tags}
        if not names:
            return
        Tag.objects.bulk_create([Tag(name=name) for name in names], ignore_conflicts=True)
        tag_ids = dict(Tag.objects.filter(name__in=names).values_list("name", "id"))
        link = Customer.tags.through
        insert_all([link(customer_id=ids[row.phone], tag_id=tag_ids[tag])
                    for row in rows for tag in row.tags], ignore_conflicts=True)

    def _add_addresses(self, rows: list[ImportRow], ids: dict[str, int], *,
                       merged_ids: set[int]) -> None:
        rows = [row for row in rows if row.street]
        known: dict[int, set] = {}
        for customer_id, *place, is_default in CustomerAddress.objects.filter(
                customer_id__in=[ids[row.phone] for row in rows if ids[row.phone] in merged_ids]
        ).values_list("customer_id", "province", "city", "district", "street", "is_default"):
            known.setdefault(customer_id, set()).add(tuple(place))
            if is_default:
                known[customer_id].add("default")
        addresses = []
        for row in rows:
            customer_id = ids[row.phone]
            if (row.province, row.city, row.district, row.street) in known.get(customer_id, ()):
                continue
            addresses.append(CustomerAddress(
                customer_id=customer_id, recipient_name=row.name, phone=row.phone,
                province=row.province, city=row.city, district=row.district, street=row.street,
                is_default="default" not in known.get(customer_id, ())))
        insert_all(addresses)

    def _add_notes(self, rows: list[ImportRow], ids: dict[str, int]) -> None:
        rows = [row for row in rows if row.note]
        written = set(CustomerNote.objects.filter(
            customer_id__in=[ids[row.phone] for row in rows],
            text__in={row.note for row in rows},
        ).values_list("customer_id", "text"))
        insert_all([CustomerNote(customer_id=ids[row.phone], author=self.actor, text=row.note)
                    for row in rows if (ids[row.phone], row.note) not in written])


def check_file(stream, *, actor: User) -> ImportReport:
    """Preview: what importing ``stream`` would do. Writes nothing. Customer managers and
    agents (into their own list) may import."""
    require_manager_or_agent(actor, "customers")
    return _Importer(actor=actor, write=False).run(read_rows(stream))


def import_file(stream, *, actor: User, skip_bad_rows: bool = False) -> ImportReport:
    """Import the customers of ``stream`` in one transaction. When rows are wrong, raises
    ImportRefused (nothing imported) unless ``skip_bad_rows``, which imports the others."""
    require_manager_or_agent(actor, "customers")
    try:
        with transaction.atomic():
            report = _Importer(actor=actor, write=True).run(read_rows(stream))
            if report.error_count and not skip_bad_rows:
                raise ImportRefused(report)
    except IntegrityError:
        # Someone added a customer with one of these numbers while the file was importing.
        raise Conflict(_("Customers changed while the file was importing; nothing was "
                         "imported. Import it again.")) from None
    report.applied = True
    return report


# --- uploads waiting for their import -------------------------------------------------------


def _staging_folder() -> Path:
    folder = Path(settings.DATA_DIR) / "customer-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def stage_upload(upload) -> str:
    """Keep ``upload`` under a new token (and drop forgotten ones); returns the token."""
    folder = _staging_folder()
    cutoff = time.time() - STAGED_FILE_SECONDS
    for old in folder.iterdir():
        if old.stat().st_mtime < cutoff:
            old.unlink(missing_ok=True)
    token = secrets.token_urlsafe(16)
    with open(folder / token, "wb") as staged:
        for chunk in upload.chunks():
            staged.write(chunk)
    return token


def staged_path(token: str) -> Path:
    return _staging_folder() / token


def discard_staged(token: str) -> None:
    staged_path(token).unlink(missing_ok=True)


# --- export ---------------------------------------------------------------------------------

#: Customers read from the database at a time by the export.
EXPORT_CHUNK = 2000

#: The headers are Chinese in every language: they are what the import (and Chinese
#: spreadsheet users) read.
EXPORT_COLUMNS = (
    Column("姓名", 12), Column("手机", 14), Column("微信", 16), Column("性别", 6),
    Column("生日", 12), Column("省", 10), Column("市", 10), Column("区", 10), Column("地址", 36),
    Column("标签", 20), Column("来源", 10), Column("订单数", 8), Column("累计消费", 12),
    Column("首次下单", 18), Column("最近下单", 18), Column("添加时间", 18),
)
_GENDER_WORDS = {Gender.MALE: "男", Gender.FEMALE: "女"}


def _export_row(customer, sources: dict[str, str]) -> list:
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
    list) in the access log. Only customer managers export lists."""
    require_manager(actor, "customers")
    customers = (
        customers.filter(erased_at__isnull=True)
        .prefetch_related(
            "tags",
            Prefetch("addresses", queryset=CustomerAddress.objects.filter(is_default=True),
                     to_attr="default_addresses"))
    )
    writer = XlsxWriter()
    sheet = writer.add_sheet("客户", EXPORT_COLUMNS)
    sources = dict(queries.source_channel_choices())
    count = 0
    for customer in customers.iterator(chunk_size=EXPORT_CHUNK):
        sheet.append(_export_row(customer, sources))
        count += 1
    output = writer.save()
    detail = f"{count} · {description}" if description else str(count)
    AccessLog.objects.create(actor=actor, action=AccessAction.EXPORT_LIST,
                             detail=detail[:AccessLog._meta.get_field("detail").max_length])
    return output
