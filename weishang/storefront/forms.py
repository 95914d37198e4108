"""Forms of the customer's pages. They check shape only; the order services check the rest."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core import address
from weishang.orders.models import Order

_ORDER_FIELD = Order._meta.get_field


def _length(name: str) -> int:
    return _ORDER_FIELD(name).max_length


class CheckoutForm(forms.Form):
    """Recipient and address. Field names are those of orders.services.Recipient, so an
    InvalidInput's ``field`` names the form field to show it on."""

    paste = forms.CharField(
        label=_("Paste a whole address"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
            "e.g. 张三 13812345678 广东省深圳市南山区粤海街道科技园南区8栋")}),
        help_text=_("Name, mobile number and address in one go, as sent in chat."),
    )
    name = forms.CharField(label=_("Recipient"), max_length=_length("recipient_name"),
                           widget=forms.TextInput(attrs={"autocomplete": "name"}))
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(
        attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    province = forms.CharField(label=_("Province"), max_length=_length("province"))
    city = forms.CharField(label=_("City"), max_length=_length("city"))
    district = forms.CharField(label=_("District / county"), max_length=_length("district"),
                               required=False)
    street = forms.CharField(label=_("Street address"), max_length=_length("street"),
                             widget=forms.TextInput(attrs={"autocomplete": "street-address"}))
    note = forms.CharField(label=_("Note to the seller"), max_length=_length("customer_note"),
                           required=False)
    # Rendered once with the page: a second submit of the same page places no second order.
    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64,
                                      initial=lambda: uuid.uuid4().hex)

    RECIPIENT_FIELDS = ("name", "phone", "province", "city", "district", "street")

    def clean(self):
        """Province and city come from the selects: refuse names that are not in the lists
        (the district is checked by the order service, which knows when one is needed)."""
        data = super().clean()
        province, city = data.get("province"), data.get("city")
        if province and province not in address.provinces():
            self.add_error("province", _("Choose the province from the list."))
        elif province and city and city not in address.cities(province):
            self.add_error("city", _("Choose the city from the list."))
        return data


class LookupForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(
        attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    number = forms.CharField(label=_("Order number"), max_length=_length("number"))
