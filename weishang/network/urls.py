"""The owner's pages for agents (/console/agents/): levels, applications, agents, rules."""

from django.urls import path  # noqa: F401  (filled in by the pages of this part)

app_name = "network"
urlpatterns = []
