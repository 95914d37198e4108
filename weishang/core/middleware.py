"""Requests carrying a NUL character are refused before any view reads them.

NUL is never text, and PostgreSQL can neither store nor compare it: a lookup by a code, a
search or a form field holding one fails inside the database (``DataError``, a 500). Form and
serializer fields refuse it with the other hidden characters (``weishang.core.text``), but paths,
query strings, headers and the body fields that views read themselves reach the database
unchecked — so it is refused here, for every request: 404 in the path (no page has such an
address), 400 anywhere else. Uploaded files are not text and are left alone; their names are.
"""

import re

from django.core.exceptions import BadRequest
from django.http import Http404, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _

NUL = "\x00"
#: A NUL written as a JSON escape: ``\u0000`` after an even number of backslashes (``\\u0000``
#: is a backslash followed by the text "u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")


def _has_nul(values) -> bool:
    return any(NUL in value for value in values)


def _query_has_nul(query: QueryDict) -> bool:
    return any(NUL in key or _has_nul(values) for key, values in query.lists())


def _body_has_nul(request) -> bool:
    content_type = request.content_type or ""
    if content_type == "multipart/form-data":
        # Django parses multipart bodies of POST requests only; the API parses the others.
        return request.method == "POST" and (
            _query_has_nul(request.POST)
            or _has_nul(upload.name for _key, upload in request.FILES.items()))
    if content_type == "application/x-www-form-urlencoded":
        return _query_has_nul(request.POST if request.method == "POST"
                              else QueryDict(request.body, encoding=request.encoding))
    if content_type.endswith("json"):
        return bool(_JSON_NUL.search(request.body))  # a bare NUL is no JSON: the parser refuses it
    return False


def _headers_have_nul(request) -> bool:
    return _has_nul(value for key, value in request.META.items()
                    if key.startswith("HTTP_") and isinstance(value, str))


class RefuseNulMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        is_api = request.path_info.startswith("/api/")
        if NUL in request.path_info:
            if is_api:
                return JsonResponse({"code": "not_found", "message": _("Not found.")},
                                    status=404)
            raise Http404
        try:
            has_nul = (_query_has_nul(request.GET) or _headers_have_nul(request)
                       or _body_has_nul(request))
        except MultiPartParserError:
            return self._bad_request(is_api, _("The request's form data cannot be read."))
        if has_nul:
            return self._bad_request(
                is_api, _("The request holds a NUL character, which is never valid text."))
        return self.get_response(request)

    @staticmethod
    def _bad_request(is_api: bool, message: str):
        if is_api:
            return JsonResponse({"code": "invalid", "message": message}, status=400)
        raise BadRequest(message)
