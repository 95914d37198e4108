"""Console pages of orders (/console/orders/): the order desk and bulk shipping."""

from django.urls import include, path  # noqa: F401

app_name = "orders"
urlpatterns = []
