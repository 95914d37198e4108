"""Attribution: the last tracked link a visitor clicked within the window goes with the order.

The click gives the visitor a signed cookie (it cannot be forged, and is signed in place: it
never touches the session); the order reads it back when it is placed.
"""

import time
from functools import lru_cache

from django.conf import settings
from django.core import signing

from weishang.marketing.models import MarketingSettings, TrackedLink
from weishang.marketing.services import MAX_ATTRIBUTION_DAYS
from weishang.orders.services import Attribution

from .queries import LinkTarget

ATTRIBUTION_COOKIE = "ws_ref"
ATTRIBUTION_SALT = "weishang.marketing.attribution"
#: The browser keeps the cookie for the longest window the owner may set; the window in force
#: is checked when the order is placed, so changing it applies to cookies already given.
ATTRIBUTION_COOKIE_SECONDS = MAX_ATTRIBUTION_DAYS * 24 * 3600


def remember_click(response, target: LinkTarget) -> None:
    """Gives the visitor the attribution cookie (signed, so it cannot be forged): the last
    link clicked wins."""
    response.set_cookie(ATTRIBUTION_COOKIE,
                        _signed(settings.SECRET_KEY, target.code, int(time.time())),
                        max_age=ATTRIBUTION_COOKIE_SECONDS, httponly=True, samesite="Lax",
                        secure=settings.SESSION_COOKIE_SECURE)


@lru_cache(maxsize=1024)
def _signed(secret_key: str, code: str, second: int) -> str:
    """What ``set_signed_cookie`` gives (and ``get_signed_cookie`` reads back), signed once per
    link and second: a spreading post's clicks share both, and signing is a good part of a
    click's time."""
    return signing.get_cookie_signer(salt=ATTRIBUTION_COOKIE + ATTRIBUTION_SALT).sign(code)


def attribution_from_request(request) -> Attribution | None:
    """The tracked link this visitor clicked within the attribution window, as the order's
    source (channel, post, link, seller); None without a valid, recent click."""
    if ATTRIBUTION_COOKIE not in request.COOKIES:
        return None
    window = MarketingSettings.load().attribution_days * 24 * 3600
    try:
        code = request.get_signed_cookie(ATTRIBUTION_COOKIE, salt=ATTRIBUTION_SALT,
                                         max_age=window)
    except (KeyError, signing.BadSignature):
        return None
    link = (TrackedLink.objects.select_related("channel", "post", "seller")
            .filter(code=code).first())
    return attribution_of(link) if link is not None else None


def attribution_of(link: TrackedLink) -> Attribution:
    """What an order placed through ``link`` carries."""
    return Attribution(channel=link.channel.code,
                       post=link.post.public_id if link.post_id else "",
                       link=link.code, seller=link.seller)
