"""Console pages of customer care (/console/customers/)."""

from django.urls import include, path

from . import views

app_name = "customers"
urlpatterns = [
    path("import/", include("weishang.customers.imports.urls")),
    path("", include("weishang.customers.care.urls")),
    path("", views.customer_list, name="list"),
    path("new/", views.customer_create, name="create"),
    path("access-log/", views.access_log, name="access_log"),
    path("<str:public_id>/", views.customer_detail, name="detail"),
    path("<str:public_id>/edit/", views.customer_edit, name="edit"),
    path("<str:public_id>/notes/", views.add_note, name="add_note"),
    path("<str:public_id>/addresses/", views.add_address, name="add_address"),
    path("<str:public_id>/addresses/<int:address_id>/remove/", views.remove_address,
         name="remove_address"),
    path("<str:public_id>/reveal-phone/", views.reveal_phone, name="reveal_phone"),
    path("<str:public_id>/export/", views.export_customer, name="export"),
    path("<str:public_id>/erase/", views.erase_customer, name="erase"),
]
