"""Phone numbers: mainland China mobile numbers (normalise, validate, mask), and finding the
numbers written in a pasted text (mainland mobiles and landlines; Hong Kong, Macau and Taiwan
numbers too, so that they are recognised rather than left in the address)."""

import re
import unicodedata
from dataclasses import dataclass

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


# --- numbers written in a text ---------------------------------------------------------------

_NOT_AFTER_DIGIT = r"(?<![\d+])"
_END = r"(?![\d])"


def _prefixed(code: str) -> str:
    """+852, 00852, (+852), 852- … before a number."""
    return rf"(?:(?:\+|00)\s?{code}|\(\+?{code}\)|(?<!\d){code}(?=[\s-]))[\s-]*"


_MAINLAND_MOBILE = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?:{_prefixed('86')}|(?<!\d)86(?=1[3-9]\d{{9}}(?!\d)))?"
    rf"(1[3-9]\d)[\s-]?(\d{{4}})[\s-]?(\d{{4}}){_END}")
_MASKED_MOBILE = re.compile(rf"{_NOT_AFTER_DIGIT}1[3-9]\d[\s-]?\*{{4}}[\s-]?\d{{4}}{_END}")
_LANDLINE = re.compile(
    rf"{_NOT_AFTER_DIGIT}(?:{_prefixed('86')})?\(?(0(?:10|2\d|[3-9]\d{{2}}))\)?[\s-]?"
    rf"([2-9]\d{{6,7}}){_END}")
_ELSEWHERE = (
    # (pattern, country code, is it a mobile number); the groups are the digits to keep.
    (re.compile(rf"{_NOT_AFTER_DIGIT}{_prefixed('852')}([2-9]\d{{3}})[\s-]?(\d{{4}}){_END}"),
     "852", "456789"),
    (re.compile(rf"{_NOT_AFTER_DIGIT}{_prefixed('853')}([2-9]\d{{3}})[\s-]?(\d{{4}}){_END}"),
     "853", "6"),
    (re.compile(rf"{_NOT_AFTER_DIGIT}{_prefixed('886')}0?(9\d{{2}})[\s-]?(\d{{3}})[\s-]?"
                rf"(\d{{3}}){_END}"), "886", "9"),
    # A Taiwan mobile number written locally: ten digits from 09 (no mainland number is).
    (re.compile(rf"{_NOT_AFTER_DIGIT}0(9\d{{2}})[\s-]?(\d{{3}})[\s-]?(\d{{3}}){_END}"),
     "886", "9"),
)
#: Eight-digit numbers without a country code, read as local only in an address there.
_LOCAL = {
    "852": re.compile(rf"{_NOT_AFTER_DIGIT}([4-9]\d{{3}})[\s-]?(\d{{4}}){_END}"),
    "853": re.compile(rf"{_NOT_AFTER_DIGIT}(6\d{{3}})[\s-]?(\d{{4}}){_END}"),
}


@dataclass(frozen=True)
class FoundNumber:
    """A phone number found in a text: 13812345678, 0755-86001234, or +85291234567 for a
    number outside the mainland; ``masked`` for 138****5678, which says no number."""

    number: str
    start: int
    end: int
    mobile: bool = True
    mainland: bool = True
    masked: bool = False


def find_numbers(text: str, *, local: str = "") -> list[FoundNumber]:
    """The phone numbers in ``text`` (NFKC-normalised), in order; ``local`` ("852" or "853")
    also reads eight-digit numbers as Hong Kong's or Macau's."""
    found: list[FoundNumber] = []

    def add(number: FoundNumber) -> None:
        if all(number.end <= other.start or number.start >= other.end for other in found):
            found.append(number)

    for match in _MAINLAND_MOBILE.finditer(text):
        add(FoundNumber("".join(match.groups()), match.start(), match.end()))
    for pattern, code, mobile_starts in _ELSEWHERE:
        for match in pattern.finditer(text):
            digits = "".join(match.groups())
            add(FoundNumber(f"+{code}{digits}", match.start(), match.end(),
                            mobile=digits.startswith(tuple(mobile_starts)), mainland=False))
    for match in _LANDLINE.finditer(text):
        add(FoundNumber("-".join(match.groups()), match.start(), match.end(), mobile=False))
    if local in _LOCAL:
        for match in _LOCAL[local].finditer(text):
            add(FoundNumber(f"+{local}{''.join(match.groups())}", match.start(), match.end(),
                            mainland=False))
    for match in _MASKED_MOBILE.finditer(text):
        add(FoundNumber("", match.start(), match.end(), masked=True))
    return sorted(found, key=lambda number: number.start)
