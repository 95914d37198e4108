"""Console pages of the posting plan (/console/marketing/plan/): the week per channel (a day
list on the phone), the form to plan or move a post, and the buttons posted / skip / delete.
Every change goes through ``plan``; a plan that breaks a rule shows each reason and saves
nothing (or saves with the warnings when the owner set the rules to warn only)."""

from datetime import timedelta

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.core.errors import DomainError, NotFound
from weishang.core.forms import add_domain_error
from weishang.core.views import back_url
from weishang.marketing import queries
from weishang.marketing.models import MarketingSettings, PlanState, PostKind, RuleMode

from . import queries as plan_queries
from . import services as plan
from .forms import PlanForm, WeekForm

marketing_area = area_required("marketing")
DAYS_IN_WEEK = 7


def week_url(day) -> str:
    monday = day - timedelta(days=day.weekday())
    return f"{reverse('marketing:plan')}?week={monday.isoformat()}"


def _entry_or_404(request, entry_id):
    try:
        return plan_queries.entry_for(request.user, entry_id)
    except NotFound as exc:
        raise Http404(exc.message) from exc


def _counted(entries):
    return [entry for entry in entries if entry.state != PlanState.SKIPPED]


def _day_list(days, entries, percent) -> list[dict]:
    """Each day with its entries in time order, how many of the counted ones are product posts
    and whether that is over the share (possible with warn-only rules or a lowered share)."""
    rows = []
    for day in days:
        on_day = [entry for entry in entries if plan_queries.local_day(entry.planned_at) == day]
        counted = _counted(on_day)
        products = sum(entry.post.kind == PostKind.PRODUCT for entry in counted)
        rows.append({"day": day, "entries": on_day, "total": len(counted), "products": products,
                     "over_share": products > plan.allowed_product_posts(len(counted), percent)})
    return rows


def _grid(days, channels, entries) -> list[dict]:
    """One row per channel (those in use and any other with entries this week), one cell a day
    with its entries and, where the cap is per seller, how much of the cap they take."""
    shown = list(channels)
    shown += sorted({entry.channel for entry in entries} - set(shown),
                    key=lambda channel: (channel.position, channel.pk))
    rows = []
    for channel in shown:
        cells = []
        for day in days:
            on_day = [entry for entry in entries if entry.channel_id == channel.pk
                      and plan_queries.local_day(entry.planned_at) == day]
            cells.append({"day": day, "entries": on_day, "count": len(_counted(on_day))})
        rows.append({"channel": channel, "cells": cells})
    return rows


@marketing_area
def plan_week(request):
    week = WeekForm(request.GET)
    monday = week.monday()
    channels = list(queries.channels(active_only=True))
    channel = (queries.channels().filter(code=week.channel_code()).first()
               if week.channel_code() else None)
    entries = list(plan_queries.week_entries(request.user, monday, channel=channel))
    days = [monday + timedelta(days=offset) for offset in range(DAYS_IN_WEEK)]
    settings = MarketingSettings.load()
    return render(request, "marketing/plan.html", {
        "nav": "marketing", "monday": monday, "sunday": days[-1],
        "days": _day_list(days, entries, settings.product_share_percent),
        "grid": _grid(days, [channel] if channel else channels, entries),
        "channels": channels, "channel": channel, "now": timezone.now(),
        "today": plan_queries.local_day(timezone.now()),
        "previous_week": monday - timedelta(days=DAYS_IN_WEEK),
        "next_week": monday + timedelta(days=DAYS_IN_WEEK),
        "settings": settings, "warn_only": settings.rule_mode == RuleMode.WARN,
    })


def _saved(request, entry, verb):
    messages.success(request, verb % {
        "post": entry.post.title, "channel": entry.channel.name,
        "time": entry.planned_at.astimezone(plan_queries.PLAN_TIME_ZONE)
        .strftime("%Y-%m-%d %H:%M")})
    for warning in entry.warnings:
        messages.warning(request, _("Saved although it breaks a rule: %(reason)s") % {
            "reason": warning["message"]})
    return redirect(week_url(plan_queries.local_day(entry.planned_at)))


def _plan_form_page(request, entry=None):
    seller = queries.sharing_seller(request.user)
    violations, checked = [], False
    if request.method != "POST":
        form = PlanForm(seller=seller, entry=entry,
                        **({} if entry else {"initial": PlanForm.initial_from(request.GET)}))
    else:
        form = PlanForm(request.POST, seller=seller, entry=entry)
        if form.is_valid():
            fields = form.entry_fields()
            try:
                if request.POST.get("action") == "check":
                    violations = plan.dry_run(seller=seller, exclude=entry, **fields)
                    checked = True
                elif entry is None:
                    return _saved(request, plan.plan_post(seller=seller, **fields),
                                  _("Planned “%(post)s” on %(channel)s at %(time)s."))
                else:
                    return _saved(request, plan.reschedule(entry, **fields),
                                  _("Moved “%(post)s” on %(channel)s to %(time)s."))
            except plan.PlanRefused as refused:
                violations = refused.violations
                form.add_error(None, _("Not planned: it breaks the posting rules."))
            except DomainError as error:
                add_domain_error(form, error)
    status = 200
    if form.errors:
        status = 409 if violations else 400
    return render(request, "marketing/plan_form.html", {
        "nav": "marketing", "form": form, "entry": entry, "violations": violations,
        "checked": checked, "warn_only": MarketingSettings.load().rule_mode == RuleMode.WARN,
    }, status=status)


@marketing_area
def plan_add(request):
    return _plan_form_page(request)


@marketing_area
def plan_edit(request, entry_id):
    entry = _entry_or_404(request, entry_id)
    if entry.state == PlanState.POSTED:
        messages.error(request, _("This post is already marked as posted."))
        return redirect(week_url(plan_queries.local_day(entry.planned_at)))
    return _plan_form_page(request, entry)


def _change(request, entry_id, change, done):
    entry = _entry_or_404(request, entry_id)
    try:
        change(entry)
    except DomainError as error:
        messages.error(request, _("Nothing was changed: %(reason)s") % {
            "reason": error.message})
    else:
        messages.success(request, done % {"post": entry.post.title,
                                          "channel": entry.channel.name})
    return redirect(back_url(request, week_url(plan_queries.local_day(entry.planned_at))))


@marketing_area
@require_POST
def plan_posted(request, entry_id):
    return _change(request, entry_id, plan.mark_posted,
                   _("Marked “%(post)s” as posted on %(channel)s."))


@marketing_area
@require_POST
def plan_skip(request, entry_id):
    return _change(request, entry_id, plan.skip,
                   _("Skipped “%(post)s” on %(channel)s: it no longer counts for the rules."))


@marketing_area
@require_POST
def plan_delete(request, entry_id):
    return _change(request, entry_id, plan.delete,
                   _("Took “%(post)s” on %(channel)s out of the plan."))
