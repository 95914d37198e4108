"""Admin for customer care: look, don't touch. Customers change through the services (the
console or the API), so search keys, statistics and the access log stay right; the admin
shows numbers masked and everything read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from weishang.core.admin import ReadOnlyAdmin, ReadOnlyInline
from weishang.core.phone import mask_mobile

from .models import AccessLog, Customer, CustomerAddress, CustomerNote, CustomerSettings, Tag


class AddressInline(ReadOnlyInline):
    model = CustomerAddress
    fields = ["recipient_name", "province", "city", "district", "street", "is_default"]
    readonly_fields = fields


class NoteInline(ReadOnlyInline):
    model = CustomerNote
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["name", "masked_phone", "seller", "source_channel", "order_count",
                    "total_spent", "last_order_at", "erased_at"]
    list_filter = ["source_channel", "gender"]
    list_select_related = ["seller"]
    search_fields = ["name", "name_pinyin", "name_initials", "phone_last4", "wechat_id"]
    ordering = ["-last_order_at", "-id"]
    exclude = ["phone"]
    readonly_fields = ["public_id", "seller", "name", "masked_phone", "wechat_id", "gender",
                       "birthday", "province", "city", "district", "source_channel",
                       "first_order_at", "last_order_at", "order_count", "total_spent",
                       "erased_at", "created_at"]
    fields = readonly_fields
    inlines = [AddressInline, NoteInline]

    @admin.display(description=_("mobile number"))
    def masked_phone(self, customer):
        return mask_mobile(customer.phone)


@admin.register(Tag)
class TagAdmin(ReadOnlyAdmin):
    """Tags come and go with the customers tagged (services), which check their names."""

    search_fields = ["name"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor", "action", "customer", "detail"]
    list_filter = ["action"]
    list_select_related = ["actor", "customer"]
    date_hierarchy = "created_at"


@admin.register(CustomerSettings)
class CustomerSettingsAdmin(ReadOnlyAdmin):
    """Changed on the customer settings page (care.services.update_customer_settings), which checks
    them."""
