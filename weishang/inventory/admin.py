"""Admin for stock: look, don't touch. Quantities change only through the services (the console
or the API), so the ledger stays whole; the admin can only rename a location and change a
low-stock threshold (through the service as well)."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import services
from .models import StockLevel, StockLocation, StockMovement


class NoAddOrDelete:
    def has_add_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(StockLocation)
class StockLocationAdmin(NoAddOrDelete, admin.ModelAdmin):
    list_display = ["name", "kind", "holder"]
    fields = ["name", "kind", "holder"]
    readonly_fields = ["kind", "holder"]


class StockLevelForm(forms.ModelForm):
    low_stock_threshold = forms.IntegerField(
        label=_("low-stock threshold"), min_value=0, max_value=services.MAX_QUANTITY
    )

    class Meta:
        model = StockLevel
        fields = ["low_stock_threshold"]


@admin.register(StockLevel)
class StockLevelAdmin(NoAddOrDelete, admin.ModelAdmin):
    form = StockLevelForm
    list_display = ["variant", "location", "quantity", "low_stock_threshold"]
    list_filter = ["location"]
    list_select_related = ["variant__product", "location"]
    search_fields = ["variant__product__title", "variant__sku_code"]
    fields = ["variant", "location", "quantity", "low_stock_threshold"]
    readonly_fields = ["variant", "location", "quantity"]

    def save_model(self, request, obj, form, change):
        services.set_low_stock_threshold(obj.variant, obj.low_stock_threshold,
                                         location=obj.location, actor=request.user)


@admin.register(StockMovement)
class StockMovementAdmin(NoAddOrDelete, admin.ModelAdmin):
    list_display = ["created_at", "item", "delta", "quantity_after", "reason", "actor"]
    list_filter = ["reason", "level__location"]
    list_select_related = ["level__variant__product", "actor"]
    search_fields = ["level__variant__product__title", "level__variant__sku_code", "note"]
    date_hierarchy = "created_at"

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("item"))
    def item(self, movement):
        return services.item_name(movement.level.variant)
