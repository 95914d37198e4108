"""The public certificate check (/verify/<number>)."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "verify"
urlpatterns = []
