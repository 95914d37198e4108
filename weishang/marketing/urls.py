"""Console pages of marketing (/console/marketing/)."""

from django.urls import include, path

from . import views

app_name = "marketing"
urlpatterns = [
    path("kits/", include("weishang.marketing.kit_urls")),
    path("plan/", include("weishang.marketing.plan_urls")),
    path("results/", include("weishang.marketing.results_urls")),
    path("", views.post_list, name="post_list"),
]
