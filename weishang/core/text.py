"""What text Weishang takes from people, and how stored text is made safe to write into files.

One rule for every input: text may not hold hidden characters — control characters (C0 except
tab, line feed and carriage return; DEL; C1), bidirectional embeddings, overrides and isolates
(they reorder what the owner reads, e.g. a mobile number or an amount) and the non-characters
U+FFFE/U+FFFF — and text that is not empty must show something: a name made only of zero-width
spaces or Hangul fillers (ㅤ, the "blank" WeChat nickname) is no name. Tabs and line breaks
(U+2028/U+2029 too, which some apps put in copied text) are allowed everywhere: multi-line
fields keep them, and the services of single-line ones collapse all whitespace into spaces.

Where the rule is applied, once per kind of input:

- every ``CharField`` of every Django form and every DRF serializer (``check_text_fields``, run
  when the core app is ready): the refusal is a form error or an API 400 on that field;
- spreadsheet cells (``weishang.core.spreadsheets``): the row is reported wrong;
- command-line arguments (``weishang.__main__``);
- NUL itself, which PostgreSQL can neither store nor compare, is refused for the whole request
  before any view reads it (``weishang.core.middleware``), so a path, query string, header or
  body field that no form checks cannot reach the database with one.

Writers use ``printable`` for whatever is already stored.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_HIDDEN = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
#: Characters that show nothing: whitespace, format characters (zero-width space and joiners,
#: soft hyphen, word joiner, byte-order mark, direction marks, tags), variation selectors and
#: the blank letters people use as "empty" names (Hangul fillers, the blank Braille pattern).
_INVISIBLE = re.compile(
    r"[\s\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f\u202a-\u202e"
    r"\u2060-\u206f\u2800\u3164\ufe00-\ufe0f\ufeff\uffa0\U000e0000-\U000e0fff]*")


def text_problem(text: str) -> str:
    """Why ``text`` cannot be taken (translated), or "" when it can."""
    if hidden := _HIDDEN.search(text):
        return _("Remove the hidden character U+%(code)04X (character %(position)d): it does "
                 "not show, and breaks lists and files.") % {
            "code": ord(hidden.group()), "position": hidden.start() + 1}
    if text and not text.isspace() and _INVISIBLE.fullmatch(text):
        return _("This has only invisible characters: type something visible, or leave it "
                 "empty.")
    return ""


def arguments_problem(arguments: list[str]) -> str:
    """Why one of a command's ``arguments`` cannot be taken (translated), or ""."""
    for argument in arguments:
        if problem := text_problem(argument):
            return _("Argument “%(argument)s”: %(problem)s") % {
                "argument": printable(argument), "problem": problem}
    return ""


def validate_text(value) -> None:
    """A validator for forms and serializers (non-text values, e.g. a JSON field's, pass)."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise ValidationError(problem, code="hidden_character")


def printable(text: str) -> str:
    """``text`` without the hidden characters: what a file may hold of anything stored."""
    return _HIDDEN.sub("", text) if _HIDDEN.search(text) else text


def check_text_fields() -> None:
    """Every form and serializer text field refuses hidden characters, ours and the admin's
    alike, without each declaring it. (A serializer field given an explicit ``validators`` list
    drops its class defaults: give it ``validate_text`` too.)"""
    from django import forms
    from rest_framework import serializers

    forms.CharField.default_validators = [validate_text]
    serializers.CharField.default_validators = [validate_text]
