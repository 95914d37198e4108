"""Authorization certificates in the console (/console/certificates/)."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "certificates"
urlpatterns = []
