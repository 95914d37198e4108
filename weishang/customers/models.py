"""Customer care (客户维护): every customer a seller has, what they bought, and what to do next.

A customer record is one seller's relationship with one person: the owner's shop and every
agent keep their own, matched by mobile number within that seller. A person who buys from two
agents is two records, each with only the orders placed in that seller's shop and the
addresses given to it, and with that seller's own notes, tags and follow-ups; nobody takes a
customer over. The owner (and staff granted customers) see every seller's records. Personal
fields can be erased on request (PIPL), for the person at every seller at once; the records
then stay as anonymous rows so the order totals still add up.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.address import address_line
from weishang.core.models import AppendOnlyModel, SingletonSettings, TimeStamped, new_public_id
from weishang.core.money import MoneyField


class Gender(models.TextChoices):
    UNKNOWN = "", _("Not given")
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Tag(models.Model):
    name = models.CharField(_("tag"), max_length=20, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class CustomerQuerySet(models.QuerySet):
    def with_phones(self, *phones: str) -> "CustomerQuerySet":
        """Customers with these mobile numbers. "phone <> ''" repeats the condition of the
        index on numbers (erased customers have none), so SQLite uses it instead of reading
        every customer."""
        return self.filter(phone__in=phones).exclude(phone="")


#: The (full pinyin, initials) columns of each reading of a customer's name, best first.
NAME_KEY_FIELDS = (("name_pinyin", "name_initials"), ("name_pinyin_2", "name_initials_2"),
                   ("name_pinyin_3", "name_initials_3"))


class Customer(TimeStamped):
    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                               related_name="customers", verbose_name=_("seller"))
    # Indexed: the search box looks names up by prefix (张 → 张三, 张伟).
    name = models.CharField(_("name"), max_length=30, db_index=True)
    # Search keys kept beside the name: full pinyin and initials of each reading of it
    # (core.pinyin.readings: 单田芳 is shantianfang, and dantianfang as people type it), one
    # reading per pair of columns (NAME_KEY_FIELDS), so that each is an indexed prefix lookup
    # that finds the name whatever other names share its letters.
    name_pinyin = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials = models.CharField(max_length=100, blank=True, db_index=True, editable=False)
    name_pinyin_2 = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials_2 = models.CharField(max_length=100, blank=True, db_index=True,
                                       editable=False)
    name_pinyin_3 = models.CharField(max_length=200, blank=True, db_index=True, editable=False)
    name_initials_3 = models.CharField(max_length=100, blank=True, db_index=True,
                                       editable=False)
    phone = models.CharField(_("mobile number"), max_length=11, blank=True)
    phone_last4 = models.CharField(max_length=4, blank=True, db_index=True, editable=False)
    wechat_id = models.CharField(_("WeChat ID"), max_length=40, blank=True)
    # The WeChat ID in lower case: WeChat IDs are typed in any case (Zs_2024, zs_2024).
    wechat_key = models.CharField(max_length=40, blank=True, db_index=True, editable=False)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices, blank=True,
                              default=Gender.UNKNOWN)
    birthday = models.DateField(_("birthday"), null=True, blank=True)
    # "MM-DD" of the birthday, so today's birthdays are one indexed lookup.
    birthday_md = models.CharField(max_length=5, blank=True, db_index=True, editable=False)
    province = models.CharField(_("province"), max_length=20, blank=True)
    city = models.CharField(_("city"), max_length=30, blank=True)
    district = models.CharField(_("district"), max_length=30, blank=True)
    # A marketing channel code (wechat_moments, …), "shop" for the shop link with no tracked
    # link, "chat" for an order taken in chat, "import" or "" (unknown).
    source_channel = models.CharField(_("source channel"), max_length=20, blank=True,
                                      db_index=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="customers",
                                  verbose_name=_("tags"))

    # Kept up to date from the orders (see services.refresh_order_stats).
    first_order_at = models.DateTimeField(_("first order"), null=True, blank=True)
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True, db_index=True)
    order_count = models.PositiveIntegerField(_("orders"), default=0)
    total_spent = MoneyField(_("total spent"), default=0, db_index=True)

    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        ordering = ["-last_order_at", "-id"]
        constraints = [
            # One record per seller and mobile number; erased records have none.
            models.UniqueConstraint(fields=["seller", "phone"], condition=~Q(phone=""),
                                    name="customers_one_per_seller_and_phone"),
            models.CheckConstraint(condition=Q(total_spent__gte=0),
                                   name="customers_total_spent_not_negative"),
            models.CheckConstraint(condition=Q(gender__in=["", "f", "m"]),
                                   name="customers_gender_valid"),
        ]
        indexes = [models.Index(fields=["seller", "-last_order_at"]),
                   # A person at every seller (the owner's search, erasure) by number.
                   models.Index(fields=["phone"], condition=~Q(phone=""),
                                name="customers_phone"),
                   # The list's order, so its first page is read off the index.
                   models.Index(fields=["-last_order_at", "-id"], name="customers_recent_first")]

    def __str__(self):
        return self.name

    @property
    def is_erased(self) -> bool:
        return self.erased_at is not None


class CustomerAddress(TimeStamped):
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="addresses")
    recipient_name = models.CharField(_("recipient"), max_length=30)
    phone = models.CharField(_("mobile number"), max_length=11)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=120)
    is_default = models.BooleanField(_("default"), default=False)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")
        ordering = ["-is_default", "-updated_at"]
        constraints = [
            models.UniqueConstraint(fields=["customer"], condition=Q(is_default=True),
                                    name="customers_one_default_address"),
        ]

    def __str__(self):
        return address_line(self.province, self.city, self.district, self.street)


class CustomerOrder(models.Model):
    """Which customer an order belongs to (orders cannot point here: they come first): the
    record of the order's shop's seller, never another seller's."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="order_links")
    order = models.OneToOneField("orders.Order", on_delete=models.CASCADE,
                                 related_name="customer_link")

    class Meta:
        verbose_name = _("customer order")
        verbose_name_plural = _("customer orders")

    def __str__(self):
        return f"{self.customer} · {self.order}"


class CustomerNote(AppendOnlyModel):
    # What a seller wrote about the customer: theirs to have erased (services.erase_customer).
    erasable = True

    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                               related_name="+", verbose_name=_("by"))
    text = models.TextField(_("note"), max_length=1000)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        verbose_name = _("note")
        verbose_name_plural = _("notes")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.text[:40]


class FollowUpKind(models.TextChoices):
    MESSAGE = "message", _("Message")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    AFTER_SALES = "after_sales", _("After-sales")


class FollowUpState(models.TextChoices):
    OPEN = "open", _("To do")
    DONE = "done", _("Done")


class FollowUp(TimeStamped):
    """A task to contact a customer on a day (跟进). Snoozing moves ``due_on`` later."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="follow_ups")
    seller = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                               related_name="follow_ups", verbose_name=_("seller"))
    kind = models.CharField(_("type"), max_length=12, choices=FollowUpKind.choices,
                            default=FollowUpKind.MESSAGE)
    due_on = models.DateField(_("due on"), db_index=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=6, choices=FollowUpState.choices,
                             default=FollowUpState.OPEN, db_index=True)
    snooze_count = models.PositiveSmallIntegerField(default=0)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=["open", "done"]),
                                   name="customers_followup_state_valid"),
        ]

    def __str__(self):
        return f"{self.customer} · {self.due_on}"


class ReminderKind(models.TextChoices):
    FOLLOW_UP = "follow_up", _("Follow-up")
    REPURCHASE = "repurchase", _("Repurchase")
    BIRTHDAY = "birthday", _("Birthday")


class ReminderHandled(models.Model):
    """A computed reminder (repurchase, birthday) the seller dealt with, so it leaves today's
    list. ``key`` tells which one: the product and run-out date, or the birthday's year."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12, choices=ReminderKind.choices)
    key = models.CharField(max_length=64)
    handled_at = models.DateTimeField(auto_now_add=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                   on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "kind", "key"],
                                    name="customers_reminder_handled_once"),
        ]

    def __str__(self):
        return f"{self.kind} {self.key}"


class CustomerSettings(SingletonSettings):
    """The owner's customer-care rules. One row (``CustomerSettings.load()``)."""

    remind_days_before = models.PositiveSmallIntegerField(
        _("remind before a product runs out (days)"), default=3)
    birthday_reminders = models.BooleanField(_("birthday reminders"), default=True)
    # RFM: a customer is "high" on a dimension at or beyond its threshold.
    recency_days = models.PositiveIntegerField(_("recent: ordered within (days)"), default=90)
    frequency_orders = models.PositiveIntegerField(_("frequent: at least (orders)"), default=2)
    monetary_amount = MoneyField(_("high value: spent at least"), default=500)

    class Meta:
        verbose_name = _("customer settings")
        verbose_name_plural = _("customer settings")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True),
                                   name="customers_settings_singleton"),
            models.CheckConstraint(condition=Q(monetary_amount__gte=0),
                                   name="customers_settings_monetary_not_negative"),
        ]

    def __str__(self):
        return str(_("customer settings"))


class AccessAction(models.TextChoices):
    REVEAL_PHONE = "reveal_phone", _("Revealed the mobile number")
    EXPORT = "export", _("Exported the customer's data")
    ERASE = "erase", _("Erased the customer's data")
    EXPORT_LIST = "export_list", _("Exported the customer list")


class AccessLog(AppendOnlyModel):
    """Who saw or handled which customer's personal data, and when (PIPL)."""

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                              related_name="+", verbose_name=_("by"))
    # PROTECT: the log is the record of who handled whose data; an erased customer stays as an
    # anonymous row it can name.
    customer = models.ForeignKey(Customer, null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+", verbose_name=_("customer"))
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices)
    detail = models.CharField(_("detail"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("access log entry")
        verbose_name_plural = _("access log")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.actor} · {self.action}"
