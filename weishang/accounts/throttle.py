"""Login limits: strangers can neither guess a password nor keep its owner out.

Every attempt is written down as a failure *before* its password is checked, so that guesses
sent in parallel cannot all slip past a count they read at the same moment; a success takes it
back, and so does a refusal. What is counted are the failures still inside their window:

- **an account from one address**: LOGIN_FAILURE_LIMIT failures within LOGIN_COOLOFF lock that
  pair until the oldest of them is LOGIN_COOLOFF old. A success takes back the failures of its
  own account from its own address only, so logging into one's own account between guesses
  clears nothing of another's.
- **an address, whatever accounts it named**: LOGIN_ADDRESS_FAILURE_LIMIT failures within
  LOGIN_COOLOFF lock the address (one password tried on many accounts).
- **an account from every address**: past LOGIN_FAILURE_LIMIT failures within
  LOGIN_ACCOUNT_WINDOW, an attempt must wait 1, 2, 4 … seconds (at most
  LOGIN_MAX_DELAY_SECONDS) after the account's last failure. This slows guessing from many
  addresses without ever locking the account for everyone; and a browser that has logged into
  the account before (a signed cookie, ``remember_device``) does not wait at all, so nobody
  keeps the owner out by failing on purpose.

A refused attempt is not counted and its password is never checked. A new password
(``weishang resetpassword``) and ``weishang unlock`` take back an account's failures.

Not a service module although it writes (LoginFailure rows): it is the login's own machinery,
called by the authentication backend (backends.py) in the middle of ``authenticate``, for a
visitor who is nobody yet, so there is no actor and no permission to check. People clear
failures through services (``reset_password``, ``unlock_account``, ``unlock_address``), which
call ``forget``.
"""

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db.models import Count, Max, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import ngettext

from weishang.core.clients import client_address
from weishang.core.errors import TooManyRequests
from weishang.core.phone import is_mobile, normalize_mobile

from .models import LoginFailure, User

KNOWN_DEVICE_COOKIE = "ws_device"
KNOWN_DEVICE_DAYS = 365
_KNOWN_DEVICE_SALT = "weishang.accounts.known-device"
#: Accounts a browser is remembered for (a family phone may be used by two sellers).
_KNOWN_ACCOUNTS_KEPT = 5
#: 2 ** 20 seconds is far past any sensible LOGIN_MAX_DELAY_SECONDS; no need to go higher.
_LONGEST_DOUBLING = 20
_ACCOUNT_MAX_LENGTH = LoginFailure._meta.get_field("account").max_length


class LoginThrottled(TooManyRequests):
    code = "too_many_attempts"


@dataclass(frozen=True)
class Attempt:
    """A login attempt let through to its password check (and counted as failed until then)."""

    account: str
    address: str


def account_key(login: str, user: User | None) -> str:
    """One key per account, however it was named: failures by phone and by username add up.

    An existing account counts under its username; an unknown login under its normalised text
    (so "+86 138 1234 5678" and "13812345678" are the same unknown login).
    """
    if user is not None:
        return user.username
    text = (login or "").strip()
    phone = normalize_mobile(text)
    return (phone if is_mobile(phone) else text)[:_ACCOUNT_MAX_LENGTH]


def begin(request: HttpRequest, account: str) -> Attempt:
    """Let an attempt on ``account`` go to its password check, counted as a failure until
    ``succeeded``; or raise LoginThrottled (nothing counted) while a limit holds."""
    now = timezone.now()
    address = client_address(request)
    LoginFailure.objects.filter(at__lt=now - _longest_window()).delete()
    failure = LoginFailure.objects.create(account=account, address=address, at=now)
    try:
        _check(failure, known_device=account in known_accounts(request), now=now)
    except LoginThrottled:
        failure.delete()
        raise
    return Attempt(account, address)


def succeeded(attempt: Attempt) -> None:
    """The password was right: the failures of this account from this address are forgotten
    (no one else's: other accounts, and this account from other addresses, keep theirs)."""
    LoginFailure.objects.filter(account=attempt.account, address=attempt.address).delete()


def forget(*, account: str | None = None, address: str | None = None) -> int:
    """Take back the failures of an account (from every address) or of an address (on every
    account); returns how many there were."""
    scope = Q(account=account) if account is not None else Q(address=address)
    deleted, _details = LoginFailure.objects.filter(scope).delete()
    return deleted


def _check(failure: LoginFailure, *, known_device: bool, now: datetime) -> None:
    others = LoginFailure.objects.exclude(pk=failure.pk)
    pair = Q(account=failure.account, address=failure.address)
    same_address = Q(address=failure.address)
    same_account = Q(account=failure.account)
    recent = Q(at__gt=now - settings.LOGIN_COOLOFF)
    # (Named apart from the fields: an aggregate called "account" would shadow the field.)
    counts = others.filter(same_account | same_address).aggregate(
        of_pair=Count("pk", filter=pair & recent),
        of_address=Count("pk", filter=same_address & recent),
        of_account=Count("pk",
                         filter=same_account & Q(at__gt=now - settings.LOGIN_ACCOUNT_WINDOW)),
        last_of_account=Max("at", filter=same_account),
    )
    for scope, count, limit in ((pair, counts["of_pair"], settings.LOGIN_FAILURE_LIMIT),
                                (same_address, counts["of_address"],
                                 settings.LOGIN_ADDRESS_FAILURE_LIMIT)):
        if count >= limit:
            raise _throttled(_lock_end(others.filter(scope & recent), limit, now) - now)
    excess = counts["of_account"] - settings.LOGIN_FAILURE_LIMIT
    if excess >= 0 and not known_device:
        delay = min(2 ** min(excess, _LONGEST_DOUBLING), settings.LOGIN_MAX_DELAY_SECONDS)
        wait = counts["last_of_account"] + timedelta(seconds=delay) - now
        if wait > timedelta(0):
            raise _throttled(wait)


def _lock_end(failures: QuerySet, limit: int, now: datetime) -> datetime:
    """When enough of ``failures`` have left the window for one more attempt: the limit-th
    most recent one is then LOGIN_COOLOFF old. (Attempts refused meanwhile take their rows
    back, so fewer may be left than were counted: the oldest of them is the best guess.)"""
    newest = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    return newest[-1] + settings.LOGIN_COOLOFF if newest else now


def _longest_window() -> timedelta:
    return max(settings.LOGIN_COOLOFF, settings.LOGIN_ACCOUNT_WINDOW)


def _throttled(wait: timedelta) -> LoginThrottled:
    seconds = max(1, math.ceil(wait.total_seconds()))
    if seconds < 60:
        message = ngettext(
            "Too many failed login attempts. Try again in %(seconds)d second.",
            "Too many failed login attempts. Try again in %(seconds)d seconds.",
            seconds,
        ) % {"seconds": seconds}
    else:
        minutes = math.ceil(seconds / 60)
        message = ngettext(
            "Too many failed login attempts. Try again in %(minutes)d minute.",
            "Too many failed login attempts. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}
    return LoginThrottled(message, retry_after=seconds)


# -- Browsers the account has logged in from ---------------------------------------------------

def known_accounts(request: HttpRequest) -> list[str]:
    """The accounts that logged in from this browser before (from its signed cookie)."""
    value = request.COOKIES.get(KNOWN_DEVICE_COOKIE)
    if not value:
        return []
    try:
        accounts = signing.loads(value, salt=_KNOWN_DEVICE_SALT,
                                 max_age=timedelta(days=KNOWN_DEVICE_DAYS))
    except signing.BadSignature:
        return []
    if not isinstance(accounts, list):
        return []
    return [account for account in accounts if isinstance(account, str)]


def remember_device(request: HttpRequest, response: HttpResponse, username: str) -> None:
    """After a successful login: this browser may skip the account's wait from now on."""
    accounts = [username, *(known for known in known_accounts(request) if known != username)]
    response.set_cookie(
        KNOWN_DEVICE_COOKIE,
        signing.dumps(accounts[:_KNOWN_ACCOUNTS_KEPT], salt=_KNOWN_DEVICE_SALT, compress=True),
        max_age=KNOWN_DEVICE_DAYS * 24 * 3600,
        httponly=True,
        secure=settings.SESSION_COOKIE_SECURE,
        samesite="Lax",
    )
