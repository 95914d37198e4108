from django.urls import path

from . import views

app_name = "inventory"
urlpatterns = [
    path("", views.low_stock, name="low_stock"),
    path("product/<str:public_id>/", views.product_stock, name="product_stock"),
    path("variant/<str:public_id>/movements/", views.movements, name="movements"),
    path("variant/<str:public_id>/change/", views.change_stock, name="change_stock"),
    path("variant/<str:public_id>/threshold/", views.change_threshold, name="change_threshold"),
]
