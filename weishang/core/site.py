"""The site's own address, for the links people share: copied, printed, put in QR codes."""

from django.conf import settings


def absolute_url(path: str, request=None) -> str:
    """``path`` (``/s/abc/``) on the site's address: ``SITE_URL`` when it is set, else the
    address ``request`` was made to. Without either (a command, no ``SITE_URL``) the path
    alone, which is all that can honestly be said."""
    if settings.SITE_URL:
        return settings.SITE_URL + path
    return request.build_absolute_uri(path) if request is not None else path
