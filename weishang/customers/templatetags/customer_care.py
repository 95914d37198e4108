"""The follow-ups panel of a customer's page (customers/_followups.html)."""

from datetime import timedelta

from django import template
from django.utils import timezone

from weishang.customers import segments
from weishang.customers.care.forms import FollowUpForm
from weishang.customers.models import FollowUpState

register = template.Library()


@register.simple_tag
def care_of(customer) -> dict:
    """``{% care_of customer as care %}``: the customer's open follow-ups, their segment and a
    form for the next follow-up (two queries)."""
    today = timezone.localdate()
    return {
        "follow_ups": list(customer.follow_ups.filter(state=FollowUpState.OPEN)
                           .order_by("due_on", "id")),
        "segment": segments.segment_of(customer, today=today),
        "form": FollowUpForm(initial={"due_on": today + timedelta(days=1)},
                             auto_id="id_follow_up_%s"),
        "today": today,
    }
