"""The agent's own console: the shop QR code, their direct team, their invitation, their profile
and the products their shop hides (their dashboard is the console's home, ``console.views``).
Every page shows the logged-in agent's own data only; changes go through ``services``."""

import io
from functools import wraps

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from weishang.accounts.permissions import is_agent
from weishang.core.errors import DomainError
from weishang.core.forms import add_domain_error
from weishang.core.site import absolute_url

from ..queries import agent_of
from . import queries, services
from .forms import ProfileForm

TEAM_PER_PAGE = 30
PRODUCTS_PER_PAGE = 30
SEARCH_MAX_LENGTH = 60


def agent_page(view):
    """Log in first; then only an agent passes, with their record as ``request.agent``."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        agent = agent_of(request.user) if is_agent(request.user) else None
        if agent is None:
            raise PermissionDenied
        request.agent = agent
        return view(request, *args, **kwargs)

    return wrapper


def _page(request, template: str, context: dict, status: int = 200):
    return render(request, template, {"nav": "agent", "agent": request.agent, **context},
                  status=status)


def shop_link(request) -> str:
    return absolute_url(reverse("storefront:shop", args=[request.user.shop.code]), request)


def _invitation_link(request) -> str:
    return absolute_url(reverse("join:apply", args=[request.agent.code]), request)


@agent_page
def shop_qr(request):
    """The shop link as a PNG to save and post (WeChat cannot share an SVG)."""
    output = io.BytesIO()
    segno.make(shop_link(request), error="m").save(output, kind="png", scale=10, border=2)
    response = HttpResponse(output.getvalue(), content_type="image/png")
    response["Content-Disposition"] = 'inline; filename="shop-qr.png"'
    return response


@agent_page
def team(request):
    page = Paginator(queries.team_of(request.agent), TEAM_PER_PAGE).get_page(
        request.GET.get("page"))
    for member in page:
        member.masked_phone = queries.masked_phone(member)
    return _page(request, "network/agent/team.html", {"page": page})


@agent_page
def invite(request):
    link = _invitation_link(request)
    return _page(request, "network/agent/invite.html", {
        "invitation_link": link,
        "invitation_qr_svg": segno.make(link, error="m").svg_inline(scale=4, title=link),
        "poster_url": reverse("join:poster", args=[request.agent.code]),
        "may_invite": request.agent.level.may_invite and request.agent.is_active,
    })


@agent_page
def profile(request):
    agent = request.agent
    status = 200
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.update_profile(agent, **form.changes())
            except DomainError as error:
                add_domain_error(form, error)
            else:
                messages.success(request, _("Your profile is saved."))
                return redirect("agent:profile")
        status = 400
    else:
        form = ProfileForm.for_agent(agent)
    return _page(request, "network/agent/profile.html", {
        "nav": "me", "form": form, "shop_link": shop_link(request),
    }, status=status)


@agent_page
def products(request):
    search = request.GET.get("q", "").strip()[:SEARCH_MAX_LENGTH]
    page = Paginator(queries.products_for_hiding(request.agent, search),
                     PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    return _page(request, "network/agent/products.html", {"page": page, "search": search})


def _change_shelf(request, public_id: str, change, done: str):
    try:
        change(request.agent, public_id)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, done)
    back = request.POST.get("next", "")
    return redirect(back if back.startswith(reverse("agent:products")) else "agent:products")


@agent_page
@require_POST
def hide_product(request, public_id):
    return _change_shelf(request, public_id, services.hide_product,
                         _("Hidden from your shop."))


@agent_page
@require_POST
def show_product(request, public_id):
    return _change_shelf(request, public_id, services.show_product,
                         _("Shown in your shop again."))
