"""Console forms of follow-ups, reminders and the customer-care settings. They check what a
person typed; ``services`` decides the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm

from ..forms import DATE_INPUT
from ..models import CustomerSettings, FollowUpKind, ReminderHandled, ReminderKind
from . import services as care


class FollowUpForm(ConsoleForm):
    kind = forms.ChoiceField(label=_("Type"), choices=FollowUpKind.choices,
                             initial=FollowUpKind.MESSAGE)
    due_on = forms.DateField(label=_("Day"), widget=DATE_INPUT)
    note = forms.CharField(label=_("What about"), required=False,
                           max_length=care.NOTE_MAX_LENGTH, widget=forms.TextInput(
                               attrs={"placeholder": _("e.g. ask how the cream suits her")}))


class SnoozeForm(ConsoleForm):
    """Later by a step of days (a button) or until a chosen day."""

    days = forms.TypedChoiceField(required=False, coerce=int, empty_value=None,
                                  choices=[(days, days) for days in care.SNOOZE_DAYS])
    until = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def clean(self):
        data = super().clean()
        if data.get("days") is None and not data.get("until"):
            raise forms.ValidationError(_("Snooze for 1 or 3 days, or choose a day."))
        return data


class ReminderForm(ConsoleForm):
    """Which computed reminder a button on the today page is about."""

    customer = forms.CharField(max_length=32)
    kind = forms.ChoiceField(choices=[(ReminderKind.REPURCHASE, ReminderKind.REPURCHASE.label),
                                      (ReminderKind.BIRTHDAY, ReminderKind.BIRTHDAY.label)])
    key = forms.CharField(max_length=ReminderHandled._meta.get_field("key").max_length)


def _limited_number(name: str, *, required: bool = True, **kwargs) -> forms.Field:
    low, high = care.SETTING_LIMITS[name]
    field = CustomerSettings._meta.get_field(name)
    return forms.IntegerField(label=field.verbose_name, min_value=low, max_value=high,
                              required=required,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}), **kwargs)


class CustomerSettingsForm(ConsoleForm):
    remind_days_before = _limited_number(
        "remind_days_before",
        help_text=_("A product with a usage period (set on the product) shows up on the today "
                    "page this many days before the customer runs out."))
    birthday_reminders = forms.BooleanField(
        label=CustomerSettings._meta.get_field("birthday_reminders").verbose_name,
        required=False)
    recency_days = _limited_number("recency_days")
    frequency_orders = _limited_number("frequency_orders")
    monetary_amount = forms.DecimalField(
        label=CustomerSettings._meta.get_field("monetary_amount").verbose_name,
        min_value=care.SETTING_LIMITS["monetary_amount"][0],
        max_value=care.SETTING_LIMITS["monetary_amount"][1], max_digits=14, decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}))

    FIELDS = ("remind_days_before", "birthday_reminders", "recency_days", "frequency_orders",
              "monetary_amount")

    @classmethod
    def initial_for(cls, settings: CustomerSettings) -> dict:
        return {name: getattr(settings, name) for name in cls.FIELDS}
