"""Every API error is JSON ``{"code": ..., "message": ..., "fields": {...}?}``.

Domain errors raised by services keep their stable code and status (400/403/404/409, and 429
with Retry-After); DRF's own errors (validation, authentication, throttling) are reshaped to
the same form. In the OpenAPI schema the ``code`` of an error answer is an enum of the codes
declared for it (weishang.core.errors.declare): ``refusals`` lists an operation's own.
"""

from http import HTTPStatus

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from weishang.core.errors import DomainError, TooManyRequests, declared_codes


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer, for the OpenAPI schema of each app's endpoints."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        required=False,
        help_text="Per field, its messages; for a list or an object given as a field, the "
                  "messages of its items or fields in the same shape.")

    # The codes a variant made by error_serializer documents; None: any code.
    codes: tuple[str, ...] | None = None


_variants: dict[str, type[ErrorSerializer]] = {}


def error_serializer(name: str, http_status: int, codes, base=ErrorSerializer):
    """A variant of ``base`` (an ErrorSerializer) for the schema, whose ``code`` is one of
    ``codes`` or the generic codes of ``http_status``; its component is named
    ``<name><Status><base>``, e.g. ``CheckoutConflictError`` (``<Status><base>`` if it has
    generic codes only)."""
    entries = [entry for entry in declared_codes()
               if entry.status == http_status and (entry.code in codes or entry.generic)]
    enum = tuple(dict.fromkeys(entry.code for entry in entries))
    if all(entry.generic for entry in entries):
        name = ""
    phrase = HTTPStatus(http_status).phrase.title().replace(" ", "").replace("-", "")
    component = f"{name}{phrase}{base.__name__.removesuffix('Serializer')}"
    known = _variants.get(component)
    if known is not None:
        if known.codes != enum or known.__bases__ != (base,):
            raise ValueError(f"Two error answers are named {component} but differ.")
        return known
    described = "\n".join(f"- `{entry.code}`: {entry.description}" for entry in entries)
    # A class of its own: DRF copies a field by making it anew, which loses instance attributes.
    # Its own enum id: spectacular names the enum after this component, even where two
    # components happen to list the same codes.
    code_field = extend_schema_field({"type": "string", "enum": list(enum),
                                      "x-spec-enum-id": component,
                                      "description": f"One of:\n\n{described}"})(
        type(f"{component}Code", (serializers.CharField,), {}))
    variant = type(f"{component}Serializer", (base,),
                   {"code": code_field(), "codes": enum, "__module__": base.__module__,
                    "__doc__": base.__doc__})
    _variants[component] = variant
    return variant


def refusals(name: str, *codes: str, base=ErrorSerializer) -> dict:
    """The error answers of one operation for ``extend_schema(responses=…)``: per status its
    ``codes`` are answered with (as declared), besides the generic ones of that status.

    ``refusals("Checkout", "shop_closed", "too_many_checkouts")`` documents a 409 whose code is
    shop_closed or conflict and a 429 too_many_checkouts, too_many_requests or throttled. A
    code two apps declare with different statuses cannot be told apart here: give such an
    operation its error answers by hand.
    """
    statuses: dict[str, set[int]] = {}
    for entry in declared_codes():
        statuses.setdefault(entry.code, set()).add(entry.status)
    by_status: dict[int, list[str]] = {}
    for code in codes:
        found = statuses.get(code)
        if not found or len(found) > 1:
            raise ValueError(f"The error code {code!r} is not declared, or has several statuses.")
        by_status.setdefault(next(iter(found)), []).append(code)
    return {http_status: error_serializer(name, http_status, listed, base)
            for http_status, listed in sorted(by_status.items())}


def _first_message(detail) -> str:
    if isinstance(detail, list):
        return _first_message(detail[0]) if detail else ""
    if isinstance(detail, dict):
        return _first_message(next(iter(detail.values()))) if detail else ""
    return str(detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        body = {"code": exc.code, "message": str(exc.message)}
        if exc.field:
            body["fields"] = {exc.field: [str(exc.message)]}
        headers = ({"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests)
                   else None)
        return Response(body, status=exc.status, headers=headers)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()

    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = exc.detail if isinstance(exc.detail, dict) else {"non_field_errors": exc.detail}
        first_field, first_error = next(iter(fields.items()), (None, ""))
        message = _first_message(first_error)
        if first_field not in (None, "non_field_errors"):
            message = _("%(field)s: %(error)s") % {"field": first_field, "error": message}
        response.data = {
            "code": "invalid",
            "message": message or _("Some of the data is not valid."),
            "fields": fields,
        }
        response.status_code = status.HTTP_400_BAD_REQUEST
    else:
        detail = getattr(exc, "detail", "")
        code = detail.code if hasattr(detail, "code") else getattr(exc, "default_code", "error")
        response.data = {"code": code, "message": _first_message(detail)}
    return response
