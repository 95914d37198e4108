"""Bulk shipping pages, included by orders/urls.py under /console/orders/shipping/."""

from django.urls import path

from . import views

urlpatterns = [
    path("export.xlsx", views.shipping_export, name="shipping_export"),
    path("import/", views.shipping_import, name="shipping_import"),
    path("import/apply/", views.shipping_apply, name="shipping_apply"),
]
