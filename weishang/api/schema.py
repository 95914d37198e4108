"""The OpenAPI schema documents the errors every operation may answer, not only its own.

Besides what an operation's ``@extend_schema`` lists, any request may be refused before the
view runs: a body that cannot be read or holds a NUL (400), an unknown or missing token (401),
a user who may not come or a missing CSRF token (403), an id that matches nothing or a page
past the end (404), a body in a media type the operation does not read (415), too many
requests (429). Each is ``{"code", "message"}`` (``ErrorSerializer``), added here to every
operation where it can happen, so that clients (and the fuzzer in tests/api/test_fuzz.py) can
rely on the schema.

The ``code`` of every error answer is documented as an enum: the codes an operation lists with
``refusals`` (weishang.core.rest.errors), or else every code of that status its app or the apps
below it declare (their services are the ones it may call), and core's.
"""

from drf_spectacular import openapi
from rest_framework.permissions import AllowAny

from weishang.core.errors import declared_codes
from weishang.core.rest.errors import ErrorSerializer, error_serializer

# The apps in their layers, lowest first (as the import-linter contract in pyproject.toml has
# them; customers and marketing are independent): an app's API answers its own codes and those
# of the layers below it.
_LAYERS = (("core",), ("accounts",), ("catalog",), ("inventory",), ("network",), ("orders",),
           ("commissions",), ("customers", "marketing"))


class AutoSchema(openapi.AutoSchema):
    def _map_basic_serializer(self, serializer, direction):
        """A serializer's ``withheld_fields`` are left out of some answers (a cost price for
        those who may not see it): documented, but not required."""
        schema = super()._map_basic_serializer(serializer, direction)
        withheld = getattr(serializer, "withheld_fields", ())
        if withheld and "required" in schema:
            schema["required"] = [name for name in schema["required"] if name not in withheld]
        return schema

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in sorted(self._refusals()):
            responses.setdefault(
                str(code), self._get_response_for_code(ErrorSerializer, str(code),
                                                       direction=direction))
        return responses

    def _get_response_for_code(self, serializer, status_code, media_types=None,
                               direction="response"):
        error = serializer if isinstance(serializer, type) else type(serializer)
        if issubclass(error, ErrorSerializer) and error.codes is None:
            serializer = self._app_errors(error, int(status_code))
        return super()._get_response_for_code(serializer, status_code, media_types, direction)

    def _app_errors(self, base, status: int):
        """``base`` with the codes of ``status`` this operation's app may answer."""
        app = type(self.view).__module__.split(".")[1]
        reachable = set()
        for layer in _LAYERS:  # an interface, above them all, reaches every app
            if app in layer:
                reachable.add(app)
                break
            reachable.update(layer)
        codes = [entry.code for entry in declared_codes() if entry.app in reachable]
        return error_serializer(app.title(), status, codes, base)

    def _refusals(self) -> set[int]:
        view = self.view
        codes = {400}
        if getattr(view, "authentication_classes", None):
            codes |= {401, 403}
        if any(permission is not AllowAny
               for permission in getattr(view, "permission_classes", ())):
            codes.add(403)
        if "{" in self.path or (self._is_list_view() and self._get_paginator()):
            codes.add(404)
        if self.method in ("POST", "PUT", "PATCH"):
            codes.add(415)
        if getattr(view, "throttle_classes", None):
            codes.add(429)
        return codes
