from django import template

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
