"""How services tidy what people type before they check and store it, one rule per kind.

Forms and serializers already refuse hidden characters (``weishang.core.text``); the services,
which every interface goes through, then shape the text:

- ``one_line``: a single-line field (a name, a reference, a note on an order) keeps no line
  breaks, tabs or runs of spaces, which a pasted chat message is full of;
- ``clean_line``: the same, then required and length-checked with the usual messages;
- ``clean_name``: a name someone gives a thing of theirs (a category, a channel): trimmed,
  required, length-checked;
- ``whole_number`` and ``amount``: a setting's count or sum of money, typed in a form or sent
  as JSON, checked against its range.

Text that is meant to keep its lines (a post's body, a product description) is not cleaned
here.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from .errors import InvalidInput
from .money import to_money

LARGEST_AMOUNT = Decimal("999999999.99")


def one_line(value) -> str:
    """``value`` as one line: every run of whitespace one space, none at either end ("" for
    None)."""
    return " ".join(str(value or "").split())


def clean_line(value, *, field: str, limit: int, missing: str = "") -> str:
    """``one_line(value)``, at most ``limit`` characters; required when ``missing`` (the message
    saying what to enter) is given. InvalidInput names ``field``."""
    value = one_line(value)
    if not value and missing:
        raise InvalidInput(missing, field=field)
    if len(value) > limit:
        raise InvalidInput(_("At most %(limit)d characters, please.") % {"limit": limit},
                           field=field)
    return value


def clean_name(value, *, limit: int, field: str = "name") -> str:
    """A required name, trimmed, at most ``limit`` characters."""
    name = (value or "").strip()
    if not name:
        raise InvalidInput(_("Enter a name."), field=field)
    if len(name) > limit:
        raise InvalidInput(_("The name can have at most %(limit)d characters.")
                           % {"limit": limit}, field=field)
    return name


def whole_number(value, *, field: str, minimum: int, maximum: int,
                 optional: bool = False) -> int | None:
    """A whole number from ``minimum`` to ``maximum``; None for nothing when ``optional``.
    Forms and serializers turn typed digits into ints, so text is refused here like a bool
    (JSON ``true`` is not 1): a caller passing either has a bug to see."""
    if optional and (value is None or value == ""):
        return None
    number = value
    if isinstance(number, bool) or not isinstance(number, int) or not minimum <= number <= maximum:
        raise InvalidInput(
            _("Enter a whole number from %(minimum)d to %(maximum)d.")
            % {"minimum": minimum, "maximum": maximum},
            field=field,
        )
    return number


def amount(value, *, field: str, maximum: Decimal = LARGEST_AMOUNT,
           optional: bool = False) -> Decimal | None:
    """A sum of money from 0 to ``maximum`` yuan, rounded to the fen; None for nothing when
    ``optional``."""
    if optional and (value is None or value == ""):
        return None
    try:
        money = to_money(value)
    except (TypeError, ValueError):
        raise InvalidInput(_("Enter an amount in yuan, such as 12.50."), field=field) from None
    if money < 0:
        raise InvalidInput(_("Enter an amount of at least 0."), field=field)
    if money > maximum:
        raise InvalidInput(_("Enter an amount of at most %(maximum)s.") % {"maximum": maximum},
                           field=field)
    return money
