"""Rate limit of the customer order lookup: a phone number and an order number are easy to
guess in bulk, so each IP address and each phone number gets a few tries per window."""

import hashlib
import math
import time

from axes.helpers import get_client_ip_address
from django.core.cache import cache

LOOKUP_TRIES = 10
LOOKUP_WINDOW_SECONDS = 15 * 60


def lookup_wait_minutes(request, phone: str) -> int:
    """Counts this try; returns 0 when it may go ahead, else the minutes until it may.

    Fixed windows per IP address (behind PROXY_COUNT proxies, as the login limit) and per phone.
    """
    now = time.time()
    window = int(now // LOOKUP_WINDOW_SECONDS)
    # The cache (Redis in production) need not hold the phone number itself.
    phone_key = hashlib.sha256(phone.encode()).hexdigest()[:24]
    over = False
    for subject in (f"ip:{get_client_ip_address(request)}", f"phone:{phone_key}"):
        key = f"storefront:lookup:{subject}:{window}"
        cache.add(key, 0, LOOKUP_WINDOW_SECONDS)
        try:
            tries = cache.incr(key)
        except ValueError:  # expired between add and incr: a new window starts
            cache.set(key, 1, LOOKUP_WINDOW_SECONDS)
            tries = 1
        over = over or tries > LOOKUP_TRIES
    if not over:
        return 0
    return max(1, math.ceil(((window + 1) * LOOKUP_WINDOW_SECONDS - now) / 60))
