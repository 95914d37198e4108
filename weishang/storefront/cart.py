"""The customer's cart, kept in the session: no account and no table needed.

The session holds ``[[variant public_id, quantity, price when added], ...]``. The price is kept
only to tell the customer when it changed; the order is always priced from the database.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from weishang.core.errors import InvalidInput
from weishang.orders.services import MAX_LINE_QUANTITY as MAX_QUANTITY
from weishang.orders.services import MAX_LINES, CartLine

SESSION_KEY = "cart"


def clean_quantity(raw) -> int:
    """A quantity typed or posted by a customer: a whole number from 1 to MAX_QUANTITY."""
    try:
        quantity = int(str(raw).strip())
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter the quantity as a whole number."), field="quantity") from None
    if not 1 <= quantity <= MAX_QUANTITY:
        raise InvalidInput(
            _("The quantity must be between 1 and %(maximum)d.") % {"maximum": MAX_QUANTITY},
            field="quantity",
        )
    return quantity


@dataclass(frozen=True)
class CartItem:
    variant_id: str
    quantity: int
    added_price: Decimal


#: The cart's item count, mirrored in a cookie whenever the cart changes, so that cached shop
#: pages show the cart badge without reading the session (see cache.py).
COUNT_COOKIE = "cart_count"


def count_from_cookie(request) -> int:
    """The badge number for cached pages; the cart itself is always read from the session."""
    try:
        return max(0, min(int(request.COOKIES.get(COUNT_COOKIE, 0)), MAX_LINES * MAX_QUANTITY))
    except ValueError:
        return 0


def remember_count(response, cart: "Cart") -> None:
    response.set_cookie(COUNT_COOKIE, str(cart.count), samesite="Lax")


class Cart:
    def __init__(self, session):
        self.session = session
        self.changed = False

    @property
    def items(self) -> list[CartItem]:
        """The lines in the order they were added; malformed session data is dropped."""
        items = []
        for entry in self.session.get(SESSION_KEY) or []:
            try:
                variant_id, quantity, price = entry
                items.append(CartItem(str(variant_id), int(quantity), Decimal(price)))
            except (TypeError, ValueError, InvalidOperation):
                continue
        return items

    @property
    def count(self) -> int:
        return sum(item.quantity for item in self.items)

    def __bool__(self) -> bool:
        return bool(self.items)

    def order_lines(self) -> list[CartLine]:
        return [CartLine(variant_public_id=item.variant_id, quantity=item.quantity)
                for item in self.items]

    def add(self, variant_id: str, quantity: int, price: Decimal) -> int:
        """Adds to the line of this variant (its price becomes the one just seen).

        Returns the line's new quantity. Raises InvalidInput when the line would exceed
        MAX_QUANTITY or the cart MAX_LINES; the cart is then unchanged.
        """
        items = self.items
        existing = next((item for item in items if item.variant_id == variant_id), None)
        total = quantity + (existing.quantity if existing else 0)
        if total > MAX_QUANTITY:
            raise InvalidInput(
                _("At most %(maximum)d of one item per order.") % {"maximum": MAX_QUANTITY},
                field="quantity",
            )
        if existing is None and len(items) >= MAX_LINES:
            raise InvalidInput(_("The cart is full: place this order first."))
        line = CartItem(variant_id, total, price)
        if existing is None:
            items.append(line)
        else:
            items[items.index(existing)] = line
        self._save(items)
        return total

    def set_quantity(self, variant_id: str, quantity: int) -> None:
        self._save([CartItem(item.variant_id, quantity, item.added_price)
                    if item.variant_id == variant_id else item for item in self.items])

    def remove(self, variant_id: str) -> None:
        self._save([item for item in self.items if item.variant_id != variant_id])

    def clear(self) -> None:
        self._save([])

    def _save(self, items: list[CartItem]) -> None:
        self.session[SESSION_KEY] = [[item.variant_id, item.quantity, str(item.added_price)]
                                     for item in items]
        self.changed = True
