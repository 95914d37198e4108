"""Stock purchases (进货), cloud stock and buy-backs (/console/purchases/)."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "purchases"
urlpatterns = []
