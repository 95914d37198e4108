"""Console forms of the posting plan. They check what a person typed; ``plan`` decides the
rest (the rules, the library, the time)."""

from datetime import date, datetime, time, timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm, DateInput, TimeInput
from weishang.marketing import queries
from weishang.marketing.models import Post

from . import queries as plan_queries
from . import services as plan


class LibraryPostField(forms.ModelChoiceField):
    def label_from_instance(self, post):
        return f"{post.title} · {post.get_kind_display()}"


class ChannelField(forms.ModelChoiceField):
    def label_from_instance(self, channel):
        return channel.name


def next_full_hour(now: datetime | None = None) -> datetime:
    local = (now or timezone.now()).astimezone(plan_queries.PLAN_TIME_ZONE)
    return local.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)


class PlanForm(ConsoleForm):
    """A post on a channel at a date and time (Shanghai), for a new entry or a moved one."""

    post = LibraryPostField(label=_("Post"), queryset=None, to_field_name="public_id",
                            empty_label=_("Choose a post"))
    channel = ChannelField(label=_("Channel"), queryset=None, to_field_name="code",
                           empty_label=_("Choose a channel"))
    account = forms.CharField(
        label=_("Account or group"), required=False, max_length=plan.ACCOUNT_MAX_LENGTH,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 老客户群")}),
        help_text=_("Where the channel counts its cap per group or account (微信群), each one "
                    "has its own cap and spacing."))
    day = forms.DateField(label=_("Date"), widget=DateInput())
    at = forms.TimeField(label=_("Time"),
                         widget=TimeInput())

    def __init__(self, *args, seller, entry=None, **kwargs):
        if entry is not None:
            local = entry.planned_at.astimezone(plan_queries.PLAN_TIME_ZONE)
            kwargs.setdefault("initial", {
                "post": entry.post.public_id, "channel": entry.channel.code,
                "account": entry.account, "day": local.date(), "at": local.time()})
        super().__init__(*args, **kwargs)
        posts = queries.library_for(seller).prefetch_related(None).select_related(None)
        if entry is not None:  # a post taken out of the library still shows as it was
            posts = posts | Post.objects.filter(pk=entry.post_id)
        self.fields["post"].queryset = posts
        self.fields["channel"].queryset = queries.channels(active_only=True)

    def entry_fields(self) -> dict:
        data = self.cleaned_data
        return {"post": data["post"], "channel": data["channel"], "account": data["account"],
                "planned_at": plan_queries.planned_moment(data["day"], data["at"])}

    @classmethod
    def initial_from(cls, query) -> dict:
        """What a link to the form fills in (?post=…&channel=…&day=…): the share kit's "plan
        it" and the calendar's days. The next full hour unless a day is given."""
        start = next_full_hour()
        initial = {"post": query.get("post", ""), "channel": query.get("channel", ""),
                   "day": start.date(), "at": start.time()}
        try:
            initial["day"] = date.fromisoformat(query.get("day", ""))
            initial["at"] = time(9, 0)
        except ValueError:
            pass
        return initial


class WeekForm(ConsoleForm):
    """The calendar's week and channel (GET); what does not parse shows this week, every
    channel."""

    week = forms.DateField(required=False)
    channel = forms.SlugField(required=False)

    def monday(self) -> date:
        self.is_valid()
        day = self.cleaned_data.get("week") if hasattr(self, "cleaned_data") else None
        day = day or plan_queries.local_day(timezone.now())
        return day - timedelta(days=day.weekday())

    def channel_code(self) -> str:
        self.is_valid()
        return getattr(self, "cleaned_data", {}).get("channel") or ""

