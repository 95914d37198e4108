"""Forms of the network pages. They check what a person typed; the services decide the rest."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from weishang.accounts.forms import PasswordField
from weishang.catalog.models import Variant
from weishang.core.forms import ConsoleForm
from weishang.core.models import max_length_of

from .models import (
    MIN_BUYBACK_PERCENT,
    Agent,
    AgentLevel,
    AgentState,
    BindingMode,
    Combination,
    NetworkSettings,
    UpgradeMetric,
    UpgradeReview,
)
from .services import Application, LevelData

DECIMAL_INPUT = forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"})
NUMBER_INPUT = forms.NumberInput(attrs={"inputmode": "numeric"})


#: Measures that count customers or months: whole numbers (24, not 24.00).
COUNTED = {UpgradeMetric.RETAIL_CUSTOMERS, UpgradeMetric.MONTHS_ACTIVE}
NOT_A_CONDITION = _("Empty: not a condition.")


def _threshold(metric: UpgradeMetric) -> forms.Field:
    if metric in COUNTED:
        return forms.IntegerField(label=metric.label, required=False, min_value=0,
                                  widget=NUMBER_INPUT, help_text=NOT_A_CONDITION)
    return forms.DecimalField(label=metric.label, required=False, min_value=0, max_digits=14,
                              decimal_places=2, widget=DECIMAL_INPUT, help_text=NOT_A_CONDITION)


def _shown_threshold(condition) -> Decimal | int:
    """The stored threshold (a decimal) as its box shows it: a count as a whole number."""
    threshold = condition.threshold
    if condition.metric in COUNTED and threshold == threshold.to_integral_value():
        return int(threshold)
    return threshold


class LevelForm(ConsoleForm):
    """A level and its upgrade conditions. There is one box per lawful measure and no other:
    purchases, payments and recruits cannot be asked for."""

    rank = forms.IntegerField(label=_("Rank"), min_value=1, widget=NUMBER_INPUT,
                              help_text=_("A higher rank is a more senior level."))
    name = forms.CharField(label=_("Name"), max_length=max_length_of(AgentLevel, "name"))
    discount_percent = forms.DecimalField(label=_("Discount off retail (%)"), min_value=0,
                                          max_value=99.99, max_digits=5, decimal_places=2,
                                          widget=DECIMAL_INPUT)
    may_invite = forms.BooleanField(label=_("May invite agents"), required=False)
    combination = forms.ChoiceField(label=_("Upgrade when"), choices=Combination.choices)
    retail_sales = _threshold(UpgradeMetric.RETAIL_SALES)
    retail_customers = _threshold(UpgradeMetric.RETAIL_CUSTOMERS)
    months_active = _threshold(UpgradeMetric.MONTHS_ACTIVE)

    @staticmethod
    def initial_for(level: AgentLevel | None) -> dict:
        if level is None:
            following = AgentLevel.objects.order_by("-rank").values_list("rank", flat=True)
            return {"rank": (following.first() or 0) + 1, "may_invite": True}
        return {"rank": level.rank, "name": level.name,
                "discount_percent": level.discount_percent, "may_invite": level.may_invite,
                "combination": level.combination,
                **{condition.metric: _shown_threshold(condition)
                   for condition in level.conditions.all()}}

    def data_for_service(self) -> LevelData:
        data = self.cleaned_data
        return LevelData(rank=data["rank"], name=data["name"],
                         discount_percent=data["discount_percent"],
                         may_invite=data["may_invite"], combination=data["combination"],
                         conditions={metric: data[metric] for metric in UpgradeMetric.values
                                     if data.get(metric) is not None})


class VariantChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, variant):
        return f"{variant.product.title} {variant.spec_label}".strip()


class VariantRuleForm(ConsoleForm):
    variant = VariantChoiceField(label=_("Product"), queryset=Variant.objects.select_related(
        "product").order_by("product__title", "id"))
    price = forms.DecimalField(label=_("Level price"), required=False, min_value=0.01,
                               max_digits=12, decimal_places=2, widget=DECIMAL_INPUT,
                               help_text=_("Empty: retail price less the level's discount."))
    min_per_order = forms.IntegerField(label=_("At least per order"), required=False,
                                       min_value=1, widget=NUMBER_INPUT)
    max_per_order = forms.IntegerField(label=_("At most per order"), required=False,
                                       min_value=1, widget=NUMBER_INPUT)
    max_per_month = forms.IntegerField(label=_("At most per month"), required=False,
                                       min_value=1, widget=NUMBER_INPUT)


class AgentFilterForm(ConsoleForm):
    q = forms.CharField(label=_("Search"), required=False, max_length=30,
                        widget=forms.TextInput(attrs={"type": "search",
                                                      "placeholder": _("Name or mobile")}))
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *AgentState.choices])

    def filters(self) -> dict:
        if not self.is_valid():
            return {}
        return {key: value for key, value in self.cleaned_data.items() if value}


class StateForm(ConsoleForm):
    state = forms.ChoiceField(choices=AgentState.choices, widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class LevelChangeForm(ConsoleForm):
    level = forms.ModelChoiceField(label=_("Level"), queryset=AgentLevel.objects.all(),
                                   empty_label=None)
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class LevelReviewForm(ConsoleForm):
    KEEP, MOVE_DOWN = "keep", "move_down"

    decision = forms.ChoiceField(choices=[(KEEP, KEEP), (MOVE_DOWN, MOVE_DOWN)])
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class MoveForm(ConsoleForm):
    upline_code = forms.CharField(
        label=_("New upline's invitation code"), required=False,
        max_length=max_length_of(Agent, "code"),
        help_text=_("Empty: the agent has no upline."))


class SettingsForm(ConsoleForm):
    binding_mode = forms.ChoiceField(label=_("Who becomes the upline"),
                                     choices=BindingMode.choices)
    binding_days = forms.IntegerField(label=_("Binding lasts (days)"), required=False,
                                      min_value=1, widget=NUMBER_INPUT,
                                      help_text=_("Empty: for good."))
    auto_approve = forms.BooleanField(label=_("Approve applications automatically"),
                                      required=False)
    buyback_percent = forms.DecimalField(label=_("Buy-back refund (%)"), max_digits=5,
                                         decimal_places=2, widget=DECIMAL_INPUT)
    upgrade_review = forms.ChoiceField(
        label=_("When refunds undo an upgrade"), choices=UpgradeReview.choices,
        widget=forms.RadioSelect,
        help_text=NetworkSettings._meta.get_field("upgrade_review").help_text)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["buyback_percent"].help_text = gettext(
            "What an agent who leaves gets back for unsold cloud stock: at least %(least)d%% "
            "of what they paid.") % {"least": MIN_BUYBACK_PERCENT}


class ApplicationForm(ConsoleForm):
    """The public application: a few details and a password, nothing about money."""

    name = forms.CharField(label=_("Your name"), max_length=max_length_of(Agent, "name"))
    phone = forms.CharField(label=_("Mobile number"), max_length=20,
                            help_text=_("You log in with it."),
                            widget=forms.TextInput(attrs={"inputmode": "tel",
                                                          "autocomplete": "tel"}))
    wechat_id = forms.CharField(label=_("WeChat ID"), required=False,
                                max_length=max_length_of(Agent, "wechat_id"))
    region = forms.CharField(label=_("Region"), required=False,
                             max_length=max_length_of(Agent, "region"),
                             widget=forms.TextInput(attrs={"placeholder": _("e.g. 广东 深圳")}))
    note = forms.CharField(label=_("Anything to tell us"), required=False,
                           max_length=max_length_of(Agent, "note"), widget=forms.Textarea(
                               attrs={"rows": 3}))
    password = PasswordField(label=_("Password"))

    def application(self) -> Application:
        return Application(**self.cleaned_data)
