"""Domain errors: raised by services, shown by the web as messages and by the API as JSON.

Each error has a stable ``code`` (for API clients) and a translated ``message`` (for people).
Every code is declared once per app that answers it, with its HTTP status and what it means,
by ``declare`` in ``weishang/<app>/errors.py`` (core's own at the end of this module): the
OpenAPI schema lists them, and tests/core/test_error_codes.py fails on a code that is raised
but not declared, or declared but never raised.
"""

import importlib
from dataclasses import dataclass

from django.apps import apps
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


@dataclass(frozen=True)
class ErrorCode:
    app: str  # the app label whose services (or API) answer the code
    code: str
    status: int
    description: str  # for API clients, in English like the rest of the schema
    generic: bool = False  # any operation may answer it (core's and DRF's own)


_declared: dict[tuple[str, str], ErrorCode] = {}


def declare(app: str, code: str, status: int, description: str, *, generic=False) -> str:
    """Declare that ``app`` answers ``code`` with the HTTP ``status``; returns the code.

    Two apps may declare the same code (each says what it means there); an app declares a
    code once. A ``generic`` code (core's) may come from any operation, so the schema lists it
    with every error answer of its status.
    """
    entry = ErrorCode(app, code, status, description, generic)
    if _declared.setdefault((app, code), entry) != entry:
        raise ValueError(f"The error code {code!r} of {app} is declared twice.")
    return code


def declared_codes() -> list[ErrorCode]:
    """Every declared code, by app in the order of INSTALLED_APPS (lower layers first)."""
    order = []
    for config in apps.get_app_configs():
        if not config.name.startswith("weishang."):
            continue
        order.append(config.label)
        try:
            importlib.import_module(f"{config.name}.errors")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.errors":
                raise
    return sorted(_declared.values(), key=lambda entry: (order.index(entry.app), entry.code))


# Core's codes: the generic ones of the classes above and of DRF's errors (kept by
# weishang.core.rest.errors.exception_handler), those of core's own pages and API.
_GENERIC = {
    400: {"invalid": "Some of the data is not valid; `fields` says which.",
          "bad_request": "The request could not be understood.",
          "parse_error": "The body could not be read (not JSON, or nested too deeply)."},
    401: {"not_authenticated": "No login token or session was given.",
          "authentication_failed": "The login token is unknown or expired."},
    403: {"permission_denied": "The user may not do this.",
          "csrf_failed": "A form was sent without its security token."},
    404: {"not_found": "Nothing matches the address or the id given."},
    405: {"method_not_allowed": "The operation does not take this HTTP method."},
    406: {"not_acceptable": "The answer cannot be given in the media type asked for."},
    409: {"conflict": "This conflicts with the current state; reload and try again."},
    415: {"unsupported_media_type": "The body is in a media type not read here."},
    429: {"too_many_requests": "A rate limit was hit; see Retry-After.",
          "throttled": "Too many requests of this kind; see Retry-After."},
    500: {"server_error": "Something went wrong on the server."},
}
for _status, _codes in _GENERIC.items():
    for _code, _description in _codes.items():
        declare("core", _code, _status, _description, generic=True)
declare("core", "insufficient_stock", 409, "Not enough stock for the quantity asked for.")
declare("core", "unknown_region", 404, "No such province or city.")
# The picture checks (core.images) answer these for every app that takes pictures.
declare("core", "invalid_image", 400,
        "The file is not a picture accepted, or is damaged or empty.")
declare("core", "image_too_large", 400, "The picture is too large in bytes or pixels.")
