"""The results page's filter: which ranking, over which dates."""

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm, DateInput

from .queries import By, Period

TABS = [(By.POST, _("Posts")), (By.CHANNEL, _("Channels")), (By.SELLER, _("Sellers"))]


def _date_field(label):
    return forms.DateField(label=label, required=False,
                           widget=DateInput())


class ResultsFilterForm(ConsoleForm):
    """The ranking's tab and date range (GET). Without dates: the last 30 days."""

    by = forms.ChoiceField(label=_("Ranking of"), required=False, choices=TABS)
    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            raise forms.ValidationError(_("The start date is after the end date."))
        return cleaned

    def choice(self) -> tuple[str, Period]:
        """The tab and period asked for; the last 30 days when the dates do not make one."""
        self.is_valid()
        data = self.cleaned_data  # the fields that parsed, even when the range did not
        by = data.get("by") or By.POST
        if self.errors or not (data.get("date_from") or data.get("date_to")):
            return by, Period.last_days()
        return by, Period(data["date_from"], data["date_to"])
