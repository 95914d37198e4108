"""Marketing (文案与多渠道): channels, the content library, tracked links and the posting plan.

A seller (the owner now, agents later) shares library posts on a channel through a share kit;
each post × channel × seller has one tracked link (/t/<code>) whose clicks and orders are the
results. The plan keeps the posting honest: caps per channel, spacing, and variety.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import SingletonSettings, TimeStamped, new_public_id


class HashtagStyle(models.TextChoices):
    NONE = "none", _("No hashtags")
    WRAPPED = "wrapped", _("#topic# (Weibo)")
    PREFIX = "prefix", _("#topic (Xiaohongshu)")


class Channel(models.Model):
    """Where sellers post (WeChat Moments, groups, Weibo, Xiaohongshu …). The defaults are
    created by a data migration and the owner may edit them."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=30)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)
    max_images = models.PositiveSmallIntegerField(_("images per post"), default=9)
    # None: no limit. ``fold_after`` is how many characters show before "全文"/"展开".
    text_limit = models.PositiveIntegerField(_("text limit (characters)"), null=True, blank=True)
    fold_after = models.PositiveIntegerField(_("folds after (characters)"), null=True,
                                             blank=True)
    title_limit = models.PositiveSmallIntegerField(_("title limit (characters)"), null=True,
                                                   blank=True)
    hashtag_style = models.CharField(_("hashtags"), max_length=10, choices=HashtagStyle.choices,
                                     default=HashtagStyle.NONE)
    daily_cap = models.PositiveSmallIntegerField(_("posts per day at most"), default=5)
    min_spacing_minutes = models.PositiveIntegerField(_("minutes between posts at least"),
                                                      default=0)
    # Caps count per account (a WeChat group, a second Weibo account) rather than per seller.
    cap_per_account = models.BooleanField(_("cap per account or group"), default=False)
    can_autopost = models.BooleanField(_("can be posted automatically"), default=False)

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(max_images__gte=1) & Q(max_images__lte=18),
                                   name="marketing_channel_images_1_to_18"),
            models.CheckConstraint(condition=Q(daily_cap__gte=1),
                                   name="marketing_channel_cap_at_least_1"),
            models.CheckConstraint(condition=Q(hashtag_style__in=["none", "wrapped", "prefix"]),
                                   name="marketing_channel_hashtag_style_valid"),
        ]

    def __str__(self):
        return self.name


class PostKind(models.TextChoices):
    PRODUCT = "product", _("Product")
    FEEDBACK = "feedback", _("Customer feedback")
    KNOWLEDGE = "knowledge", _("Know-how")
    LIFE = "life", _("Life")


class Post(TimeStamped):
    """A library post (素材): copy with placeholders, images and the products it shows."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    title = models.CharField(_("title"), max_length=64)
    body = models.TextField(_("text"), max_length=5000)
    kind = models.CharField(_("kind"), max_length=10, choices=PostKind.choices,
                            default=PostKind.PRODUCT, db_index=True)
    hashtags = models.JSONField(_("topics"), default=list, blank=True)
    products = models.ManyToManyField("catalog.Product", blank=True, related_name="posts",
                                      verbose_name=_("products"))
    is_published = models.BooleanField(_("published"), default=False, db_index=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("author"))
    # A level in use cannot be deleted: the post would silently open up to every agent.
    min_level = models.ForeignKey("network.AgentLevel", null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("for agents from level"),
                                  help_text=_("Empty: every agent may share it."))

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=["product", "feedback", "knowledge", "life"]),
                name="marketing_post_kind_valid"),
        ]

    def __str__(self):
        return self.title


def post_image_path(instance, filename):
    return f"posts/{new_public_id()}.{instance.extension}"


class PostImage(models.Model):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(_("image"), upload_to=post_image_path, width_field="width",
                              height_field="height")
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    extension = models.CharField(max_length=5, default="jpg")
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("post image")
        verbose_name_plural = _("post images")
        ordering = ["position", "id"]

    def __str__(self):
        return f"{self.post} #{self.position}"


LINK_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def new_link_code() -> str:
    return "".join(secrets.choice(LINK_CODE_ALPHABET) for _ in range(8))


class TrackedLink(models.Model):
    """/t/<code>: one per post × channel × seller (post None: the seller's shop itself)."""

    code = models.CharField(max_length=16, unique=True, default=new_link_code, editable=False)
    post = models.ForeignKey(Post, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="links")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="links")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="tracked_links")
    # Where the link lands: a product's public id in the seller's shop, or "" for the shop.
    product_public_id = models.CharField(max_length=32, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("tracked link")
        verbose_name_plural = _("tracked links")
        constraints = [
            models.UniqueConstraint(fields=["post", "channel", "seller"],
                                    name="marketing_one_link_per_post_channel_seller"),
            models.UniqueConstraint(fields=["channel", "seller"], condition=Q(post=None),
                                    name="marketing_one_shop_link_per_channel_seller"),
        ]

    def __str__(self):
        return self.code


class Click(models.Model):
    """One visit through a tracked link. No IP address is kept: ``visitor`` is a salted hash
    (salt rotated daily) that only tells repeat clicks of the same day apart."""

    link = models.ForeignKey(TrackedLink, on_delete=models.CASCADE, related_name="clicks")
    at = models.DateTimeField(db_index=True)
    visitor = models.CharField(max_length=16, blank=True)

    class Meta:
        verbose_name = _("click")
        verbose_name_plural = _("clicks")

    def __str__(self):
        return f"{self.link} @ {self.at}"


class PlanState(models.TextChoices):
    PLANNED = "planned", _("Planned")
    POSTED = "posted", _("Posted")
    SKIPPED = "skipped", _("Skipped")


class PlannedPost(TimeStamped):
    """One entry of a seller's posting plan (发圈计划)."""

    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="planned_posts")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="planned")
    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="planned")
    # Which account or group on the channel ("" for the seller's only one).
    account = models.CharField(_("account or group"), max_length=40, blank=True)
    planned_at = models.DateTimeField(_("planned for"), db_index=True)
    state = models.CharField(_("state"), max_length=8, choices=PlanState.choices,
                             default=PlanState.PLANNED, db_index=True)
    posted_at = models.DateTimeField(_("posted at"), null=True, blank=True)
    # Rule warnings accepted when the owner set the rules to "warn only".
    warnings = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("planned post")
        verbose_name_plural = _("planned posts")
        ordering = ["planned_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["planned", "posted", "skipped"]),
                                   name="marketing_plan_state_valid"),
        ]
        indexes = [models.Index(fields=["seller", "channel", "planned_at"])]

    def __str__(self):
        return f"{self.post} · {self.channel} · {self.planned_at}"


class RuleMode(models.TextChoices):
    REFUSE = "refuse", _("Refuse a plan that breaks a rule")
    WARN = "warn", _("Warn only")


class MarketingSettings(SingletonSettings):
    """The owner's marketing rules. One row (``MarketingSettings.load()``)."""

    rule_mode = models.CharField(_("when a plan breaks a rule"), max_length=6,
                                 choices=RuleMode.choices, default=RuleMode.REFUSE)
    product_share_percent = models.PositiveSmallIntegerField(
        _("product posts per day at most (%)"), default=60)
    attribution_days = models.PositiveSmallIntegerField(
        _("a click counts for an order within (days)"), default=7)

    class Meta:
        verbose_name = _("marketing settings")
        verbose_name_plural = _("marketing settings")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True),
                                   name="marketing_settings_singleton"),
            models.CheckConstraint(condition=Q(product_share_percent__lte=100),
                                   name="marketing_settings_share_at_most_100"),
            models.CheckConstraint(condition=Q(attribution_days__gte=1),
                                   name="marketing_settings_attribution_at_least_1_day"),
        ]

    def __str__(self):
        return str(_("marketing settings"))
