from django.urls import path

from . import views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("p/<str:public_id>/", views.old_product_link, name="old_product"),
    path("s/<str:code>/", views.shop, name="shop"),
    path("s/<str:code>/c/<str:category_id>/", views.category, name="category"),
    path("s/<str:code>/p/<str:public_id>/", views.product, name="product"),
    path("s/<str:code>/cart/", views.cart, name="cart"),
    path("s/<str:code>/cart/add/", views.cart_add, name="cart_add"),
    path("s/<str:code>/cart/change/", views.cart_change, name="cart_change"),
    path("s/<str:code>/checkout/", views.checkout, name="checkout"),
    path("orders/lookup/", views.lookup, name="lookup"),
    path("orders/<str:access_token>/", views.order, name="order"),
    path("orders/<str:access_token>/cancel/", views.cancel_order, name="cancel_order"),
    path("orders/<str:access_token>/refund/", views.request_refund, name="request_refund"),
]
