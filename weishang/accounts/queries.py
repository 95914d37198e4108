"""Reads of accounts shared by login, the rate limit, commands and pages."""

from django.db.models import Q, QuerySet

from weishang.core.phone import is_mobile, normalize_mobile

from .models import Role, User


def user_for_login(login: str | None) -> User | None:
    """The account a login text names: a mobile number (any usual format) or a username.

    A mobile number is matched against phones first, so "+86 138 1234 5678" finds the
    account whose phone is 13812345678; otherwise the text is an exact username.
    """
    text = (login or "").strip()
    if not text:
        return None
    phone = normalize_mobile(text)
    if not is_mobile(phone):
        return User.objects.filter(username=text).first()
    candidates = list(User.objects.filter(Q(phone=phone) | Q(username=text)))
    by_phone = [user for user in candidates if user.phone == phone]
    return (by_phone or candidates or [None])[0]


def staff_members() -> QuerySet[User]:
    """Staff for the owner's list, with their granted areas in one extra query."""
    return (
        User.objects.filter(role=Role.STAFF)
        .prefetch_related("area_grants")
        .order_by("-is_active", "username")
    )
