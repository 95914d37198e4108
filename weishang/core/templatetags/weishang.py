from datetime import datetime

from django import template
from django.utils import timezone
from django.utils.html import format_html

from weishang.core import site
from weishang.core.money import format_cny
from weishang.core.phone import mask_mobile

register = template.Library()


@register.filter
def cny(value):
    """{{ price|cny }} → ¥12.34"""
    return format_cny(value)


@register.filter
def masked(value):
    """{{ phone|masked }} → 138****5678"""
    return mask_mobile(value)


@register.simple_tag(takes_context=True)
def query_with(context, **changes):
    """The current query string with some parameters replaced (for filters and paging)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return "?" + params.urlencode() if params else "?"


@register.simple_tag(takes_context=True)
def site_url(context, path: str) -> str:
    """{% site_url shop_path %} → the link to share: on SITE_URL, else this page's address."""
    return site.absolute_url(path, context.get("request"))


def countdown_text(seconds: int) -> str:
    """Hours:minutes:seconds, as static/weishang/countdown.js writes it (hours may pass 24)."""
    minutes, second = divmod(max(0, seconds), 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours}:{minute:02}:{second:02}"


@register.simple_tag
def time_left(moment: datetime):
    """{% time_left order.expires_at as left %} → the time left until ``moment`` (23:59:10),
    counting down in the page with weishang/countdown.js; empty once ``moment`` has passed.
    The page counts from the server's figure, so a phone whose clock is wrong still shows the
    right time left."""
    seconds = int((moment - timezone.now()).total_seconds())
    if seconds <= 0:
        return ""
    return format_html('<span class="countdown" data-countdown="{}">{}</span>', seconds,
                       countdown_text(seconds))
