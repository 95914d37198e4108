"""Every change of tracked links: a seller's link made the first time it is shared (and its
landing page kept up to date), and the clicks it brings.

No IP address is stored: a click keeps a hash of the client's address and browser salted with a
secret that changes every day, which tells repeat clicks of the same day apart and nothing else.

Clicks are written in batches: the /t/<code> redirect only appends to a list in memory.
Why: one INSERT per click took most of a redirect's time (and on SQLite every worker process
queues for the single writer lock), leaving a tracked link at a fraction of a bare Django view's
speed (bench/links.py). A thread in each process writes the pending clicks every
``CLICK_FLUSH_SECONDS`` (setting, default 1) in one INSERT, and again when the process exits
(gunicorn and waitress exit through ``atexit``); a click waits at most that long to show in the
results.

The trade-off: a process killed without a chance to exit (SIGKILL, power loss) loses the clicks
of its last second. Orders are unaffected: attribution rides in the visitor's cookie. With
``CLICK_FLUSH_SECONDS = 0`` every click is written during its request instead.
"""

import atexit
import hashlib
import logging
import os
import threading
from datetime import UTC, date, datetime
from functools import lru_cache, partial
from typing import NamedTuple

from django.conf import settings
from django.db import DatabaseError, IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Shop
from weishang.accounts.services import owner_shop
from weishang.core.clients import client_address
from weishang.core.errors import InvalidInput
from weishang.marketing.models import Channel, Click, Post, TrackedLink

from .queries import LinkTarget, forget_target

logger = logging.getLogger(__name__)

CODE_ATTEMPTS = 5
VISITOR_HASH_LENGTH = Click._meta.get_field("visitor").max_length
USER_AGENT_MAX_LENGTH = 512


def _seller_shop(seller) -> Shop:
    """The shop whose link a seller shares (the owner's is made if an old deployment lacks it)."""
    try:
        return seller.shop
    except Shop.DoesNotExist:
        if seller.is_owner:
            return owner_shop()
        raise InvalidInput(_("%(seller)s has no shop to share yet.") % {"seller": seller},
                           field="seller") from None


def _landing_product(post: Post | None) -> str:
    """The product a post's link opens: its first product (catalog order), else the shop."""
    if post is None:
        return ""
    products = getattr(post, "product_list", None)
    if products is None:
        products = list(post.products.all())
    return products[0].public_id if products else ""


def _get_or_create(*, post: Post | None, channel: Channel, seller) -> TrackedLink:
    if not channel.is_active:
        raise InvalidInput(_("The channel “%(channel)s” is not in use.") % {"channel": channel},
                           field="channel")
    if post is not None and not post.is_published:
        raise InvalidInput(_("Only published posts can be shared."), field="post")
    _seller_shop(seller)
    landing = _landing_product(post)
    for _attempt in range(CODE_ATTEMPTS):
        link = TrackedLink.objects.filter(post=post, channel=channel, seller=seller).first()
        if link is not None:
            if link.product_public_id != landing:
                # The post's products changed since the link was made: land on the current one.
                TrackedLink.objects.filter(pk=link.pk).update(product_public_id=landing)
                link.product_public_id = landing
                transaction.on_commit(partial(forget_target, link.code))
            return link
        try:
            # A savepoint: another request may create the same link (or draw the same code)
            # at the same moment; the unique constraints decide and the loop reads the winner.
            with transaction.atomic():
                return TrackedLink.objects.create(post=post, channel=channel, seller=seller,
                                                  product_public_id=landing)
        except IntegrityError:
            continue
    raise IntegrityError("could not create a tracked link")


def link_for(*, post: Post, channel: Channel, seller) -> TrackedLink:
    """The seller's tracked link for sharing ``post`` on ``channel``, made the first time.

    Safe when two requests ask at once (one link results). Raises InvalidInput for an
    unpublished post, a channel not in use, or a seller without a shop.
    """
    return _get_or_create(post=post, channel=channel, seller=seller)


def shop_link_for(*, channel: Channel, seller) -> TrackedLink:
    """The seller's tracked link to their shop itself on ``channel`` (no post)."""
    return _get_or_create(post=None, channel=channel, seller=seller)


# ---------------------------------------------------------------------------------------------
# Clicks


@lru_cache(maxsize=4)
def _daily_salt(secret_key: str, day: date):
    """The hash state after the day's salt (copied for each click). The day is the UTC one:
    the salt only has to change daily, and UTC costs no time-zone conversion per click."""
    return hashlib.sha256(
        hashlib.sha256(f"{secret_key}:visitor:{day.isoformat()}".encode()).digest())


def visitor_hash(request, now: datetime) -> str:
    """Tells the same visitor's clicks of one day apart; the IP address cannot be read back."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
    address = client_address(request)
    digest = _daily_salt(settings.SECRET_KEY, now.astimezone(UTC).date()).copy()
    digest.update(f"\0{address}\0{user_agent}".encode())
    return digest.hexdigest()[:VISITOR_HASH_LENGTH]


def record_click(link: TrackedLink | LinkTarget, *, request, now: datetime | None = None) -> None:
    """One visit through ``link``; written with the next batch (``flush_clicks``)."""
    now = now or timezone.now()
    link_id = link.link_id if isinstance(link, LinkTarget) else link.pk
    add_click(link_id, now, visitor_hash(request, now))


#: Past this many waiting clicks the request that adds one writes them all (back-pressure).
MAX_PENDING = 5000


class PendingClick(NamedTuple):
    link_id: int
    at: datetime
    visitor: str


_pending: list[PendingClick] = []
_lock = threading.Lock()
_flusher_pid: int | None = None


def _flush_seconds() -> float:
    return settings.CLICK_FLUSH_SECONDS


def add_click(link_id: int, at: datetime, visitor: str) -> None:
    with _lock:
        _pending.append(PendingClick(link_id, at, visitor))
        backlog = len(_pending)
    if _flush_seconds() <= 0 or backlog >= MAX_PENDING:
        flush_clicks()
    else:
        _ensure_flusher()


def flush_clicks() -> int:
    """Writes every pending click (of links that still exist) in one transaction; returns how
    many were written. On a database error the clicks stay pending for the next try."""
    with _lock:
        batch = _pending[:]
        _pending.clear()
    if not batch:
        return 0
    try:
        with transaction.atomic():
            existing = set(TrackedLink.objects.filter(
                pk__in={click.link_id for click in batch}).values_list("pk", flat=True))
            written = Click.objects.bulk_create(
                Click(link_id=click.link_id, at=click.at, visitor=click.visitor)
                for click in batch if click.link_id in existing)
    except DatabaseError:
        logger.exception("could not write %d clicks; retrying", len(batch))
        with _lock:
            _pending[:0] = batch
        return 0
    return len(written)


def _ensure_flusher() -> None:
    """One writer thread per process (a forked worker starts its own)."""
    global _flusher_pid
    if _flusher_pid == os.getpid():
        return
    with _lock:
        if _flusher_pid == os.getpid():
            return
        _flusher_pid = os.getpid()
    threading.Thread(target=_flush_forever, name="click-flusher", daemon=True).start()


def _flush_forever() -> None:
    stop = threading.Event()
    while not stop.wait(_flush_seconds()):
        close_old_connections()
        flush_clicks()


atexit.register(flush_clicks)
