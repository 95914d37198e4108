"""Bulk shipping pages, included by orders/urls.py under /console/orders/shipping/."""

from django.urls import path

from . import views as bulk_views

urlpatterns = [
    path("export.xlsx", bulk_views.shipping_export, name="shipping_export"),
    path("import/", bulk_views.shipping_import, name="shipping_import"),
    path("import/apply/", bulk_views.shipping_apply, name="shipping_apply"),
]
