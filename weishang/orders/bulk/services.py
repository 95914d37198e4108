"""Shipping the orders of an imported file: every row checked, all shipped or none.

Rows whose carrier and tracking number are left blank are not shipped (the owner fills in only
the parcels that went out today); the others ship all together or not at all: a file with one
wrong row changes nothing.
"""

from django.db import transaction
from django.utils.translation import gettext as _

from weishang.accounts.permissions import require_manager
from weishang.core.errors import DomainError, InvalidInput

from .. import carriers
from .. import services as order_services
from ..models import Order, OrderState
from .files import ShippingRow, carrier_code


class ShippingFileRefused(InvalidInput):
    """Some rows are wrong (or one failed while shipping); ``rows`` says which and why."""

    def __init__(self, rows: list[ShippingRow], message=None):
        self.rows = rows
        super().__init__(message or _("Some rows are wrong; nothing was shipped."),
                         code="invalid_rows")


def _row_error(row: ShippingRow, order: Order | None, first_row: dict[str, int]) -> str:
    if row.unreadable:
        return row.unreadable
    if row.left_blank:
        return ""
    if not row.order_number:
        return _("Enter the order number.")
    if first_row[row.order_number] != row.row:
        return _("This order is already in row %(row)d.") % {"row": first_row[row.order_number]}
    if order is None:
        return _("There is no order with this number.")
    if order.state != OrderState.PAID:
        return _("This order is “%(state)s”; only paid orders can be shipped.") % {
            "state": OrderState(order.state).label}
    if not row.carrier:
        return _("Enter the carrier.")
    if not row.carrier_code:
        return _("“%(carrier)s” is not a carrier we know.") % {"carrier": row.carrier}
    try:
        row.tracking_number = carriers.clean_tracking_number(row.carrier_code,
                                                             row.tracking_number)
    except InvalidInput as error:
        return str(error.message)
    return ""


def check_rows(rows: list[ShippingRow]) -> tuple[list[ShippingRow], dict[str, Order]]:
    """Fill each row's ``error`` and ``carrier_code`` (one query for all the orders); returns
    the rows and the orders found, by number."""
    to_ship = [row for row in rows if not row.left_blank and not row.unreadable]
    # A hidden character never reaches the database (PostgreSQL refuses NUL in a query).
    numbers = {row.order_number for row in to_ship if row.order_number}
    orders = {order.number: order for order in Order.objects.filter(number__in=numbers)}
    first_row: dict[str, int] = {}
    for row in to_ship:
        first_row.setdefault(row.order_number, row.row)
    for row in rows:
        row.carrier_code = carrier_code(row.carrier)
        row.error = _row_error(row, orders.get(row.order_number), first_row)
    return rows, orders


def nothing_to_ship() -> str:
    return _("No row has a carrier and a tracking number: fill them in for the orders that "
             "go out, and leave the others blank.")


def apply_shipping(rows: list[ShippingRow], *, actor) -> int:
    """Ship the order of every row with a carrier and tracking number in one transaction;
    returns how many (rows left blank are not shipped). When any row is wrong, or shipping one
    fails (e.g. it was refunded meanwhile), raises ShippingFileRefused with the rows and their
    errors, and nothing is shipped; InvalidInput when every row is blank. ``actor`` must
    manage orders."""
    require_manager(actor, "orders")
    rows, orders = check_rows(rows)
    if any(row.error for row in rows):
        raise ShippingFileRefused(rows)
    to_ship = [row for row in rows if not row.left_blank]
    if not to_ship:
        raise InvalidInput(nothing_to_ship(), code="nothing_to_ship")
    try:
        with transaction.atomic():
            for row in to_ship:
                try:
                    order_services.ship_order(orders[row.order_number], actor=actor,
                                        carrier=row.carrier_code,
                                        tracking_number=row.tracking_number)
                except DomainError as error:
                    row.error = str(error.message)
                    raise
    except DomainError:
        raise ShippingFileRefused(
            rows, _("Row %(row)d could not be shipped, so nothing was shipped.")
            % {"row": next(row.row for row in rows if row.error)}) from None
    return len(to_ship)
