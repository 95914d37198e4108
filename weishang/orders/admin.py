"""Admin for orders: look, don't touch. Orders change state only through the services (the
console or the API), so stock, timeline and totals stay consistent; the admin offers the two
moves that make sense in bulk, as actions that call the services."""

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from weishang.accounts.models import Area
from weishang.core.admin import ReadOnlyAdmin, ReadOnlyInline
from weishang.core.errors import DomainError

from . import services
from .models import Order, OrderEvent, OrderLine, RegionShippingFee, ShopSettings


class OrderLineInline(ReadOnlyInline):
    model = OrderLine
    fields = ["product_title", "spec_label", "sku_code", "unit_price", "quantity", "line_total"]
    readonly_fields = fields


class OrderEventInline(ReadOnlyInline):
    model = OrderEvent
    fields = ["created_at", "from_state", "to_state", "actor", "actor_kind", "note"]
    readonly_fields = fields


def _apply_to_each(modeladmin, request, queryset, change, done_message):
    changed = 0
    for order in queryset:
        try:
            change(order)
        except DomainError as error:
            modeladmin.message_user(request, f"{order.number}: {error.message}",
                                    messages.WARNING)
        else:
            changed += 1
    if changed:
        modeladmin.message_user(request, done_message(changed), messages.SUCCESS)


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["number", "created_at", "recipient_name", "recipient_phone", "payable",
                    "state", "channel"]
    list_filter = ["state", "channel"]
    list_select_related = ["shop"]
    search_fields = ["number", "recipient_phone", "recipient_name"]
    date_hierarchy = "created_at"
    inlines = [OrderLineInline, OrderEventInline]
    actions = ["cancel_unpaid", "confirm_paid"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_transition_permission(self, request):
        return request.user.can(Area.ORDERS)

    @admin.action(description=_("Cancel the selected unpaid orders (stock goes back)"),
                  permissions=["transition"])
    def cancel_unpaid(self, request, queryset):
        _apply_to_each(
            self, request, queryset,
            lambda order: services.cancel_order(order, actor=request.user),
            lambda count: ngettext("%(count)d order cancelled.", "%(count)d orders cancelled.",
                                   count) % {"count": count},
        )

    @admin.action(description=_("Confirm payment of the selected orders"),
                  permissions=["transition"])
    def confirm_paid(self, request, queryset):
        _apply_to_each(
            self, request, queryset,
            lambda order: services.confirm_payment(order, actor=request.user),
            lambda count: ngettext("%(count)d payment confirmed.",
                                   "%(count)d payments confirmed.", count) % {"count": count},
        )


class ShopSettingsForm(forms.ModelForm):
    unpaid_expiry_minutes = forms.IntegerField(
        label=_("unpaid orders expire after (minutes)"), min_value=services.MIN_EXPIRY_MINUTES,
        max_value=services.MAX_EXPIRY_MINUTES)
    auto_complete_days = forms.IntegerField(
        label=_("complete shipped orders after (days)"), min_value=1,
        max_value=services.MAX_AUTO_COMPLETE_DAYS)
    after_sales_days = forms.IntegerField(
        label=_("after-sales window (days)"), min_value=0,
        max_value=services.MAX_AFTER_SALES_DAYS)

    class Meta:
        model = ShopSettings
        fields = ["payment_instructions", "wechat_pay_code", "alipay_code",
                  "unpaid_expiry_minutes", "auto_complete_days", "after_sales_days",
                  "shipping_fee", "free_shipping_above"]


@admin.register(ShopSettings)
class ShopSettingsAdmin(admin.ModelAdmin):
    form = ShopSettingsForm
    list_display = ["__str__", "unpaid_expiry_minutes", "auto_complete_days",
                    "after_sales_days", "shipping_fee", "free_shipping_above"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_object(self, request, object_id, from_field=None):
        return ShopSettings.load()

    def save_model(self, request, obj, form, change):
        """Through the service, with only the fields that changed."""
        services.update_shop_settings(
            request.user, **{name: form.cleaned_data[name] for name in form.changed_data}
        )


@admin.register(RegionShippingFee)
class RegionShippingFeeAdmin(ReadOnlyAdmin):
    """Changed on the shipping settings page (services.set_region_fees), which refuses a
    province listed twice under two names (广东 and 广东省)."""

    list_display = ["province", "shipping_fee", "free_shipping_above"]
    search_fields = ["province"]
