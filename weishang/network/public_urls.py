"""Public pages of joining (/join/<code>/): the application form an invitation leads to."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "join"
urlpatterns = []
