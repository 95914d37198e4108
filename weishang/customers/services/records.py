"""Customer records by hand: the customer-care settings row, the search keys stored beside a
record, the cleaning of what people typed, and adding, changing, noting and addressing a
customer. ``visible_customer`` and ``seller_for`` decide whose records an actor may touch.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Role, User
from weishang.accounts.permissions import require_manager_or_agent
from weishang.core.cleaning import clean_line
from weishang.core.db import update_each
from weishang.core.errors import Conflict, InvalidInput, NotFound
from weishang.core.models import max_length_of
from weishang.core.phone import normalize_mobile, validate_mobile
from weishang.core.pinyin import search_keys
from weishang.orders import services as orders

from .. import queries
from ..models import (
    NAME_KEY_FIELDS,
    Customer,
    CustomerAddress,
    CustomerNote,
    Gender,
    Tag,
)

MAX_TAGS = 20
#: Between tags, as people and other tools write lists: 宝妈,老客户 · 宝妈|老客户 · 宝妈/老客户 …
TAG_SEPARATORS = re.compile(r"[,，、;；|｜/／\s]+")
#: The separators as the pages name them.
TAG_SEPARATORS_SHOWN = ", ， 、 ; ； | /"
# 18-digit resident ID (6-digit area, birth date 19xx/20xx, 3-digit sequence, check digit).
# Sellers must not keep them (PIPL data minimisation): refused wherever free text is stored.
ID_NUMBER = re.compile(
    r"(?<!\d)[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?!\d)")
WECHAT_ID = re.compile(r"^[A-Za-z0-9_\-]+$")
EARLIEST_BIRTHDAY = date(1900, 1, 1)


def search_fields(*, name: str, phone: str, birthday: date | None,
                  wechat_id: str = "") -> dict:
    """The search keys stored beside a customer's own fields (also used by the bulk import):
    each reading of the name in its pair of columns (NAME_KEY_FIELDS), the WeChat ID in lower
    case, the number's last 4 digits and the birthday's month and day."""
    readings = search_keys(name or "")
    fields = {}
    for index, (full_field, initials_field) in enumerate(NAME_KEY_FIELDS):
        full, initials = readings[index] if index < len(readings) else ("", "")
        fields[full_field] = full[:max_length_of(Customer, full_field)]
        fields[initials_field] = initials[:max_length_of(Customer, initials_field)]
    return {**fields, "wechat_key": (wechat_id or "").lower(), "phone_last4": (phone or "")[-4:],
            "birthday_md": birthday.strftime("%m-%d") if birthday else ""}


def _refresh_search_fields(customer: Customer) -> None:
    for field, value in _search_fields_of(customer).items():
        setattr(customer, field, value)


def _search_fields_of(customer: Customer) -> dict:
    return search_fields(name=customer.name, phone=customer.phone, birthday=customer.birthday,
                         wechat_id=customer.wechat_id)


def refresh_search_keys(*, batch_size: int = 2000) -> int:
    """Recompute every customer's search keys (after the pinyin library or the surname table
    changed); returns how many changed. Works in batches so 200k customers fit in memory."""
    changed = 0
    last_pk = 0
    fields = list(search_fields(name="", phone="", birthday=None))
    while True:
        batch = list(Customer.objects.filter(pk__gt=last_pk, erased_at__isnull=True)
                     .order_by("pk").only("pk", "name", "phone", "birthday", "wechat_id",
                                          *fields)[:batch_size])
        if not batch:
            return changed
        stale = []
        for customer in batch:
            keys = _search_fields_of(customer)
            if any(getattr(customer, field) != value for field, value in keys.items()):
                stale.append([*(keys[field] for field in fields), customer.pk])
        # One statement run per stale customer (core.db), not bulk_update's CASE over every
        # key of every row.
        if stale:
            update_each(Customer, fields, stale)
        changed += len(stale)
        last_pk = batch[-1].pk


# ---------------------------------------------------------------------------------------------
# Cleaning what people typed


def refuse_id_numbers(text: str, *, field: str) -> None:
    """Sellers keep only what they need: an ID card number has no place in a customer record."""
    if ID_NUMBER.search(text or ""):
        raise InvalidInput(_("Do not store ID card numbers: remove the number and save again."),
                           field=field)


def _clean_phone(value, *, required: bool = False) -> str:
    phone = normalize_mobile(str(value or ""))
    if not phone:
        if required:
            raise InvalidInput(_("Enter the mobile number."), field="phone")
        return ""
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        raise InvalidInput(exc.messages[0], field="phone") from None
    return phone


def _clean_wechat_id(value) -> str:
    wechat_id = str(value or "").strip()
    limit = max_length_of(Customer, "wechat_id")
    if len(wechat_id) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field="wechat_id")
    if wechat_id and not WECHAT_ID.match(wechat_id):
        raise InvalidInput(_("A WeChat ID has only letters, digits, - and _."),
                           field="wechat_id")
    return wechat_id


def _clean_gender(value) -> str:
    value = value or Gender.UNKNOWN
    if value not in Gender.values:
        raise InvalidInput(_("Choose a valid gender."), field="gender")
    return value


def _clean_birthday(value, *, today: date | None = None) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            raise InvalidInput(_("Enter the birthday as a date, e.g. 1990-05-20."),
                               field="birthday") from None
    if not EARLIEST_BIRTHDAY <= value <= (today or timezone.localdate()):
        raise InvalidInput(_("Enter a birthday between 1900 and today."), field="birthday")
    return value


def _clean_region(province, city, district) -> tuple[str, str, str]:
    from weishang.core import address  # the divisions data is loaded on first use

    province = clean_line(province, field="province", limit=max_length_of(Customer, "province"))
    city = clean_line(city, field="city", limit=max_length_of(Customer, "city"))
    district = clean_line(district, field="district", limit=max_length_of(Customer, "district"))
    if province and province not in address.provinces():
        raise InvalidInput(_("Choose a province from the list."), field="province")
    if city and (not province or city not in address.cities(province)):
        raise InvalidInput(_("Choose a city of the province."), field="city")
    if district and (not city or district not in address.districts(province, city)):
        raise InvalidInput(_("Choose a district of the city."), field="district")
    return province, city, district


def _clean_source_channel(value) -> str:
    value = str(value or "").strip()
    if value and value not in dict(queries.source_channel_choices()):
        raise InvalidInput(_("Choose a source channel from the list."), field="source_channel")
    return value


def split_tags(text) -> list[str]:
    """'VIP, 宝妈|老客户' → ['VIP', '宝妈', '老客户'] (see TAG_SEPARATORS; duplicates once)."""
    if isinstance(text, (list, tuple)):
        text = " ".join(str(item) for item in text)
    names = list(dict.fromkeys(name for name in TAG_SEPARATORS.split(str(text or "")) if name))
    limit = max_length_of(Tag, "name")
    too_long = [name for name in names if len(name) > limit]
    if too_long:
        raise InvalidInput(_("A tag has at most %(limit)d characters: %(tag)s")
                           % {"limit": limit, "tag": too_long[0]}, field="tags")
    if len(names) > MAX_TAGS:
        raise InvalidInput(_("At most %(count)d tags per customer.") % {"count": MAX_TAGS},
                           field="tags")
    return names


def _tags_named(names: list[str]) -> list[Tag]:
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=name) for name in names if name not in existing]
    if missing:
        Tag.objects.bulk_create(missing, ignore_conflicts=True)
        existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [existing[name] for name in names]


# ---------------------------------------------------------------------------------------------
# Customer records by hand

PROFILE_FIELDS = ("name", "phone", "wechat_id", "gender", "birthday", "province", "city",
                  "district", "source_channel")


def _clean_profile(fields: dict, *, current: Customer | None = None) -> dict:
    unknown = set(fields) - set(PROFILE_FIELDS) - {"tags"}
    if unknown:
        raise InvalidInput(_("Unknown field: %(field)s") % {"field": sorted(unknown)[0]})
    merged = {name: getattr(current, name) if current else "" for name in PROFILE_FIELDS}
    if current is None:
        merged["birthday"] = None
    merged.update({name: value for name, value in fields.items() if name != "tags"})
    name = clean_line(merged["name"], field="name", limit=max_length_of(Customer, "name"),
                      missing=_("Enter the customer's name."))
    refuse_id_numbers(name, field="name")
    province, city, district = _clean_region(merged["province"], merged["city"],
                                             merged["district"])
    return {
        "name": name,
        "phone": _clean_phone(merged["phone"]),
        "wechat_id": _clean_wechat_id(merged["wechat_id"]),
        "gender": _clean_gender(merged["gender"]),
        "birthday": _clean_birthday(merged["birthday"]),
        "province": province, "city": city, "district": district,
        "source_channel": _clean_source_channel(merged["source_channel"]),
    }


def _already_a_customer() -> Conflict:
    # Only the seller's own records are compared: whether another seller knows the number is
    # none of this seller's business, and answering it would tell them.
    return Conflict(_("A customer with this mobile number is in your list already."),
                    code="customer_exists")


def _save_profile(customer: Customer, profile: dict) -> None:
    if profile["phone"] and Customer.objects.filter(seller_id=customer.seller_id).with_phones(
            profile["phone"]).exclude(pk=customer.pk).exists():
        raise _already_a_customer()
    for field, value in profile.items():
        setattr(customer, field, value)
    _refresh_search_fields(customer)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # Another request saved the same number in between.
        raise _already_a_customer() from None


def visible_customer(actor, customer: Customer, *, lock: bool = False,
             erased_ok: bool = False) -> Customer:
    """The customer as stored now, if ``actor`` may see it (NotFound otherwise), locked for the
    rest of the transaction when asked; Conflict once erased unless ``erased_ok``."""
    customers = queries.customers_for(actor)
    current = (customers.select_for_update() if lock else customers).filter(
        pk=customer.pk).first()
    if current is None:
        raise NotFound(_("No such customer."))
    if current.is_erased and not erased_ok:
        raise Conflict(_("This customer's data was erased."), code="erased")
    return current


def seller_for(actor: User) -> User:
    """Whose customer a record made by ``actor`` is: an agent's own; anyone else's (the owner,
    staff) the owner's shop's."""
    if actor.role == Role.AGENT:
        return actor
    owner = User.objects.filter(role=Role.OWNER).first()
    if owner is None:
        raise Conflict(_("There is no owner yet; create the owner first."))
    return owner


@transaction.atomic
def create_customer(actor, *, seller=None, **fields) -> Customer:
    """A customer added by hand (e.g. met in a WeChat group before any order), to ``seller``'s
    list: by default ``actor``'s own for an agent, the owner's shop's for the owner and staff."""
    require_manager_or_agent(actor, "customers")
    profile = _clean_profile(fields)
    names = split_tags(fields.get("tags", ""))
    customer = Customer(seller=seller or seller_for(actor))
    _save_profile(customer, profile)
    customer.tags.set(_tags_named(names))
    return customer


@transaction.atomic
def update_customer(actor, customer: Customer, **fields) -> Customer:
    """Change what the seller knows about a customer; fields left out stay as they are."""
    customer = visible_customer(actor, customer, lock=True)
    profile = _clean_profile(fields, current=customer)
    _save_profile(customer, profile)
    if "tags" in fields:
        customer.tags.set(_tags_named(split_tags(fields["tags"])))
    return customer


def add_note(actor, customer: Customer, text) -> CustomerNote:
    """A timestamped note by ``actor`` (notes are never edited: add a newer one instead)."""
    customer = visible_customer(actor, customer)
    text = str(text or "").strip()
    if not text:
        raise InvalidInput(_("Write the note."), field="text")
    limit = CustomerNote._meta.get_field("text").max_length
    if len(text) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field="text")
    refuse_id_numbers(text, field="text")
    return CustomerNote.objects.create(customer=customer, author=actor, text=text)


def _address_fields(recipient: orders.Recipient) -> dict:
    return {"recipient_name": recipient.name, "phone": recipient.phone,
            "province": recipient.province, "city": recipient.city,
            "district": recipient.district, "street": recipient.street}


def _add_address(customer: Customer, recipient: orders.Recipient) -> CustomerAddress | None:
    """Keep the address unless the customer has it already; the first one is the default."""
    fields = _address_fields(recipient)
    if customer.addresses.filter(**fields).exists():
        return None
    return CustomerAddress.objects.create(customer=customer, **fields,
                                          is_default=not customer.addresses.exists())


@transaction.atomic
def add_address(actor, customer: Customer, recipient: orders.Recipient) -> CustomerAddress:
    """An address typed (or pasted) by the seller, checked like an order's recipient."""
    customer = visible_customer(actor, customer)
    # The same rules as an order's recipient, so an address kept here can be shipped to.
    cleaned = orders.clean_recipient(recipient)
    refuse_id_numbers(cleaned.street, field="street")
    address = _add_address(customer, cleaned)
    if address is None:
        raise Conflict(_("The customer has this address already."), code="duplicate_address")
    return address


@transaction.atomic
def remove_address(actor, customer: Customer, address_id: int) -> None:
    customer = visible_customer(actor, customer)
    removed = customer.addresses.filter(pk=address_id).first()
    if removed is None:
        raise NotFound(_("No such address."))
    removed.delete()
    if removed.is_default:
        following = customer.addresses.first()
        if following:
            customer.addresses.filter(pk=following.pk).update(is_default=True)
