"""REST API v1. Each app keeps its endpoints in its own ``api.py`` (a ``urlpatterns`` list)."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from .views import RootView

app_name = "api"
urlpatterns = [
    path("", RootView.as_view(), name="root"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The page's script is served apart (?script): no inline script for the CSP to refuse.
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema",
                                                      template_name="api/swagger_ui.html"),
         name="docs"),
    path("", include("weishang.accounts.api")),
    path("", include("weishang.catalog.api")),
    path("", include("weishang.inventory.api")),
    path("", include("weishang.core.api")),
    path("", include("weishang.orders.api")),
    path("", include("weishang.customers.api")),
    path("", include("weishang.marketing.api")),
    path("", include("weishang.network.api")),
    path("", include("weishang.network.agent.api")),
    path("", include("weishang.orders.agents.api")),
    path("", include("weishang.network.certificates.api")),
    path("", include("weishang.orders.purchases.api")),
    path("", include("weishang.commissions.api")),
]
