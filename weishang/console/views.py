import segno
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import render

from weishang.accounts.models import Shop
from weishang.accounts.permissions import is_agent
from weishang.catalog.models import Product
from weishang.core import health
from weishang.customers.care import queries as care_queries
from weishang.inventory.queries import StockFilter, stock_list
from weishang.network.agent import views as agent_views
from weishang.network.queries import agent_of
from weishang.orders.agents.queries import dashboard_counts


def _catalog_counts() -> dict:
    return Product.objects.aggregate(
        on_shelf=Count("pk", filter=Q(is_on_shelf=True)),
        off_shelf=Count("pk", filter=Q(is_on_shelf=False)),
    )


def _stock_counts() -> dict:
    low = stock_list(state=StockFilter.LOW).order_by()
    return low.aggregate(low=Count("pk"), sold_out=Count("pk", filter=Q(quantity=0)))


def _agent_home(request):
    """An agent's console home: their shop link with its QR code, and their shop's orders waiting
    and this month's sales. It lives here, above network and orders, because it reads both."""
    request.agent = agent_of(request.user)
    if request.agent is None:
        raise PermissionDenied
    link = agent_views.shop_link(request)
    return render(request, "network/agent/home.html", {
        "nav": "home",
        "agent": request.agent,
        "shop_link": link,
        "shop_qr_svg": segno.make(link, error="m").svg_inline(scale=4, title=link),
        "counts": dashboard_counts(request.user),
    })


@login_required
def home(request):
    """The owner's (or staff member's) start page: what needs attention today; an agent's is
    their own dashboard."""
    if is_agent(request.user):
        return _agent_home(request)
    owner_shop = Shop.objects.filter(seller__role="owner", is_open=True).first()
    context = {"nav": "home", "shop": owner_shop}
    if request.user.can("catalog"):
        context["products"] = _catalog_counts()
    if request.user.can("inventory"):
        context["stock"] = _stock_counts()
    if request.user.can("customers"):
        context["contacts_today"] = care_queries.today_count(request.user)
    if request.user.is_owner:
        context["workers_down"], context["jobs_late"] = health.late()
    return render(request, "console/home.html", context)
