"""The OpenAPI schema documents the errors every operation may answer, not only its own.

Besides what an operation's ``@extend_schema`` lists, any request may be refused before the
view runs: a body that cannot be read or holds a NUL (400), an unknown or missing token (401),
a user who may not come or a missing CSRF token (403), an id that matches nothing or a page
past the end (404), a body in a media type the operation does not read (415), too many
requests (429). Each is ``{"code", "message"}`` (``ErrorSerializer``), added here to every
operation where it can happen, so that clients (and the fuzzer in tests/api/test_fuzz.py) can
rely on the schema.
"""

from drf_spectacular import openapi
from rest_framework.permissions import AllowAny

from weishang.core.rest.errors import ErrorSerializer


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
