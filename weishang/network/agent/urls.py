"""The agent's own console (/console/agent/): shop link, team, invitation, profile, products.
The dashboard is the console's home page for an agent; orders and customers are the console's
own pages, which show an agent only theirs."""

from django.urls import path

from . import views

app_name = "agent"
urlpatterns = [
    path("shop-qr.png", views.shop_qr, name="shop_qr"),
    path("team/", views.team, name="team"),
    path("invite/", views.invite, name="invite"),
    path("profile/", views.profile, name="profile"),
    path("products/", views.products, name="products"),
    path("products/<str:public_id>/hide/", views.hide_product, name="hide_product"),
    path("products/<str:public_id>/show/", views.show_product, name="show_product"),
]
