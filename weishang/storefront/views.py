"""The public shop: browse, cart, checkout, and the customer's own order. No login needed.

Shop pages live under /s/<code>/, the link a seller shares; the shop last entered that way is
remembered in a cookie (not the session: browsing writes nothing, a session starts with the
cart), and the order is placed in it.
"""

from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from weishang.accounts import services as accounts
from weishang.accounts.models import User
from weishang.core import address
from weishang.core.errors import DomainError, InsufficientStock, InvalidInput, TooManyRequests
from weishang.core.phone import normalize_mobile
from weishang.inventory.services import item_name
from weishang.marketing.links.attribution import attribution_from_request
from weishang.orders import carriers
from weishang.orders import queries as order_queries
from weishang.orders import services as orders
from weishang.orders.models import OrderState, ShopSettings
from weishang.orders.services.guards import client_of

from . import cache as page_cache
from . import cart as cart_module
from . import queries
from .cart import Cart, CartItem, clean_quantity
from .forms import CheckoutForm, LookupForm
from .throttle import lookup_wait_minutes

PRODUCTS_PER_PAGE = 20
SEARCH_MAX_LENGTH = 60
#: The code of the shop last entered through /s/<code>/, where / and old product links go.
SHOP_COOKIE = "shop"
#: idempotency key -> access token of the orders this session placed (a re-sent checkout
#: finds its order even though the cart is already empty).
PLACED_SESSION_KEY = "placed_orders"
PLACED_REMEMBERED = 10


def _page(request, template: str, context: dict | None = None, *, status: int = 200):
    """Renders a customer page with the shop header (shop name, cart count)."""
    context = {
        "shop": getattr(request, "shop", None),
        "cart_count": Cart(request.session).count,
        **(context or {}),
    }
    return render(request, template, context, status=status)


def _cached_page(request, template: str, build_context, *, form: bool = False):
    """A page the same for every visitor (see cache.py); ``build_context()`` runs only when
    the page is not in the cache. ``form``: the page posts a form of its own (it gets a CSRF
    token)."""
    return page_cache.cached_page(
        request,
        lambda marks: _page(request, template, {**build_context(), **marks}),
        cart_count=cart_module.count_from_cookie(request), form=form,
    )


def _missing(request, message: str):
    return _page(request, "storefront/missing.html", {"message": message}, status=404)


def shop_page(view):
    """Resolves /s/<code>/ to an open shop (else a 404 page), remembers it in a cookie and sets
    ``request.shop`` and ``request.cart`` (the session is read only when the view uses the
    cart, and written only when the cart changes)."""

    @wraps(view)
    def wrapper(request, code: str, *args, **kwargs):
        shop = page_cache.open_shop(code)
        if shop is None:
            return _missing(request, _("This shop does not exist or is closed."))
        if queries.is_closed_agent_shop(shop):
            return _page(request, "storefront/closed.html",
                         {"shop": shop, "seller": shop.agent_name}, status=404)
        shop.seller_agent = queries.shop_agent(shop)
        remembered = request.COOKIES.get(SHOP_COOKIE) == shop.code
        request.shop = shop
        request.cart = Cart(request.session)
        try:
            response = view(request, *args, **kwargs)
        except Http404:
            return _missing(request, _("This page does not exist or is no longer for sale."))
        if not remembered:
            # As long as a cart lasts. Not signed: the code is in every link to the shop, and
            # only says where / leads.
            response.set_cookie(SHOP_COOKIE, shop.code, max_age=settings.SESSION_COOKIE_AGE,
                                samesite="Lax")
        if request.cart.changed:
            cart_module.remember_count(response, request.cart)
        return response

    return wrapper


def _entry_shop(request):
    """The shop this visitor entered through, else the owner's; None before the owner exists."""
    shop = queries.open_shop(request.COOKIES.get(SHOP_COOKIE, ""))
    if shop is not None:
        return shop
    try:
        return accounts.owner_shop()
    except User.DoesNotExist:
        return None


def _redirect_to_shop(request, url_name: str, *args):
    shop = _entry_shop(request)
    if shop is None:
        return _page(request, "storefront/not_set_up.html")
    if not shop.is_open:
        return _missing(request, _("This shop does not exist or is closed."))
    url = reverse(url_name, args=[shop.code, *args])
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def home(request):
    return _redirect_to_shop(request, "storefront:shop")


def old_product_link(request, public_id: str):
    """Product links shared before shops had codes keep working."""
    return _redirect_to_shop(request, "storefront:product", public_id)


# ---------------------------------------------------------------------------------------------
# Browsing


def _browse(request, categories, selected):
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    products = queries.shelf_products(search=search, category=selected,
                                      agent_id=request.shop.agent_id)
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    selected_top = None
    if selected is not None:
        selected_top = selected.top if selected.parent_id else selected
    return {
        "search": search,
        "categories": categories,
        "selected": selected,
        "selected_top": selected_top,
        "page": page,
    }


@shop_page
def shop(request):
    return _cached_page(request, "storefront/home.html",
                        lambda: _browse(request, queries.category_tree(), None))


def _category_context(request, category_id: str) -> dict:
    categories = queries.category_tree()
    selected = queries.find_category(categories, category_id)
    if selected is None:
        raise Http404("no such category in the shop")
    return _browse(request, categories, selected)


@shop_page
def category(request, category_id: str):
    return _cached_page(request, "storefront/home.html",
                        lambda: _category_context(request, category_id))


def _product_context(public_id: str, agent_id: int | None) -> dict:
    item = queries.shelf_product(public_id, agent_id)
    picker = [
        {"id": variant.public_id, "choice": variant.choice, "state": variant.stock_state}
        for variant in item.on_sale
    ]
    return {"product": item, "picker": picker, "max_quantity": orders.MAX_LINE_QUANTITY}


@shop_page
def product(request, public_id: str):
    return _cached_page(request, "storefront/product.html",
                        lambda: _product_context(public_id, request.shop.agent_id), form=True)


# ---------------------------------------------------------------------------------------------
# Cart


def _add_to_cart(cart: Cart, variant_id: str, raw_quantity, agent_id: int | None):
    """Checks the item and the stock, then adds; raises a DomainError (cart unchanged)."""
    if not variant_id:
        raise InvalidInput(_("Choose a spec first."), field="variant")
    variant = queries.variant_for_cart(variant_id, agent_id)
    if variant is None:
        raise InvalidInput(_("This item is no longer for sale."), field="variant")
    quantity = clean_quantity(raw_quantity)
    in_cart = next((item.quantity for item in cart.items if item.variant_id == variant_id), 0)
    if variant.quantity <= 0:
        raise InsufficientStock(_("“%(item)s” is sold out.") % {"item": item_name(variant)})
    if in_cart + quantity > variant.quantity:
        raise InsufficientStock(
            _("“%(item)s”: only %(available)d left (%(in_cart)d already in your cart).")
            % {"item": item_name(variant), "available": variant.quantity, "in_cart": in_cart}
        )
    if over_limit := orders.over_line_limit(variant, in_cart + quantity, ShopSettings.load()):
        raise InvalidInput(over_limit, field="quantity")
    cart.add(variant.public_id, quantity, variant.retail_price)
    return variant


@require_POST
@shop_page
def cart_add(request):
    """From the product page: htmx gets a fragment (message and new badge), a plain POST is
    redirected back with the message."""
    try:
        variant = _add_to_cart(request.cart, request.POST.get("variant", ""),
                               request.POST.get("quantity", "1"), request.shop.agent_id)
    except DomainError as error:
        message, added = str(error.message), False
    else:
        message, added = _("Added “%(item)s” to the cart.") % {"item": item_name(variant)}, True
    if request.htmx:
        return _page(request, "storefront/_cart_feedback.html",
                     {"message": message, "added": added})
    (messages.success if added else messages.error)(request, message)
    back = request.POST.get("product", "")
    if back:
        return redirect("storefront:product", request.shop.code, back)
    return redirect("storefront:cart", request.shop.code)


@require_POST
@shop_page
def cart_change(request):
    variant_id = request.POST.get("variant", "")
    if request.POST.get("action") == "remove":
        request.cart.remove(variant_id)
        messages.success(request, _("Removed from the cart."))
    else:
        try:
            request.cart.set_quantity(variant_id, clean_quantity(request.POST.get("quantity")))
        except InvalidInput as error:
            messages.error(request, error.message)
    return redirect("storefront:cart", request.shop.code)


@dataclass
class CartRow:
    item: CartItem
    line: orders.QuoteLine

    @property
    def price_changed(self) -> bool:
        return self.line.variant is not None and self.line.unit_price != self.item.added_price


def _quoted_cart(cart: Cart, province: str = ""):
    """The cart priced now: (quote, rows), or (None, []) when it is empty."""
    items = cart.items
    if not items:
        return None, []
    quote = orders.quote(cart.order_lines(), province=province)
    # The cart holds one line per variant, so the quote's lines are the cart's, in order.
    return quote, [CartRow(item, line) for item, line in zip(items, quote.lines, strict=True)]


@shop_page
def cart(request):
    quote, rows = _quoted_cart(request.cart)
    return _page(request, "storefront/cart.html", {
        "quote": quote, "rows": rows, "max_quantity": orders.MAX_LINE_QUANTITY,
    })


# ---------------------------------------------------------------------------------------------
# Checkout


def _with_parsed_address(data) -> tuple[dict, address.ParsedAddress]:
    """The form data with what smart paste read from the ``paste`` box filled in (a delivery
    note goes to the note to the seller), and the reading."""
    parsed = address.parse_address(data.get("paste", ""))
    filled = data.dict() if hasattr(data, "dict") else dict(data)
    for name in CheckoutForm.RECIPIENT_FIELDS:
        value = getattr(parsed, name)
        if value:
            filled[name] = value
    filled["note"] = address.with_delivery_note(filled.get("note", ""), parsed.note)
    return filled, parsed


def _paste_problems(data) -> list[str] | None:
    """What smart paste says of the pasted text (None when nothing was pasted): shown again
    after a refused order, as it was before the customer pressed the button."""
    pasted = data.get("paste", "").strip()
    return list(address.parse_address(pasted).problems) if pasted else None


def _region_options(data) -> dict:
    """Choices of the province / city / district selects for the values chosen so far (a
    value not in the list, e.g. read from a pasted address, stays selectable)."""
    province, city = data.get("province", ""), data.get("city", "")
    options = {
        "provinces": address.provinces(),
        "cities": address.cities(province) if province else [],
        "districts": address.districts(province, city) if province and city else [],
    }
    for name, choices in (("province", "provinces"), ("city", "cities"),
                          ("district", "districts")):
        value = data.get(name, "")
        if value and value not in options[choices]:
            options[choices] = [value, *options[choices]]
    return options


def _show_domain_error(form: CheckoutForm, error: DomainError) -> None:
    field = error.field if error.field in form.fields else None
    form.add_error(field, str(error.message))


def _place_order(request, form: CheckoutForm):
    """The order, or None with the reason added to the form (nothing written then).
    TooManyRequests goes up: the page answers 429."""
    if not request.cart:
        form.add_error(None, _("Your cart is empty."))
        return None
    if not form.is_valid():
        return None
    # The cart is the visitor's, not the shop's: it may hold what this shop's agent hid.
    hidden = queries.hidden_cart_items(request.shop.agent_id,
                                       [item.variant_id for item in request.cart.items])
    if hidden:
        form.add_error(None, _("This shop does not sell “%(item)s”: remove it from the cart.")
                       % {"item": item_name(hidden[0])})
        return None
    data = form.cleaned_data
    recipient = orders.Recipient(
        name=data["name"], phone=data["phone"], province=data["province"], city=data["city"],
        district=data["district"], street=data["street"], note=data["note"],
    )
    try:
        return orders.place_order(shop=request.shop, lines=request.cart.order_lines(),
                                  recipient=recipient,
                                  idempotency_key=data["idempotency_key"],
                                  attribution=attribution_from_request(request),
                                  client=client_of(request), buyer_user=request.user)
    except TooManyRequests:
        raise
    except DomainError as error:
        _show_domain_error(form, error)
        return None


def _remember_placed(request, key: str, order) -> None:
    placed = dict(request.session.get(PLACED_SESSION_KEY) or {})
    placed[key] = order.access_token
    request.session[PLACED_SESSION_KEY] = dict(list(placed.items())[-PLACED_REMEMBERED:])


def _point_at_the_first_error(form: CheckoutForm) -> str:
    """Mark the fields in error for assistive technology and focus the first one when the page
    loads (the summary at the top lists them all); returns its name, "" when none has one."""
    first = ""
    for name, field in form.fields.items():
        if name in form.errors:
            field.widget.attrs["aria-invalid"] = "true"
            if not first:
                field.widget.attrs["autofocus"] = True
                first = name
    return first


@shop_page
def checkout(request):
    paste_problems, paste_notices = None, []
    status = 200
    if request.method == "POST":
        key = request.POST.get("idempotency_key", "")
        already_placed = (request.session.get(PLACED_SESSION_KEY) or {}).get(key)
        if already_placed:
            return redirect("storefront:order", already_placed)
        action = request.POST.get("action", "")
        if action == "parse":
            filled, parsed = _with_parsed_address(request.POST)
            paste_problems, paste_notices = parsed.problems, parsed.notices
            form = CheckoutForm(initial=filled)
        elif action == "regions":  # without JavaScript: reload the city and district lists
            form = CheckoutForm(initial=request.POST.dict())
        else:
            form = CheckoutForm(request.POST)
            try:
                order = _place_order(request, form)
            except TooManyRequests as error:
                form.add_error(None, str(error.message))
                order, status = None, 429
            if order is not None:
                request.cart.clear()
                _remember_placed(request, key, order)
                return redirect("storefront:order", order.access_token)
            paste_problems = _paste_problems(request.POST)
    elif not request.cart:
        messages.info(request, _("Your cart is empty."))
        return redirect("storefront:cart", request.shop.code)
    else:
        form = CheckoutForm()
    values = form.data if form.is_bound else {name: form[name].value() or ""
                                              for name in form.fields}
    quote, rows = _quoted_cart(request.cart, province=values.get("province", ""))
    return _page(request, "storefront/checkout.html", {
        "form": form, "quote": quote, "rows": rows, "paste_problems": paste_problems,
        "first_error": _point_at_the_first_error(form) if form.is_bound else "",
        "paste_notices": paste_notices,
        **_region_options(values),
    }, status=status)


# ---------------------------------------------------------------------------------------------
# The customer's order


def order(request, access_token: str):
    found = queries.order_for_customer(access_token)
    if found is None:
        return _missing(request, _("There is no order behind this link."))
    request.shop = found.shop
    pending = found.state == OrderState.PENDING_PAYMENT
    return _page(request, "storefront/order.html", {
        "order": found,
        "events": list(found.events.all()),
        "pending": pending,
        "payment": ShopSettings.load() if pending else None,
        "carrier": carriers.carrier_name(found.carrier) if found.carrier else "",
        "refund_requestable": OrderState.REFUND_REQUESTED in orders.allowed_moves(
            found, by_customer=True),
        "after_sales_until": found.after_sales_until,
        "after_sales_closed": orders.after_sales_closed(found),
        "refund_declined": orders.declined_refund(found),
    })


@require_POST
def cancel_order(request, access_token: str):
    found = queries.order_for_customer(access_token)
    if found is None:
        return _missing(request, _("There is no order behind this link."))
    try:
        orders.cancel_order(found, by_customer=True)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The order is cancelled."))
    return redirect("storefront:order", access_token)


@require_POST
def request_refund(request, access_token: str):
    found = queries.order_for_customer(access_token)
    if found is None:
        return _missing(request, _("There is no order behind this link."))
    try:
        orders.request_refund(found, by_customer=True, note=request.POST.get("note", ""))
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Your refund request was sent to the seller."))
    return redirect("storefront:order", access_token)


def lookup(request):
    status = 200
    if request.method == "POST":
        form = LookupForm(request.POST)
        if form.is_valid():
            phone = normalize_mobile(form.cleaned_data["phone"])
            wait = lookup_wait_minutes(request, phone)
            if wait:
                form.add_error(None, ngettext(
                    "Too many tries. Please try again in %(minutes)d minute.",
                    "Too many tries. Please try again in %(minutes)d minutes.", wait)
                    % {"minutes": wait})
                status = 429
            else:
                found = order_queries.find_for_customer(phone, form.cleaned_data["number"])
                if found is not None:
                    return redirect("storefront:order", found.access_token)
                form.add_error(None, _(
                    "No order matches this mobile number and order number. Check both and "
                    "try again."))
    else:
        form = LookupForm()
    return _page(request, "storefront/lookup.html", {"form": form}, status=status)
