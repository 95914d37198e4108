"""Rate limit of the customer order lookup: a phone number and an order number are easy to
guess in bulk, so each IP address and each phone number gets a few tries per window."""

import math

from weishang.core.clients import client_address
from weishang.core.throttle import RateLimit, subject_key

LOOKUP_LIMIT = RateLimit("storefront-lookup", limit=10, seconds=15 * 60)


def lookup_wait_minutes(request, phone: str) -> int:
    """Counts this try; returns 0 when it may go ahead, else the minutes until it may.

    Per IP address (behind PROXY_COUNT proxies, as the login limit) and per phone.
    """
    wait = LOOKUP_LIMIT.hit(f"ip:{client_address(request)}",
                            subject_key("phone", phone))
    return math.ceil(wait / 60)
