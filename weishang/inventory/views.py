"""Console pages for stock. Every change goes through ``services``; a refused change shows why and
writes nothing. Forms post to their own URL: a plain POST ends in a redirect back to the product,
an htmx POST gets the variant's card back in place."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import area_required
from weishang.catalog.models import Product, Variant
from weishang.core.errors import DomainError

from . import queries, services
from .forms import StockChangeForm, StockFilterForm, ThresholdForm

LIST_PAGE_SIZE = 30
MOVEMENTS_PAGE_SIZE = 30
#: A product with this many variants or fewer shows every stock form at once; with more, the
#: forms stay folded so the list of quantities remains short enough to scan on a phone.
FORMS_OPEN_UP_TO = 4

inventory_area = area_required("inventory")


def _variant_or_404(public_id: str) -> Variant:
    try:
        return queries.variant_with_stock(public_id)
    except Variant.DoesNotExist as exc:
        raise Http404 from exc


def _auto_id(variant: Variant) -> str:
    """Field ids unique on a page that shows the forms of several variants."""
    return f"id_{variant.public_id}_%s"


def _card(variant: Variant, *, change_form=None, threshold_form=None, notice: str = "",
          open_form: bool = False) -> dict:
    return {
        "variant": variant,
        "change_form": change_form or StockChangeForm(auto_id=_auto_id(variant)),
        "threshold_form": threshold_form or ThresholdForm(
            initial={"threshold": variant.threshold}, auto_id=_auto_id(variant)
        ),
        "notice": notice,
        "open": open_form,
    }


def _render_card(request, card: dict):
    return render(request, "inventory/_variant_card.html", {"card": card})


def _product_page(request, product: Product, replaced: dict | None = None):
    """The product's stock page; ``replaced`` is a card to show instead of the fresh one (a form
    that was refused, with its errors and the input kept). ``?open=<variant>`` unfolds the forms
    of that variant (the low-stock list links there)."""
    variants = queries.product_stock(product)
    opened = request.GET.get("open")
    all_open = len(variants) <= FORMS_OPEN_UP_TO
    cards = [
        replaced if replaced and replaced["variant"].pk == variant.pk
        else _card(variant, open_form=all_open or variant.public_id == opened)
        for variant in variants
    ]
    return render(request, "inventory/product_stock.html",
                  {"nav": "inventory", "product": product, "cards": cards})


@inventory_area
def low_stock(request):
    filter_form = StockFilterForm(request.GET)
    filters = filter_form.filters()
    page = Paginator(queries.stock_list(**filters), LIST_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inventory/low_stock.html", {
        "nav": "inventory", "filter_form": filter_form, "state": filters["state"], "page": page,
    })


@inventory_area
def product_stock(request, public_id):
    return _product_page(request, get_object_or_404(Product, public_id=public_id))


@inventory_area
def movements(request, public_id):
    variant = _variant_or_404(public_id)
    page = Paginator(queries.movements(variant), MOVEMENTS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "inventory/movements.html",
                  {"nav": "inventory", "variant": variant, "page": page})


def _changed(request, variant: Variant, message: str):
    """After a change: the card again (htmx) or back to the product page with a message."""
    if request.htmx:
        return _render_card(request, _card(_variant_or_404(variant.public_id), notice=message,
                                           open_form=True))
    messages.success(request, message)
    url = reverse("inventory:product_stock", args=[variant.product.public_id])
    return redirect(f"{url}#v-{variant.public_id}")


def _refused(request, variant: Variant, card: dict):
    """A refused change: the form again with its errors and the input kept; nothing written."""
    if request.htmx:
        return _render_card(request, card)
    messages.error(request, _("Nothing was changed; see the message below."))
    return _product_page(request, variant.product, replaced=card)


def _apply_change(variant: Variant, data: dict, actor) -> str:
    item = services.item_name(variant)
    if data["mode"] == StockChangeForm.COUNT:
        movement = services.set_stock(variant=variant, quantity=data["quantity"], actor=actor,
                                      note=data["note"])
        if movement is None:
            return _("The count matches the stock of “%(item)s”; nothing to change.") % {
                "item": item}
    else:
        movement = services.adjust_stock(variant=variant, delta=data["quantity"],
                                         reason=data["reason"], actor=actor, note=data["note"])
    return _("Stock of “%(item)s” is now %(quantity)d.") % {
        "item": item, "quantity": movement.quantity_after}


@inventory_area
@require_POST
def change_stock(request, public_id):
    variant = _variant_or_404(public_id)
    form = StockChangeForm(request.POST, auto_id=_auto_id(variant))
    if form.is_valid():
        try:
            message = _apply_change(variant, form.cleaned_data, request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _changed(request, variant, message)
    return _refused(request, variant, _card(variant, change_form=form))


@inventory_area
@require_POST
def change_threshold(request, public_id):
    variant = _variant_or_404(public_id)
    form = ThresholdForm(request.POST, auto_id=_auto_id(variant))
    if form.is_valid():
        try:
            level = services.set_low_stock_threshold(variant, form.cleaned_data["threshold"],
                                                     actor=request.user)
        except DomainError as exc:
            form.add_error(None, exc.message)
        else:
            return _changed(request, variant, _(
                "“%(item)s” is now listed as low on stock at %(threshold)d or fewer."
            ) % {"item": services.item_name(variant), "threshold": level.low_stock_threshold})
    return _refused(request, variant, _card(variant, threshold_form=form))
