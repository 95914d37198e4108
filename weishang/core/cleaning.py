"""How services tidy what people type before they check and store it, one rule per kind.

Forms and serializers already refuse hidden characters (``weishang.core.text``); the services,
which every interface goes through, then shape the text:

- ``one_line``: a single-line field (a name, a reference, a note on an order) keeps no line
  breaks, tabs or runs of spaces, which a pasted chat message is full of;
- ``clean_line``: the same, then required and length-checked with the usual messages;
- ``clean_name``: a name someone gives a thing of theirs (a category, a channel): trimmed,
  required, length-checked.

Text that is meant to keep its lines (a post's body, a product description) is not cleaned
here.
"""

from django.utils.translation import gettext as _

from .errors import InvalidInput


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
