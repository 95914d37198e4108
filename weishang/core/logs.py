"""Logs: one line per request, and the request's id on every record logged while it runs.

The id is the incoming ``X-Request-ID`` when it looks like one (a proxy's or a load balancer's,
so their logs and ours join up), else a new one; it is sent back in the response's
``X-Request-ID`` header, and the ``RequestIdFilter`` of the log handler puts it on every record
of the request (``request_id``), Django's tracebacks of a failed request included.

The request line (logger ``weishang.requests``, INFO) says the method, the path (as sent, without
its query string, which may carry a phone number or a name), the status, the duration, the
user's id (never their name or phone) and the client's address. It costs no database query: the user
is the one the page already looked up, if it did.

``LOG_FORMAT=json`` writes each record as one JSON object (``json_formatter``); the request's
fields are keys of their own there.
"""

import logging
import re
import time
import uuid
from contextvars import ContextVar

from django.utils.encoding import escape_uri_path
from django.utils.functional import LazyObject, empty
from pythonjsonlogger.core import RESERVED_ATTRS
from pythonjsonlogger.json import JsonFormatter

from .clients import client_address

HEADER = "X-Request-ID"
#: An incoming id is kept only if it is short and plain: it goes into every log line.
_SANE_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
#: Outside a request (commands, jobs, start-up) records carry this id.
NO_REQUEST = "-"
#: Attributes some records carry that must not reach a log: Django's ``request`` (its text is
#: the whole address, query string included) and the development server's ``server_time``.
HIDDEN_ATTRIBUTES = ("request", "server_time")

_request_id: ContextVar[str] = ContextVar("request_id", default=NO_REQUEST)
request_logger = logging.getLogger("weishang.requests")


def current_request_id() -> str:
    """The id of the request being answered here, or ``NO_REQUEST``."""
    return _request_id.get()


def request_id_for(incoming: str | None) -> str:
    """The caller's id if it is sane, else a new one (32 hex digits)."""
    if incoming and _SANE_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdFilter(logging.Filter):
    """Gives every record the ``request_id`` of the request it was logged in, or of the request
    it is about: Django logs an answer of 400 and up once the middleware are done with it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            about = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = about or _request_id.get()
        return True


def json_formatter():
    """A formatter writing each record as one line of JSON (LOG_FORMAT=json)."""
    return JsonFormatter("%(levelname)s %(name)s %(request_id)s %(message)s", timestamp=True,
                         reserved_attrs=[*RESERVED_ATTRS, *HIDDEN_ATTRIBUTES])


def _user_id(request) -> int | None:
    """The logged-in user's id if the request looked them up (a lazy user left unread stays
    unread: reading it would cost a query)."""
    user = getattr(request, "user", None)
    if isinstance(user, LazyObject):
        if user._wrapped is empty:
            return None
        user = user._wrapped
    return getattr(user, "pk", None)


class RequestLogMiddleware:
    """First of the middleware: the request id around everything else, and the request line."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.request_id = request_id = request_id_for(request.headers.get(HEADER))
        token = _request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[HEADER] = request_id
            if request_logger.isEnabledFor(logging.INFO):
                self._log(request, response, (time.perf_counter() - started) * 1000)
            return response
        finally:
            _request_id.reset(token)

    @staticmethod
    def _log(request, response, duration_ms: float) -> None:
        # As sent, percent-encoded: a decoded newline would start a forged line of its own.
        fields = {"method": request.method, "path": escape_uri_path(request.path),
                  "status": response.status_code, "duration_ms": round(duration_ms, 1),
                  "user_id": _user_id(request), "client": client_address(request)}
        request_logger.info("%(method)s %(path)s %(status)s %(duration_ms)sms user=%(user)s "
                            "client=%(client)s", {**fields, "user": fields["user_id"] or "-"},
                            extra=fields)
