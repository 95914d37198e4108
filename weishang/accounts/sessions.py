"""How long a login lasts: LOGIN_IDLE_HOURS after the last page the person opened.

A visitor's session (the cart) keeps Django's SESSION_COOKIE_AGE (SESSION_DAYS). Logging in
gives the session a shorter, sliding lifetime: each console page moves its end further, at
most once every few minutes so that reading pages does not write the session each time.

Not a service module: it changes only the request's own session (Django's session store, no
rows of ours), from the ``user_logged_in`` signal and the accounts middleware.
"""

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.utils import timezone

_RENEWED_AT = "_login_renewed_at"
#: How stale the session's end may be before a page renews it (one write per few minutes).
RENEW_EVERY_SECONDS = 300


def start_login_session(sender, request, user, **kwargs) -> None:
    """On login (the ``user_logged_in`` signal): the session ends after LOGIN_IDLE_HOURS idle."""
    if request is None or not hasattr(request, "session"):
        return
    request.session.set_expiry(settings.LOGIN_IDLE_SECONDS)
    request.session[_RENEWED_AT] = _now()


def renew_login_session(request) -> None:
    """After a page of a logged-in person: push the session's end LOGIN_IDLE_HOURS away.

    Only a session the page read anyway (so a cached shop page still reads none)."""
    session = getattr(request, "session", None)
    if session is None or not session.accessed or SESSION_KEY not in session:
        return
    if _now() - session.get(_RENEWED_AT, 0) >= RENEW_EVERY_SECONDS:
        session.set_expiry(settings.LOGIN_IDLE_SECONDS)
        session[_RENEWED_AT] = _now()


def _now() -> int:
    return int(timezone.now().timestamp())
