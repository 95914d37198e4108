"""Earnings and withdrawals (/console/earnings/)."""

from django.urls import path

from . import views

app_name = "earnings"
urlpatterns = [
    path("", views.home, name="home"),
    path("withdraw/", views.withdraw, name="withdraw"),
    path("my-withdrawals/", views.my_withdrawals, name="my_withdrawals"),
    path("withdrawals/", views.withdrawal_queue, name="withdrawals"),
    path("withdrawals/<str:public_id>/", views.withdrawal_detail, name="withdrawal"),
    path("withdrawals/<str:public_id>/approve/", views.approve, name="approve"),
    path("withdrawals/<str:public_id>/pay/", views.pay, name="pay"),
    path("withdrawals/<str:public_id>/reject/", views.reject, name="reject"),
    path("agents/", views.agent_list, name="agents"),
    path("agents/<str:public_id>/", views.agent_earnings, name="agent"),
    path("settings/", views.commission_settings, name="settings"),
]
