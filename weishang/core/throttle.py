"""Rate limits counted in Django's cache: so many tries per subject (an address, a mobile
number) in a fixed window of time.

The counters live in the default cache: Redis when ``REDIS_URL`` is set, so every process and
server counts together; without it, each process counts its own (the embedded ``weishang
serve`` is one process). Incrementing is atomic in both, so a burst of requests at the same
moment is counted exactly.

Public forms that anyone may send again and again (an agent's application) use
``limit_per_address``: past the limit, TooManyRequests until the window ends.
"""

import hashlib
import math
import time
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.translation import ngettext

from .clients import client_address
from .errors import TooManyRequests


def subject_key(kind: str, value: str) -> str:
    """A cache-safe name for a subject; the cache need not hold a mobile number itself."""
    return f"{kind}:{hashlib.sha256(value.encode()).hexdigest()[:24]}"


@dataclass(frozen=True)
class RateLimit:
    """At most ``limit`` tries per subject in each window of ``seconds``."""

    name: str
    limit: int
    seconds: int

    def hit(self, *subjects: str, now: float | None = None) -> int:
        """Count one try for each subject; 0 when none is over its limit, else the seconds
        until the current window ends."""
        now = time.time() if now is None else now
        window = int(now // self.seconds)
        over = False
        for subject in subjects:
            key = f"throttle:{self.name}:{subject}:{window}"
            cache.add(key, 0, self.seconds)
            try:
                tries = cache.incr(key)
            except ValueError:  # expired between add and incr: a new window starts
                cache.set(key, 1, self.seconds)
                tries = 1
            over = over or tries > self.limit
        if not over:
            return 0
        return max(1, math.ceil((window + 1) * self.seconds - now))


def limit_per_address(request, scope: str, *, limit: int, window_seconds: int) -> None:
    """One more try of ``scope`` from the request's address, or TooManyRequests."""
    wait = RateLimit(scope, limit=limit, seconds=window_seconds).hit(
        f"ip:{client_address(request)}")
    if wait:
        minutes = math.ceil(wait / 60)
        raise TooManyRequests(ngettext(
            "Too many tries from your network. Try again in %(minutes)d minute.",
            "Too many tries from your network. Try again in %(minutes)d minutes.",
            minutes,
        ) % {"minutes": minutes}, retry_after=wait)
