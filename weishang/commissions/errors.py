"""The error codes the commissions app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("commissions", "upline_depth", 400, "The upline commission reaches the direct upline only.")
declare("commissions", "confirm_upline", 400,
        "Switching the upline commission on needs a confirmation.")
declare("commissions", "insufficient_balance", 409, "The balance is too low for this withdrawal.")
declare("commissions", "negative_balance", 409,
        "The balance is below zero; withdrawals are closed.")
declare("commissions", "invalid_transition", 409, "The withdrawal's state cannot change this way.")
