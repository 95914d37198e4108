"""Admin building blocks. The admin is a back office for looking things up: changes go through
the console and the services, so most pages and inlines only list what is there."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written by the services alone (logs, settings kept by the console)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ListedInline(admin.TabularInline):
    """The rows of a parent, shown in it; they are added and removed elsewhere."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ReadOnlyInline(ListedInline):
    def has_change_permission(self, request, obj=None):
        return False
