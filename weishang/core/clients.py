"""Who is asking: the client's address, behind the proxies the deployment says it has."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's IP address, for rate limits.

    Each of the ``PROXY_COUNT`` proxies in front appends the address it was reached from to
    X-Forwarded-For, so the client is the PROXY_COUNT-th entry from the right; whatever stands
    to its left was sent by the client itself and may be made up. Without proxies (the default)
    the header is ignored and the address is the connection's.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = settings.PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        hops = [hop for hop in hops if hop]
        if len(hops) >= proxies and _is_address(hops[-proxies]):
            return hops[-proxies]
    return remote


def _is_address(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True
