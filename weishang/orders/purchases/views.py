"""Pages of stock purchases (进货), cloud stock (云仓) and buy-backs (/console/purchases/).

An agent buys, lists their purchases, reads their cloud stock and, after exiting, asks for a
buy-back; the owner (and staff with the agents area) sees every agent's cloud stock and pays
buy-backs. Purchases themselves are paid and shipped in the order desk like any order.
"""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_or_agent_required, area_required
from weishang.catalog.models import Variant
from weishang.core.errors import DomainError
from weishang.core.forms import add_domain_error
from weishang.network.queries import agent_of

from .. import services
from ..models import BuyBack, PurchaseDelivery, ShopSettings
from ..views import variants_for_sale
from . import queries as purchase_queries
from . import services as purchases
from .forms import QUANTITY_PREFIX, BuyBackPaymentForm, PurchaseForm, read_quantities

PER_PAGE = 20
MOVEMENTS_SHOWN = 50
agents_area = area_required("agents")
#: The agents' managers and agents (any state): a view shows an agent only what is theirs.
agents_or_agent = area_or_agent_required("agents")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "purchases", **context}, status=status)


def _manages(request) -> bool:
    return request.user.can("agents")


def _agent(request):
    """The agent whose page this is; PermissionDenied for anyone who is not an agent."""
    agent = agent_of(request.user)
    if agent is None:
        raise PermissionDenied
    return agent


# -- The agent's pages --------------------------------------------------------------------------

@agents_or_agent
def purchase_new(request):
    agent = _agent(request)
    if not agent.is_active:
        raise PermissionDenied
    variants = list(variants_for_sale(request.GET.get("q", "").strip()))
    terms = purchase_queries.purchase_terms(agent, variants)
    form = PurchaseForm(request.POST or None,
                        initial={"idempotency_key": uuid.uuid4().hex})
    status = 200
    if request.method == "POST" and form.is_valid():
        lines, problems = read_quantities(request.POST)
        data = form.cleaned_data
        for problem in problems:
            form.add_error(None, problem)
        if not lines and not problems:
            form.add_error(None, _("Enter a quantity for at least one item."))
        if not form.errors:
            try:
                order = purchases.place_purchase(
                    user=request.user, delivery=data["delivery"],
                    lines=[services.CartLine(public_id, quantity)
                           for public_id, quantity in lines],
                    recipient=(services.Recipient(**{name: data[name] for name in (
                        "name", "phone", "province", "city", "district", "street", "note")})
                        if data["delivery"] == PurchaseDelivery.SHIP else None),
                    idempotency_key=data["idempotency_key"] or None)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Purchase %(number)s placed; pay the owner to "
                                            "confirm it.") % {"number": order.number})
                return redirect("purchases:detail", number=order.number)
        status = 400
    rows = [{"variant": variant, "terms": terms[variant.pk],
             "field": f"{QUANTITY_PREFIX}{variant.public_id}",
             "value": request.POST.get(f"{QUANTITY_PREFIX}{variant.public_id}", "")}
            for variant in variants]
    return _page(request, "orders/purchases/purchase_new.html",
                 {"form": form, "rows": rows, "agent": agent}, status=status)


@agents_or_agent
def purchase_list(request):
    """An agent's own purchases; every agent's for their managers (paid and shipped in the
    order desk)."""
    manages = _manages(request)
    rows = purchase_queries.purchases() if manages else purchase_queries.purchases(
        purchaser=_agent(request).user)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "orders/purchases/purchase_list.html",
                 {"page": page, "manages": manages})


@agents_or_agent
def purchase_detail(request, number):
    if _manages(request):
        return redirect("orders:detail", number=number)
    _agent(request)
    try:
        order = purchase_queries.purchase_of(request.user, number)
    except DomainError as exc:
        raise Http404 from exc
    return _page(request, "orders/purchases/purchase_detail.html", {
        "order": order, "shop_settings": ShopSettings.load()})


@agents_or_agent
def cloud_stock(request):
    if _manages(request):
        return redirect("purchases:cloud_overview")
    agent = _agent(request)
    return _page(request, "orders/purchases/cloud_stock.html", {
        "levels": purchase_queries.cloud_levels(request.user),
        "movements": purchase_queries.cloud_movements(request.user)[:MOVEMENTS_SHOWN],
        "agent": agent,
    })


@agents_or_agent
def buyback_new(request):
    agent = _agent(request)
    levels = [level for level in purchase_queries.cloud_levels(request.user) if level.quantity]
    status = 200
    if request.method == "POST":
        wanted, problems = read_quantities(request.POST)
        variants = Variant.objects.in_bulk([public_id for public_id, _quantity in wanted],
                                           field_name="public_id")
        try:
            if problems:
                raise DomainError(problems[0])
            buyback = purchases.request_buyback(
                agent=agent, actor=request.user,
                lines=[(variants[public_id], quantity) for public_id, quantity in wanted
                       if public_id in variants])
        except DomainError as exc:
            messages.error(request, _("Nothing was changed: %(reason)s")
                           % {"reason": exc.message})
            status = exc.status
        else:
            messages.success(request, _("Buy-back requested: %(amount)s will be refunded.")
                             % {"amount": buyback.amount})
            return redirect("purchases:buybacks")
    return _page(request, "orders/purchases/buyback_new.html", {
        "agent": agent, "levels": levels, "prefix": QUANTITY_PREFIX}, status=status)


def _buyback_page(request, rows, *, manages: bool):
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "orders/purchases/buybacks.html", {
        "page": page, "manages": manages, "pay_form": BuyBackPaymentForm()})


@agents_or_agent
def buybacks(request):
    if _manages(request):
        return _buyback_page(request, purchase_queries.buybacks(), manages=True)
    return _buyback_page(request, purchase_queries.buybacks(agent=_agent(request)), manages=False)


# -- The owner's pages --------------------------------------------------------------------------

@agents_area
def cloud_overview(request):
    page = Paginator(purchase_queries.cloud_overview(), PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "orders/purchases/cloud_overview.html", {"page": page})


@agents_area
@require_POST
def buyback_pay(request, public_id):
    buyback = BuyBack.objects.filter(public_id=public_id).first()
    if buyback is None:
        raise Http404
    form = BuyBackPaymentForm(request.POST)
    if form.is_valid():
        try:
            purchases.pay_buyback(buyback, actor=request.user,
                                  reference=form.cleaned_data["reference"])
        except DomainError as exc:
            messages.error(request, _("Nothing was changed: %(reason)s")
                           % {"reason": exc.message})
        else:
            messages.success(request, _("Buy-back paid."))
    else:
        messages.error(request, _("Enter the transfer reference."))
    return redirect("purchases:buybacks")
