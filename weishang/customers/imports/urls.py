"""Customer import and export pages (included by customers/urls.py under
/console/customers/import/)."""

from django.urls import path

from . import views as import_views

urlpatterns = [
    path("", import_views.import_upload, name="import_upload"),
    path("apply/", import_views.import_apply, name="import_apply"),
    path("export.xlsx", import_views.export_xlsx, name="export_xlsx"),
]
