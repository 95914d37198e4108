"""The posting plan on other pages: the share kit's "posted" button and the console's
reminders of planned posts whose time has come."""

from django import template
from django.utils import timezone

from weishang.marketing import queries
from weishang.marketing.plan import queries as plan_queries

register = template.Library()

#: The console home lists the oldest few; the plan page has them all.
REMINDERS_SHOWN = 5


@register.simple_tag(takes_context=True)
def kit_plan_entry(context, post, channel):
    """The viewer's next planned entry of ``post`` on ``channel`` (``is_due`` set), or None."""
    entry = plan_queries.kit_entry(context["request"].user, post, channel)
    if entry is not None:
        entry.is_due = entry.planned_at <= timezone.now()
    return entry


@register.simple_tag(takes_context=True)
def due_plans(context):
    """``{"entries": the oldest due entries, "count": how many are due}`` for the viewer."""
    user = context["request"].user
    if not (user.is_authenticated and user.can("marketing")):
        return {"entries": [], "count": 0}
    due = plan_queries.due_reminders(queries.sharing_seller(user))
    entries = list(due[:REMINDERS_SHOWN])
    count = len(entries) if len(entries) < REMINDERS_SHOWN else due.count()
    return {"entries": entries, "count": count}
