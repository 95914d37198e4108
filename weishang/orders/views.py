"""The owner's order desk (/console/orders/): list, detail with the moves allowed in its state,
orders taken in chat (代客下单) and the selling settings. Every change goes through ``services``;
a refused change shows why and writes nothing."""

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_or_agent_required, area_required, owner_required
from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product, Variant
from weishang.catalog.queries import visible_in_shop
from weishang.core.address import parse_address, with_delivery_note
from weishang.core.errors import DomainError
from weishang.core.forms import add_domain_error
from weishang.inventory.queries import with_stock

from . import queries, services
from .agents import queries as agent_queries
from .carriers import carrier_name
from .forms import (
    ConfirmPaymentForm,
    DeclineRefundForm,
    EmptyForm,
    NoteForm,
    OrderFilterForm,
    RecipientForm,
    RegionFeeFormSet,
    ShipForm,
    ShopSettingsForm,
    read_lines,
)
from .models import (
    Order,
    OrderChannel,
    OrderState,
    RegionShippingFee,
    ShopSettings,
    is_refund_decline,
)
from .sources import channel_name

ORDERS_PER_PAGE = 20
VARIANT_RESULTS = 20
orders_area = area_required("orders")
#: The list and an order's page: an agent reads their own shop's orders there, and moves none.
orders_readable = area_or_agent_required("orders")


def _page(request, template, context, status=200):
    return render(request, template, {"nav": "orders", **context}, status=status)


# -- List -------------------------------------------------------------------------------------

def _orders_of(user, **filters):
    """Every order for the orders area, only those of their own shop for an agent."""
    if user.can("orders"):
        return queries.console_orders(**filters)
    return agent_queries.shop_orders(user, **filters)


def _state_tabs(user, filters: dict) -> list[dict]:
    """Each state with the number of orders in it under the other filters (one query)."""
    others = {**filters, "state": ""}
    counts = dict(_orders_of(user, **others).prefetch_related(None).order_by()
                  .values_list("state").annotate(count=Count("pk")))
    tabs = [{"value": "", "label": _("All"), "count": sum(counts.values())}]
    tabs += [{"value": value, "label": label, "count": counts.get(value, 0)}
             for value, label in OrderState.choices]
    return tabs


@orders_readable
def order_list(request):
    filter_form = OrderFilterForm(request.GET)
    filters = filter_form.filters()
    page = Paginator(_orders_of(request.user, **filters), ORDERS_PER_PAGE).get_page(
        request.GET.get("page"))
    return _page(request, "orders/order_list.html", {
        "filter_form": filter_form, "state": filters["state"],
        "tabs": _state_tabs(request.user, filters),
        "page": page,
    })


# -- Detail and the moves of an order ---------------------------------------------------------

@dataclass(frozen=True)
class Action:
    """A move an order can make from the console: its form, its service call, its message.

    Declining a refund request (``declines_refund``) has no fixed ``to_state``: it goes back to
    the state the request was made from."""

    name: str
    to_state: str
    label: str
    form: type
    perform: Callable
    done: str
    danger: bool = False
    declines_refund: bool = False

    def offered(self, order: Order, allowed: frozenset[str]) -> bool:
        """Whether this is a move the order may make now, as the state machine decides
        (services/transitions.py)."""
        target = (services.state_before_refund_request(order) if self.declines_refund
                  else self.to_state)
        return target in allowed and is_refund_decline(order.state, target) == self.declines_refund


ACTIONS = [
    Action("confirm_payment", OrderState.PAID, gettext_lazy("Confirm payment"),
           ConfirmPaymentForm,
           lambda order, user, data: services.confirm_payment(order, actor=user, **data),
           gettext_lazy("Payment of order %(number)s confirmed.")),
    Action("ship", OrderState.SHIPPED, gettext_lazy("Ship"), ShipForm,
           lambda order, user, data: services.ship_order(order, actor=user, **data),
           gettext_lazy("Order %(number)s shipped.")),
    Action("complete", OrderState.COMPLETED, gettext_lazy("Mark as completed"), EmptyForm,
           lambda order, user, data: services.complete_order(order, actor=user),
           gettext_lazy("Order %(number)s completed.")),
    Action("request_refund", OrderState.REFUND_REQUESTED, gettext_lazy("Request a refund"),
           NoteForm,
           lambda order, user, data: services.request_refund(order, actor=user, **data),
           gettext_lazy("A refund of order %(number)s was requested."), danger=True),
    Action("refund", OrderState.REFUNDED, gettext_lazy("Refund"), NoteForm,
           lambda order, user, data: services.refund_order(order, actor=user, **data),
           gettext_lazy("Order %(number)s refunded."), danger=True),
    Action("decline_refund", "", gettext_lazy("Decline"), DeclineRefundForm,
           lambda order, user, data: services.decline_refund(order, actor=user, **data),
           gettext_lazy("The refund request of order %(number)s was declined."),
           declines_refund=True),
    Action("cancel", OrderState.CANCELLED, gettext_lazy("Cancel the order"), NoteForm,
           lambda order, user, data: services.cancel_order(order, actor=user, **data),
           gettext_lazy("Order %(number)s cancelled."), danger=True),
]
ACTIONS_BY_NAME = {action.name: action for action in ACTIONS}


def _order_or_404(number: str) -> Order:
    try:
        return queries.order_detail(number)
    except Order.DoesNotExist as exc:
        raise Http404 from exc


def _allowed_actions(order: Order, refused: tuple[str, object] | None = None) -> list[dict]:
    """The moves allowed in the order's state, each with its form (``refused``: the action
    whose bound form came back with errors)."""
    allowed = services.allowed_moves(order)
    return [
        {"action": action,
         "form": refused[1] if refused and refused[0] == action.name
         else action.form(auto_id=f"id_{action.name}_%s")}
        for action in ACTIONS if action.offered(order, allowed)
    ]


def _detail_page(request, order: Order, refused=None, status=200):
    may_move = request.user.can("orders")
    return _page(request, "orders/order_detail.html", {
        "order": order, "actions": _allowed_actions(order, refused) if may_move else [],
        "after_sales_until": order.after_sales_until,
        "carrier": carrier_name(order.carrier),
        "source_channel": channel_name(order.source_channel),
    }, status=status)


@orders_readable
def order_detail(request, number):
    if request.user.can("orders"):
        return _detail_page(request, _order_or_404(number))
    try:
        order = agent_queries.shop_order(request.user, number)
    except Order.DoesNotExist as exc:
        raise Http404 from exc
    return _detail_page(request, order)


@orders_area
@require_POST
def order_action(request, number, action):
    move = ACTIONS_BY_NAME.get(action)
    if move is None:
        raise Http404
    order = _order_or_404(number)
    form = move.form(request.POST, auto_id=f"id_{move.name}_%s")
    status = 400
    if form.is_valid():
        try:
            move.perform(order, request.user, form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, move.done % {"number": order.number})
            return redirect("orders:detail", number=order.number)
    messages.error(request, _("Nothing was changed: %(reason)s") % {
        "reason": " ".join(str(error) for errors in form.errors.values() for error in errors)})
    # The fresh order: another person may have moved it meanwhile.
    return _detail_page(request, _order_or_404(number), refused=(move.name, form), status=status)


# -- 代客下单: an order taken in chat ---------------------------------------------------------

def variants_for_sale(search: str):
    """Variants on sale in the shop whose product title or SKU code matches, with stock."""
    variants = Variant.objects.filter(is_active=True,
                                      product__in=visible_in_shop(Product.objects.all()))
    if search:
        variants = variants.filter(product__title__icontains=search) | variants.filter(
            sku_code__icontains=search)
    return with_stock(variants).order_by("product__title", "position", "id")[:VARIANT_RESULTS]


def _edited_lines(data, lines: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """The lines after the button that was pressed: add a variant or remove one."""
    if data.get("add"):
        added = dict(lines)
        added[data["add"]] = added.get(data["add"], 0) + 1
        return list(added.items())
    if data.get("remove"):
        return [line for line in lines if line[0] != data["remove"]]
    return lines


def _with_parsed_address(data):
    """The posted data with the fields the smart paste could read filled in (a delivery note
    goes to the customer note), and what to tell about it."""
    parsed = parse_address(data.get("paste", ""))
    data = data.copy()
    for field in ("name", "phone", "province", "city", "district", "street"):
        value = getattr(parsed, field)
        if value:
            data[field] = value
    data["note"] = with_delivery_note(data.get("note", ""), parsed.note)
    return data, parsed.problems + parsed.notices


@orders_area
def order_create(request):
    if request.method != "POST":
        form = RecipientForm(initial={"idempotency_key": uuid.uuid4().hex})
        return _page(request, "orders/order_create.html", {"form": form, "quote": None})

    data = request.POST
    notices = []
    if data.get("action") == "parse":
        data, notices = _with_parsed_address(data)
        if not notices:
            notices = [_("Address read; check the fields below.")]
    lines, problems = read_lines(data)
    lines = _edited_lines(data, lines)
    form = RecipientForm(data)
    form.is_valid()
    cart = [services.CartLine(variant_public_id=public_id, quantity=quantity)
            for public_id, quantity in lines]
    recipient = form.cleaned_data
    if data.get("action") == "place" and not problems:
        if not cart:
            form.add_error(None, _("Add at least one product."))
        elif form.require_recipient():
            try:
                order = services.place_order(
                    shop=owner_shop(), lines=cart, channel=OrderChannel.CHAT, actor=request.user,
                    idempotency_key=recipient["idempotency_key"] or None,
                    recipient=services.Recipient(
                        name=recipient["name"], phone=recipient["phone"],
                        province=recipient["province"], city=recipient["city"],
                        district=recipient["district"], street=recipient["street"],
                        note=recipient["note"]),
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Order %(number)s placed.") % {"number": order.number})
                return redirect("orders:detail", number=order.number)
    for problem in problems:
        form.add_error(None, problem)
    quote = (services.quote(cart, province=recipient.get("province", ""), for_customer=False)
             if cart else None)
    return _page(request, "orders/order_create.html", {
        "form": form, "quote": quote, "notices": notices,
        "results": variants_for_sale(recipient["find"]) if recipient.get("find") else None,
    })


# -- Settings ---------------------------------------------------------------------------------

def _region_initial() -> list[dict]:
    return list(RegionShippingFee.objects.values("province", "shipping_fee",
                                                 "free_shipping_above"))


@owner_required
def shop_settings(request):
    current = ShopSettings.load()
    if request.method == "POST":
        form = ShopSettingsForm(request.POST, request.FILES)
        regions = RegionFeeFormSet(request.POST, prefix="region")
        if form.is_valid() and regions.is_valid():
            try:
                with transaction.atomic():  # the settings and the regions: both or neither
                    services.update_shop_settings(request.user, **form.changed_settings())
                    services.set_region_fees(request.user, regions.rows())
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Settings saved."))
                return redirect("orders:settings")
        messages.error(request, _("Nothing was changed; see the messages below."))
    else:
        form = ShopSettingsForm(initial={
            field: getattr(current, field)
            for field in ShopSettingsForm.base_fields
            if field not in ("wechat_pay_code", "alipay_code")
        })
        regions = RegionFeeFormSet(initial=_region_initial(), prefix="region")
    return _page(request, "orders/settings.html",
                 {"form": form, "regions": regions, "current": current})
