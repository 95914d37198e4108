from django import forms
from django.utils.translation import gettext_lazy as _

from .models import MovementReason
from .queries import StockFilter
from .services import MANUAL_REASONS, MAX_QUANTITY, NOTE_MAX_LENGTH


class StockChangeForm(forms.Form):
    """Add or remove units (a signed change with a reason), or set the counted quantity."""

    CHANGE = "change"
    COUNT = "count"

    mode = forms.ChoiceField(
        label=_("What to do"),
        choices=[(CHANGE, _("Add or remove")), (COUNT, _("Set the counted quantity"))],
        initial=CHANGE,
    )
    quantity = forms.IntegerField(
        label=_("Quantity"), min_value=-MAX_QUANTITY, max_value=MAX_QUANTITY,
        help_text=_("+10 adds ten, -3 removes three; for a count, the number you counted."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[(reason.value, reason.label) for reason in MANUAL_REASONS],
        initial=MovementReason.ADJUSTMENT,
        help_text=_("A count is always recorded as a stocktake correction."),
    )
    note = forms.CharField(label=_("Note"), max_length=NOTE_MAX_LENGTH, required=False)

    def clean(self):
        data = super().clean()
        quantity = data.get("quantity")
        if quantity is None:
            return data
        if data.get("mode") == self.CHANGE and quantity == 0:
            self.add_error("quantity", _("Enter a change other than zero."))
        if data.get("mode") == self.COUNT and quantity < 0:
            self.add_error("quantity", _("A counted quantity cannot be negative."))
        return data


class ThresholdForm(forms.Form):
    threshold = forms.IntegerField(
        label=_("Low-stock threshold"), min_value=0, max_value=MAX_QUANTITY,
        help_text=_("Listed as low on stock at or below this quantity."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )


class StockFilterForm(forms.Form):
    """The filters of the low-stock list (GET); invalid values fall back to the defaults."""

    state = forms.ChoiceField(
        label=_("Show"), required=False,
        choices=[(StockFilter.LOW, _("Low on stock")), (StockFilter.SOLD_OUT, _("Sold out")),
                 (StockFilter.ALL, _("All"))],
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=80,
                        widget=forms.TextInput(attrs={
                            "type": "search", "placeholder": _("Product title or SKU code")}))

    def filters(self) -> dict:
        data = self.cleaned_data if self.is_valid() else {}
        return {"state": data.get("state") or StockFilter.LOW, "search": data.get("q", "")}
