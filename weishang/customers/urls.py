"""Console pages of customer care (/console/customers/)."""

from django.urls import include, path

from . import views

app_name = "customers"
urlpatterns = [
    path("import/", include("weishang.customers.import_urls")),
    path("", include("weishang.customers.care_urls")),
    path("", views.customer_list, name="list"),
]
