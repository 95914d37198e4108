"""Reads of customer records: who may see which, the search box, the filters, the detail.

Search is built for a phone keyboard and a large list: every kind of text people type (a
name, full pinyin, initials, the last digits of the number, a WeChat ID, a tag) becomes an
indexed prefix lookup, so it stays fast with hundreds of thousands of customers.
"""

import re
import unicodedata
from datetime import date
from decimal import Decimal

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from weishang.accounts.models import Role
from weishang.core.days import between_days
from weishang.core.phone import normalize_mobile
from weishang.core.pinyin import query_key
from weishang.orders import sources
from weishang.orders.models import OPEN_STATES, Order

from .models import NAME_KEY_FIELDS, Customer, CustomerNote, CustomerOrder, Tag

#: Sources that are not marketing channels: the shop link, an order taken in chat, a file.
BUILT_IN_SOURCES = (("shop", _("Shop link")), ("chat", _("Taken in chat")),
                    ("import", _("Imported")))
_DIGITS = re.compile(r"^\d+$")
_PINYIN = re.compile(r"^[A-Za-z][A-Za-z ']*$")
MAX_SEARCH_LENGTH = 40


def customers_for(user) -> QuerySet:
    """The customers ``user`` may see: all of them for the owner and staff granted customers,
    only their own for an agent, none for anyone else. The one place this rule lives."""
    customers = Customer.objects.all()
    if not (user and user.is_authenticated and user.is_active):
        return customers.none()
    if user.role == Role.AGENT:
        return customers.filter(seller=user)
    return customers if user.can("customers") else customers.none()


def source_channel_choices() -> list[tuple[str, str]]:
    """Every source a customer can come from: the marketing channels (registered by marketing,
    which customers may not import), then the built-in ones."""
    return [*sources.channels(),
            *((code, str(label)) for code, label in BUILT_IN_SOURCES)]


def source_channel_name(code: str, choices: dict | None = None) -> str:
    if not code:
        return ""
    return (choices if choices is not None else dict(source_channel_choices())).get(code, code)


def _prefix(field: str, text: str) -> Q:
    """``field`` starts with ``text``, as a range the field's index answers on any database.

    The range alone is exact under a byte-order collation (SQLite); under a linguistic one
    (PostgreSQL) it is a superset, which LIKE 'text%' then trims.
    """
    after = text[:-1] + chr(ord(text[-1]) + 1)
    return Q(**{f"{field}__gte": text, f"{field}__lt": after, f"{field}__startswith": text})


def _tagged(text: str) -> Q:
    """Customers with a tag starting with ``text``. The few tags are looked up first, so text
    that names no tag (most searches) leaves the other lookups to their indexes."""
    tag_ids = list(Tag.objects.filter(_prefix("name", text)).values_list("pk", flat=True))
    if not tag_ids:
        return Q()
    return Q(pk__in=Customer.tags.through.objects.filter(tag__in=tag_ids).values("customer_id"))


def _name_read_as(key: str) -> Q:
    """A reading of the name (full pinyin or initials) starts with ``key``: every reading is
    looked up, each in its own indexed columns, so the everyday reading of a surname (dan for
    单 Shàn) finds it even when other names start with the same letters (丹妮)."""
    condition = Q()
    for full_field, initials_field in NAME_KEY_FIELDS:
        condition |= _prefix(full_field, key) | _prefix(initials_field, key)
    return condition


def search(customers: QuerySet, text: str) -> QuerySet:
    """Customers whose name, pinyin (zhangsan), initials (zs), mobile number (last 4 digits,
    or its start), WeChat ID (in any case) or a tag starts with ``text``."""
    # NFKC: what a Chinese input method types in full width (１３８, ＺＳ) searches as 138, ZS.
    text = " ".join(unicodedata.normalize("NFKC", str(text or "")).split())[:MAX_SEARCH_LENGTH]
    if not text:
        return customers
    digits = normalize_mobile(text)
    if _DIGITS.match(digits):
        if len(digits) <= 4:
            by_phone = Q(phone_last4=digits) if len(digits) == 4 else _prefix("phone_last4",
                                                                               digits)
        else:
            # Erased customers have no number; the index on phone leaves them out, so must we.
            by_phone = _prefix("phone", digits) & ~Q(phone="")
        return customers.filter(by_phone | _prefix("wechat_key", digits))
    matches = _prefix("name", text) | _prefix("wechat_key", text.lower()) | _tagged(text)
    key = query_key(text)
    if key and _PINYIN.match(text):
        matches |= _name_read_as(key)
    return customers.filter(matches)



def filter_customers(customers: QuerySet, *, tag: str = "", channel: str = "",
                     segment: str = "", last_order_from: date | None = None,
                     last_order_to: date | None = None, spent_min: Decimal | None = None,
                     spent_max: Decimal | None = None) -> QuerySet:
    """Narrow a list by tag name, source channel, segment code (customers.segments), the day
    of the last order (both ends included) and the total spent (both ends included)."""
    if tag:
        customers = customers.filter(
            pk__in=Customer.tags.through.objects.filter(tag__name=tag).values("customer_id"))
    if channel:
        customers = customers.filter(source_channel=channel)
    if segment:
        from . import segments  # imported here: segments imports services, which imports us

        customers = segments.segment_filter(customers, segment)
    customers = customers.filter(between_days("last_order_at", last_order_from, last_order_to))
    if spent_min is not None:
        customers = customers.filter(total_spent__gte=spent_min)
    if spent_max is not None:
        customers = customers.filter(total_spent__lte=spent_max)
    return customers


def segment_choices() -> list[tuple[str, str]]:
    # Imported here: segments imports services, which imports this module.
    from . import segments

    return list(segments.segment_choices())


def customer_list(user, *, text: str = "", **filters) -> QuerySet:
    """A page's worth of customers ``user`` may see, with their tags (two queries a page)."""
    customers = filter_customers(search(customers_for(user), text), **filters)
    return customers.prefetch_related("tags")


def customer_detail(public_id: str, user=None) -> Customer:
    """One customer with everything the detail page and the export show (raises
    Customer.DoesNotExist, also for a customer ``user`` may not see)."""
    customers = customers_for(user) if user is not None else Customer.objects.all()
    return customers.select_related("seller").prefetch_related(
        "tags", "addresses",
        Prefetch("notes", queryset=CustomerNote.objects.select_related("author")),
        Prefetch("order_links", queryset=CustomerOrder.objects.select_related("order")
                 .order_by("-order__created_at")),
    ).get(public_id=public_id)


def person_records(customer: Customer) -> QuerySet:
    """Every seller's record of the person ``customer`` is: the same mobile number (just this
    record when it has none)."""
    if not customer.phone:
        return Customer.objects.filter(pk=customer.pk)
    return Customer.objects.with_phones(customer.phone)


def other_records(user, customer: Customer) -> QuerySet:
    """The person's records at other sellers that ``user`` may see, with their sellers: the
    owner's and customer staff's view of one person; nothing for an agent, who sees their own
    relationship only."""
    if not customer.phone:
        return Customer.objects.none()
    return (customers_for(user).with_phones(customer.phone).exclude(pk=customer.pk)
            .select_related("seller").order_by("pk"))


def open_orders(customer: Customer) -> QuerySet:
    """The person's orders at any seller that are still under way (orders.OPEN_STATES)."""
    return (Order.objects.filter(customer_link__customer__in=person_records(customer),
                                 state__in=OPEN_STATES).order_by("created_at", "pk"))


def tags_for(user) -> QuerySet:
    """The tags carried by customers ``user`` may see, each with how many carry it."""
    visible = customers_for(user).values("pk")
    return (Tag.objects.annotate(customer_count=Count("customers", filter=Q(
        customers__in=visible))).filter(customer_count__gt=0).order_by("name"))


def tags_in_use(user) -> QuerySet:
    """Tags carried by customers ``user`` may see (the list's tag filter), by name: another
    seller's tags say something about their customers and are theirs."""
    return Tag.objects.filter(Exists(Customer.tags.through.objects.filter(
        tag=OuterRef("pk"), customer__in=customers_for(user)))).order_by("name")
