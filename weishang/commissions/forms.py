"""Console forms of withdrawals and the earnings settings. They check what a person typed; the
services (withdrawals, rules) decide the rest."""

import uuid

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.forms import ConsoleForm
from weishang.core.models import max_length_of

from .models import CommissionSettings, PayoutMethod, Withdrawal, WithdrawalState
from .services import rules

MONEY_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})


def _label(model, name: str):
    return model._meta.get_field(name).verbose_name


class WithdrawForm(ConsoleForm):
    amount = forms.DecimalField(label=_("Amount (¥)"), min_value=0, max_digits=14,
                                decimal_places=2, widget=MONEY_INPUT)
    method = forms.ChoiceField(label=_label(Withdrawal, "method"), choices=PayoutMethod.choices,
                               widget=forms.RadioSelect, initial=PayoutMethod.WECHAT)
    account = forms.CharField(label=_label(Withdrawal, "account"),
                              max_length=max_length_of(Withdrawal, "account"),
                              help_text=_("WeChat ID, Alipay account or bank card number."))
    account_name = forms.CharField(label=_label(Withdrawal, "account_name"),
                                   max_length=max_length_of(Withdrawal, "account_name"))
    # Drawn when the form is shown: a double tap or a resent form is one withdrawal.
    request_key = forms.CharField(widget=forms.HiddenInput,
                                  max_length=max_length_of(Withdrawal, "request_key"))

    @staticmethod
    def new_key() -> str:
        return uuid.uuid4().hex


class PayForm(ConsoleForm):
    reference = forms.CharField(label=_label(Withdrawal, "reference"),
                                max_length=max_length_of(Withdrawal, "reference"))
    receipt = forms.FileField(label=_label(Withdrawal, "receipt"), required=False,
                              widget=forms.ClearableFileInput(attrs={"accept": "image/*"}),
                              help_text=_("A screenshot of the transfer."))


class RejectForm(ConsoleForm):
    note = forms.CharField(label=_("Why"), max_length=max_length_of(Withdrawal, "note"))


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(required=False,
                              choices=[("", _("Open first")), *WithdrawalState.choices])


class CommissionSettingsForm(ConsoleForm):
    withdrawal_minimum = forms.DecimalField(
        label=_label(CommissionSettings, "withdrawal_minimum"), min_value=0,
        max_value=rules.MAX_WITHDRAWAL_MINIMUM, max_digits=14, decimal_places=2,
        widget=MONEY_INPUT)
    withdrawal_fee_percent = forms.DecimalField(
        label=_label(CommissionSettings, "withdrawal_fee_percent"), min_value=0,
        max_value=rules.HIGHEST_PERCENT, max_digits=5, decimal_places=2, widget=MONEY_INPUT)
    upline_enabled = forms.BooleanField(label=_label(CommissionSettings, "upline_enabled"),
                                        required=False)
    upline_percent = forms.DecimalField(
        label=_label(CommissionSettings, "upline_percent"), min_value=0,
        max_value=rules.HIGHEST_PERCENT, max_digits=5, decimal_places=2, widget=MONEY_INPUT)
    confirm_upline = forms.BooleanField(
        label=_("I read the warning: the direct upline only, never deeper"), required=False)
    team_orders_earn = forms.BooleanField(
        label=_label(CommissionSettings, "team_orders_earn"), required=False,
        help_text=CommissionSettings._meta.get_field("team_orders_earn").help_text)

    FIELDS = ("withdrawal_minimum", "withdrawal_fee_percent", "upline_enabled", "upline_percent",
              "team_orders_earn")

    @classmethod
    def initial_for(cls, settings: CommissionSettings) -> dict:
        return {name: getattr(settings, name) for name in cls.FIELDS}

    def changes(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.FIELDS}
