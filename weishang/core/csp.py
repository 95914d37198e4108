"""Content-Security-Policy: pages run only the scripts and styles served by this site.

No page has an inline script, event handler attribute or style (small behaviours are declared
in the markup and wired up by static files, e.g. weishang/page.js), so the policy needs neither
'unsafe-inline' nor nonces. Pictures may come from any HTTPS address, since product
descriptions may show pictures from elsewhere; uploads and static files stored on another host
(an absolute MEDIA_URL or STATIC_URL) are allowed where they are used. A view may send a
policy of its own; this one is added to every response that has none.
"""

from functools import cache
from urllib.parse import urlsplit

from django.conf import settings

HEADER = "Content-Security-Policy"


@cache
def content_security_policy() -> str:
    """The policy, from the settings (computed once per process)."""
    static, media = _origin(settings.STATIC_URL), _origin(settings.MEDIA_URL)
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", static],
        "style-src": ["'self'", static],
        "font-src": ["'self'", static],
        "img-src": ["'self'", "data:", "https:", static, media],
        # The share kit fetches the pictures it hands to the phone's share sheet.
        "connect-src": ["'self'", media],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(
        " ".join([name, *dict.fromkeys(source for source in sources if source)])
        for name, sources in directives.items()
    )


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(HEADER, content_security_policy())
        return response
