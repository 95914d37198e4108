"""Mainland China mobile numbers: normalise, validate, mask."""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mobile(raw: str) -> str:
    """'+86 138-1234-5678', '１３８１２３４５６７８' (typed in full width) → '13812345678'.
    Returns the input without separators if it is no number."""
    digits = _SEPARATORS.sub("", unicodedata.normalize("NFKC", str(raw or "")))
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix):]
            break
    return digits


def is_mobile(raw: str) -> bool:
    return bool(_MOBILE.match(normalize_mobile(raw)))


def validate_mobile(value: str) -> None:
    if not _MOBILE.match(value or ""):
        raise ValidationError(
            _("Enter a mainland China mobile number of 11 digits, e.g. 13812345678."),
            code="invalid_mobile",
        )


def mask_mobile(value: str) -> str:
    """13812345678 → 138****5678, for anyone who does not own the number."""
    if not value or len(value) != 11:
        return value or ""
    return f"{value[:3]}****{value[7:]}"
