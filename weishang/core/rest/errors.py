"""Every API error is JSON ``{"code": ..., "message": ..., "fields": {...}?}``.

Domain errors raised by services keep their stable code and status (400/403/404/409, and 429
with Retry-After); DRF's own errors (validation, authentication, throttling) are reshaped to
the same form.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, serializers, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from weishang.core.errors import DomainError, TooManyRequests


class ErrorSerializer(serializers.Serializer):
    """The body of every error answer, for the OpenAPI schema of each app's endpoints."""

    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(
        required=False,
        help_text="Per field, its messages; for a list or an object given as a field, the "
                  "messages of its items or fields in the same shape.")


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
