"""The owner's agent pages (/console/agents/): agents and applications, an agent's page with its
state, level and upline, the levels with their conditions and variant prices, the rules; and
the public joining pages (/join/): the application form and the invitation poster.

Every change goes through ``services``; a refused change shows why and writes nothing."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.accounts.services import owner_shop
from weishang.core.errors import DomainError, InvalidInput, TooManyRequests
from weishang.core.forms import add_domain_error, submit_form
from weishang.core.site import absolute_url

from . import queries, services
from .forms import (
    AgentFilterForm,
    ApplicationForm,
    LevelChangeForm,
    LevelForm,
    LevelReviewForm,
    MoveForm,
    SettingsForm,
    StateForm,
    VariantRuleForm,
)
from .invite_poster import invite_poster_png
from .joining import limit_applications
from .models import Agent, AgentLevel, AgentState, LevelVariantRule, NetworkSettings
from .queries import agent_of

AGENTS_PER_PAGE = 20
LATEST_ORDERS = 10
agents_area = area_required("agents")

#: The buttons an agent's page offers in each state: (target state, label msgid).
STATE_ACTIONS = {
    AgentState.APPLIED: [(AgentState.ACTIVE, gettext_lazy("Approve")),
                         (AgentState.EXITED, gettext_lazy("Reject"))],
    AgentState.ACTIVE: [(AgentState.SUSPENDED, gettext_lazy("Suspend")),
                        (AgentState.EXITED, gettext_lazy("End (exit)"))],
    AgentState.SUSPENDED: [(AgentState.ACTIVE, gettext_lazy("Reactivate")),
                           (AgentState.EXITED, gettext_lazy("End (exit)"))],
    AgentState.EXITED: [],
}


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "agents", **context}, status=status)


def _agent_or_404(public_id: str) -> Agent:
    try:
        return queries.agent_detail(public_id)
    except Agent.DoesNotExist as exc:
        raise Http404 from exc


# -- Agents -----------------------------------------------------------------------------------

def _agent_list(request, *, applications: bool):
    filter_form = AgentFilterForm(request.GET)
    filters = filter_form.filters()
    if applications:
        filters["state"] = AgentState.APPLIED
    page = Paginator(queries.agent_list(**filters),
                     AGENTS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "network/agent_list.html", {
        "filter_form": filter_form, "page": page, "applications": applications,
        "waiting": Agent.objects.filter(state=AgentState.APPLIED).count(),
    })


@agents_area
def agent_list(request):
    return _agent_list(request, applications=False)


@agents_area
def applications(request):
    return _agent_list(request, applications=True)


def _detail_page(request, agent: Agent, *, level_form=None, move_form=None):
    orders = queries.latest_orders(agent, LATEST_ORDERS)
    return _page(request, "network/agent_detail.html", {
        "agent": agent,
        "actions": STATE_ACTIONS[agent.state],
        "level_form": level_form or LevelChangeForm(initial={"level": agent.level_id}),
        "move_form": move_form or MoveForm(
            initial={"upline_code": agent.upline.code if agent.upline else ""}),
        "orders": orders,
        "join_url": absolute_url(reverse("join:apply", args=[agent.code]), request),
    })


@agents_area
def agent_detail(request, public_id):
    return _detail_page(request, _agent_or_404(public_id))


def _decide(request, public_id: str, form, act):
    """A button of the agent's page: ``act(agent, data)`` changes it through the services and
    says what it did; the page shows that, or why nothing changed."""
    agent = _agent_or_404(public_id)
    if not form.is_valid():
        messages.error(request, _("Choose what to do."))
    else:
        try:
            messages.success(request, act(agent, form.cleaned_data))
        except DomainError as error:
            messages.error(request, error.message)
    return redirect("network:detail", public_id=public_id)


@agents_area
@require_POST
def change_state(request, public_id):
    def act(agent, data):
        services.change_state(request.user, agent, data["state"], data["note"])
        return _("%(name)s is now %(state)s.") % {"name": agent.name,
                                                   "state": AgentState(data["state"]).label}

    return _decide(request, public_id, StateForm(request.POST), act)


@agents_area
@require_POST
def set_level(request, public_id):
    agent = _agent_or_404(public_id)
    return submit_form(
        request, LevelChangeForm(request.POST),
        lambda data: services.set_level(request.user, agent, data["level"], data["note"]),
        success_message=_("Level changed."),
        success_url=reverse("network:detail", args=[public_id]),
        page_with_errors=lambda form: _detail_page(request, agent, level_form=form))


@agents_area
@require_POST
def level_review(request, public_id):
    """The owner's decision on a level refunds took the selling below: keep it or move down."""
    def act(agent, data):
        keep = data["decision"] == LevelReviewForm.KEEP
        decided = services.decide_level_review(request.user, agent, keep=keep,
                                               note=data["note"])
        done = _("%(name)s stays at %(level)s.") if keep else _("%(name)s is now at %(level)s.")
        return done % {"name": decided.name, "level": decided.level.name}

    return _decide(request, public_id, LevelReviewForm(request.POST), act)


@agents_area
@require_POST
def move(request, public_id):
    agent = _agent_or_404(public_id)

    def move_under_typed_code(data):
        code = data["upline_code"].strip()
        upline = Agent.objects.filter(code=code).first() if code else None
        if code and upline is None:
            raise InvalidInput(_("No agent has this invitation code."), field="upline_code")
        services.move(request.user, agent, upline)

    return submit_form(
        request, MoveForm(request.POST), move_under_typed_code,
        success_message=_("Upline changed."),
        success_url=reverse("network:detail", args=[public_id]),
        page_with_errors=lambda form: _detail_page(request, agent, move_form=form))


# -- Levels -----------------------------------------------------------------------------------

@agents_area
def level_list(request):
    return _page(request, "network/level_list.html",
                 {"levels": queries.levels_overview()})


def _level_page(request, level, form, rule_form=None):
    rules = (LevelVariantRule.objects.filter(level=level).select_related("variant__product")
             .order_by("variant__product__title", "variant_id") if level else [])
    return _page(request, "network/level_form.html", {
        "level": level, "form": form, "rules": rules,
        "rule_form": rule_form or VariantRuleForm(),
    })


def _edit_level(request, level: AgentLevel | None):
    if request.method != "POST":
        return _level_page(request, level, LevelForm(initial=LevelForm.initial_for(level)))
    form = LevelForm(request.POST)
    return submit_form(
        request, form, lambda data: services.save_level(request.user, form.data_for_service(),
                                                        level),
        success_message=lambda saved: _("Saved %(name)s.") % {"name": saved.name},
        success_url=lambda saved: reverse("network:level_edit", args=[saved.pk]),
        page_with_errors=lambda form: _level_page(request, level, form))


@agents_area
def level_create(request):
    return _edit_level(request, None)


@agents_area
def level_edit(request, pk):
    return _edit_level(request, get_object_or_404(AgentLevel, pk=pk))


@agents_area
@require_POST
def level_delete(request, pk):
    level = get_object_or_404(AgentLevel, pk=pk)
    try:
        services.delete_level(request.user, level)
    except DomainError as error:
        messages.error(request, error.message)
        return redirect("network:level_edit", pk=pk)
    messages.success(request, _("Level deleted."))
    return redirect("network:levels")


@agents_area
@require_POST
def level_rule(request, pk):
    level = get_object_or_404(AgentLevel, pk=pk)

    def set_rule(data):
        values = dict(data)
        services.set_variant_rule(request.user, level, values.pop("variant"), **values)

    return submit_form(
        request, VariantRuleForm(request.POST), set_rule,
        success_message=_("Saved."), success_url=reverse("network:level_edit", args=[pk]),
        page_with_errors=lambda form: _level_page(
            request, level, LevelForm(initial=LevelForm.initial_for(level)), rule_form=form))


@agents_area
@require_POST
def level_rule_remove(request, pk, rule_id):
    rule = get_object_or_404(LevelVariantRule, pk=rule_id, level_id=pk)
    services.set_variant_rule(request.user, rule.level, rule.variant)
    messages.success(request, _("Removed."))
    return redirect("network:level_edit", pk=pk)


# -- Rules ------------------------------------------------------------------------------------

@agents_area
def network_settings(request):
    def page(form):
        return _page(request, "network/settings.html", {
            "form": form, "owner_join_url": absolute_url(reverse("join:owner"), request)})

    if request.method != "POST":
        current = NetworkSettings.load()
        return page(SettingsForm(initial={
            "binding_mode": current.binding_mode, "binding_days": current.binding_days,
            "auto_approve": current.auto_approve, "buyback_percent": current.buyback_percent,
            "upgrade_review": current.upgrade_review}))
    return submit_form(
        request, SettingsForm(request.POST),
        lambda data: services.update_settings(request.user, **data),
        success_message=_("Saved."), success_url="network:settings", page_with_errors=page)


# -- Joining (public) -------------------------------------------------------------------------

def join(request, code=None):
    """The application form of an invitation (or of the owner's own link, without ``code``)."""
    try:
        inviter = services.inviter_for(code)
    except DomainError as error:
        return render(request, "network/join_closed.html", {"message": error.message},
                      status=error.status)
    member = agent_of(request.user)
    if member is not None:
        return _join_as_member(request, member, inviter)
    form = ApplicationForm(request.POST or None)
    status = 400 if form.is_bound else 200
    try:
        if form.is_bound:
            limit_applications(request)
        if form.is_valid():
            services.apply(form.application(), code=code)
            # The same page whether or not the number had an account (services.apply).
            request.session["join_applied"] = True
            return redirect("join:done")
    except DomainError as error:
        add_domain_error(form, error)
        status = error.status if isinstance(error, TooManyRequests) else status
    return render(request, "network/join.html", {
        "form": form, "inviter": inviter, "brand": owner_shop().name,
    }, status=status)


def _join_as_member(request, member: Agent, inviter: Agent | None):
    """Someone who is an agent already opened an invitation: they do not apply again, but the
    invitation may bind them to the inviter if the binding mode allows (OVERWRITE always, FIRST
    when they have no upline now)."""
    can_bind = bool(inviter and member.is_active and services.binding_allowed(
        member, inviter, NetworkSettings.load(), now=timezone.now()))
    if request.method == "POST" and can_bind:
        try:
            services.bind(member, inviter, actor=request.user)
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("%(name)s is your upline now.") % {"name": inviter.name})
        return redirect("join:apply", code=inviter.code)
    return render(request, "network/join_member.html", {
        "member": member, "inviter": inviter, "can_bind": can_bind, "brand": owner_shop().name})


def join_done(request):
    if not request.session.get("join_applied"):
        return redirect("join:owner")
    return render(request, "network/join_done.html", {
        "approved": NetworkSettings.load().auto_approve,
        "message": services.application_received()})


def join_poster(request, code=None):
    """The invitation poster of ``code``'s link (or the owner's own, without ``code``)."""
    try:
        inviter = services.inviter_for(code)
    except DomainError as error:
        raise Http404 from error
    shop = owner_shop()
    link = reverse("join:apply", args=[code]) if code else reverse("join:owner")
    png = invite_poster_png(inviter_name=inviter.name if inviter else shop.name,
                            brand_name=shop.name, link_url=absolute_url(link, request))
    response = HttpResponse(png, content_type="image/png")
    response["Cache-Control"] = "private, max-age=3600"
    return response
