"""Admin for accounts: look, don't touch. Role, mobile number, password, active flag and area
grants change only through the services — the staff pages, ``weishang createowner`` and
``resetpassword``, an agent's application and state — which check them and keep what depends on
them in step (an agent's login is active exactly while the agent may work)."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _

from weishang.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import AreaGrant, LoginFailure, User


class AreaGrantInline(ReadOnlyInline):
    model = AreaGrant
    fields = ["area", "granted_at"]
    readonly_fields = fields


@admin.register(User)
class UserAdmin(ReadOnlyAdmin, DjangoUserAdmin):
    list_display = ["username", "display_name", "phone", "role", "is_active", "last_login"]
    list_filter = ["role", "is_active", "is_staff"]
    search_fields = ["username", "phone", "display_name"]
    ordering = ["role", "username"]
    inlines = [AreaGrantInline]
    # No password: not even its hash is shown.
    fieldsets = [
        (None, {"fields": ["username"]}),
        (_("Profile"), {"fields": ["display_name", "phone", "role", "email"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser"]}),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied


@admin.register(AreaGrant)
class AreaGrantAdmin(ReadOnlyAdmin):
    list_display = ["user", "area", "granted_at"]
    list_filter = ["area"]
    search_fields = ["user__username", "user__phone", "user__display_name"]
    list_select_related = ["user"]


@admin.register(LoginFailure)
class LoginFailureAdmin(ReadOnlyAdmin):
    """Failed logins still counted by the login limits (read only: `weishang unlock` lifts
    them)."""

    list_display = ["at", "account", "address"]
    search_fields = ["account", "address"]
    date_hierarchy = "at"
