"""Customer-care pages (/console/customers/…): who to contact today (今日待联系), follow-ups,
the RFM segments and the owner's customer-care settings. Every change goes through
``care.services``; a refused change shows why and writes nothing."""

from datetime import timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required, owner_required
from weishang.core.errors import DomainError
from weishang.core.forms import submit_form
from weishang.core.views import back_url
from weishang.customers.models import CustomerSettings

from .. import queries, segments
from ..models import Customer, FollowUp, ReminderKind
from ..views import CUSTOMERS_PER_PAGE
from . import queries as care_queries
from . import services as care
from .forms import CustomerSettingsForm, FollowUpForm, ReminderForm, SnoozeForm

care_area = area_required("customers")

#: The today page's groups, in this order.
GROUPS = (
    (ReminderKind.FOLLOW_UP, ReminderKind.FOLLOW_UP.label),
    (ReminderKind.REPURCHASE, ReminderKind.REPURCHASE.label),
    (ReminderKind.BIRTHDAY, ReminderKind.BIRTHDAY.label),
)


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "customers", **context}, status=status)


def _back_url(request, default: str, **kwargs) -> str:
    """The page the button was on (``next``), if it is one of ours."""
    return back_url(request, reverse(default, kwargs=kwargs))


def _back(request, default: str, **kwargs):
    return redirect(_back_url(request, default, **kwargs))


def _customer_or_404(request, public_id: str) -> Customer:
    customer = queries.customers_for(request.user).filter(public_id=public_id).first()
    if customer is None:
        raise Http404
    return customer


def _follow_up_or_404(request, pk: int) -> FollowUp:
    follow_up = care_queries.follow_ups_for(request.user).filter(pk=pk).first()
    if follow_up is None:
        raise Http404
    return follow_up


def _refused(request, error: DomainError | None = None, form=None):
    reasons = [str(error.message)] if error else [
        str(message) for messages_ in form.errors.values() for message in messages_]
    messages.error(request, _("Nothing was changed: %(reason)s") % {"reason": " ".join(reasons)})


# -- Today ------------------------------------------------------------------------------------

@care_area
def today(request):
    day = timezone.localdate()
    due = care_queries.today_for(request.user, today=day)
    groups = []
    for kind, label in GROUPS:
        of_kind = [reminder for reminder in due if reminder.kind == kind]
        if of_kind:
            groups.append({"kind": kind, "label": label, "entries": [
                {"reminder": reminder, "late": reminder.days_late(day), "ref": f"{kind}-{index}"}
                for index, reminder in enumerate(of_kind)]})
    return _page(request, "customers/today.html", {
        "groups": groups, "total": len(due), "day": day, "snooze_days": care.SNOOZE_DAYS,
        "tomorrow": day + timedelta(days=1),
    })


@care_area
@require_POST
def reminder_done(request):
    form = ReminderForm(request.POST)
    if not form.is_valid():
        _refused(request, form=form)
        return _back(request, "customers:today")
    try:
        customer = _customer_or_404(request, form.cleaned_data["customer"])
        care.handle_reminder(request.user, customer, kind=form.cleaned_data["kind"],
                             key=form.cleaned_data["key"])
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done: %(name)s.") % {"name": customer.name})
    return _back(request, "customers:today")


@care_area
@require_POST
def reminder_snooze(request):
    form, snooze = ReminderForm(request.POST), SnoozeForm(request.POST)
    if not (form.is_valid() and snooze.is_valid()):
        _refused(request, form=form if form.errors else snooze)
        return _back(request, "customers:today")
    try:
        customer = _customer_or_404(request, form.cleaned_data["customer"])
        follow_up = care.snooze_reminder(request.user, customer, kind=form.cleaned_data["kind"],
                                         key=form.cleaned_data["key"], **snooze.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s will be back on %(day)s.") % {
            "name": customer.name, "day": follow_up.due_on.strftime("%m-%d")})
    return _back(request, "customers:today")


# -- Follow-ups -------------------------------------------------------------------------------

def _follow_up_form_page(request, form, *, customer, follow_up=None):
    return _page(request, "customers/followup_form.html",
                 {"form": form, "customer": customer, "follow_up": follow_up})


@care_area
def followup_add(request, public_id):
    customer = _customer_or_404(request, public_id)
    if request.method != "POST":
        form = FollowUpForm(initial={"due_on": timezone.localdate() + timedelta(days=1)})
        return _follow_up_form_page(request, form, customer=customer)
    return submit_form(
        request, FollowUpForm(request.POST),
        lambda data: care.create_follow_up(request.user, customer, **data),
        success_message=lambda follow_up: _("Follow-up planned for %(day)s.") % {
            "day": follow_up.due_on.strftime("%m-%d")},
        success_url=_back_url(request, "customers:detail", public_id=public_id),
        page_with_errors=lambda form: _follow_up_form_page(request, form, customer=customer))


@care_area
def followup_edit(request, pk):
    follow_up = _follow_up_or_404(request, pk)
    if request.method != "POST":
        form = FollowUpForm(initial={"kind": follow_up.kind, "due_on": follow_up.due_on,
                                     "note": follow_up.note})
        return _follow_up_form_page(request, form, customer=follow_up.customer,
                                    follow_up=follow_up)
    return submit_form(
        request, FollowUpForm(request.POST),
        lambda data: care.reschedule_follow_up(request.user, follow_up, **data),
        success_message=_("Follow-up saved."),
        success_url=_back_url(request, "customers:detail",
                              public_id=follow_up.customer.public_id),
        page_with_errors=lambda form: _follow_up_form_page(
            request, form, customer=follow_up.customer, follow_up=follow_up))


@care_area
@require_POST
def followup_done(request, pk):
    follow_up = _follow_up_or_404(request, pk)
    try:
        care.complete_follow_up(request.user, follow_up)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Done: %(name)s.") % {"name": follow_up.customer.name})
    return _back(request, "customers:today")


@care_area
@require_POST
def followup_snooze(request, pk):
    follow_up = _follow_up_or_404(request, pk)
    form = SnoozeForm(request.POST)
    if not form.is_valid():
        _refused(request, form=form)
        return _back(request, "customers:today")
    try:
        follow_up = care.snooze_follow_up(request.user, follow_up, **form.cleaned_data)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("%(name)s will be back on %(day)s.") % {
            "name": follow_up.customer.name, "day": follow_up.due_on.strftime("%m-%d")})
    return _back(request, "customers:today")


@care_area
@require_POST
def followup_delete(request, pk):
    follow_up = _follow_up_or_404(request, pk)
    try:
        care.delete_follow_up(request.user, follow_up)
    except DomainError as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Follow-up removed."))
    return _back(request, "customers:detail", public_id=follow_up.customer.public_id)


# -- Segments ---------------------------------------------------------------------------------

@care_area
def segment_list(request):
    settings = CustomerSettings.load()
    return _page(request, "customers/segments.html", {
        "overview": segments.overview(queries.customers_for(request.user), settings=settings),
        "settings": settings,
    })


@care_area
def segment_detail(request, code):
    segment = segments.SEGMENTS_BY_CODE.get(code)
    if segment is None:
        raise Http404
    page = Paginator(queries.customer_list(request.user, segment=code),
                     CUSTOMERS_PER_PAGE).get_page(request.GET.get("page"))
    channel_names = dict(queries.source_channel_choices())
    for customer in page:
        customer.source_name = queries.source_channel_name(customer.source_channel,
                                                           channel_names)
    return _page(request, "customers/segment_detail.html", {"segment": segment, "page": page})


# -- Settings ---------------------------------------------------------------------------------

@owner_required
def care_settings(request):
    def page(form):
        return _page(request, "customers/settings.html", {"form": form})

    def page_with_errors(form):
        messages.error(request, _("Nothing was changed; see the messages below."))
        return page(form)

    if request.method != "POST":
        return page(CustomerSettingsForm(
            initial=CustomerSettingsForm.initial_for(CustomerSettings.load())))
    return submit_form(
        request, CustomerSettingsForm(request.POST),
        lambda data: care.update_customer_settings(request.user, **data),
        success_message=_("Settings saved."), success_url="customers:settings",
        page_with_errors=page_with_errors)
