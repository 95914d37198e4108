"""The error codes the accounts app answers with (see weishang.core.errors.declare)."""

from weishang.core.errors import declare

declare("accounts", "invalid_credentials", 400, "The account or the password is not right.")
declare("accounts", "unknown_account", 404, "No account has this username or mobile number.")
declare("accounts", "account_taken", 409, "The username or mobile number was just taken.")
declare("accounts", "owner_exists", 409, "The shop has an owner account already.")
declare("accounts", "too_many_attempts", 429, "Too many failed logins; see Retry-After.")
