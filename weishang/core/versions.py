"""The version of what public shop pages show: bumped by services, read by the page cache.

It lives in core so that the business apps (catalog, inventory, network) can announce a change
without depending on the storefront that caches pages.

Two copies, both written by every bump once the change is committed:

- the ``ShopPagesVersion`` row, the one every process and server sees: read on each cached page
  when the cache is per process (``SHOP_PAGES_VERSION_IN_CACHE`` False: the local-memory
  cache), where nothing a process keeps could learn of another process's bump;
- a token in the cache, read instead when the cache is shared by every process that serves
  pages (Redis, or files shared by one server's workers): no SQL on a cached page. A bump sets
  a new random token rather than the row's number, so two bumps that reach the cache in the
  wrong order can never bring back a version under which pages were cached before the later
  change; a cold cache (emptied, restarted, the token evicted) starts a new token, and every
  page is built afresh under it.
"""

import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import F

from .models import ShopPagesVersion

VERSION_ROW = 1
CACHE_KEY = "core:shop-pages-version"


def shop_pages_changed() -> None:
    """Something a shop page shows changed: bump the version once this change is committed, so
    a page rendered under the new version can never hold the old data."""
    transaction.on_commit(_bump)


def _bump() -> None:
    if not ShopPagesVersion.objects.filter(pk=VERSION_ROW).update(value=F("value") + 1):
        ShopPagesVersion.objects.get_or_create(pk=VERSION_ROW)
    cache.set(CACHE_KEY, _new_token(), None)


def _new_token() -> str:
    return secrets.token_hex(8)


def shop_pages_version() -> str | None:
    """The version shop pages are cached under now: no query with a shared cache, one (a
    primary-key read) with a per-process cache; None when the row is missing (nothing cached).
    """
    if not settings.SHOP_PAGES_VERSION_IN_CACHE:
        value = (ShopPagesVersion.objects.filter(pk=VERSION_ROW)
                 .values_list("value", flat=True).first())
        return None if value is None else str(value)
    version = cache.get(CACHE_KEY)
    if version is None:
        # Cold: a new token, unless another process (or a bump) set one meanwhile.
        token = _new_token()
        version = token if cache.add(CACHE_KEY, token, None) else cache.get(CACHE_KEY, token)
    return version
