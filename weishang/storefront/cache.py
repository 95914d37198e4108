"""Rendered shop pages (shop home, category lists, product pages), cached until something they
show changes.

Pages are keyed by the shop pages' version (``core.versions``): services call
``core.versions.shop_pages_changed()`` after each change a page shows (prices, stock, shelf,
images, categories, an agent's header or state, hidden products); the bump runs once the change
is committed, so a page rendered under the new version can never hold the old data. A page
rendered under the old version from the new data is harmless (fresher than its key). The cache
entries also expire after ``PAGE_SECONDS``, which bounds staleness should a process die between
commit and bump, or a shop be changed outside the services (a shell, SQL).

The shop found by its code (``open_shop``) is cached under the same version, so a cached page
runs no SQL when the version is in a shared cache (Redis), and one primary-key read of the
version row with the default per-process cache, where the row is what tells every process of a
change (see ``core.versions``). The pages themselves live in the default cache (per process, or
shared when REDIS_URL is set).

Per-visitor parts are never cached: the page is stored with marks where the CSRF token and
the cart badge go, filled in for each request. Only a page with a form of its own (the product
page's add to cart) gets a CSRF token, and so a CSRF cookie (never a session:
CSRF_USE_SESSIONS stays False); the others' marks are emptied (their language switch needs no
token, see weishang/urls.py).
"""

import hashlib
from functools import lru_cache

from django.contrib.messages import get_messages
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from weishang.core.versions import shop_pages_version

from . import queries

PAGE_SECONDS = 300
#: Letters and digits only, so that template escaping leaves them as they are.
CSRF_MARK = "csrfmark7f3c9a1e5b2d4680"
CART_BADGE_MARK = mark_safe("<!--cart-badge-mark-7f3c9a1e-->")


def _hashed(*parts) -> str:
    return hashlib.sha256("\0".join(map(str, parts)).encode()).hexdigest()


def open_shop(code: str):
    """``queries.open_shop(code)``, cached under the pages' version (None: no open shop with this
    code, not cached); the shop's ``pages_version`` is the version its pages are keyed by."""
    version = shop_pages_version()
    if version is None:
        return queries.open_shop(code)
    key = f"storefront:shop:{version}:{_hashed((code or '').strip().lower())}"
    shop = cache.get(key)
    if shop is None:
        shop = queries.open_shop(code)
        if shop is None:
            return None
        cache.set(key, shop, PAGE_SECONDS)
    shop.pages_version = version
    return shop


def _page_key(request) -> str | None:
    """The cache key of this request's page, or None when it must be rendered afresh."""
    version = getattr(request.shop, "pages_version", None)
    if version is None or request.method != "GET" or len(get_messages(request)):
        return None
    # The shop's name and its agent's header are in the page: changing them bumps the version.
    identity = _hashed(request.shop.pk, get_language(), request.get_full_path())
    return f"storefront:page:{version}:{identity}"


@lru_cache(maxsize=256)
def _cart_badge(language: str, count: int) -> str:
    # ``language`` is the active one: it is in the arguments only to key the memo.
    return render_to_string("storefront/_cart_badge.html", {"cart_count": count})


def cached_page(request, render_page, cart_count: int, *, form: bool) -> HttpResponse:
    """This request's page from the cache, else ``render_page(per_visitor)`` stored first.

    ``render_page`` gets the context that puts marks in place of the per-visitor parts
    (CSRF token, cart badge) and returns the response; only a 200 is stored. ``form``: the
    page posts a form of its own, so it gets a CSRF token (and the visitor a CSRF cookie).
    """
    key = _page_key(request)
    html = cache.get(key) if key else None
    if html is None:
        response = render_page({"csrf_token": CSRF_MARK, "cart_badge": CART_BADGE_MARK})
        if response.status_code != 200:
            return response
        html = response.content.decode()
        if key:
            cache.set(key, html, PAGE_SECONDS)
    html = html.replace(CSRF_MARK, get_token(request) if form else "").replace(
        CART_BADGE_MARK, _cart_badge(get_language(), cart_count))
    return HttpResponse(html)
