"""The error codes the customers app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("customers", "invalid_rows", 400,
        "Some rows of the import are wrong; nothing was imported.")
declare("customers", "customer_exists", 409, "A customer with this mobile number is in the list.")
declare("customers", "duplicate_address", 409, "The customer has this address already.")
declare("customers", "erased", 409, "The customer's data was erased.")
declare("customers", "orders_open", 409, "The customer has orders still under way.")
declare("customers", "follow_up_done", 409, "The follow-up is done already.")
declare("customers", "reminder_not_due", 409, "The reminder is not due any more.")
