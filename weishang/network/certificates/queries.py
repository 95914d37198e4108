"""Reading certificates: their state, the number as typed, what the public check shows, where
it is, and the name of a download. The changes and the image are in services.py."""

import unicodedata
from datetime import date

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from weishang.accounts.models import Role, Shop
from weishang.core.errors import NotFound

from ..models import Certificate


class State:
    VALID = "valid"
    EXPIRED = "expired"
    REVOKED = "revoked"
    CHOICES = [(VALID, gettext_lazy("Valid")), (EXPIRED, gettext_lazy("Expired")),
               (REVOKED, gettext_lazy("Revoked"))]


def state_of(certificate: Certificate, today: date | None = None) -> str:
    if certificate.revoked_at is not None:
        return State.REVOKED
    if certificate.valid_until < (today or timezone.localdate()):
        return State.EXPIRED
    return State.VALID


def valid(today: date | None = None) -> Q:
    """The certificates that are valid ``today`` (for filtering)."""
    return Q(revoked_at__isnull=True, valid_until__gte=today or timezone.localdate())


def in_state(state: str, today: date | None = None) -> Q | None:
    """The certificates in ``state`` (one of State's values) as a filter, the same rule as
    ``state_of``; None for a state that is none of them."""
    today = today or timezone.localdate()
    return {
        State.VALID: valid(today),
        State.EXPIRED: Q(revoked_at__isnull=True, valid_until__lt=today),
        State.REVOKED: Q(revoked_at__isnull=False),
    }.get(state)


def normalized_number(text: str) -> str:
    """A number as typed (spaces, lower case, full-width letters from an input method) in the
    form it is stored."""
    return "".join(unicodedata.normalize("NFKC", text or "").split()).upper()


def mask_wechat_id(wechat_id: str) -> str:
    """wxid_ab12cd → wx******cd: enough to compare with the agent's profile, not to add a
    stranger from the public page."""
    if len(wechat_id) <= 4:
        return wechat_id[:1] + "*" * (len(wechat_id) - 1)
    return wechat_id[:2] + "*" * (len(wechat_id) - 4) + wechat_id[-2:]


def wechat_id_matches(certificate: Certificate, typed: str) -> bool:
    """Whether ``typed`` is the certificate's WeChat ID (WeChat ignores case and people paste
    spaces around it)."""
    return bool(certificate.wechat_id) and (
        typed.strip().casefold() == certificate.wechat_id.casefold())


def shop_name() -> str:
    """The owner's shop: who authorises the agent."""
    return (Shop.objects.filter(seller__role=Role.OWNER).values_list("name", flat=True).first()
            or "")


def for_number(number: str) -> Certificate:
    found = Certificate.objects.filter(number=normalized_number(number)).first()
    if found is None:
        raise NotFound(_("There is no certificate with this number."))
    return found


def verify_path(certificate: Certificate) -> str:
    return reverse("verify:certificate", args=[certificate.number])


def filename(certificate: Certificate, kind: str) -> str:
    return f"授权书-{certificate.number}.{kind}"
