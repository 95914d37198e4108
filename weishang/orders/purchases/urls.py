"""Stock purchases (进货), cloud stock and buy-backs (/console/purchases/)."""

from django.urls import path

from . import views

app_name = "purchases"
urlpatterns = [
    path("", views.purchase_list, name="list"),
    path("new/", views.purchase_new, name="new"),
    path("cloud/", views.cloud_stock, name="cloud"),
    path("cloud/all/", views.cloud_overview, name="cloud_overview"),
    path("buybacks/", views.buybacks, name="buybacks"),
    path("buybacks/new/", views.buyback_new, name="buyback_new"),
    path("buybacks/<str:public_id>/pay/", views.buyback_pay, name="buyback_pay"),
    path("<str:number>/", views.purchase_detail, name="detail"),
]
