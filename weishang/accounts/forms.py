from django import forms
from django.contrib.auth import forms as auth_forms
from django.utils.translation import gettext_lazy as _

from weishang.core.phone import normalize_mobile, validate_mobile

from . import services
from .models import Area
from .validators import PASSWORD_MAX_LENGTH


class LoginForm(auth_forms.AuthenticationForm):
    """One field takes a mobile number (any usual format) or a username."""

    username = auth_forms.UsernameField(
        label=_("Mobile number or username"),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "autocapitalize": "none",
                   "autocorrect": "off", "spellcheck": "false"}
        ),
    )

    error_messages = {
        # The same message whatever was wrong, so it tells nobody which accounts exist.
        "invalid_login": _("The account or the password is not right."),
        "inactive": _("The account or the password is not right."),
    }


class PasswordField(forms.CharField):
    """A new password, typed as is (no stripping), no longer than any password may be."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.PasswordInput(attrs={"autocomplete": "new-password"}))
        super().__init__(strip=False, max_length=PASSWORD_MAX_LENGTH, **kwargs)


class PasswordChangeForm(auth_forms.PasswordChangeForm):
    def save(self, commit=True):
        services.set_password(self.user, self.cleaned_data["new_password1"])
        return self.user


class MobileField(forms.CharField):
    """A mainland mobile number; "+86 138-1234-5678" is accepted and stored as 13812345678."""

    widget = forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"})
    default_validators = [validate_mobile]

    def to_python(self, value):
        return normalize_mobile(super().to_python(value))


class StaffForm(forms.Form):
    """Fields shared by adding and editing a staff member; the services do the real checks."""

    display_name = forms.CharField(
        label=_("Display name"), max_length=services.DISPLAY_NAME_MAX_LENGTH, required=False
    )
    phone = MobileField(label=_("Mobile number"), max_length=20)
    areas = forms.MultipleChoiceField(
        label=_("May manage"),
        choices=Area.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    password = PasswordField(label=_("Password"))
    password_confirm = PasswordField(label=_("Password again"))

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password") != cleaned.get("password_confirm"):
            self.add_error("password_confirm", _("The two passwords are not the same."))
        return cleaned

    def add_domain_error(self, error) -> None:
        """Show a service's error on its field (or above the form)."""
        self.add_error(error.field if error.field in self.fields else None, str(error.message))


class StaffCreateForm(StaffForm):
    username = forms.CharField(
        label=_("Username"), max_length=services.USERNAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocapitalize": "none", "autocorrect": "off"}),
    )
    field_order = ["username", "phone", "display_name", "password", "password_confirm", "areas"]


class StaffEditForm(StaffForm):
    is_active = forms.BooleanField(
        label=_("Active (may log in)"), required=False,
    )
    field_order = ["display_name", "phone", "areas", "is_active", "password", "password_confirm"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("password", "password_confirm"):
            self.fields[name].required = False
        self.fields["password"].label = _("New password")
        self.fields["password"].help_text = _("Leave empty to keep the current password.")
        self.fields["password_confirm"].label = _("New password again")
