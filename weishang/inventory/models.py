from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import AppendOnlyModel


class LocationKind(models.TextChoices):
    WAREHOUSE = "warehouse", _("Owner's warehouse")
    CLOUD = "cloud", _("Cloud stock")


class StockLocation(models.Model):
    """Where stock is counted: the owner's warehouse, or (later) an agent's cloud stock."""

    kind = models.CharField(_("kind"), max_length=10, choices=LocationKind.choices)
    name = models.CharField(_("name"), max_length=60)
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="stock_locations", help_text=_("The agent whose cloud stock this is."),
    )

    class Meta:
        verbose_name = _("stock location")
        verbose_name_plural = _("stock locations")
        constraints = [
            models.UniqueConstraint(fields=["kind"], condition=Q(kind="warehouse"),
                                    name="inventory_single_warehouse"),
            models.UniqueConstraint(fields=["holder"], condition=Q(kind="cloud"),
                                    name="inventory_one_cloud_per_holder"),
        ]

    def __str__(self):
        return self.name


class StockLevel(models.Model):
    """How many units of one variant a location holds. Only services change it, and only by
    conditional UPDATEs that also write a StockMovement; the database refuses a negative level."""

    location = models.ForeignKey(StockLocation, on_delete=models.PROTECT, related_name="levels")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE,
                                related_name="stock_levels")
    quantity = models.IntegerField(_("quantity"), default=0)
    low_stock_threshold = models.PositiveIntegerField(
        _("low-stock threshold"), default=0,
        help_text=_("Listed as low on stock at or below this quantity."),
    )

    class Meta:
        verbose_name = _("stock level")
        verbose_name_plural = _("stock levels")
        constraints = [
            models.UniqueConstraint(fields=["location", "variant"],
                                    name="inventory_level_unique"),
            models.CheckConstraint(condition=Q(quantity__gte=0),
                                   name="inventory_level_not_negative"),
        ]

    def __str__(self):
        return f"{self.variant} @ {self.location}: {self.quantity}"


class MovementReason(models.TextChoices):
    INITIAL = "initial", _("Initial stock")
    RESTOCK = "restock", _("Restock")
    ADJUSTMENT = "adjustment", _("Adjustment")
    STOCKTAKE = "stocktake", _("Stocktake correction")
    DAMAGE = "damage", _("Damaged or lost")
    SALE = "sale", _("Sold")
    RELEASE = "release", _("Released from a cancelled order")
    RETURN = "return", _("Returned")
    PURCHASE = "purchase", _("Bought by an agent")
    CLOUD_SALE = "cloud_sale", _("Sold from cloud stock")
    BUYBACK = "buyback", _("Bought back from an agent")


class StockMovement(AppendOnlyModel):
    """One change of a stock level. The level always equals the sum of its movements."""

    level = models.ForeignKey(StockLevel, on_delete=models.PROTECT, related_name="movements")
    delta = models.IntegerField(_("change"))
    quantity_after = models.IntegerField(_("quantity after"))
    reason = models.CharField(_("reason"), max_length=20, choices=MovementReason.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+",
                              verbose_name=_("by"))
    related_type = models.ForeignKey(ContentType, null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    related_id = models.CharField(max_length=40, blank=True)
    related = GenericForeignKey("related_type", "related_id")
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("stock movement")
        verbose_name_plural = _("stock movements")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="inventory_movement_not_zero"),
            models.CheckConstraint(condition=Q(quantity_after__gte=0),
                                   name="inventory_movement_after_not_negative"),
        ]

    def __str__(self):
        return f"{self.level} {self.delta:+d} ({self.get_reason_display()})"
