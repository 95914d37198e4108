from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AreaGrant, User


class AreaGrantInline(admin.TabularInline):
    model = AreaGrant
    extra = 0
    fields = ["area", "granted_at"]
    readonly_fields = ["granted_at"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "display_name", "phone", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "phone", "display_name"]
    ordering = ["role", "username"]
    inlines = [AreaGrantInline]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Profile"), {"fields": ["display_name", "phone", "role", "email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username", "phone", "role", "usable_password", "password1", "password2",
                ],
            },
        ),
    ]


@admin.register(AreaGrant)
class AreaGrantAdmin(admin.ModelAdmin):
    list_display = ["user", "area", "granted_at"]
    list_filter = ["area"]
    search_fields = ["user__username", "user__phone", "user__display_name"]
    list_select_related = ["user"]
    autocomplete_fields = ["user"]
