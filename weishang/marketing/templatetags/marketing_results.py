"""{% post_results post as rows %}: a post's results per channel, for its detail page."""

from django import template

from weishang.marketing.results import queries as results

register = template.Library()


@register.simple_tag(takes_context=True)
def post_results(context, post):
    """All-time rows per channel of ``post`` (the viewer's own links only for an agent) and
    their total: ``{"rows": [...], "total": ResultRow}``."""
    user = context["request"].user
    rows = results.breakdown(results.By.CHANNEL, post=post, seller=results.seller_scope(user))
    return {"rows": rows, "total": results.total(rows)}
