import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


def new_public_id() -> str:
    """Unguessable identifier for public URLs (never a sequential id)."""
    return uuid.uuid4().hex


def max_length_of(model, field_name: str) -> int:
    """The column's length limit, so forms, serializers and services check what it stores."""
    return model._meta.get_field(field_name).max_length


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyError(RuntimeError):
    pass


class AppendOnlyModel(models.Model):
    """A ledger row: written once, never changed or deleted (balances are sums of these)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnlyError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError(f"{type(self).__name__} rows are append-only")


class ShopPagesVersion(models.Model):
    """One row whose ``value`` goes up after every committed change a public shop page shows
    (catalog, images, categories, prices, stock). Cached shop pages are keyed by it, and reading
    it from the database lets every process and server see a change at once (see
    ``weishang.core.versions`` and ``weishang.storefront.cache``)."""

    value = models.BigIntegerField(default=0)

    def __str__(self):
        return f"shop pages version {self.value}"
