from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLength):
    """Django's rule with a message our catalogs translate (Django 5.2's new wording of it is
    missing from its own Simplified Chinese catalog, so users saw English)."""

    def get_error_message(self):
        return ngettext(
            "This password is too short: use at least %(min_length)d character.",
            "This password is too short: use at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}


#: Longer passwords are refused wherever one is set: nobody types more, and a megabyte of
#: "password" is only a way to make the server hash a megabyte.
PASSWORD_MAX_LENGTH = 128


class MaximumLengthValidator:
    def __init__(self, max_length: int = PASSWORD_MAX_LENGTH):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(self.get_error_message(), code="password_too_long",
                                  params={"max_length": self.max_length})

    def get_error_message(self):
        return ngettext(
            "This password is too long: use at most %(max_length)d character.",
            "This password is too long: use at most %(max_length)d characters.",
            self.max_length,
        ) % {"max_length": self.max_length}

    def get_help_text(self):
        return self.get_error_message()
