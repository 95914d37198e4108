"""The agent's own console (/console/agent/): shop link, team, invitation, profile, products.
The dashboard is the console's home page for an agent; orders and customers are the console's
own pages, which show an agent only theirs."""

from django.urls import path

from . import agent_views

app_name = "agent"
urlpatterns = [
    path("shop-qr.png", agent_views.shop_qr, name="shop_qr"),
    path("team/", agent_views.team, name="team"),
    path("invite/", agent_views.invite, name="invite"),
    path("profile/", agent_views.profile, name="profile"),
    path("products/", agent_views.products, name="products"),
    path("products/<str:public_id>/hide/", agent_views.hide_product, name="hide_product"),
    path("products/<str:public_id>/show/", agent_views.show_product, name="show_product"),
]
