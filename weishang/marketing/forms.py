"""Console forms of the content library, the channels and the marketing rules. They check what
a person typed; the services decide the rest."""

from django import forms
from django.utils.translation import gettext_lazy as _

from weishang.catalog.models import Product
from weishang.core.convert import REGIONS
from weishang.core.forms import ConsoleForm, MultipleFileField
from weishang.network.models import AgentLevel

from . import queries, services
from .models import Channel, HashtagStyle, MarketingSettings, PostKind, RuleMode
from .rendering import (
    LINK_PLACEHOLDERS,
    NAME_PLACEHOLDERS,
    PRICE_PLACEHOLDERS,
    PRODUCT_PLACEHOLDERS,
)

#: The placeholder buttons above the text box: (what is inserted, what the button says).
PLACEHOLDER_BUTTONS = [
    (f"{{{PRODUCT_PLACEHOLDERS[0]}}}", _("Product name")),
    (f"{{{PRICE_PLACEHOLDERS[0]}}}", _("Price")),
    (f"{{{LINK_PLACEHOLDERS[0]}}}", _("Shop link")),
    (f"{{{NAME_PLACEHOLDERS[0]}}}", _("Seller's name")),
]


class ProductChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, product):
        return product.title if product.is_on_shelf else f"{product.title} ({_('off shelf')})"


def _products_field(**kwargs):
    return ProductChoiceField(
        label=_("Products"), queryset=Product.objects.order_by("position", "-id"),
        to_field_name="public_id", required=False,
        help_text=_("{商品名} and {价格} use the first of them in the catalog's order."),
        **kwargs)


class PostForm(ConsoleForm):
    title = forms.CharField(label=_("Title"), max_length=services.TITLE_MAX_LENGTH,
                            help_text=_("Shown where the channel has titles (小红书, 公众号)."))
    body = forms.CharField(
        label=_("Text"), max_length=services.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 8, "data-placeholder-target": "1"}),
        help_text=_("Placeholders are filled in for each seller when they share."))
    kind = forms.ChoiceField(label=_("Kind"), choices=PostKind.choices,
                             widget=forms.RadioSelect, initial=PostKind.PRODUCT)
    hashtags = forms.CharField(
        label=_("Topics"), required=False, max_length=300,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. 护肤 好物分享")}),
        help_text=_("Separated by spaces; each channel writes them in its own style."))
    products = _products_field()
    min_level = forms.ModelChoiceField(
        label=_("For agents from level"), queryset=AgentLevel.objects.all(), required=False,
        empty_label=_("Every agent"),
        help_text=_("Agents below this level do not see the post in their library."))

    def __init__(self, *args, post=None, **kwargs):
        if post is not None and "initial" not in kwargs:
            kwargs["initial"] = {
                "title": post.title, "body": post.body, "kind": post.kind,
                "hashtags": " ".join(post.hashtags),
                "products": [product.public_id for product in post.products.all()],
                "min_level": post.min_level_id,
            }
        super().__init__(*args, **kwargs)

    def post_fields(self) -> dict:
        data = self.cleaned_data
        return {"title": data["title"], "body": data["body"], "kind": data["kind"],
                "hashtags": services.parse_topics(data["hashtags"]),
                "products": list(data["products"]), "min_level": data["min_level"]}


class NewPostForm(PostForm):
    images = MultipleFileField(label=_("Pictures"), required=False,
                               help_text=_("Up to 18; channels that take fewer use the first "
                                           "ones."))

    def post_fields(self) -> dict:
        images = [upload for upload in self.cleaned_data.get("images") or [] if upload]
        return {**super().post_fields(), "images": images}


class PostFilterForm(ConsoleForm):
    """The library's filters (GET); a filter that does not parse is ignored. For an agent
    (``seller``), the topics are those of the posts they may share, and every post they see is
    published."""

    PUBLISHED_CHOICES = [("", _("Published or not")), ("yes", _("Published")),
                         ("no", _("Not published"))]

    kind = forms.ChoiceField(label=_("Kind"), required=False,
                             choices=[("", _("All kinds")), *PostKind.choices])
    product = forms.ModelChoiceField(label=_("Product"), required=False,
                                     queryset=Product.objects.order_by("position", "-id"),
                                     to_field_name="public_id", empty_label=_("All products"))
    tag = forms.ChoiceField(label=_("Topic"), required=False)
    published = forms.ChoiceField(label=_("Published"), required=False,
                                  choices=PUBLISHED_CHOICES)

    def __init__(self, *args, seller=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("All topics"))] + [
            (topic, f"#{topic}") for topic in queries.all_topics(seller)]
        if seller is not None:
            del self.fields["published"]

    def filters(self) -> dict:
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        filters = {"kind": values.get("kind", ""), "product": values.get("product"),
                   "tag": values.get("tag", "")}
        if "published" in self.fields:
            filters["published"] = {"yes": True, "no": False}.get(values.get("published", ""))
        return filters


class PreviewForm(ConsoleForm):
    """Which channel the post detail previews, and in which script (GET)."""

    channel = forms.ModelChoiceField(queryset=queries.channels(active_only=True),
                                     to_field_name="code", required=False)
    variant = forms.ChoiceField(choices=[("", "")] + [(region, region) for region in REGIONS],
                                required=False)

    def choice(self) -> tuple[Channel | None, str]:
        self.is_valid()
        values = getattr(self, "cleaned_data", {})
        channel = values.get("channel") or self.fields["channel"].queryset.first()
        return channel, values.get("variant", "")


def _optional_limit(label, help_text=""):
    return forms.IntegerField(label=label, required=False, min_value=1,
                              max_value=services.MAX_TEXT_LIMIT, help_text=help_text)


class ChannelForm(ConsoleForm):
    name = forms.CharField(label=_("Name"), max_length=services.CHANNEL_NAME_MAX_LENGTH)
    is_active = forms.BooleanField(label=_("In use"), required=False)
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000)
    max_images = forms.IntegerField(label=_("Images per post"), min_value=1,
                                    max_value=services.MAX_POST_IMAGES)
    text_limit = _optional_limit(_("Text limit (characters)"), _("Empty: no limit."))
    fold_after = _optional_limit(_("Folds after (characters)"),
                                 _("Where the channel hides the rest behind “全文”. Empty: never."))
    title_limit = forms.IntegerField(label=_("Title limit (characters)"), required=False,
                                     min_value=1, max_value=services.TITLE_MAX_LENGTH,
                                     help_text=_("Empty: the channel has no titles."))
    hashtag_style = forms.ChoiceField(label=_("Topics"), choices=HashtagStyle.choices)
    daily_cap = forms.IntegerField(label=_("Posts per day at most"), min_value=1,
                                   max_value=services.MAX_DAILY_CAP)
    min_spacing_minutes = forms.IntegerField(label=_("Minutes between posts at least"),
                                             min_value=0,
                                             max_value=services.MAX_SPACING_MINUTES)
    cap_per_account = forms.BooleanField(
        label=_("Cap per account or group"), required=False,
        help_text=_("Each WeChat group or account gets its own daily cap."))

    def __init__(self, *args, channel: Channel, **kwargs):
        kwargs.setdefault("initial", {name: getattr(channel, name)
                                      for name in services.CHANNEL_FIELDS})
        super().__init__(*args, **kwargs)


class MarketingSettingsForm(ConsoleForm):
    rule_mode = forms.ChoiceField(label=_("When a plan breaks a rule"), choices=RuleMode.choices,
                                  widget=forms.RadioSelect)
    product_share_percent = forms.IntegerField(
        label=_("Product posts per day at most (%)"), min_value=0, max_value=100,
        help_text=_("The rest is customer feedback, know-how and life: a feed of only ads "
                    "is spam."))
    attribution_days = forms.IntegerField(
        label=_("A click counts for an order within (days)"), min_value=1,
        max_value=services.MAX_ATTRIBUTION_DAYS)

    def __init__(self, *args, current: MarketingSettings, **kwargs):
        kwargs.setdefault("initial", {name: getattr(current, name) for name in self.base_fields})
        super().__init__(*args, **kwargs)
