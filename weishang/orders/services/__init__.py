"""Every change of an order, split by what it changes (see docs/architecture.md).

- settings.py: the shop's selling rules and shipping fees, and the bounds of each;
- cart.py: carts, quotes and recipients, checked and priced (nothing written);
- guards.py: what a customer's checkout must pass (rate limits, checkout keys, unpaid orders);
- checkout.py: placing an order and taking its stock;
- transitions.py: the order state machine (pay, ship, complete, cancel, refund, decline);
- jobs.py: the periodic jobs (expiry, auto-completion);
- privacy.py: a customer's erasure.

The public names are re-exported here, so callers write ``services.ship_order(...)``.
"""

from .cart import (
    Attribution,
    CartLine,
    Quote,
    QuoteLine,
    Recipient,
    clean_recipient,
    over_line_limit,
    priced_lines,
    quote,
)
from .checkout import (
    ORDER_NUMBER_ZONE,
    IdempotencyKeyTaken,
    PlacedOrder,
    clean_checkout_key,
    create_order,
    new_order_number,
    place_order,
    place_order_once,
)
from .jobs import complete_shipped_orders, expire_unpaid_orders
from .privacy import ERASED_NAME, erase_recipient, has_address
from .settings import (
    MAX_AFTER_SALES_DAYS,
    MAX_AUTO_COMPLETE_DAYS,
    MAX_EXPIRY_MINUTES,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    MAX_ORDER_QUANTITY,
    MAX_UNPAID_ORDERS,
    MIN_EXPIRY_MINUTES,
    ZERO,
    set_region_fees,
    shipping_fee_for,
    short_province,
    update_shop_settings,
)
from .transitions import (
    ActorKind,
    after_sales_closed,
    allowed_moves,
    cancel_order,
    complete_order,
    confirm_payment,
    decline_refund,
    declined_refund,
    invalid_transition,
    is_cloud_purchase,
    refund_order,
    request_refund,
    ship_order,
    state_before_refund_request,
)

__all__ = [
    "ActorKind", "Attribution", "CartLine", "ERASED_NAME", "IdempotencyKeyTaken",
    "MAX_AFTER_SALES_DAYS", "MAX_AUTO_COMPLETE_DAYS", "MAX_EXPIRY_MINUTES", "MAX_LINES",
    "MAX_LINE_QUANTITY", "MAX_ORDER_QUANTITY", "MAX_UNPAID_ORDERS", "MIN_EXPIRY_MINUTES",
    "ORDER_NUMBER_ZONE", "PlacedOrder", "Quote", "QuoteLine", "Recipient", "ZERO",
    "after_sales_closed", "allowed_moves", "cancel_order", "clean_checkout_key",
    "clean_recipient", "complete_order", "complete_shipped_orders", "confirm_payment",
    "create_order", "decline_refund", "declined_refund", "erase_recipient",
    "expire_unpaid_orders", "has_address", "invalid_transition", "is_cloud_purchase",
    "new_order_number", "over_line_limit", "place_order", "place_order_once", "priced_lines",
    "quote", "refund_order", "request_refund", "set_region_fees", "ship_order",
    "shipping_fee_for", "short_province", "state_before_refund_request",
    "update_shop_settings",
]
