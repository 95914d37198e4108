"""Customer import and export pages (included by customers/urls.py under
/console/customers/import/)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.import_upload, name="import_upload"),
    path("apply/", views.import_apply, name="import_apply"),
    path("export.xlsx", views.export_xlsx, name="export_xlsx"),
]
