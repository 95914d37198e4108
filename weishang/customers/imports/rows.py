"""Reading a customer file: its columns, and each row checked alone by the rules of a customer
typed by hand (the checks against other rows and the database are the importer's, in
``services``).

Files are read by ``core.spreadsheets`` row by row, never whole, so 100k rows stay small in
memory. Columns are found by their header (Chinese or English, in any order, other columns
ignored).
"""

import contextlib
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weishang.core import spreadsheets
from weishang.core.address import Place, read_place, simplified
from weishang.core.errors import InvalidInput
from weishang.core.phone import is_mobile, normalize_mobile
from weishang.core.spreadsheets import SheetRow, header_key

from .. import queries, services
from ..models import Customer, CustomerAddress, CustomerNote, Gender

MAX_FILE_BYTES = 30 * 1024 * 1024
MAX_ROWS = 100_000
#: Lines read at most, empty ones included: a small .xlsx can claim a row far down the sheet.
MAX_SHEET_LINES = MAX_ROWS + 10_000
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
