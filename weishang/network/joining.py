"""The public application to become an agent is open to anyone: each address gets
AGENT_APPLICATIONS_PER_HOUR tries (valid or not), on the page and in the API together."""

from django.conf import settings

from weishang.core.throttle import limit_per_address

HOUR = 3600


def limit_applications(request) -> None:
    """Count this try from the request's address; TooManyRequests past the limit."""
    limit_per_address(request, "agent-application",
                      limit=settings.AGENT_APPLICATIONS_PER_HOUR, window_seconds=HOUR)
