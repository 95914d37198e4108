"""Login rate limit (django-axes): which account an attempt counts against, and the lockout reply.

Settings: AXES_USERNAME_CALLABLE = account_key, AXES_LOCKOUT_CALLABLE = lockout_response.
Axes counts failures per account key and per IP address separately (either can lock).
"""

import math

from axes.helpers import get_cool_off
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from weishang.core.phone import is_mobile, normalize_mobile

from .forms import LoginForm
from .queries import user_for_login

_KEYS_ON_REQUEST = "_weishang_account_keys"


def account_key(request: HttpRequest | None, credentials: dict | None) -> str | None:
    """One key per account, however it was named: failures by phone and by username add up.

    An existing account counts under its username; an unknown login under its normalised text
    (so "+86 138 1234 5678" and "13812345678" are the same unknown login).
    """
    text = ((credentials or {}).get("username") or "").strip()
    if not text:
        return None
    # Axes asks several times per attempt: look the account up once per request.
    known = request.__dict__.setdefault(_KEYS_ON_REQUEST, {}) if request is not None else {}
    if text not in known:
        user = user_for_login(text)
        phone = normalize_mobile(text)
        known[text] = user.username if user else (phone if is_mobile(phone) else text)
    return known[text]


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith("/api/")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 with "try again in N minutes": JSON for the API, the login page for the web."""
    cool_off_seconds = int(get_cool_off(request).total_seconds())
    minutes = max(1, math.ceil(cool_off_seconds / 60))
    message = ngettext(
        "Too many failed login attempts. Try again in %(minutes)d minute.",
        "Too many failed login attempts. Try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}
    if is_api_request(request):
        response: HttpResponse = JsonResponse(
            {"code": "too_many_attempts", "message": message}, status=429
        )
    else:
        form = LoginForm(request, initial={"username": request.POST.get("username", "")})
        context = {"form": form, "lockout_message": message, "next": _next_url(request)}
        response = render(request, "accounts/login.html", context, status=429)
    response["Retry-After"] = str(cool_off_seconds)
    return response


def _next_url(request: HttpRequest) -> str:
    # Only carried along; the login view checks it is safe before redirecting to it.
    return request.POST.get("next") or request.GET.get("next", "")
