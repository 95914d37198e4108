"""The agent's own console (/console/agent/): shop link, orders, team, invitation."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "agent"
urlpatterns = []
