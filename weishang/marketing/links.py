"""Tracked links (/t/<code>): one per post × channel × seller, the clicks they bring and the
attribution cookie that carries a click into the order.

Following a link is the hottest path when a post spreads, so it costs one indexed SELECT (the
link with its channel, post, shop and the shop-pages version), a cached landing URL and one
INSERT of the click; it never touches the session nor renders a template.

No IP address is stored: a click keeps a hash of the client's address and browser salted with a
secret that changes every day, which tells repeat clicks of the same day apart and nothing else.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache

from axes.helpers import get_client_ip_address
from django.conf import settings
from django.core import signing
from django.core.cache import cache as django_cache
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.accounts.models import Shop
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product
from weishang.catalog.queries import visible_in_shop
from weishang.core.errors import InvalidInput
from weishang.core.models import ShopPagesVersion
from weishang.core.versions import VERSION_ROW
from weishang.orders.services import Attribution

from .models import Channel, Click, Post, TrackedLink
from .services import MAX_ATTRIBUTION_DAYS, marketing_settings

ATTRIBUTION_COOKIE = "ws_ref"
ATTRIBUTION_SALT = "weishang.marketing.attribution"
#: The browser keeps the cookie for the longest window the owner may set; the window in force
#: is checked when the order is placed, so changing it applies to cookies already given.
ATTRIBUTION_COOKIE_SECONDS = MAX_ATTRIBUTION_DAYS * 24 * 3600
LANDING_CACHE_SECONDS = 3600
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
    """/t/<code>, absolute (with the site's scheme and host) when ``request`` is given."""
    path = reverse("tracked:follow", kwargs={"code": link.code})
    return request.build_absolute_uri(path) if request is not None else path


# ---------------------------------------------------------------------------------------------
# Following a link


@dataclass(frozen=True)
class LinkTarget:
    """What following a link needs, read in one query."""

    link_id: int
    code: str
    channel: str
    post: str
    seller_id: int
    shop_code: str
    shop_is_open: bool
    product_public_id: str
    pages_version: int | None


@cache
def _target_sql() -> str:
    quote = connection.ops.quote_name

    def table(model):
        return quote(model._meta.db_table)

    link, channel, post = table(TrackedLink), table(Channel), table(Post)
    shop, version = table(Shop), table(ShopPagesVersion)
    return (
        f"SELECT {link}.{quote('id')}, {link}.{quote('code')}, {channel}.{quote('code')},"
        f" {post}.{quote('public_id')}, {link}.{quote('seller_id')}, {shop}.{quote('code')},"
        f" {shop}.{quote('is_open')}, {link}.{quote('product_public_id')},"
        f" (SELECT {quote('value')} FROM {version} WHERE {quote('id')} = %s)"
        f" FROM {link}"
        f" INNER JOIN {channel} ON {channel}.{quote('id')} = {link}.{quote('channel_id')}"
        f" INNER JOIN {shop} ON {shop}.{quote('seller_id')} = {link}.{quote('seller_id')}"
        f" LEFT OUTER JOIN {post} ON {post}.{quote('id')} = {link}.{quote('post_id')}"
        f" WHERE {link}.{quote('code')} = %s"
    )


def find_target(code: str) -> LinkTarget | None:
    """The link behind /t/<code> with where it leads, or None (one indexed query).

    Written as plain SQL for the same reason as storefront.queries.open_shop: building the
    query with the ORM would cost more than running it, on every click.
    """
    if not code or len(code) > TrackedLink._meta.get_field("code").max_length:
        return None
    with connection.cursor() as cursor:
        cursor.execute(_target_sql(), [VERSION_ROW, code])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    values[3] = values[3] or ""
    values[6] = bool(values[6])
    return LinkTarget(*values)


def landing_url(target: LinkTarget) -> str:
    """The seller's shop page of the link's product, or the shop when there is none or it
    is no longer for sale.

    Whether the product is on sale is cached under the shop-pages version, which every
    change of what shop pages show bumps (core.versions), in every process at once.
    """
    shop_url = reverse("storefront:shop", args=[target.shop_code])
    if not target.product_public_id:
        return shop_url
    key = f"marketing:on-sale:{target.pages_version}:{target.product_public_id}"
    on_sale = django_cache.get(key)
    if on_sale is None:
        on_sale = visible_in_shop(Product.objects.filter(
            public_id=target.product_public_id)).exists()
        django_cache.set(key, on_sale, LANDING_CACHE_SECONDS)
    if not on_sale:
        return shop_url
    return reverse("storefront:product", args=[target.shop_code, target.product_public_id])


@lru_cache(maxsize=4)
def _daily_salt(day: date) -> bytes:
    return hashlib.sha256(f"{settings.SECRET_KEY}:visitor:{day.isoformat()}".encode()).digest()


def visitor_hash(request, now: datetime) -> str:
    """Tells the same visitor's clicks of one day apart; the IP address cannot be read back."""
    user_agent = request.META.get("HTTP_USER_AGENT", "")[:USER_AGENT_MAX_LENGTH]
    address = get_client_ip_address(request) or ""
    digest = hashlib.sha256(_daily_salt(timezone.localdate(now)))
    digest.update(f"\0{address}\0{user_agent}".encode())
    return digest.hexdigest()[:VISITOR_HASH_LENGTH]


def record_click(link: TrackedLink | LinkTarget, *, request, now: datetime | None = None) -> Click:
    """One visit through ``link`` (a TrackedLink or the target /t/<code> read)."""
    now = now or timezone.now()
    link_id = link.link_id if isinstance(link, LinkTarget) else link.pk
    return Click.objects.create(link_id=link_id, at=now, visitor=visitor_hash(request, now))


# ---------------------------------------------------------------------------------------------
# Attribution: the last link clicked within the window goes with the order


def remember_click(response, target: LinkTarget) -> None:
    """Gives the visitor the attribution cookie (signed, so it cannot be forged): the last
    link clicked wins."""
    response.set_signed_cookie(ATTRIBUTION_COOKIE, target.code, salt=ATTRIBUTION_SALT,
                               max_age=ATTRIBUTION_COOKIE_SECONDS, httponly=True,
                               samesite="Lax", secure=settings.SESSION_COOKIE_SECURE)


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
    if link is None:
        return None
    return Attribution(channel=link.channel.code,
                       post=link.post.public_id if link.post_id else "",
                       link=link.code, seller=link.seller)
