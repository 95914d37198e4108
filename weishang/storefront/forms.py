"""Forms of the customer's pages. They check shape only; the order services check the rest."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.orders.models import Order

_ORDER_FIELD = Order._meta.get_field


def _length(name: str) -> int:
    return _ORDER_FIELD(name).max_length


class CheckoutForm(forms.Form):
    """Recipient and address. Field names are those of orders.services.Recipient, so an
    InvalidInput's ``field`` names the form field to show it on: the order service checks the
    region (that the city and district belong to the province), as for every other way in."""

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
    # The service knows when a city is needed (Hong Kong, Macau and Taiwan have no list).
    city = forms.CharField(label=_("City"), max_length=_length("city"), required=False)
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


class LookupForm(forms.Form):
    phone = forms.CharField(label=_("Mobile number"), max_length=20, widget=forms.TextInput(
        attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    number = forms.CharField(label=_("Order number"), max_length=_length("number"))
