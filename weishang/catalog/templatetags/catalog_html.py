from django import template
from django.utils.safestring import mark_safe

from weishang.catalog.richtext import sanitize_description

register = template.Library()


@register.filter
def sanitized(html):
    """{{ product.description|sanitized }}: the allowed HTML of a description, nothing else."""
    # Safe to mark: nh3 has just removed everything that is not allowed.
    return mark_safe(sanitize_description(html))
