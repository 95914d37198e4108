from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language
from django.views.static import serve as serve_file

from weishang.core import views as core_views

urlpatterns = [
    # The hottest path when a post spreads: resolved before everything else.
    path("t/", include("weishang.marketing.links.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    # The language switch on every page sets only the visitor's own language cookie: it takes
    # no CSRF token, so that a shop page without a form of its own gives the visitor no CSRF
    # cookie (see storefront/cache.py).
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    path("admin/", admin.site.urls),
    path("accounts/", include("weishang.accounts.urls")),
    path("console/", include("weishang.console.urls")),
    path("console/products/", include("weishang.catalog.urls")),
    path("console/stock/", include("weishang.inventory.urls")),
    path("console/orders/", include("weishang.orders.urls")),
    path("console/customers/", include("weishang.customers.urls")),
    path("console/marketing/", include("weishang.marketing.urls")),
    path("console/agents/", include("weishang.network.urls")),
    path("console/agent/", include("weishang.network.agent.urls")),
    path("console/certificates/", include("weishang.network.certificates.urls")),
    path("console/purchases/", include("weishang.orders.purchases.urls")),
    path("console/earnings/", include("weishang.commissions.urls")),
    path("join/", include("weishang.network.public_urls")),
    path("verify/", include("weishang.network.certificates.public_urls")),
    path("api/v1/", include("weishang.api.urls")),
    path("", include("weishang.storefront.urls")),
]

# Weishang's own error pages (the shop's look; JSON under /api/).
handler400 = "weishang.core.error_pages.bad_request"
handler403 = "weishang.core.error_pages.permission_denied"
handler404 = "weishang.core.error_pages.page_not_found"
handler500 = "weishang.core.error_pages.server_error"

if settings.SERVE_MEDIA:
    # Embedded default: Django serves uploads itself. Behind nginx, SERVE_MEDIA=0 and nginx
    # serves MEDIA_ROOT at MEDIA_URL.
    urlpatterns.append(
        re_path(r"^media/(?P<path>.*)$", serve_file, {"document_root": settings.MEDIA_ROOT})
    )
