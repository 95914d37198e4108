from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import TimeStamped, new_public_id
from weishang.core.money import MoneyField


class Category(TimeStamped):
    """Two levels: a top category (parent is empty) and its sub-categories."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    name = models.CharField(_("name"), max_length=40)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("shown in the shop"), default=True)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["parent", "name"], name="catalog_category_unique_name_in_parent"
            ),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True),
                name="catalog_category_unique_top_name",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("id")), name="catalog_category_not_own_parent"
            ),
        ]

    def __str__(self):
        return f"{self.parent.name} / {self.name}" if self.parent_id else self.name


class Product(TimeStamped):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    title = models.CharField(_("title"), max_length=80)
    selling_points = models.TextField(
        _("selling points"), blank=True, help_text=_("One per line, shown as a short list.")
    )
    description = models.TextField(_("description"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="products",
    )
    # Spec options the variants are built from: [{"name": "颜色", "values": ["红", "蓝"]}, ...]
    specs = models.JSONField(_("spec options"), default=list, blank=True)
    is_on_shelf = models.BooleanField(_("on shelf"), default=False, db_index=True)
    # How long one unit lasts a customer (a month's supply: 30): customer care reminds the
    # seller to offer more shortly before it runs out.
    usage_days = models.PositiveSmallIntegerField(
        _("lasts (days)"), null=True, blank=True,
        help_text=_("How long one unit lasts a customer, for repurchase reminders."))
    position = models.PositiveIntegerField(_("position"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["position", "-id"]

    def __str__(self):
        return self.title

    @property
    def selling_point_list(self) -> list[str]:
        return [line.strip() for line in self.selling_points.splitlines() if line.strip()]


def product_image_path(instance, filename):
    return f"products/{instance.product.public_id}/{new_public_id()}.{instance.extension}"


def product_thumbnail_path(instance, filename):
    return f"products/{instance.product.public_id}/thumb-{new_public_id()}.jpg"


class ProductImage(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=product_image_path, width_field="width",
                              height_field="height")
    thumbnail = models.ImageField(upload_to=product_thumbnail_path, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    extension = models.CharField(max_length=5, default="jpg")
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("product image")
        verbose_name_plural = _("product images")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.product} #{self.position}"


class Variant(TimeStamped):
    """A sellable SKU: one combination of the product's spec options."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="variants")
    # {"颜色": "红", "尺码": "M"}; empty for a product without specs.
    spec_values = models.JSONField(_("spec"), default=dict, blank=True)
    # "红 / M", kept for display, order snapshots and uniqueness within the product.
    spec_label = models.CharField(_("spec"), max_length=120, blank=True)
    sku_code = models.CharField(_("SKU code"), max_length=40, null=True, blank=True, unique=True)
    barcode = models.CharField(_("barcode"), max_length=32, blank=True)
    retail_price = MoneyField(_("retail price"))
    market_price = MoneyField(
        _("market price"), null=True, blank=True,
        help_text=_("Shown struck through next to the price (划线价)."),
    )
    cost_price = MoneyField(_("cost price"), null=True, blank=True)
    weight_grams = models.PositiveIntegerField(_("weight (g)"), default=0)
    is_active = models.BooleanField(_("on sale"), default=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("variant")
        verbose_name_plural = _("variants")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["product", "spec_label"],
                                    name="catalog_variant_unique_spec"),
            models.CheckConstraint(condition=Q(retail_price__gte=0),
                                   name="catalog_variant_retail_price_not_negative"),
            models.CheckConstraint(condition=Q(market_price__isnull=True) | Q(market_price__gte=0),
                                   name="catalog_variant_market_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                                   name="catalog_variant_cost_price_not_negative"),
        ]

    def __str__(self):
        return f"{self.product.title} {self.spec_label}".strip()
