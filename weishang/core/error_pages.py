"""Weishang's own error pages: the shop's look, the visitor's language and a way back home.

Under /api/ the same errors stay JSON ``{"code", "message"}`` like every API answer. The
server-error page reads nothing that may have failed: no database, no session, no user, only
a template and the static CSS (and plain text should even that fail).
"""

import logging
from dataclasses import dataclass

from django.http import HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from .errors import DomainError, InvalidInput, NotFound, NotPermitted

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class ErrorPage:
    status: int
    heading: Promise
    explanation: Promise
    api_error: DomainError  # the same error as the API says it

    def answer(self, request):
        if request.path_info.startswith("/api/"):
            return JsonResponse({"code": self.api_error.code,
                                 "message": str(self.api_error.message)}, status=self.status)
        context = {"status": self.status, "heading": self.heading,
                   "explanation": self.explanation}
        return render(request, "weishang/errors/page.html", context, status=self.status)


NOT_FOUND = ErrorPage(404, _("Page not found"), _(
    "This page does not exist, or it has moved. Check the address, or start again from the "
    "shop."), NotFound())
PERMISSION_DENIED = ErrorPage(403, _("Not for this account"), _(
    "You do not have permission to do this. If you need to, ask the shop owner."),
    NotPermitted())
BAD_REQUEST = ErrorPage(400, _("This request could not be understood"), _(
    "Something in the address or the form was not right. Go back and try again."),
    InvalidInput(_("The request could not be understood."), code="bad_request"))
CSRF_FAILED = ErrorPage(403, _("This form has expired"), _(
    "The page was open for a long time, or the browser does not keep cookies. Go back, reload "
    "the page and send the form again."),
    NotPermitted(_("The form's security check failed: reload the page and send it "
                       "again."), code="csrf_failed"))
SERVER_ERROR_MESSAGE = _("Something went wrong on our side. Please try again in a moment.")
_LAST_RESORT = ("<!doctype html><title>500</title><p>Server error. Please try again in a "
                "moment. / 服务器出错，请稍后再试。</p><p><a href=\"/\">Weishang</a></p>")


def page_not_found(request, exception=None):
    return NOT_FOUND.answer(request)


def permission_denied(request, exception=None):
    return PERMISSION_DENIED.answer(request)


def bad_request(request, exception=None):
    return BAD_REQUEST.answer(request)


def csrf_failure(request, reason=""):
    """A form sent without its security token (a page kept open too long, cookies off)."""
    return CSRF_FAILED.answer(request)


def server_error(request):
    if request.path_info.startswith("/api/"):
        return JsonResponse({"code": "server_error", "message": str(SERVER_ERROR_MESSAGE)},
                            status=500)
    try:
        # Without the request no context processor runs: nothing reads the database or session.
        body = loader.get_template("weishang/errors/500.html").render({})
    except Exception:  # the page must answer whatever else is broken
        logger.exception("the server-error page could not be rendered")
        body = _LAST_RESORT
    return HttpResponseServerError(body)
