"""The version of what public shop pages show: bumped by services, read by the page cache.

It lives in core so that the business apps (catalog, inventory) can announce a change without
depending on the storefront that caches pages.
"""

from django.db import transaction
from django.db.models import F

from .models import ShopPagesVersion

VERSION_ROW = 1


def shop_pages_changed() -> None:
    """Something a shop page shows changed: bump the version once this change is committed, so
    a page rendered under the new version can never hold the old data."""
    transaction.on_commit(_bump)


def _bump() -> None:
    if not ShopPagesVersion.objects.filter(pk=VERSION_ROW).update(value=F("value") + 1):
        ShopPagesVersion.objects.get_or_create(pk=VERSION_ROW)
