"""Domain errors: raised by services, shown by the web as messages and by the API as JSON.

Each error has a stable ``code`` (for API clients) and a translated ``message`` (for people).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "invalid"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, field: str | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.field = field
        super().__init__(str(self.message))


class InvalidInput(DomainError):
    code = "invalid"
    status = 400
    default_message = _("Some of the data is not valid.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class NotPermitted(DomainError):
    """Not Django's ``PermissionDenied`` (which views raise for a 403 page): a service's refusal,
    carrying a code and a message like every domain error."""

    code = "permission_denied"
    status = 403
    default_message = _("You do not have permission to do this.")


class Conflict(DomainError):
    code = "conflict"
    status = 409
    default_message = _("This conflicts with the current state; reload and try again.")


class InsufficientStock(Conflict):
    code = "insufficient_stock"
    default_message = _("Not enough stock.")


class TooManyRequests(DomainError):
    """A rate limit was hit; ``retry_after`` says in how many seconds to try again."""

    code = "too_many_requests"
    status = 429
    default_message = _("Too many requests; please wait a little and try again.")

    def __init__(self, message=None, *, retry_after: int, code: str | None = None):
        super().__init__(message, code=code)
        self.retry_after = retry_after
