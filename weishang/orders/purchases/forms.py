"""Forms of the purchase pages: what a person typed; services.py decides the rest."""

import copy

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm

from ..forms import RecipientForm
from ..models import BuyBack, PurchaseDelivery
from ..services import MAX_LINE_QUANTITY

QUANTITY_PREFIX = "qty-"


class PurchaseForm(ConsoleForm):
    """Delivery and, to ship, the address; quantities come as ``qty-<variant public id>``."""

    delivery = forms.ChoiceField(label=_("Delivery"), choices=PurchaseDelivery.choices,
                                 initial=PurchaseDelivery.CLOUD, widget=forms.RadioSelect)
    idempotency_key = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in RecipientForm.RECIPIENT:
            self.fields[name] = copy.deepcopy(RecipientForm.base_fields[name])


def read_quantities(data) -> tuple[list[tuple[str, int]], list[str]]:
    """(variant public id, quantity) for every quantity field above 0, and what did not parse."""
    lines, problems = [], []
    for key, value in data.items():
        if not key.startswith(QUANTITY_PREFIX) or not str(value).strip():
            continue
        try:
            quantity = int(value)
        except ValueError:
            problems.append(_("Enter the quantity as a whole number."))
            continue
        if not 0 <= quantity <= MAX_LINE_QUANTITY:
            problems.append(_("Enter a quantity from 0 to %(maximum)d.")
                            % {"maximum": MAX_LINE_QUANTITY})
        elif quantity:
            lines.append((key.removeprefix(QUANTITY_PREFIX), quantity))
    return lines, problems


class BuyBackPaymentForm(ConsoleForm):
    reference = forms.CharField(label=_("Transfer reference"),
                                max_length=BuyBack._meta.get_field("reference").max_length)
