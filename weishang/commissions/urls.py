"""Earnings and withdrawals (/console/earnings/)."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "earnings"
urlpatterns = []
