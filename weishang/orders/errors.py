"""The error codes the orders app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("orders", "quantity_limit", 400, "A line's quantity is outside its limits.")
declare("orders", "nothing_to_ship", 400, "The shipping file ships no order.")
declare("orders", "invalid_rows", 400,
        "Some rows of the shipping file are wrong; `rows` says which.")
declare("orders", "invalid_transition", 409, "The order's state cannot change this way.")
declare("orders", "after_sales_closed", 409, "The time for a refund or return is over.")
declare("orders", "no_address", 409, "The order has no address to ship to.")
declare("orders", "orders_open", 409, "Orders are still under way.")
declare("orders", "shop_closed", 409, "The shop is closed.")
declare("orders", "own_shop", 409, "An agent ordering in their own shop; they buy stock instead.")
declare("orders", "too_many_unpaid_orders", 409, "The buyer has too many orders awaiting payment.")
declare("orders", "idempotency_key_reused", 409, "The checkout key was used for another order.")
declare("orders", "agent_not_exited", 409, "Only an agent who has exited can ask for a buy-back.")
declare("orders", "already_paid", 409, "The buy-back was paid already.")
declare("orders", "too_many_checkouts", 429,
        "Too many checkouts in a short while; see Retry-After.")
