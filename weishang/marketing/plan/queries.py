"""Reads of the posting plan: a seller's entries, the reminders that are due and the days as
sellers in China count them (Asia/Shanghai whatever the server's clock says)."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from weishang.core.errors import NotFound
from weishang.marketing import queries
from weishang.marketing.models import Channel, PlannedPost, PlanState, Post

PLAN_TIME_ZONE = ZoneInfo("Asia/Shanghai")


def visible_plans(user) -> QuerySet:
    """The plan entries ``user`` works on, with what the pages show.

    The one place that decides it: a seller (the owner now, each agent later) sees their own
    plan; staff plan for the owner (``queries.sharing_seller``)."""
    return (PlannedPost.objects.filter(seller=queries.sharing_seller(user))
            .select_related("post", "channel"))


def entry_for(user, entry_id) -> PlannedPost:
    """One entry of ``user``'s plan; NotFound for anyone else's or a missing one."""
    try:
        return visible_plans(user).get(pk=int(entry_id))
    except (PlannedPost.DoesNotExist, TypeError, ValueError) as exc:
        raise NotFound(_("This planned post does not exist.")) from exc


def local_day(moment: datetime) -> date:
    return moment.astimezone(PLAN_TIME_ZONE).date()


def day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=PLAN_TIME_ZONE)


def planned_moment(day: date, at: time) -> datetime:
    """A date and a time of day as typed by a seller in China."""
    return datetime.combine(day, at, tzinfo=PLAN_TIME_ZONE)


def due_reminders(seller, now: datetime | None = None) -> QuerySet:
    """Planned entries whose time has come and that are not posted yet, oldest first."""
    return (PlannedPost.objects.filter(seller=seller, state=PlanState.PLANNED,
                                       planned_at__lte=now or timezone.now())
            .select_related("post", "channel").order_by("planned_at", "id"))


def due_count(user) -> int:
    """How many planned posts wait for ``user`` to post them (the navigation badge)."""
    if not (user.is_authenticated and user.can("marketing")):
        return 0
    return due_reminders(queries.sharing_seller(user)).count()


def kit_entry(user, post: Post, channel: Channel) -> PlannedPost | None:
    """The entry the share kit of ``post`` on ``channel`` offers to mark as posted: the
    earliest one not posted yet, due or not."""
    return (visible_plans(user).filter(post=post, channel=channel, state=PlanState.PLANNED)
            .order_by("planned_at", "id").first())


def week_entries(user, monday: date, *, channel: Channel | None = None) -> QuerySet:
    """``user``'s plan for the seven days from ``monday``, in time order."""
    entries = visible_plans(user).filter(planned_at__gte=day_start(monday),
                                         planned_at__lt=day_start(monday + timedelta(days=7)))
    return entries.filter(channel=channel) if channel is not None else entries
