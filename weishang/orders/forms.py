"""Console forms of the order desk. They check what a person typed; the services decide the rest."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from weishang.core.address import provinces
from weishang.core.errors import InvalidInput
from weishang.core.forms import ConsoleForm, DateInput
from weishang.core.images import check_image

from .carriers import CARRIERS
from .models import Order, OrderEvent, OrderState, ShopSettings
from .services import (
    MAX_AFTER_SALES_DAYS,
    MAX_AUTO_COMPLETE_DAYS,
    MAX_EXPIRY_MINUTES,
    MAX_LINE_QUANTITY,
    MAX_LINES,
    MAX_ORDER_QUANTITY,
    MAX_UNPAID_ORDERS,
    MIN_EXPIRY_MINUTES,
)

MAX_FEE = Decimal("99999.99")
NOTE_MAX_LENGTH = OrderEvent._meta.get_field("note").max_length


def _count_field(name: str, maximum: int):
    """A whole number of ShopSettings, labelled and explained as the model says."""
    model_field = ShopSettings._meta.get_field(name)
    return forms.IntegerField(label=capfirst(model_field.verbose_name), min_value=1,
                              max_value=maximum, help_text=model_field.help_text,
                              widget=forms.NumberInput(attrs={"inputmode": "numeric"}))


def _money_field(label, *, required=True, help_text=""):
    return forms.DecimalField(
        label=label, required=required, min_value=0, max_value=MAX_FEE, decimal_places=2,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class OrderFilterForm(ConsoleForm):
    """The order list's filters (GET); a filter that does not parse is ignored."""

    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All"))] + OrderState.choices)
    q = forms.CharField(label=_("Search"), required=False, max_length=40, widget=forms.TextInput(
        attrs={"type": "search", "placeholder": _("Order number, mobile, last 4 digits or name")}
    ))
    date_from = forms.DateField(label=_("From"), required=False,
                                widget=DateInput())
    date_to = forms.DateField(label=_("To"), required=False,
                              widget=DateInput())

    def filters(self) -> dict:
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        return {
            "state": values.get("state", ""),
            "search": values.get("q", ""),
            "date_from": values.get("date_from"),
            "date_to": values.get("date_to"),
        }


# -- Actions on one order ---------------------------------------------------------------------

class NoteForm(ConsoleForm):
    note = forms.CharField(label=_("Note"), required=False, max_length=NOTE_MAX_LENGTH)


class DeclineRefundForm(ConsoleForm):
    reason = forms.CharField(label=_("Reason"), max_length=NOTE_MAX_LENGTH,
                             help_text=_("The customer sees it on their order page."))


class ConfirmPaymentForm(ConsoleForm):
    reference = forms.CharField(
        label=_("Payment reference"), required=False,
        max_length=Order._meta.get_field("payment_reference").max_length,
        help_text=_("e.g. the last digits of the transfer or the payer's WeChat name"),
    )


class ShipForm(ConsoleForm):
    carrier = forms.ChoiceField(label=_("Carrier"), choices=CARRIERS)
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=Order._meta.get_field("tracking_number").max_length,
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "autocomplete": "off"}),
    )


class EmptyForm(ConsoleForm):
    """An action that needs nothing but the button (complete)."""


# -- 代客下单: an order taken in chat ---------------------------------------------------------

class RecipientForm(ConsoleForm):
    """The smart-paste box and the recipient fields of an order taken in chat.

    Nothing is required while the owner is still putting the order together (adding items,
    reading a pasted address); ``require_recipient()`` checks the fields before placing it.
    """

    REQUIRED = ("name", "phone", "province", "city", "street")
    RECIPIENT = ("name", "phone", "province", "city", "district", "street", "note")

    paste = forms.CharField(
        label=_("Smart paste"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _(
            "Paste the address as the customer sent it, "
            "e.g. 张三 13812345678 广东省深圳市南山区粤海街道科技园")}),
    )
    name = forms.CharField(label=_("Recipient"), required=False,
                           max_length=Order._meta.get_field("recipient_name").max_length)
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}))
    province = forms.CharField(label=_("Province"), required=False,
                               max_length=Order._meta.get_field("province").max_length)
    city = forms.CharField(label=_("City"), required=False,
                           max_length=Order._meta.get_field("city").max_length)
    district = forms.CharField(label=_("District"), required=False,
                               max_length=Order._meta.get_field("district").max_length)
    street = forms.CharField(label=_("Street address"), required=False,
                             max_length=Order._meta.get_field("street").max_length)
    note = forms.CharField(label=_("Customer note"), required=False,
                           max_length=Order._meta.get_field("customer_note").max_length)
    find = forms.CharField(label=_("Find products"), required=False, max_length=80,
                           widget=forms.TextInput(attrs={
                               "type": "search", "placeholder": _("Product title or SKU code")}))
    idempotency_key = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)

    def recipient_fields(self):
        return [self[name] for name in self.RECIPIENT]

    def require_recipient(self) -> bool:
        for name in self.REQUIRED:
            if not self.cleaned_data.get(name):
                self.add_error(name, _("This field is required."))
        return not self.errors


def read_lines(data) -> tuple[list[tuple[str, int]], list[str]]:
    """The order lines posted as parallel ``variant`` / ``quantity`` lists.

    Returns ``[(variant public id, quantity)]`` (a variant listed twice is added up) and the
    problems found; a quantity that is not a whole number in the allowed range is a problem
    (the line is kept, its quantity brought into the range, so the owner can correct it).
    """
    lines: dict[str, int] = {}
    problems = []
    posted = zip(data.getlist("variant")[:MAX_LINES], data.getlist("quantity"), strict=False)
    for public_id, raw in posted:
        try:
            quantity = int(raw)
        except (TypeError, ValueError):
            quantity = 0
        if not 1 <= quantity <= MAX_LINE_QUANTITY:
            problems.append(gettext("Enter a quantity from 1 to %(maximum)d.")
                            % {"maximum": MAX_LINE_QUANTITY})
            quantity = max(1, min(quantity, MAX_LINE_QUANTITY))
        lines[public_id] = min(lines.get(public_id, 0) + quantity, MAX_LINE_QUANTITY)
    return list(lines.items()), problems


# -- Settings ---------------------------------------------------------------------------------

class PaymentCodeField(forms.ImageField):
    """A receipt QR code: checked by its content (``core.images.check_image``)."""

    default_validators = []

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": "image/*"}))
        super().__init__(**kwargs)

    def to_python(self, data):
        upload = forms.FileField.to_python(self, data)
        if upload is None:
            return None
        try:
            check_image(upload)
        except InvalidInput as exc:
            raise ValidationError(str(exc.message), code=exc.code) from exc
        return upload


class ShopSettingsForm(ConsoleForm):
    payment_instructions = forms.CharField(
        label=_("Payment instructions"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=ShopSettings._meta.get_field("payment_instructions").help_text,
    )
    wechat_pay_code = PaymentCodeField(label=_("WeChat receipt code"))
    alipay_code = PaymentCodeField(label=_("Alipay receipt code"))
    unpaid_expiry_minutes = forms.IntegerField(
        label=_("Unpaid orders expire after (minutes)"), min_value=MIN_EXPIRY_MINUTES,
        max_value=MAX_EXPIRY_MINUTES,
        help_text=_("The stock of an unpaid order goes back on sale after this time."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    auto_complete_days = forms.IntegerField(
        label=_("Complete shipped orders after (days)"), min_value=1,
        max_value=MAX_AUTO_COMPLETE_DAYS, widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    after_sales_days = forms.IntegerField(
        label=_("After-sales window (days)"), min_value=0, max_value=MAX_AFTER_SALES_DAYS,
        help_text=ShopSettings._meta.get_field("after_sales_days").help_text,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    shipping_fee = _money_field(_("Shipping fee"))
    free_shipping_above = _money_field(_("Free shipping from"), required=False,
                                       help_text=_("Leave empty to always charge shipping."))
    max_line_quantity = _count_field("max_line_quantity", MAX_LINE_QUANTITY)
    max_order_quantity = _count_field("max_order_quantity", MAX_ORDER_QUANTITY)
    max_unpaid_orders = _count_field("max_unpaid_orders", MAX_UNPAID_ORDERS)

    def changed_settings(self) -> dict:
        """The fields to save; a code is only replaced when a new picture was uploaded."""
        values = dict(self.cleaned_data)
        for code in ("wechat_pay_code", "alipay_code"):
            if not values.get(code):
                values.pop(code, None)
        return values


class RegionFeeForm(ConsoleForm):
    province = forms.ChoiceField(label=_("Province"))
    shipping_fee = _money_field(_("Shipping fee"))
    free_shipping_above = _money_field(_("Free shipping from"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = [("", "—")] + [(name, name) for name in provinces()]


class BaseRegionFeeFormSet(forms.BaseFormSet):
    def clean(self):
        seen = set()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            province = getattr(form, "cleaned_data", {}).get("province")
            if province in seen:
                form.add_error("province", _("This province is listed twice."))
            seen.add(province)

    def rows(self) -> list[tuple]:
        return [
            (form.cleaned_data["province"], form.cleaned_data["shipping_fee"],
             form.cleaned_data.get("free_shipping_above"))
            for form in self.forms
            if form.cleaned_data and not (self.can_delete and self._should_delete_form(form))
        ]


RegionFeeFormSet = forms.formset_factory(RegionFeeForm, formset=BaseRegionFeeFormSet, extra=1,
                                         can_delete=True, max_num=40, validate_max=True)
