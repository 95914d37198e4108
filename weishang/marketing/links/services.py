"""Tracked links (/t/<code>): one per post × channel × seller, the clicks they bring and the
attribution cookie that carries a click into the order.

Following a link is the hottest path when a post spreads: where a link leads is cached (one
indexed SELECT when it is not), the click joins the next batch written to the database
(clicks.py), and the cookie is signed in place; it never touches the session nor renders a
template.

No IP address is stored: a click keeps a hash of the client's address and browser salted with a
secret that changes every day, which tells repeat clicks of the same day apart and nothing else.
"""

import hashlib
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache, lru_cache, partial

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Shop
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product
from weishang.catalog.queries import visible_in_shop
from weishang.core.clients import client_address
from weishang.core.errors import InvalidInput
from weishang.core.models import ShopPagesVersion
from weishang.core.site import absolute_url
from weishang.core.versions import VERSION_ROW
from weishang.marketing.models import Channel, Click, Post, TrackedLink
from weishang.marketing.services import MAX_ATTRIBUTION_DAYS, marketing_settings
from weishang.orders.services import Attribution

from . import clicks

ATTRIBUTION_COOKIE = "ws_ref"
ATTRIBUTION_SALT = "weishang.marketing.attribution"
#: The browser keeps the cookie for the longest window the owner may set; the window in force
#: is checked when the order is placed, so changing it applies to cookies already given.
ATTRIBUTION_COOKIE_SECONDS = MAX_ATTRIBUTION_DAYS * 24 * 3600
#: How long a process may go on using a link's landing page after the shop changed.
TARGET_CACHE_SECONDS = 60
#: Links remembered per process (a post that spreads is one link clicked many times).
TARGET_CACHE_SIZE = 10_000
#: How often a process reads the shop-pages version (a product taken off shelf reaches the
#: links within this time).
VERSION_CHECK_SECONDS = 1.0
CODE_MAX_LENGTH = TrackedLink._meta.get_field("code").max_length
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
                transaction.on_commit(partial(_forget_target, link.code))
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


def link_url(link: TrackedLink, request=None) -> str:
    """/t/<code> on the site's address (core.site.absolute_url)."""
    return absolute_url(reverse("tracked:follow", kwargs={"code": link.code}), request)


# ---------------------------------------------------------------------------------------------
# Following a link


@dataclass(frozen=True)
class LinkTarget:
    """Where /t/<code> leads and what its click records. ``location`` is "" when the seller's
    shop is closed."""

    link_id: int
    code: str
    location: str


@cache
def _target_sql() -> str:
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    link, shop = table(TrackedLink), table(Shop)
    return (
        f"SELECT {link}.{quote('id')}, {link}.{quote('product_public_id')},"
        f" {shop}.{quote('code')}, {shop}.{quote('is_open')}"
        f" FROM {link}"
        f" INNER JOIN {shop} ON {shop}.{quote('seller_id')} = {link}.{quote('seller_id')}"
        f" WHERE {link}.{quote('code')} = %s"
    )


_version_seen = {"value": None, "at": float("-inf")}


def _pages_version() -> int | None:
    """The shop-pages version (core.versions), read at most every VERSION_CHECK_SECONDS."""
    now = time.monotonic()
    if now - _version_seen["at"] >= VERSION_CHECK_SECONDS:
        _version_seen["value"] = (ShopPagesVersion.objects.filter(pk=VERSION_ROW)
                                  .values_list("value", flat=True).first())
        _version_seen["at"] = now
    return _version_seen["value"]


# Where links lead, per process: a dict read costs nothing next to the shared cache's
# serialisation (or, with Redis, a round trip) on every click. Keyed by the shop-pages version.
_targets: dict[str, tuple[float, "LinkTarget"]] = {}


def _target_key(code: str) -> str:
    return f"{_pages_version()}:{code}"


def _landing(product_public_id: str, shop_code: str) -> str:
    """The seller's shop page of the product, or the shop when there is none or it is no
    longer for sale."""
    if product_public_id and visible_in_shop(
            Product.objects.filter(public_id=product_public_id)).exists():
        return reverse("storefront:product", args=[shop_code, product_public_id])
    return reverse("storefront:shop", args=[shop_code])


def find_target(code: str) -> LinkTarget | None:
    """Where /t/<code> leads, or None for a code no link has.

    Remembered under the shop-pages version, which every change of what shop pages show (a
    product off shelf, …) bumps, so such a change reaches every process within
    VERSION_CHECK_SECONDS; a change of the shop itself (closed, renamed) or of the post's
    products within TARGET_CACHE_SECONDS (at once in the process that made it). The lookup is plain
    SQL for the same reason as storefront.queries.open_shop: the ORM costs more than the query.
    """
    if not code or len(code) > CODE_MAX_LENGTH:
        return None
    key, now = _target_key(code), time.monotonic()
    remembered = _targets.get(key)
    if remembered is not None and remembered[0] > now:
        return remembered[1]
    with connection.cursor() as cursor:
        cursor.execute(_target_sql(), [code])
        row = cursor.fetchone()
    if row is None:
        return None
    link_id, product_public_id, shop_code, shop_is_open = row
    target = LinkTarget(link_id, code,
                        _landing(product_public_id, shop_code) if shop_is_open else "")
    if len(_targets) >= TARGET_CACHE_SIZE:
        _targets.clear()
    _targets[key] = (now + TARGET_CACHE_SECONDS, target)
    return target


def _forget_target(code: str) -> None:
    _targets.pop(_target_key(code), None)


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
    """One visit through ``link``; written with the next batch (see clicks.py)."""
    now = now or timezone.now()
    link_id = link.link_id if isinstance(link, LinkTarget) else link.pk
    clicks.add(link_id, now, visitor_hash(request, now))


# ---------------------------------------------------------------------------------------------
# Attribution: the last link clicked within the window goes with the order


def remember_click(response, target: LinkTarget) -> None:
    """Gives the visitor the attribution cookie (signed, so it cannot be forged): the last
    link clicked wins."""
    response.set_cookie(ATTRIBUTION_COOKIE,
                        _signed(settings.SECRET_KEY, target.code, int(time.time())),
                        max_age=ATTRIBUTION_COOKIE_SECONDS, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


@lru_cache(maxsize=1024)
def _signed(secret_key: str, code: str, second: int) -> str:
    """What ``set_signed_cookie`` gives (and ``get_signed_cookie`` reads back), signed once per
    link and second: a spreading post's clicks share both, and signing is a good part of a
    click's time."""
    return signing.get_cookie_signer(salt=ATTRIBUTION_COOKIE + ATTRIBUTION_SALT).sign(code)


def attribution_from_request(request) -> Attribution | None:
    """The tracked link this visitor clicked within the attribution window, as the order's
    source (channel, post, link, seller); None without a valid, recent click."""
    if ATTRIBUTION_COOKIE not in request.COOKIES:
        return None
    window = marketing_settings().attribution_days * 24 * 3600
    try:
        code = request.get_signed_cookie(ATTRIBUTION_COOKIE, salt=ATTRIBUTION_SALT,
                                         max_age=window)
    except (KeyError, signing.BadSignature):
        return None
    link = (TrackedLink.objects.select_related("channel", "post", "seller")
            .filter(code=code).first())
    return attribution_of(link) if link is not None else None


def attribution_of(link: TrackedLink) -> Attribution:
    """What an order placed through ``link`` carries."""
    return Attribution(channel=link.channel.code,
                       post=link.post.public_id if link.post_id else "",
                       link=link.code, seller=link.seller)
