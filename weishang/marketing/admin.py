"""Admin for marketing: look, don't touch. Channels, posts and the rules change through the
console or the API, whose services check them; the admin offers publishing in bulk as actions
that call the services."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from weishang.core.admin import ListedInline, ReadOnlyAdmin

from . import services
from .models import Channel, MarketingSettings, Post, PostImage


@admin.register(Channel)
class ChannelAdmin(ReadOnlyAdmin):
    list_display = ["name", "code", "is_active", "max_images", "text_limit", "fold_after",
                    "title_limit", "hashtag_style", "daily_cap", "min_spacing_minutes",
                    "cap_per_account", "can_autopost"]


class PostImageInline(ListedInline):
    model = PostImage
    fields = ["position", "image", "width", "height"]
    readonly_fields = fields


def _set_published(modeladmin, request, queryset, published):
    for post in queryset:
        services.set_published(request.user, post, published)
    count = queryset.count()
    message = (ngettext("%(count)d post published.", "%(count)d posts published.", count)
               if published else
               ngettext("%(count)d post unpublished.", "%(count)d posts unpublished.", count))
    modeladmin.message_user(request, message % {"count": count}, messages.SUCCESS)


@admin.action(description=_("Publish to sellers"))
def publish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, True)


@admin.action(description=_("Unpublish"))
def unpublish(modeladmin, request, queryset):
    _set_published(modeladmin, request, queryset, False)


@admin.register(Post)
class PostAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "is_published", "author", "created_at"]
    list_filter = ["kind", "is_published"]
    search_fields = ["title", "body"]
    list_select_related = ["author"]
    fields = ["public_id", "title", "body", "kind", "hashtags", "products", "is_published",
              "author", "created_at", "updated_at"]
    readonly_fields = fields
    inlines = [PostImageInline]
    actions = [publish, unpublish]

    def has_change_permission(self, request, obj=None):
        # Actions need the change permission on the list; the form itself stays read-only.
        return obj is None and super(ReadOnlyAdmin, self).has_change_permission(request)


@admin.register(MarketingSettings)
class MarketingSettingsAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "rule_mode", "product_share_percent", "attribution_days"]
