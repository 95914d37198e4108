"""Agents (代理): levels and their prices, the application and its states, the upline tree with
its history, hidden products and authorization certificates.

What the law draws (禁止传销条例 Art. 7) is drawn here in the database: an upgrade condition can
only measure retail sales to customers, distinct retail customers or months active — never an
agent's own purchases, payments or recruits — and the buy-back share cannot go below 90%.
Nothing here records a joining fee, because there is none.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import AppendOnlyModel, SingletonSettings, TimeStamped, new_public_id
from weishang.core.money import MoneyField

AGENT_CODE_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
#: The least share of what an exiting agent paid that a buy-back refunds (the owner may set more).
MIN_BUYBACK_PERCENT = 90
#: How long after buying an exiting agent may return unsold cloud stock.
BUYBACK_MONTHS = 12


def new_agent_code() -> str:
    return "".join(secrets.choice(AGENT_CODE_ALPHABET) for _ in range(8))


class AgentState(models.TextChoices):
    APPLIED = "applied", _("Applied")
    ACTIVE = "active", _("Active")
    SUSPENDED = "suspended", _("Suspended")
    EXITED = "exited", _("Exited")


class BindingMode(models.TextChoices):
    FIRST = "first", _("The first inviter stays")
    SIGNUP = "signup", _("Only at sign-up")
    OVERWRITE = "overwrite", _("The latest inviter replaces")


class UpgradeMetric(models.TextChoices):
    """What an upgrade may measure: selling to real customers and time. There is deliberately no
    metric for purchase volume, payments or people recruited."""

    RETAIL_SALES = "retail_sales", _("Retail sales to customers (¥)")
    RETAIL_CUSTOMERS = "retail_customers", _("Distinct retail customers")
    MONTHS_ACTIVE = "months_active", _("Months active")


class UpgradeReview(models.TextChoices):
    """What the daily run does when refunds take an agent's selling below the level it earned
    them automatically."""

    FLAG = "flag", _("Keep the level and flag it for me to decide")
    RECOMPUTE = "recompute", _("Recompute the level (down as well as up)")


class Combination(models.TextChoices):
    ALL = "all", _("All conditions (AND)")
    ANY = "any", _("Any condition (OR)")


class AgentLevel(TimeStamped):
    """特约 < 一级 < 总代: a higher rank is more senior. The level price of a variant is its retail
    price less ``discount_percent`` unless a LevelVariantRule sets one."""

    rank = models.PositiveSmallIntegerField(_("rank"), unique=True)
    name = models.CharField(_("name"), max_length=30, unique=True)
    discount_percent = models.DecimalField(_("discount off retail (%)"), max_digits=5,
                                           decimal_places=2, default=0)
    may_invite = models.BooleanField(_("may invite agents"), default=True)
    combination = models.CharField(_("upgrade when"), max_length=3, choices=Combination.choices,
                                   default=Combination.ALL)

    class Meta:
        verbose_name = _("agent level")
        verbose_name_plural = _("agent levels")
        ordering = ["rank"]
        constraints = [
            models.CheckConstraint(condition=Q(discount_percent__gte=0, discount_percent__lt=100),
                                   name="network_level_discount_range"),
        ]

    def __str__(self):
        return self.name


class UpgradeCondition(models.Model):
    """One condition for reaching ``level`` automatically (combined by the level's
    ``combination``). A level without conditions is reached by hand only."""

    level = models.ForeignKey(AgentLevel, on_delete=models.CASCADE, related_name="conditions")
    metric = models.CharField(_("measure"), max_length=20, choices=UpgradeMetric.choices)
    threshold = models.DecimalField(_("at least"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("upgrade condition")
        verbose_name_plural = _("upgrade conditions")
        constraints = [
            models.UniqueConstraint(fields=["level", "metric"], name="network_condition_once"),
            models.CheckConstraint(condition=Q(metric__in=UpgradeMetric.values),
                                   name="network_condition_lawful_metric"),
            models.CheckConstraint(condition=Q(threshold__gte=0),
                                   name="network_condition_threshold_not_negative"),
        ]

    def __str__(self):
        return f"{self.level}: {self.metric} ≥ {self.threshold}"


class LevelVariantRule(models.Model):
    """A level's own price for one variant, and its purchase limits (all optional)."""

    level = models.ForeignKey(AgentLevel, on_delete=models.CASCADE, related_name="variant_rules")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.CASCADE, related_name="+")
    price = MoneyField(_("level price"), null=True, blank=True)
    min_per_order = models.PositiveIntegerField(_("at least per order"), null=True, blank=True)
    max_per_order = models.PositiveIntegerField(_("at most per order"), null=True, blank=True)
    max_per_month = models.PositiveIntegerField(_("at most per month"), null=True, blank=True)

    class Meta:
        verbose_name = _("level price and limits")
        verbose_name_plural = _("level prices and limits")
        constraints = [
            models.UniqueConstraint(fields=["level", "variant"], name="network_rule_once"),
            models.CheckConstraint(condition=Q(price__isnull=True) | Q(price__gt=0),
                                   name="network_rule_price_positive"),
            models.CheckConstraint(
                condition=Q(min_per_order__isnull=True) | Q(max_per_order__isnull=True)
                | Q(min_per_order__lte=F("max_per_order")),
                name="network_rule_min_not_above_max"),
        ]

    def __str__(self):
        return f"{self.level} · {self.variant_id}"


class Agent(TimeStamped):
    """A person who resells the owner's goods from their own shop (``user.shop``)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                related_name="agent")
    code = models.CharField(_("invitation code"), max_length=16, unique=True,
                            default=new_agent_code)
    level = models.ForeignKey(AgentLevel, on_delete=models.PROTECT, related_name="agents")
    state = models.CharField(_("state"), max_length=10, choices=AgentState.choices,
                             default=AgentState.APPLIED, db_index=True)
    name = models.CharField(_("name"), max_length=30)
    wechat_id = models.CharField(_("WeChat ID"), max_length=30, blank=True)
    region = models.CharField(_("region"), max_length=60, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    avatar = models.ImageField(_("avatar"), upload_to="agents/avatars/", blank=True)
    wechat_qr = models.ImageField(_("WeChat QR code"), upload_to="agents/wechat-qr/", blank=True)
    # The upline earns nothing by default (see commissions); the tree is who invited whom.
    upline = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="team")
    upline_until = models.DateTimeField(_("bound to the upline until"), null=True, blank=True)
    invited_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    joined_at = models.DateTimeField(_("joined"), null=True, blank=True)
    level_since = models.DateTimeField(_("at this level since"), null=True, blank=True)
    # Set while the level was reached by automatic upgrades: the level held before them (on
    # joining or by the owner's hand), which refunds can never take the agent below. Empty: the
    # level is the owner's decision, and refunds never change it.
    upgraded_from = models.ForeignKey(AgentLevel, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("upgraded automatically from"))
    # The flag (UpgradeReview.FLAG): since when refunds left the agent's selling supporting only
    # ``level_review_to``, below the level it earned; until the owner keeps or lowers it.
    level_review_since = models.DateTimeField(_("level to review since"), null=True,
                                              blank=True)
    level_review_to = models.ForeignKey(AgentLevel, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+",
                                        verbose_name=_("selling supports"))
    left_at = models.DateTimeField(_("left"), null=True, blank=True)

    class Meta:
        verbose_name = _("agent")
        verbose_name_plural = _("agents")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(upline=F("pk")), name="network_not_own_upline"),
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.state == AgentState.ACTIVE


class AgentEvent(AppendOnlyModel):
    """Every change of an agent's state or level: who, when, from what to what, why."""

    class Kind(models.TextChoices):
        STATE = "state", _("State")
        LEVEL = "level", _("Level")

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=5, choices=Kind.choices)
    from_value = models.CharField(max_length=30, blank=True)
    to_value = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.agent_id} {self.kind}: {self.from_value} → {self.to_value}"

    @property
    def from_label(self) -> str:
        return self._label(self.from_value)

    @property
    def to_label(self) -> str:
        return self._label(self.to_value)

    def _label(self, value: str) -> str:
        """What a person reads: a state's name in their language (the value is its code); a
        level's name as the owner wrote it."""
        if self.kind == self.Kind.STATE and value in AgentState.values:
            return AgentState(value).label
        return value


class UplineChange(AppendOnlyModel):
    """The history of the tree: each binding and each move by the owner. Earnings already
    credited stay with whoever earned them."""

    class Reason(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        OWNER_MOVE = "owner_move", _("Moved by the owner")
        EXPIRED = "expired", _("Binding expired")

    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="upline_changes")
    from_upline = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    to_upline = models.ForeignKey(Agent, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    reason = models.CharField(max_length=12, choices=Reason.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.agent_id}: {self.from_upline_id} → {self.to_upline_id}"


class HiddenProduct(models.Model):
    """A product an agent does not show in their shop."""

    agent = models.ForeignKey(Agent, on_delete=models.CASCADE, related_name="hidden_products")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["agent", "product"],
                                               name="network_hidden_once")]

    def __str__(self):
        return f"{self.agent_id} hides {self.product_id}"


class NetworkSettings(SingletonSettings):
    """The owner's rules for the network (one row)."""

    binding_mode = models.CharField(_("who becomes the upline"), max_length=10,
                                    choices=BindingMode.choices, default=BindingMode.FIRST)
    binding_days = models.PositiveIntegerField(_("binding lasts (days)"), null=True, blank=True,
                                               help_text=_("Empty: for good."))
    auto_approve = models.BooleanField(_("approve applications automatically"), default=False)
    buyback_percent = models.DecimalField(_("buy-back refund (%)"), max_digits=5,
                                          decimal_places=2, default=MIN_BUYBACK_PERCENT)
    certificate_months = models.PositiveSmallIntegerField(_("certificates valid for (months)"),
                                                          default=12)
    upgrade_review = models.CharField(
        _("when refunds undo an upgrade"), max_length=10, choices=UpgradeReview.choices,
        default=UpgradeReview.FLAG,
        help_text=_("An upgrade counts completed sales past the after-sales window. If some "
                    "are refunded later and the rest no longer reach the level, the daily run "
                    "either flags the agent for you or moves them down."))
    seal = models.ImageField(_("seal image"), upload_to="network/seal/", blank=True)

    class Meta:
        verbose_name = _("network settings")
        verbose_name_plural = _("network settings")
        constraints = [
            models.CheckConstraint(
                condition=Q(buyback_percent__gte=MIN_BUYBACK_PERCENT, buyback_percent__lte=100),
                name="network_buyback_at_least_90"),
            models.CheckConstraint(condition=Q(upgrade_review__in=UpgradeReview.values),
                                   name="network_upgrade_review_valid"),
        ]

    def __str__(self):
        return "network settings"


class Certificate(TimeStamped):
    """授权书: what the agent was authorised as, checked by anyone at /verify/<number>. The
    names are copied at issue time, so a certificate says what it said when issued."""

    number = models.CharField(_("certificate number"), max_length=20, unique=True)
    agent = models.ForeignKey(Agent, on_delete=models.PROTECT, related_name="certificates")
    agent_name = models.CharField(_("name"), max_length=30)
    wechat_id = models.CharField(_("WeChat ID"), max_length=30, blank=True)
    level_name = models.CharField(_("level"), max_length=30)
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"))
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoke_reason = models.CharField(_("reason"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("certificate")
        verbose_name_plural = _("certificates")
        ordering = ["-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__gte=F("valid_from")),
                                   name="network_certificate_dates_in_order"),
        ]

    def __str__(self):
        return self.number
