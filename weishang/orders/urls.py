"""Console pages of orders (/console/orders/): the order desk and bulk shipping."""

from django.urls import include, path

from . import views

app_name = "orders"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_create, name="create"),
    path("settings/", views.shop_settings, name="settings"),
    path("shipping/", include("weishang.orders.bulk.urls")),
    path("<str:number>/", views.order_detail, name="detail"),
    path("<str:number>/<str:action>/", views.order_action, name="action"),
]
