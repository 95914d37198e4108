"""Earnings pages (/console/earnings/).

An agent sees their own balances, ledger and withdrawals and asks for a withdrawal. The owner
(and staff with the agents area) works through the withdrawal queue — approve, pay with the
transfer's reference and receipt, or reject —, sees each agent's earnings and sets the rules.
Every change goes through ``withdrawals`` or ``rules``; a refused change says why and writes
nothing.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.core.errors import DomainError
from weishang.core.forms import submit_form
from weishang.network.models import Agent
from weishang.network.queries import agent_of
from weishang.orders.models import ShopSettings

from . import queries
from .forms import CommissionSettingsForm, PayForm, QueueFilterForm, RejectForm, WithdrawForm
from .models import Bucket, CommissionSettings, Withdrawal, WithdrawalState
from .services import rules, withdrawals

LEDGER_PER_PAGE = 30
WITHDRAWALS_PER_PAGE = 20
RECENT_WITHDRAWALS = 5
agents_area = area_required("agents")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "earnings", **context}, status=status)


def _own_agent(request) -> Agent:
    agent = agent_of(request.user)
    if agent is None:
        raise PermissionDenied
    return agent


def _buckets(balance) -> list[tuple[str, str, object]]:
    return [(bucket.value, bucket.label, getattr(balance, bucket.value)) for bucket in Bucket]


# -- The agent's pages ------------------------------------------------------------------------

@login_required
def home(request):
    agent = agent_of(request.user)
    if agent is None:
        if request.user.can("agents"):
            return redirect("earnings:withdrawals")
        raise PermissionDenied
    return _earnings_page(request, agent, template="commissions/home.html", extra={
        "withdrawals": queries.withdrawals_for(agent)[:RECENT_WITHDRAWALS],
    })


def _earnings_page(request, agent: Agent, *, template: str, extra: dict):
    balance = queries.balance_for(agent)
    page = Paginator(queries.statement_for(agent), LEDGER_PER_PAGE).get_page(
        request.GET.get("page"))
    page.object_list = queries.with_states(page.object_list)
    return _page(request, template, {"agent": agent, "balance": balance,
                                     "buckets": _buckets(balance), "page": page, **extra})


@login_required
def my_withdrawals(request):
    agent = _own_agent(request)
    page = Paginator(queries.withdrawals_for(agent), WITHDRAWALS_PER_PAGE).get_page(
        request.GET.get("page"))
    return _page(request, "commissions/my_withdrawals.html", {"page": page})


@login_required
def withdraw(request):
    agent = _own_agent(request)

    def page(form):
        settings = CommissionSettings.load()
        return _page(request, "commissions/withdraw.html", {
            "form": form, "balance": queries.balance_for(agent),
            "minimum": settings.withdrawal_minimum,
            "fee_percent": settings.withdrawal_fee_percent,
        })

    if request.method != "POST":
        return page(WithdrawForm(initial={"request_key": WithdrawForm.new_key()}))
    return submit_form(
        request, WithdrawForm(request.POST),
        lambda data: withdrawals.request_withdrawal(agent, **data),
        success_message=lambda withdrawal: _("Withdrawal of ¥%(amount)s requested.")
        % {"amount": withdrawal.amount},
        success_url="earnings:home", page_with_errors=page)


# -- The owner's pages ------------------------------------------------------------------------

@agents_area
def withdrawal_queue(request):
    filter_form = QueueFilterForm(request.GET)
    state = filter_form.cleaned_data["state"] if filter_form.is_valid() else ""
    page = Paginator(queries.withdrawal_queue(state), WITHDRAWALS_PER_PAGE).get_page(
        request.GET.get("page"))
    return _page(request, "commissions/queue.html", {"filter_form": filter_form, "page": page})


def _withdrawal_or_404(public_id: str) -> Withdrawal:
    try:
        return queries.withdrawal_by_public_id(public_id)
    except Withdrawal.DoesNotExist as exc:
        raise Http404 from exc


def _withdrawal_page(request, withdrawal, *, pay_form=None, reject_form=None):
    next_states = withdrawals.TRANSITIONS[withdrawal.state]
    return _page(request, "commissions/withdrawal.html", {
        "withdrawal": withdrawal,
        "transferred": withdrawal.amount - withdrawal.fee,
        "can_approve": WithdrawalState.APPROVED in next_states,
        "can_pay": WithdrawalState.PAID in next_states,
        "can_reject": WithdrawalState.REJECTED in next_states,
        "pay_form": pay_form or PayForm(),
        "reject_form": reject_form or RejectForm(),
    })


@agents_area
def withdrawal_detail(request, public_id):
    return _withdrawal_page(request, _withdrawal_or_404(public_id))


@agents_area
@require_POST
def approve(request, public_id):
    withdrawal = _withdrawal_or_404(public_id)
    try:
        withdrawals.approve(withdrawal, actor=request.user)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Approved: transfer the money, then record it as paid."))
    return redirect("earnings:withdrawal", public_id=public_id)


@agents_area
@require_POST
def pay(request, public_id):
    withdrawal = _withdrawal_or_404(public_id)
    return submit_form(
        request, PayForm(request.POST, request.FILES),
        lambda data: withdrawals.mark_paid(withdrawal, actor=request.user,
                                           reference=data["reference"], receipt=data["receipt"]),
        success_message=_("Recorded as paid."),
        success_url=reverse("earnings:withdrawal", args=[public_id]),
        page_with_errors=lambda form: _withdrawal_page(request, withdrawal, pay_form=form))


@agents_area
@require_POST
def reject(request, public_id):
    withdrawal = _withdrawal_or_404(public_id)
    return submit_form(
        request, RejectForm(request.POST),
        lambda data: withdrawals.reject(withdrawal, actor=request.user, note=data["note"]),
        success_message=_("Rejected: the amount is available to the agent again."),
        success_url=reverse("earnings:withdrawal", args=[public_id]),
        page_with_errors=lambda form: _withdrawal_page(request, withdrawal, reject_form=form))


@agents_area
def agent_list(request):
    page = Paginator(queries.agents_with_balances(), WITHDRAWALS_PER_PAGE).get_page(
        request.GET.get("page"))
    return _page(request, "commissions/agents.html", {"page": page})


@agents_area
def agent_earnings(request, public_id):
    try:
        agent = Agent.objects.get(public_id=public_id)
    except Agent.DoesNotExist as exc:
        raise Http404 from exc
    return _earnings_page(request, agent, template="commissions/agent.html", extra={})


@agents_area
def commission_settings(request):
    def page(form):
        return _page(request, "commissions/settings.html",
                     {"form": form, "warning": rules.UPLINE_WARNING,
                      "after_sales_days": ShopSettings.load().after_sales_days})

    def page_with_errors(form):
        messages.error(request, _("Nothing was changed; see the messages below."))
        return page(form)

    if request.method != "POST":
        return page(CommissionSettingsForm(
            initial=CommissionSettingsForm.initial_for(CommissionSettings.load())))
    form = CommissionSettingsForm(request.POST)
    return submit_form(
        request, form,
        lambda data: rules.update_commission_settings(
            request.user, confirm_upline=data["confirm_upline"], **form.changes()),
        success_message=_("Settings saved."), success_url="earnings:settings",
        page_with_errors=page_with_errors)
