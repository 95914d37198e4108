"""Errors to Sentry, or to a server that speaks its protocol (GlitchTip), when SENTRY_DSN is set.

The Django and Celery integrations report unhandled errors of pages and jobs, each tagged with
its ``request_id`` (the one in the logs and in the response's X-Request-ID header), so an
error's event and its log lines are found from each other.

Nothing personal leaves the server: no cookies, no request body, no query string, only a few
plain headers (never Authorization, Cookie, X-Forwarded-For or Referer), no user but their id,
no local variables of the traceback's frames, no extra data and no breadcrumb data (Django's log
records carry the whole request in them); and in whatever text is left (an error's message, a
log message) phone numbers and e-mail addresses are blotted out.
"""

import re

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .logs import NO_REQUEST, current_request_id
from .phone import find_numbers

#: The request headers an event keeps.
KEPT_HEADERS = frozenset({"host", "user-agent", "accept", "accept-language", "content-type",
                          "content-length", "x-request-id"})
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def start_sentry(dsn: str, *, environment: str, traces_sample_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn, environment=environment, traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        send_default_pii=False, include_local_variables=False, max_request_body_size="never",
        before_send=scrub, before_send_transaction=scrub)


def scrub(event: dict, hint: dict | None = None) -> dict:
    """The event as it may leave: see the module's docstring."""
    request = event.get("request")
    if request:
        event["request"] = {
            "method": request.get("method"),
            "url": str(request.get("url", "")).split("?", 1)[0].split("#", 1)[0],
            "headers": {name: value for name, value in (request.get("headers") or {}).items()
                        if name.lower() in KEPT_HEADERS},
        }
    user_id = (event.pop("user", None) or {}).get("id")
    if user_id:
        event["user"] = {"id": user_id}
    event.pop("extra", None)
    breadcrumbs = event.get("breadcrumbs")
    for crumb in breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else []:
        crumb.pop("data", None)
    request_id = current_request_id()
    if request_id != NO_REQUEST:
        event.setdefault("tags", {})["request_id"] = request_id
    return _blotted(event)


def _blotted(value):
    if isinstance(value, str):
        return _blot_text(value)
    if isinstance(value, dict):
        return {key: _blotted(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_blotted(item) for item in value]
    return value


def _blot_text(text: str) -> str:
    """Phone numbers and e-mail addresses in ``text`` replaced by [phone] and [email]."""
    for number in reversed(find_numbers(text)):
        if not number.masked:
            text = f"{text[:number.start]}[phone]{text[number.end:]}"
    return _EMAIL.sub("[email]", text)
