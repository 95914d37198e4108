"""Console forms of customer care. They check what a person typed; the services decide the rest
(and say what is wrong in terms of the business)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.core.address import parse_address, provinces
from weishang.core.forms import ConsoleForm, DateInput
from weishang.core.models import max_length_of
from weishang.orders.services import Recipient

from . import queries
from .models import Customer, CustomerAddress, CustomerNote, Gender

DATE_INPUT = DateInput()


def _with_blank(choices, label) -> list[tuple[str, str]]:
    return [("", label), *choices]


class CustomerFilterForm(ConsoleForm):
    """The search box and the filters of the customer list (all optional; bad values are
    ignored rather than failing the list)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=queries.MAX_SEARCH_LENGTH,
                        widget=forms.TextInput(attrs={
                            "type": "search", "autocomplete": "off", "placeholder": _(
                                "Name, pinyin (zs), last 4 digits, WeChat ID or tag")}))
    tag = forms.ChoiceField(label=_("Tag"), required=False)
    channel = forms.ChoiceField(label=_("Source channel"), required=False)
    segment = forms.ChoiceField(label=_("Segment"), required=False)
    last_order_from = forms.DateField(label=_("Last order from"), required=False,
                                      widget=DATE_INPUT)
    last_order_to = forms.DateField(label=_("Last order to"), required=False, widget=DATE_INPUT)
    spent_min = forms.DecimalField(label=_("Spent at least"), required=False, min_value=0,
                                   max_digits=14, decimal_places=2,
                                   widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                   "step": "0.01"}))
    spent_max = forms.DecimalField(label=_("Spent at most"), required=False, min_value=0,
                                   max_digits=14, decimal_places=2,
                                   widget=forms.NumberInput(attrs={"inputmode": "decimal",
                                                                   "step": "0.01"}))

    def __init__(self, *args, tag_names=(), channel_choices=(), segment_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = _with_blank([(name, name) for name in tag_names],
                                                 _("All tags"))
        self.fields["channel"].choices = _with_blank(channel_choices, _("All channels"))
        self.fields["segment"].choices = _with_blank(segment_choices, _("All segments"))

    @classmethod
    def with_choices(cls, data, user, channel_choices=None) -> "CustomerFilterForm":
        """The form offering the tags of ``user``'s customers, the source channels and the
        segments."""
        return cls(data, tag_names=queries.tags_in_use(user).values_list("name", flat=True),
                   channel_choices=channel_choices or queries.source_channel_choices(),
                   segment_choices=queries.segment_choices())

    def first_error(self) -> str:
        """The first wrong filter, as "label: message"."""
        name, errors = next(iter(self.errors.items()))
        return f"{self.fields[name].label}: {errors[0]}"

    def filters(self) -> dict:
        """What the list is narrowed by: the valid values only."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items()
                if value not in (None, "")}
        return {"text": data.pop("q", ""), **data}

    def is_filtered(self) -> bool:
        return any(self.filters().get(name) not in (None, "") for name in self.fields
                   if name != "q")


class CustomerForm(ConsoleForm):
    """A customer's profile, added or edited by hand. There is deliberately no field for an
    ID card number: sellers keep only what they need."""

    name = forms.CharField(label=_("Name"), max_length=max_length_of(Customer, "name"))
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel",
                                                          "inputmode": "numeric"}))
    wechat_id = forms.CharField(label=_("WeChat ID"), required=False,
                                max_length=max_length_of(Customer, "wechat_id"))
    gender = forms.ChoiceField(label=_("Gender"), required=False, choices=Gender.choices)
    birthday = forms.DateField(label=_("Birthday"), required=False, widget=DATE_INPUT)
    province = forms.ChoiceField(label=_("Province"), required=False)
    city = forms.CharField(label=_("City"), required=False,
                           max_length=max_length_of(Customer, "city"))
    district = forms.CharField(label=_("District"), required=False,
                               max_length=max_length_of(Customer, "district"))
    source_channel = forms.ChoiceField(label=_("Source channel"), required=False)
    tags = forms.CharField(label=_("Tags"), required=False, max_length=400,
                           help_text=_("Separate tags with commas or spaces, e.g. VIP 宝妈"))

    def __init__(self, *args, channel_choices=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["province"].choices = _with_blank([(name, name) for name in provinces()],
                                                      "—")
        self.fields["source_channel"].choices = _with_blank(channel_choices, _("Unknown"))

    @classmethod
    def initial_for(cls, customer: Customer) -> dict:
        initial = {name: getattr(customer, name) for name in (
            "name", "phone", "wechat_id", "gender", "birthday", "province", "city", "district",
            "source_channel")}
        initial["tags"] = " ".join(tag.name for tag in customer.tags.all())
        return initial


class NoteForm(ConsoleForm):
    text = forms.CharField(label=_("Note"), max_length=CustomerNote._meta.get_field(
        "text").max_length, widget=forms.Textarea(attrs={
            "rows": 3, "placeholder": _("e.g. Prefers blue, size M; call after 6 pm")}))


class AddressForm(ConsoleForm):
    """An address typed or pasted whole (智能地址识别): a pasted line fills the empty fields."""

    paste = forms.CharField(
        label=_("Smart paste"), required=False, max_length=300,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": _(
            "Paste the address as the customer sent it, "
            "e.g. 张三 13812345678 广东省深圳市南山区粤海街道科技园")}))
    name = forms.CharField(label=_("Recipient"), required=False,
                           max_length=max_length_of(CustomerAddress, "recipient_name"))
    phone = forms.CharField(label=_("Mobile number"), required=False, max_length=20,
                            widget=forms.TextInput(attrs={"type": "tel",
                                                          "inputmode": "numeric"}))
    province = forms.CharField(label=_("Province"), required=False,
                               max_length=max_length_of(CustomerAddress, "province"))
    city = forms.CharField(label=_("City"), required=False,
                           max_length=max_length_of(CustomerAddress, "city"))
    district = forms.CharField(label=_("District"), required=False,
                               max_length=max_length_of(CustomerAddress, "district"))
    street = forms.CharField(label=_("Street address"), required=False,
                             max_length=max_length_of(CustomerAddress, "street"))

    FIELDS = ("name", "phone", "province", "city", "district", "street")

    def clean(self):
        data = super().clean()
        if data.get("paste"):
            parsed = parse_address(data["paste"])
            for name in self.FIELDS:
                if not data.get(name):
                    data[name] = getattr(parsed, name, "") or ""
        return data

    def recipient(self) -> Recipient:
        return Recipient(**{name: self.cleaned_data.get(name, "") for name in self.FIELDS})
