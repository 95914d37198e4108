"""Personal data (PIPL): who may see a full number, and every time somebody did (the access
log); a customer's data for them (export) and its erasure, which takes the person's data from
every seller once none of their orders is still under way.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.accounts.models import Role
from weishang.accounts.permissions import require_owner
from weishang.core.errors import Conflict, NotFound, NotPermitted
from weishang.core.models import max_length_of
from weishang.core.phone import mask_mobile
from weishang.orders import services as orders

from .. import queries
from ..models import (
    AccessAction,
    AccessLog,
    Customer,
    CustomerAddress,
    CustomerNote,
    FollowUp,
    Gender,
    ReminderHandled,
    Tag,
)
from .records import search_fields, visible_customer

#: Stored instead of an erased customer's name; pages show a translated label instead.
ERASED_NAME = "[erased]"


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
    require_owner(actor, _("Only the owner can erase a customer's data."))
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
