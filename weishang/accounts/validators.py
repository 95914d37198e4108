from django.contrib.auth.password_validation import MinimumLengthValidator as DjangoMinimumLength
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
