"""Import customers from Excel (.xlsx) or CSV (UTF-8 or GBK), with a preview; merge by mobile.

Files are read by ``core.spreadsheets`` row by row, never whole, so 100k rows stay small in
memory. Columns are found by their header (Chinese or English, in any order, other columns
ignored). ``check_file`` reads
every row and says what would happen (new, merged, wrong rows); ``import_file`` reads the file
again inside one transaction, writing in batches, and rolls everything back when a row is wrong
unless the user chose to skip the bad rows.

A row whose mobile number is already a customer's is merged into that record: it keeps its
seller and only gains what it lacks (empty fields, tags, an address, a note), so importing the
same file twice changes nothing the second time.
"""

import contextlib
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import islice

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from weishang.accounts.models import User
from weishang.core import spreadsheets
from weishang.core.address import Place, read_place, simplified
from weishang.core.db import insert_all, update_each
from weishang.core.errors import Conflict, InvalidInput
from weishang.core.phone import is_mobile, normalize_mobile
from weishang.core.spreadsheets import SheetRow, header_key

from .. import queries, services
from ..models import Customer, CustomerAddress, CustomerNote, Gender, Tag

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 100_000
#: Lines read at most, empty ones included: a small .xlsx can claim a row far down the sheet.
MAX_SHEET_LINES = MAX_ROWS + 10_000
#: Rows checked and written together: one lookup of their numbers, one insert per table.
BATCH_ROWS = 2000
#: Wrong rows kept for the report; beyond that only their count.
MAX_REPORTED_ERRORS = 500
#: The value of ``Customer.source_channel`` for a customer that came from a file.
IMPORT_SOURCE = "import"

# --- columns --------------------------------------------------------------------------------

#: Accepted headers of each column, written as ``header_key`` leaves them.
HEADERS = {
    "name": ("姓名", "客户姓名", "客户名称", "名字", "收货人", "收件人", "联系人", "name",
             "customername"),
    "phone": ("手机", "手机号", "手机号码", "电话", "联系电话", "联系方式", "mobile",
              "mobilenumber", "phone", "phonenumber"),
    "wechat_id": ("微信", "微信号", "wechat", "wechatid", "weixin"),
    "gender": ("性别", "gender", "sex"),
    "birthday": ("生日", "出生日期", "birthday", "dateofbirth", "birthdate"),
    "province": ("省", "省份", "province"),
    "city": ("市", "城市", "city"),
    "district": ("区", "区县", "县区", "district"),
    # One column for the three (WeChat shops and spreadsheets export 广东省 深圳市 南山区).
    "region": ("所在地区", "地区", "省市区", "所在地", "region", "area"),
    "address": ("地址", "详细地址", "收货地址", "address", "street"),
    "tags": ("标签", "tags", "tag"),
    "note": ("备注", "note", "notes", "remark", "remarks"),
    "source": ("来源", "渠道", "来源渠道", "source", "channel"),
}


def _layout() -> spreadsheets.Layout:
    return spreadsheets.Layout(
        columns=HEADERS, required=("name", "phone"),
        no_header=gettext_lazy("No header row found: the first sheet needs a name column (姓名) "
                               "and a mobile number column (手机)."),
        no_rows=gettext_lazy("The file has no customers in it."),
        too_many_rows=gettext_lazy("The file has more than %(maximum)d customers; split it into "
                                   "smaller files."),
        max_rows=MAX_ROWS, max_bytes=MAX_FILE_BYTES, max_lines=MAX_SHEET_LINES)


# --- one row --------------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_EXCEL_EPOCH = date(1899, 12, 30)
_REGION_SEPARATORS = re.compile(r"[\s/,，、\-]")
_GENDERS = {"男": Gender.MALE, "m": Gender.MALE, "male": Gender.MALE, "先生": Gender.MALE,
            "女": Gender.FEMALE, "f": Gender.FEMALE, "female": Gender.FEMALE,
            "女士": Gender.FEMALE}
_LIMITS = {name: Customer._meta.get_field(name).max_length
           for name in ("name", "wechat_id", "province", "city", "district")}
_STREET_LIMIT = CustomerAddress._meta.get_field("street").max_length
_NOTE_LIMIT = CustomerNote._meta.get_field("text").max_length


@dataclass(slots=True)
class ImportRow:
    """One line of a file: what it says, cleaned, and what is wrong with it."""

    row: int  # the sheet's row number, as the user sees it in Excel (the header is row 1)
    name: str = ""
    phone: str = ""
    wechat_id: str = ""
    gender: str = ""
    birthday: date | None = None
    province: str = ""
    city: str = ""
    district: str = ""
    street: str = ""
    tags: tuple[str, ...] = ()
    note: str = ""
    source_channel: str = ""
    errors: list[str] = field(default_factory=list)


def _birthday(value, text: str, today: date) -> date:
    if isinstance(value, datetime | date):
        found = value.date() if isinstance(value, datetime) else value
    elif isinstance(value, int | float) and 1 <= value < 100_000:
        found = _EXCEL_EPOCH + timedelta(days=int(value))  # a date kept as an Excel number
    else:
        found = None
        compact = unicodedata.normalize("NFKC", text).replace(" ", "")
        for pattern in _DATE_PATTERNS:
            if match := pattern.match(compact):
                with contextlib.suppress(ValueError):  # 1990-02-30 is no date either
                    found = date(*(int(part) for part in match.groups()))
                break
    if found is None:
        raise ValueError(_("“%(value)s” is not a date; write it like 1990-05-01.")
                         % {"value": text})
    if not services.EARLIEST_BIRTHDAY <= found <= today:
        raise ValueError(_("The birthday %(date)s cannot be right.") % {"date": found})
    return found


def _region(text: str) -> Place:
    """The region read from the start of ``text``: the parts a reading leaves unsure (南山 in
    two cities) are empty, a former name is today's (闸北区 → 静安区)."""
    return read_place(simplified(text), text)


def _place(row: ImportRow, address: str) -> str:
    """Fill province, city, district and street from the region columns and the address
    column, which may hold a whole address line (广东省深圳市南山区科技园8栋); returns an
    error when the region columns name no place we know. A development zone written as the
    district (苏州市 工业园区) is no district: it goes to the start of the street."""
    place = _region(address) if address else Place()
    row.street = place.street if place.end else address
    given = "".join((row.province, row.city, row.district))
    if not place.end and given:
        place = _region(given)
        if place.street and place.street != place.zone:
            return _("“%(place)s” is not a province, city and district we know.") % {
                "place": " ".join(filter(None, (row.province, row.city, row.district)))}
        if place.zone:
            row.street, row.district = place.zone + row.street, ""
    row.province = place.province or row.province
    row.city = place.city or row.city
    row.district = place.district or row.district
    return ""


def _too_long(label: str, limit: int) -> str:
    return _("%(field)s: at most %(max)d characters.") % {"field": label, "max": limit}


def _domain_message(check, *args, **kwargs) -> str:
    """The message of the InvalidInput ``check`` raises, or "" when it passes."""
    try:
        check(*args, **kwargs)
    except InvalidInput as error:
        return str(error.message)
    return ""


def parse_row(line: SheetRow, channels: dict[str, str], today: date) -> ImportRow:
    """A line of a file (its cells by field, see ``HEADERS``), checked alone by the rules of a
    customer typed by hand (the checks against other rows and the database come after)."""
    texts = line.texts
    row = ImportRow(row=line.line, name=texts.get("name", ""),
                    wechat_id=texts.get("wechat_id", ""), province=texts.get("province", ""),
                    city=texts.get("city", ""), district=texts.get("district", ""),
                    note=texts.get("note", ""))
    errors = row.errors
    errors.extend(line.problems)
    if not row.name:
        errors.append(_("Enter the name."))
    phone = texts.get("phone", "")
    row.phone = normalize_mobile(unicodedata.normalize("NFKC", phone))
    if not phone:
        errors.append(_("Enter the mobile number: customers are matched by it."))
    elif not is_mobile(row.phone):
        errors.append(_("“%(phone)s” is not a mainland China mobile number of 11 digits.")
                      % {"phone": phone})
    if row.wechat_id and not services.WECHAT_ID.match(row.wechat_id):
        errors.append(_("A WeChat ID has only letters, digits, - and _."))
    if gender := texts.get("gender", ""):
        row.gender = _GENDERS.get(gender.casefold(), "")
        if not row.gender:
            errors.append(_("Write the gender as 男 or 女 (or M / F), not “%(value)s”.")
                          % {"value": gender})
    if texts.get("birthday"):
        try:
            row.birthday = _birthday(line.values["birthday"], texts["birthday"], today)
        except ValueError as error:
            errors.append(str(error))
    region = _REGION_SEPARATORS.sub("", texts.get("region", ""))
    errors.append(_place(row, region + texts.get("address", "")))
    if row.street and not (row.province and row.city):
        errors.append(_("The address needs its province and city: fill in the 省 and 市 "
                        "columns or write the whole address."))
    try:
        row.tags = tuple(services.split_tags(texts.get("tags", "")))
    except InvalidInput as error:
        errors.append(str(error.message))
    if source := texts.get("source", ""):
        row.source_channel = channels.get(header_key(source), "")
        if not row.source_channel:
            errors.append(_("“%(source)s” is not a channel we know; use a channel's name, "
                            "or leave it empty.") % {"source": source})
    for name, limit in _LIMITS.items():
        if len(getattr(row, name)) > limit:
            errors.append(_too_long(str(Customer._meta.get_field(name).verbose_name), limit))
    if len(row.street) > _STREET_LIMIT:
        errors.append(_too_long(_("address"), _STREET_LIMIT))
    if len(row.note) > _NOTE_LIMIT:
        errors.append(_too_long(_("note"), _NOTE_LIMIT))
    for text in (row.name, row.street, row.note):
        errors.append(_domain_message(services.refuse_id_numbers, text, field=""))
    row.errors = list(dict.fromkeys(filter(None, errors)))
    return row


#: Words sheets use for the sources that are no marketing channel, besides their code and name.
SOURCE_SYNONYMS = {
    "shop": ("店铺", "小店", "商城"),
    "chat": ("代客下单", "私聊"),
    IMPORT_SOURCE: ("导入",),
}


def channel_codes() -> dict[str, str]:
    """Source text (as ``header_key`` leaves it) → the source code a customer records: codes,
    names in every language of the site (an export made in English imports in Chinese) and
    the usual synonyms."""
    codes = {header_key(word): code for code, words in SOURCE_SYNONYMS.items() for word in words}
    for language, _name in settings.LANGUAGES:
        with translation.override(language):
            for code, name in queries.source_channel_choices():
                codes[header_key(name)] = code
                codes[header_key(code)] = code
    return codes


def read_rows(stream) -> Iterator[ImportRow]:
    """The non-empty rows under the header row of ``stream`` (an .xlsx or CSV file, binary
    and seekable), parsed and checked one by one. Raises InvalidInput (field "file") when the
    file cannot be read, is too big, has no header row or no rows, or too many rows."""
    channels = channel_codes()
    today = timezone.localdate()
    for line in spreadsheets.read_rows(stream, _layout()):
        yield parse_row(line, channels, today)


# --- the whole file -------------------------------------------------------------------------


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
    """Preview: what importing ``stream`` would do. Writes nothing."""
    return _Importer(actor=actor, write=False).run(read_rows(stream))


def import_file(stream, *, actor: User, skip_bad_rows: bool = False) -> ImportReport:
    """Import the customers of ``stream`` in one transaction. When rows are wrong, raises
    ImportRefused (nothing imported) unless ``skip_bad_rows``, which imports the others."""
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


def row_as_dict(row: ImportRow) -> dict:
    """A wrong row for the API and the command."""
    return {"row": row.row, "name": row.name, "phone": row.phone, "errors": row.errors}
