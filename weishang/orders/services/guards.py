"""What guards a customer's checkout, whichever way it comes in (the shop's pages, the API).

A checkout takes its stock at once and holds it until the order is paid or expires, so one
client must not be able to hold everything: checkouts are counted per client address and per
mobile number (rate limits in the cache, core/throttle.py), and a mobile number may hold only
so many unpaid orders (the owner's setting). Orders the owner or staff take in chat are not
counted: they are people the shop knows, entering orders for customers.

A checkout key (idempotency key) belongs to the client that sent it and to what it asked for:
the same client sending the same key and content again gets the order placed then; the same key
with other content is refused; another client's key is simply another key.
"""

import hashlib
import json
import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.core.clients import client_address
from weishang.core.errors import Conflict, TooManyRequests
from weishang.core.throttle import RateLimit, subject_key

from ..models import Order, OrderKind, OrderState


@dataclass(frozen=True)
class Client:
    """Who checks out, as far as the shop can tell.

    ``address``: the client's IP address (for the rate limit per address; "" when unknown).
    ``scope``: what its checkout keys belong to: a signed-in user, a browser session, or
    ``anonymous`` for a client that keeps neither (its keys are then bound by content alone).
    """

    address: str = ""
    scope: str = "anonymous"


def client_of(request) -> Client:
    """The client of a web or API request (behind PROXY_COUNT proxies, as the login limit)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        scope = f"user:{user.pk}"
    elif request.session.session_key:
        scope = f"session:{request.session.session_key}"
    else:
        scope = "anonymous"
    return Client(address=client_address(request) or "", scope=scope)


# ---------------------------------------------------------------------------------------------
# Checkout keys


@dataclass(frozen=True)
class CheckoutKey:
    """A checkout's idempotency key with what it belongs to: ``scope``, a digest of the client
    (a session key is a credential, so never stored as it is), and ``digest``, a digest of what
    the checkout asked for."""

    key: str
    scope: str
    digest: str

    @classmethod
    def of(cls, key: str | None, *, content: dict, actor=None,
           client: Client | None = None) -> "CheckoutKey | None":
        """The key of a checkout by ``actor`` (a user placing it themselves) or ``client``;
        None without a key. Code placing orders in-process (the demo, commands) passes
        neither and has the one empty scope."""
        if not key:
            return None
        if actor is not None:
            scope = _digest(f"user:{actor.pk}")
        elif client is not None:
            scope = _digest(client.scope)
        else:
            scope = ""
        return cls(key, scope, _digest(json.dumps(content, sort_keys=True, ensure_ascii=False,
                                                  default=str)))

    def earlier_order(self) -> Order | None:
        """The order this key placed before, if any; Conflict (409 ``idempotency_key_reused``)
        when that was for other content: a key is one checkout, a new order needs a new key."""
        order = Order.objects.filter(idempotency_scope=self.scope,
                                     idempotency_key=self.key).first()
        if order is not None and order.request_digest != self.digest:
            raise Conflict(_("This checkout key was already used for another order. Reload "
                             "the page (or send a new key) to place a new order."),
                           code="idempotency_key_reused")
        return order


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


# ---------------------------------------------------------------------------------------------
# Rate limits and unpaid orders


def _rate_limits(client: Client, phone: str):
    """(limit, subject, message of the refusal by minutes) for each count a checkout makes."""
    seconds = settings.CHECKOUT_LIMIT_MINUTES * 60
    if client.address:
        yield (RateLimit("checkout-address", settings.CHECKOUT_LIMIT_PER_ADDRESS, seconds),
               subject_key("address", client.address),
               lambda minutes: ngettext(
                   "Too many orders from your network in a short time. Please try again in "
                   "%(minutes)d minute.",
                   "Too many orders from your network in a short time. Please try again in "
                   "%(minutes)d minutes.", minutes))
    yield (RateLimit("checkout-mobile", settings.CHECKOUT_LIMIT_PER_MOBILE, seconds),
           subject_key("mobile", phone),
           lambda minutes: ngettext(
               "Too many orders for this mobile number in a short time. Please try again in "
               "%(minutes)d minute.",
               "Too many orders for this mobile number in a short time. Please try again in "
               "%(minutes)d minutes.", minutes))


def count_checkout(client: Client, phone: str) -> None:
    """Count one checkout of ``client`` for ``phone``: TooManyRequests (429
    ``too_many_checkouts``) when the client's address or the mobile number has checked out
    too often lately (CHECKOUT_LIMIT_PER_ADDRESS / CHECKOUT_LIMIT_PER_MOBILE in
    CHECKOUT_LIMIT_MINUTES)."""
    for limit, subject, message in _rate_limits(client, phone):
        wait = limit.hit(subject)
        if wait:
            minutes = max(1, math.ceil(wait / 60))
            raise TooManyRequests(message(minutes) % {"minutes": minutes}, retry_after=wait,
                                  code="too_many_checkouts")


#: pg_advisory_xact_lock's first key: the lock space of "a mobile number's unpaid orders".
_UNPAID_LOCK_SPACE = 71001


def refuse_too_many_unpaid(phone: str, limit: int, key: CheckoutKey | None) -> None:
    """Conflict (409 ``too_many_unpaid_orders``) when ``phone`` already has ``limit`` retail
    orders awaiting payment. Call it inside the transaction that inserts the order: on
    PostgreSQL it holds a lock on the number until then, so that checkouts at the same moment
    are counted one after the other (SQLite has one writer at a time anyway). The order of the
    same checkout ``key`` is not counted: a retry of it finds that order instead."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, hashtext(%s))",
                           [_UNPAID_LOCK_SPACE, phone])
    unpaid = Order.objects.filter(recipient_phone=phone, kind=OrderKind.RETAIL,
                                  state=OrderState.PENDING_PAYMENT)
    if key is not None:
        unpaid = unpaid.exclude(idempotency_scope=key.scope, idempotency_key=key.key)
    unpaid = unpaid.count()
    if unpaid >= limit:
        raise Conflict(ngettext(
            "This mobile number already has %(count)d order awaiting payment. Pay for it or "
            "cancel it before ordering again.",
            "This mobile number already has %(count)d orders awaiting payment. Pay for one or "
            "cancel it before ordering again.", unpaid) % {"count": unpaid},
            code="too_many_unpaid_orders")
