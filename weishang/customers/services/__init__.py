"""Every change of a customer record: from orders, by hand, and under PIPL (reveal, export,
erase).

A customer record is one seller's relationship with a person (models): an order is linked to
the record of its shop's seller, found by mobile number or made, so a seller's records hold
only what was bought in their shop and given to it. Records made from orders keep the
seller's edits (a corrected name stays corrected); the order statistics are always recomputed
from the orders themselves, so they cannot drift. Who may see a full number, and every time
somebody did, is decided and written down here; erasure takes the person's data from every
seller once none of their orders is still under way.
"""

import re
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Min, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts.models import Role, User
from weishang.core.errors import Conflict, InvalidInput, NotFound, NotPermitted
from weishang.core.models import max_length_of
from weishang.core.money import to_money
from weishang.core.phone import mask_mobile, normalize_mobile, validate_mobile
from weishang.core.pinyin import search_keys
from weishang.orders import services as orders
from weishang.orders.models import SALE_STATES, Order, OrderChannel, OrderKind

from .. import queries
from ..models import (
    NAME_KEY_FIELDS,
    AccessAction,
    AccessLog,
    Customer,
    CustomerAddress,
    CustomerNote,
    CustomerOrder,
    CustomerQuerySet,
    CustomerSettings,
    FollowUp,
    Gender,
    ReminderHandled,
    Tag,
)

#: Stored instead of an erased customer's name; pages show a translated label instead.
ERASED_NAME = "[erased]"
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


def customer_settings() -> CustomerSettings:
    """The one CustomerSettings row, created with the defaults the first time."""
    settings, _created = CustomerSettings.objects.get_or_create(singleton=True)
    return settings


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
                for field, value in keys.items():
                    setattr(customer, field, value)
                stale.append(customer)
        Customer.objects.bulk_update(stale, fields)
        changed += len(stale)
        last_pk = batch[-1].pk

# ---------------------------------------------------------------------------------------------
# Cleaning what people typed


def _text(value, *, field: str, limit: int, missing: str = "") -> str:
    """Whitespace collapsed, at most ``limit`` characters; required when ``missing`` says why."""
    value = " ".join(str(value or "").split())
    if not value and missing:
        raise InvalidInput(missing, field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field=field)
    return value


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

    province = _text(province, field="province", limit=max_length_of(Customer, "province"))
    city = _text(city, field="city", limit=max_length_of(Customer, "city"))
    district = _text(district, field="district", limit=max_length_of(Customer, "district"))
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
    name = _text(merged["name"], field="name", limit=max_length_of(Customer, "name"),
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


def _add_address(customer: Customer, recipient: orders.Recipient) -> CustomerAddress | None:
    """Keep the address unless the customer has it already; the first one is the default."""
    found = customer.addresses.filter(
        recipient_name=recipient.name, phone=recipient.phone, province=recipient.province,
        city=recipient.city, district=recipient.district, street=recipient.street).first()
    if found:
        return None
    return CustomerAddress.objects.create(
        customer=customer, recipient_name=recipient.name, phone=recipient.phone,
        province=recipient.province, city=recipient.city, district=recipient.district,
        street=recipient.street, is_default=not customer.addresses.exists())


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


# ---------------------------------------------------------------------------------------------
# From the orders


def refresh_order_stats(customer: Customer) -> Customer:
    """Order count, total spent and first/last order, recomputed from the customer's orders.

    Only sales count (orders.models.SALE_STATES); the first and last order fall back to any
    order while none is a sale yet, so a new customer shows when they ordered.
    """
    linked = Order.objects.filter(customer_link__customer=customer)
    sale = Q(state__in=SALE_STATES)
    stats = linked.aggregate(
        order_count=Count("pk", filter=sale),
        total_spent=Sum("payable", filter=sale),
        first_counted=Min("created_at", filter=sale),
        last_counted=Max("created_at", filter=sale),
        first_any=Min("created_at"), last_any=Max("created_at"),
    )
    changes = {
        "order_count": stats["order_count"],
        "total_spent": to_money(stats["total_spent"] or 0),
        "first_order_at": stats["first_counted"] or stats["first_any"],
        "last_order_at": stats["last_counted"] or stats["last_any"],
    }
    Customer.objects.filter(pk=customer.pk).update(**changes, updated_at=timezone.now())
    for field, value in changes.items():
        setattr(customer, field, value)
    return customer


def _source_channel(order: Order) -> str:
    if order.source_channel:
        return order.source_channel
    return "chat" if order.channel == OrderChannel.CHAT else "shop"


def _record_of(order: Order) -> CustomerQuerySet:
    """The record an order belongs to: its shop's seller's, with the recipient's number."""
    return Customer.objects.filter(seller_id=order.shop.seller_id).with_phones(
        order.recipient_phone)


def _new_customer_from(order: Order) -> Customer:
    customer = Customer(
        seller_id=order.shop.seller_id, name=order.recipient_name, phone=order.recipient_phone,
        province=order.province, city=order.city, district=order.district,
        source_channel=_source_channel(order),
    )
    _refresh_search_fields(customer)
    try:
        with transaction.atomic():
            customer.save()
    except IntegrityError:
        # The same number ordered twice at the same moment: the other order made the record.
        return _record_of(order).select_for_update().get()
    return customer


def _fill_blanks(customer: Customer, order: Order) -> None:
    """What an order tells about a known customer that the record lacks; never overwrite what
    the seller wrote."""
    changes = {}
    if not customer.source_channel:
        changes["source_channel"] = _source_channel(order)
    if not customer.province:
        changes.update(province=order.province, city=order.city, district=order.district)
    if changes:
        Customer.objects.filter(pk=customer.pk).update(**changes, updated_at=timezone.now())
        for field, value in changes.items():
            setattr(customer, field, value)


def upsert_from_order(order: Order) -> Customer | None:
    """The customer of a new order in its shop's seller's list, found by mobile number or
    created; the order is linked, its address kept and the statistics updated. Runs inside the
    order's transaction. An agent's stock purchase is no customer's order."""
    if not order.recipient_phone or order.kind == OrderKind.PURCHASE:
        return None
    customer = _record_of(order).select_for_update().first()
    if customer is None:
        customer = _new_customer_from(order)
    else:
        _fill_blanks(customer, order)
    _add_address(customer, orders.Recipient(
        name=order.recipient_name, phone=order.recipient_phone, province=order.province,
        city=order.city, district=order.district, street=order.street))
    CustomerOrder.objects.create(order=order, customer=customer)
    return refresh_order_stats(customer)


def order_state_changed(order: Order) -> None:
    """An order moved: its customer's statistics follow."""
    link = CustomerOrder.objects.select_related("customer").filter(order=order).first()
    if link is not None:
        refresh_order_stats(link.customer)


# ---------------------------------------------------------------------------------------------
# Personal data (PIPL)


def can_see_full_phone(user, customer: Customer) -> bool:
    """Only the customer's own seller sees the number without asking; everyone else sees it
    masked and may reveal it, which is logged."""
    return bool(user and user.is_authenticated and customer.seller_id == user.pk)


def shown_phone(user, customer: Customer, phone: str | None = None) -> str:
    """The customer's number (or ``phone``, e.g. one of their addresses') as ``user`` may see
    it."""
    phone = customer.phone if phone is None else phone
    return phone if can_see_full_phone(user, customer) else mask_mobile(phone)


def _log(actor, customer: Customer | None, action: str, detail: str = "") -> AccessLog:
    return AccessLog.objects.create(actor=actor, customer=customer, action=action,
                                    detail=detail[:max_length_of(AccessLog, "detail")])


def _may_handle_personal_data(actor) -> bool:
    return actor.is_owner or actor.role == Role.STAFF and actor.can("customers")


@transaction.atomic
def reveal_phone(actor, customer: Customer) -> str:
    """The full number, for the owner or staff granted customers (written in the access log)."""
    customer = visible_customer(actor, customer)
    if not can_see_full_phone(actor, customer) and not _may_handle_personal_data(actor):
        raise NotPermitted(_("Only the customer's seller, the owner or customer staff may "
                                 "see the full number."))
    if not customer.phone:
        raise NotFound(_("This customer has no mobile number."))
    _log(actor, customer, AccessAction.REVEAL_PHONE)
    return customer.phone


def _address_data(address: CustomerAddress) -> dict:
    return {"recipient": address.recipient_name, "mobile": address.phone,
            "province": address.province, "city": address.city, "district": address.district,
            "street": address.street, "default": address.is_default}


def personal_data(customer: Customer) -> dict:
    """Everything kept about a customer, as a plain structure (JSON and Excel exports)."""
    customer = queries.customer_detail(customer.public_id)
    return {
        "customer": {
            "id": customer.public_id, "name": customer.name, "mobile": customer.phone,
            "wechat_id": customer.wechat_id, "gender": customer.gender,
            "birthday": customer.birthday.isoformat() if customer.birthday else None,
            "province": customer.province, "city": customer.city,
            "district": customer.district, "source_channel": customer.source_channel,
            "seller": str(customer.seller),
            "first_order_at": _iso(customer.first_order_at),
            "last_order_at": _iso(customer.last_order_at),
            "order_count": customer.order_count, "total_spent": str(customer.total_spent),
            "created_at": _iso(customer.created_at),
            "tags": [tag.name for tag in customer.tags.all()],
        },
        "addresses": [_address_data(address) for address in customer.addresses.all()],
        "notes": [{"time": _iso(note.created_at), "by": str(note.author or ""),
                   "text": note.text} for note in customer.notes.all()],
        "orders": [{"number": link.order.number, "time": _iso(link.order.created_at),
                    "state": link.order.state, "payable": str(link.order.payable),
                    "recipient": link.order.recipient_name,
                    "mobile": link.order.recipient_phone,
                    "address": " ".join(filter(None, [
                        link.order.province, link.order.city, link.order.district,
                        link.order.street]))}
                   for link in customer.order_links.all()],
    }


def _iso(moment) -> str | None:
    return timezone.localtime(moment).isoformat() if moment else None


@transaction.atomic
def export_customer(actor, customer: Customer, *, file_format: str) -> dict:
    """A customer's data for them or for the seller (logged); ``file_format`` is noted in the
    log (json or xlsx), the caller writes the file."""
    customer = visible_customer(actor, customer)
    if not _may_handle_personal_data(actor) and not can_see_full_phone(actor, customer):
        raise NotPermitted()
    _log(actor, customer, AccessAction.EXPORT, file_format)
    return personal_data(customer)


def erasure_refused_because(customer: Customer) -> str:
    """Why the person ``customer`` is cannot be erased now ("" when they can): an order of
    theirs, at any seller, still under way needs its recipient's name, number and address —
    to be shipped, to arrive, to be refunded."""
    still_open = list(queries.open_orders(customer))
    if not still_open:
        return ""
    listed = ", ".join(f"{order.number} ({order.get_state_display()})" for order in still_open)
    return ngettext(
        "Order %(orders)s is still under way and needs the customer's name, number and "
        "address. Erase once it is completed, cancelled or refunded.",
        "Orders %(orders)s are still under way and need the customer's name, number and "
        "address. Erase once they are completed, cancelled or refunded.",
        len(still_open)) % {"orders": listed}


@transaction.atomic
def erase_customer(actor, customer: Customer) -> Customer:
    """Erase a person's personal data on request (PIPL Art. 47), owner only: their record at
    every seller (queries.person_records), since the request is the person's, not a seller's.

    Refused, erasing nothing, while one of their orders is still under way
    (erasure_refused_because). Name, number, WeChat ID, birthday, region, addresses, notes,
    tags, follow-ups and handled reminders go; the orders lose their recipient and tracking
    number but keep goods and amounts, so the books still add up. The access log records that
    it happened, naming nobody.
    """
    if not actor.is_owner:
        raise NotPermitted(_("Only the owner can erase a customer's data."))
    customer = visible_customer(actor, customer, lock=True)
    records = list(queries.person_records(customer).select_for_update().order_by("pk"))
    refused_because = erasure_refused_because(customer)
    if refused_because:
        raise Conflict(refused_because, code="orders_open")
    for record in records:
        _erase_record(actor, record)
    customer.refresh_from_db()
    return customer


def _erase_record(actor, customer: Customer) -> None:
    reason = f"customer {customer.public_id} erased on request by user {actor.pk}"
    orders.erase_recipient(customer.order_links.values_list("order_id", flat=True),
                           reason=reason)
    customer.addresses.all().delete()
    CustomerNote.objects.filter(customer=customer).erase_personal_data(reason=reason)
    FollowUp.objects.filter(customer=customer).delete()
    ReminderHandled.objects.filter(customer=customer).delete()
    tag_ids = list(customer.tags.values_list("pk", flat=True))
    customer.tags.clear()
    # A tag only this customer had may itself say something about them ("王总的女儿").
    Tag.objects.filter(pk__in=tag_ids, customers__isnull=True).delete()
    customer.name = ERASED_NAME
    customer.phone = customer.wechat_id = ""
    customer.gender = Gender.UNKNOWN
    customer.birthday = None
    customer.province = customer.city = customer.district = ""
    customer.erased_at = timezone.now()
    for field in search_fields(name="", phone="", birthday=None):
        setattr(customer, field, "")  # not the keys of ERASED_NAME: nothing finds it
    customer.save()
    _log(actor, customer, AccessAction.ERASE)
