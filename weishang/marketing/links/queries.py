"""Reads of tracked links: the address of a link, and where /t/<code> leads.

Following a link is the hottest path when a post spreads: where a link leads is cached per
process (one indexed SELECT when it is not) and forgotten when the shop pages change.
"""

import time
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.urls import reverse

from weishang.accounts.models import Shop
from weishang.catalog.models import Product
from weishang.catalog.queries import visible_in_shop
from weishang.core.models import ShopPagesVersion
from weishang.core.site import absolute_url
from weishang.core.versions import VERSION_ROW
from weishang.marketing.models import TrackedLink

#: How long a process may go on using a link's landing page after the shop changed.
TARGET_CACHE_SECONDS = 60
#: Links remembered per process (a post that spreads is one link clicked many times).
TARGET_CACHE_SIZE = 10_000
#: How often a process reads the shop-pages version (a product taken off shelf reaches the
#: links within this time).
VERSION_CHECK_SECONDS = 1.0
CODE_MAX_LENGTH = TrackedLink._meta.get_field("code").max_length


def link_url(link: TrackedLink, request=None) -> str:
    """/t/<code> on the site's address (core.site.absolute_url)."""
    return absolute_url(reverse("tracked:follow", kwargs={"code": link.code}), request)


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


def forget_target(code: str) -> None:
    """Drops what this process remembers of where ``code`` leads (its post's products changed)."""
    _targets.pop(_target_key(code), None)
