"""Personal data on orders: whether an order can ship, and a customer's erasure (PIPL)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.core.errors import Conflict

from ..models import OPEN_STATES, Order, OrderEvent

ERASED_NAME = "—"


def has_address(order: Order) -> bool:
    """Whether the order says whom to ship to and where (an erased recipient does not)."""
    return all((order.recipient_phone, order.province, order.city, order.street))


@transaction.atomic
def erase_recipient(order_ids, *, reason: str) -> int:
    """Remove who and where from the given orders (a customer's erasure under PIPL), keeping
    the goods, amounts, dates and states that accounting needs: the recipient, the customer's
    note, the tracking number, and the notes of the timeline (where the tracking number and
    the customer's own words are written too). Returns how many orders changed. Refused while
    one of them is still under way (OPEN_STATES): it needs its address. ``reason`` goes to
    the erasure log."""
    orders = Order.objects.filter(pk__in=list(order_ids))
    still_open = [number for number, state in
                  orders.select_for_update().order_by("pk").values_list("number", "state")
                  if state in OPEN_STATES]
    if still_open:
        raise Conflict(_("These orders are still under way: %(numbers)s.")
                       % {"numbers": ", ".join(still_open)}, code="orders_open")
    OrderEvent.objects.filter(order__in=orders).exclude(note="").erase_personal_text(
        reason=reason)
    return orders.update(
        recipient_name=ERASED_NAME, recipient_phone="", province="", city="", district="",
        street="", customer_note="", tracking_number="", updated_at=timezone.now(),
    )
