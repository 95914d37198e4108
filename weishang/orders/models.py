"""Orders: what a customer bought, for how much, where it goes, and every step it took."""

from django.conf import settings
from django.db import models
from django.db.models import Case, F, Q, When
from django.db.models.functions import Left, Length, Right, Round
from django.db.models.lookups import Exact, GreaterThan
from django.utils.translation import gettext_lazy as _

from weishang.core.models import AppendOnlyModel, SingletonSettings, TimeStamped, new_public_id
from weishang.core.money import MoneyField


class OrderState(models.TextChoices):
    PENDING_PAYMENT = "pending_payment", _("Awaiting payment")
    PAID = "paid", _("Paid")
    SHIPPED = "shipped", _("Shipped")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")
    REFUND_REQUESTED = "refund_requested", _("Refund requested")
    REFUNDED = "refunded", _("Refunded")


#: States in which an order is still under way (it may yet be paid, shipped, received or
#: refunded), so its recipient's name, number and address are still needed.
OPEN_STATES = frozenset({OrderState.PENDING_PAYMENT, OrderState.PAID, OrderState.SHIPPED,
                         OrderState.REFUND_REQUESTED})

#: Where declining a refund request (驳回) takes an order back to: the state it was asked from
#: (services.state_before_refund_request). Only services.decline_refund makes these moves:
#: paying, shipping or completing an order again from REFUND_REQUESTED is refused.
REFUND_DECLINE_TARGETS = frozenset({OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED})


def is_refund_decline(from_state: str, to_state: str) -> bool:
    """Whether this move is a refund request declined (every other way out is the refund)."""
    return from_state == OrderState.REFUND_REQUESTED and to_state in REFUND_DECLINE_TARGETS


#: The only moves an order can make. services/transitions.py enforces them; nothing else
#: changes ``state``.
TRANSITIONS: dict[str, frozenset[str]] = {
    OrderState.PENDING_PAYMENT: frozenset({OrderState.PAID, OrderState.CANCELLED}),
    OrderState.PAID: frozenset({OrderState.SHIPPED, OrderState.REFUND_REQUESTED}),
    # After-sales on a shipped parcel: refunded in full, the stock stays out (it was shipped).
    OrderState.SHIPPED: frozenset({OrderState.COMPLETED, OrderState.REFUND_REQUESTED}),
    # Refunded, or declined: back to the one state it was asked from (services.allowed_moves).
    OrderState.REFUND_REQUESTED: frozenset({OrderState.REFUNDED}) | REFUND_DECLINE_TARGETS,
    # After-sales on a completed order, the stock staying out as for a shipped parcel: the
    # customer asks within the shop's after-sales window, the owner at any time (a complaint
    # weeks later); services.allowed_moves narrows it.
    OrderState.COMPLETED: frozenset({OrderState.REFUND_REQUESTED}),
    OrderState.CANCELLED: frozenset(),
    OrderState.REFUNDED: frozenset(),
}


#: What counts as a sale wherever sales are counted — a customer's orders and spending, an
#: agent's month, marketing's revenue — is an order whose money came in and stays: paid,
#: shipped or completed. An order with an open refund request is not a sale while the request
#: is open (the customer asked for the money back); declined, it goes back to the state it was
#: asked from and counts again; refunded or cancelled, it never counts. Upgrades count fewer
#: still (sales.py): completed, past the after-sales window, sold to real customers.
SALE_STATES = (OrderState.PAID, OrderState.SHIPPED, OrderState.COMPLETED)


class OrderQuerySet(models.QuerySet):
    def sales(self) -> "OrderQuerySet":
        """The orders that count as sales (SALE_STATES)."""
        return self.filter(state__in=SALE_STATES)


class OrderKind(models.TextChoices):
    RETAIL = "retail", _("Retail")  # a customer buys in a shop (the owner's or an agent's)
    PURCHASE = "purchase", _("Stock purchase")  # 进货: an agent buys at their level price


class PurchaseDelivery(models.TextChoices):
    SHIP = "ship", _("Ship to me")
    CLOUD = "cloud", _("Keep in cloud stock")


class StockSource(models.TextChoices):
    WAREHOUSE = "warehouse", _("Owner's stock")
    CLOUD = "cloud", _("Agent's cloud stock")


class BuyerRelation(models.TextChoices):
    """Who bought a retail order, seen from the agent whose shop sold it (orders/buyers.py):
    matched by the recipient's mobile against agents' login phones, and by the logged-in user.
    Only a sale to a customer who is no agent is real retail: an order bought by any agent
    (every relation but CUSTOMER) never counts for upgrades, never draws the seller's cloud
    stock and earns only if the owner says so (commissions)."""

    CUSTOMER = "customer", _("A customer")  # no agent's phone or login
    SELF = "self", _("The shop's own agent")  # refused at checkout (self-dealing)
    TEAM = "team", _("An agent of the seller's team")  # a downline, at any depth
    UPLINE = "upline", _("An upline of the seller")
    AGENT = "agent", _("Another agent")  # elsewhere in the tree, or in the owner's shop


#: The badge an order bought by an agent carries on the owner's pages and in the API (a
#: customer's carries none): it earns nothing by default and is no retail sale.
BUYER_BADGES = {
    BuyerRelation.SELF: _("Agent's own order"),
    BuyerRelation.TEAM: _("Team order"),
    BuyerRelation.UPLINE: _("Agent order"),
    BuyerRelation.AGENT: _("Agent order"),
}


class OrderChannel(models.TextChoices):
    SHOP = "shop", _("Shop link")
    CHAT = "chat", _("Taken in chat")  # 代客下单: entered by the owner or staff


class Order(TimeStamped):
    number = models.CharField(_("order number"), max_length=24, unique=True)
    # The private link a customer keeps (/orders/<access_token>/); never the number alone.
    access_token = models.CharField(max_length=32, unique=True, default=new_public_id,
                                    editable=False)
    shop = models.ForeignKey("accounts.Shop", on_delete=models.PROTECT, related_name="orders",
                             verbose_name=_("shop"))
    channel = models.CharField(_("channel"), max_length=10, choices=OrderChannel.choices,
                               default=OrderChannel.SHOP)
    kind = models.CharField(_("kind"), max_length=10, choices=OrderKind.choices,
                            default=OrderKind.RETAIL, db_index=True)
    # A stock purchase (进货): the agent who buys, and whether the goods ship or stay in their
    # cloud stock. Empty for retail orders.
    purchaser = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="purchases",
                                  verbose_name=_("purchased by"))
    delivery = models.CharField(_("delivery"), max_length=6, choices=PurchaseDelivery.choices,
                                blank=True)
    state = models.CharField(_("state"), max_length=20, choices=OrderState.choices,
                             default=OrderState.PENDING_PAYMENT, db_index=True)
    placed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+",
                                  verbose_name=_("entered by"))
    # Who bought, when an agent did (a retail order): commissions pay nothing on an agent's own
    # order, other agents' orders only if the owner says so, and none counts as retail.
    buyer_agent = models.ForeignKey("network.Agent", null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("bought by the agent"))
    buyer_relation = models.CharField(_("buyer"), max_length=10, choices=BuyerRelation.choices,
                                      default=BuyerRelation.CUSTOMER,
                                      db_default=BuyerRelation.CUSTOMER)
    # A checkout submitted twice (double tap, retry) carries the same key: one order. A key
    # belongs to the client that sent it (``idempotency_scope``, a digest of its session or
    # user: checkout.Client), so one buyer's key never finds another's order, and to what that
    # request asked for (``request_digest``): the same key sent with other content is refused.
    idempotency_key = models.CharField(max_length=64, null=True, blank=True)
    idempotency_scope = models.CharField(max_length=64, blank=True, editable=False)
    request_digest = models.CharField(max_length=64, blank=True, editable=False)

    recipient_name = models.CharField(_("recipient"), max_length=30)
    recipient_phone = models.CharField(_("mobile number"), max_length=11, db_index=True)
    province = models.CharField(_("province"), max_length=20)
    city = models.CharField(_("city"), max_length=30)
    district = models.CharField(_("district"), max_length=30, blank=True)
    street = models.CharField(_("street address"), max_length=120)
    customer_note = models.CharField(_("note"), max_length=200, blank=True)

    # Where the sale came from (a tracked link /t/<code> clicked within the attribution
    # window). Plain values, not foreign keys: marketing comes after orders (the layers of
    # docs/architecture.md) and reads these to count its results.
    source_channel = models.CharField(_("source channel"), max_length=20, blank=True)
    source_post = models.CharField(_("source post"), max_length=32, blank=True)
    source_link = models.CharField(_("tracked link"), max_length=16, blank=True, db_index=True)
    source_seller = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+",
                                      verbose_name=_("shared by"))

    goods_total = MoneyField(_("goods"))
    shipping_fee = MoneyField(_("shipping"))
    payable = MoneyField(_("payable"))

    expires_at = models.DateTimeField(_("pay before"), null=True, blank=True, db_index=True)
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    shipped_at = models.DateTimeField(_("shipped at"), null=True, blank=True, db_index=True)
    carrier = models.CharField(_("carrier"), max_length=20, blank=True)
    tracking_number = models.CharField(_("tracking number"), max_length=40, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    # The end of this order's after-sales window, fixed when it completes: a later change of
    # the shop's window applies to orders completed afterwards only. Refund requests by the
    # customer and the freeze of agents' earnings both end here.
    after_sales_until = models.DateTimeField(_("after-sales until"), null=True, blank=True)
    closed_at = models.DateTimeField(_("cancelled or refunded at"), null=True, blank=True)

    objects = OrderQuerySet.as_manager()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="retail", purchaser__isnull=True, delivery="")
                           | Q(kind="purchase", purchaser__isnull=False,
                               delivery__in=["ship", "cloud"])),
                name="orders_purchase_has_purchaser_and_delivery"),
            models.CheckConstraint(condition=Q(goods_total__gte=0),
                                   name="orders_goods_not_negative"),
            models.CheckConstraint(condition=Q(shipping_fee__gte=0),
                                   name="orders_shipping_not_negative"),
            # Rounded: SQLite computes in floating point, where 0.10 + 0.20 is not 0.30.
            models.CheckConstraint(
                condition=Q(payable=Round(F("goods_total") + F("shipping_fee"), 2)),
                name="orders_payable_is_goods_plus_shipping",
            ),
            models.CheckConstraint(condition=Q(state__in=[s.value for s in OrderState]),
                                   name="orders_state_valid"),
            models.UniqueConstraint(fields=["idempotency_scope", "idempotency_key"],
                                    name="orders_idempotency_key_per_client"),
            # Every completed order has its after-sales deadline, except a purchase kept in
            # cloud stock, which has no after-sales.
            models.CheckConstraint(
                condition=(Q(completed_at__isnull=True) | Q(kind="purchase", delivery="cloud")
                           | Q(after_sales_until__isnull=False,
                               after_sales_until__gte=F("completed_at"))),
                name="orders_completed_has_after_sales_deadline"),
            models.CheckConstraint(
                condition=(Q(buyer_relation="customer", buyer_agent__isnull=True)
                           | Q(buyer_relation__in=["self", "team", "upline", "agent"],
                               buyer_agent__isnull=False)),
                name="orders_buyer_agent_named"),
        ]

    def __str__(self):
        return self.number

    @property
    def bought_by_agent(self) -> bool:
        """Whether an agent bought this retail order (BuyerRelation): no retail sale."""
        return self.buyer_relation != BuyerRelation.CUSTOMER

    @property
    def buyer_badge(self) -> str:
        """代理自购, 团队订单 or 代理订单 (BUYER_BADGES), translated; "" for a customer's."""
        return str(BUYER_BADGES.get(self.buyer_relation, ""))

    def number_for(self, seller_id: int) -> str:
        """The order number as a seller sees it: whole for its shop's seller, only the last 4
        digits for another (e.g. an upline paid on it): with the buyer's mobile number, the
        whole number opens the buyer's private page at the order lookup. Needs ``shop``."""
        return self.number if self.shop.seller_id == seller_id else f"…{self.number[-4:]}"


class OrderLine(models.Model):
    """One item of an order, with a snapshot of what it was when bought."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    product_title = models.CharField(_("product"), max_length=80)
    spec_label = models.CharField(_("spec"), max_length=120, blank=True)
    sku_code = models.CharField(_("SKU code"), max_length=40, blank=True)
    unit_price = MoneyField(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = MoneyField(_("total"))
    # Where the units came from, and (a retail line sold through an agent's shop) the agent's
    # level price then: what the agent earns is worked out from these (see commissions).
    stock_source = models.CharField(_("stock from"), max_length=10, choices=StockSource.choices,
                                    default=StockSource.WAREHOUSE)
    level_price = MoneyField(_("level price"), null=True, blank=True)
    # The variant's cost to the owner when it was ordered, if the owner set one: an upline's
    # commission never takes the owner's share of the line below it.
    cost_price = MoneyField(_("cost price"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="orders_line_quantity_positive"),
            models.CheckConstraint(condition=Q(unit_price__gte=0),
                                   name="orders_line_price_not_negative"),
            models.CheckConstraint(condition=Q(cost_price__isnull=True) | Q(cost_price__gte=0),
                                   name="orders_line_cost_not_negative"),
            # Rounded: in SQLite's floating point 19.90 × 3 is 59.699999999999996.
            models.CheckConstraint(
                condition=Q(line_total=Round(F("unit_price") * F("quantity"), 2)),
                name="orders_line_total_is_price_times_quantity",
            ),
            models.UniqueConstraint(fields=["order", "variant"],
                                    name="orders_line_one_per_variant"),
        ]

    def __str__(self):
        return f"{self.product_title} {self.spec_label} × {self.quantity}"


class OrderEvent(AppendOnlyModel):
    """One step of an order's timeline: placed, paid, shipped, … (who, when, note)."""

    order = models.ForeignKey(Order, on_delete=models.PROTECT, related_name="events")
    from_state = models.CharField(max_length=20, choices=OrderState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=OrderState.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+", verbose_name=_("by"))
    # Who acted when no user did: "customer" or "system" (expiry, automatic completion).
    actor_kind = models.CharField(max_length=10, default="user")
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    # The customer's words (a refund request) and the tracking number are written here too.
    erasable_text = ("note",)

    class Meta:
        verbose_name = _("order event")
        verbose_name_plural = _("order events")
        ordering = ["id"]

    def __str__(self):
        return f"{self.order} → {self.to_state}"

    @property
    def declines_refund(self) -> bool:
        """The seller declined the refund request (``note``: why, shown to the customer)."""
        return is_refund_decline(self.from_state, self.to_state)


def payment_code_path(instance, filename):
    return f"payment/{new_public_id()}.png"


class ShopSettings(SingletonSettings):
    """The owner's selling rules: how customers pay, how long an order waits, shipping fees.

    One row per deployment (``ShopSettings.load()`` creates it with the defaults).
    """

    payment_instructions = models.TextField(
        _("payment instructions"), blank=True,
        help_text=_("Shown with the payment codes, e.g. 'Write the order number in the note.'"),
    )
    wechat_pay_code = models.ImageField(_("WeChat receipt code"), upload_to=payment_code_path,
                                        blank=True)
    alipay_code = models.ImageField(_("Alipay receipt code"), upload_to=payment_code_path,
                                    blank=True)
    unpaid_expiry_minutes = models.PositiveIntegerField(_("unpaid orders expire after (minutes)"),
                                                        default=30)
    auto_complete_days = models.PositiveIntegerField(
        _("complete shipped orders after (days)"), default=10)
    after_sales_days = models.PositiveIntegerField(
        _("after-sales window (days)"), default=7,
        help_text=_("How long after an order is completed its customer may still ask for a "
                    "refund (0: not after completion), and so how long agents' earnings from "
                    "it stay frozen. You may refund at any time."))
    shipping_fee = MoneyField(_("shipping fee"), default=0)
    free_shipping_above = MoneyField(_("free shipping from"), null=True, blank=True)
    # A customer's checkout holds its stock until paid or expired: these keep one buyer from
    # holding all of it (orders taken in chat by the owner or staff are not limited).
    max_line_quantity = models.PositiveIntegerField(
        _("most units of one item per order"), default=20,
        help_text=_("How many of one item a customer may order at once."))
    max_order_quantity = models.PositiveIntegerField(
        _("most units per order"), default=50,
        help_text=_("How many items in all a customer may order at once."))
    max_unpaid_orders = models.PositiveIntegerField(
        _("most unpaid orders per mobile number"), default=3,
        help_text=_("How many orders awaiting payment one mobile number may have; the next "
                    "one is refused until one is paid, cancelled or expired."))

    class Meta:
        verbose_name = _("shop settings")
        verbose_name_plural = _("shop settings")
        constraints = [
            models.CheckConstraint(condition=Q(singleton=True), name="orders_settings_singleton"),
            models.CheckConstraint(condition=Q(shipping_fee__gte=0),
                                   name="orders_settings_fee_not_negative"),
            models.CheckConstraint(condition=Q(unpaid_expiry_minutes__gte=5),
                                   name="orders_settings_expiry_at_least_5_minutes"),
            models.CheckConstraint(
                condition=Q(max_line_quantity__gte=1, max_order_quantity__gte=1,
                            max_unpaid_orders__gte=1),
                name="orders_settings_checkout_limits_positive"),
        ]

    def __str__(self):
        return str(_("shop settings"))


#: What a province's name may end with (广东省, 上海市, 广西壮族自治区), longest first: a region fee
#: matches an address by the name without it (services.short_province).
PROVINCE_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def _short_province_sql():
    """services.short_province as a database expression: the name without its first suffix
    that it ends with and is longer than."""
    province, length = F("province"), Length("province")
    return Case(*(When(Exact(Right(province, len(suffix)), suffix)
                       & GreaterThan(length, len(suffix)),
                       then=Left(province, length - len(suffix)))
                  for suffix in PROVINCE_SUFFIXES),
                default=province)


class RegionShippingFee(models.Model):
    """A province with its own shipping fee (e.g. 新疆, 西藏 cost more)."""

    province = models.CharField(_("province"), max_length=20, unique=True)
    # 广东 and 广东省 are one province: the database computes the short name and lets it
    # appear once, so no province has two fees of which one silently wins.
    province_key = models.GeneratedField(expression=_short_province_sql(),
                                         output_field=models.CharField(max_length=20),
                                         db_persist=True)
    shipping_fee = MoneyField(_("shipping fee"))
    free_shipping_above = MoneyField(_("free shipping from"), null=True, blank=True)

    class Meta:
        verbose_name = _("regional shipping fee")
        verbose_name_plural = _("regional shipping fees")
        ordering = ["province"]
        constraints = [
            models.CheckConstraint(condition=Q(shipping_fee__gte=0),
                                   name="orders_region_fee_not_negative"),
            models.UniqueConstraint(fields=["province_key"], name="orders_region_fee_once"),
        ]

    def __str__(self):
        return self.province


class BuyBackState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    PAID = "paid", _("Paid")


class BuyBack(TimeStamped):
    """回购: an agent who exited returns unsold cloud stock bought within the last 12 months
    for at least ``percent`` (≥ 90) of what they paid. The units go back to the warehouse when
    it is requested; the owner then pays and records the transfer."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id,
                                 editable=False)
    agent = models.ForeignKey("network.Agent", on_delete=models.PROTECT,
                              related_name="buybacks", verbose_name=_("agent"))
    state = models.CharField(_("state"), max_length=10, choices=BuyBackState.choices,
                             default=BuyBackState.REQUESTED, db_index=True)
    percent = models.DecimalField(_("refund (%)"), max_digits=5, decimal_places=2)
    paid_total = MoneyField(_("paid for these units"))
    amount = MoneyField(_("refund"))
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+",
                                     verbose_name=_("requested by"))
    paid_at = models.DateTimeField(_("paid at"), null=True, blank=True)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+",
                                verbose_name=_("paid by"))
    reference = models.CharField(_("transfer reference"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("buy-back")
        verbose_name_plural = _("buy-backs")
        ordering = ["-created_at", "-id"]
        constraints = [
            # The law's floor (see network.models.MIN_BUYBACK_PERCENT), written out because a
            # migration must not change if the constant did.
            models.CheckConstraint(condition=Q(percent__gte=90, percent__lte=100),
                                   name="orders_buyback_at_least_90_percent"),
            models.CheckConstraint(condition=Q(paid_total__gt=0, amount__gt=0),
                                   name="orders_buyback_amounts_positive"),
            models.CheckConstraint(condition=Q(amount__lte=F("paid_total")),
                                   name="orders_buyback_not_above_paid"),
            models.CheckConstraint(
                condition=(Q(state="requested", paid_at__isnull=True)
                           | Q(state="paid", paid_at__isnull=False)),
                name="orders_buyback_paid_has_date"),
        ]

    def __str__(self):
        return f"{self.agent} · {self.amount}"


class BuyBackLine(models.Model):
    """Units returned from one purchase line, at the unit price the agent paid for them."""

    buyback = models.ForeignKey(BuyBack, on_delete=models.CASCADE, related_name="lines")
    purchase_line = models.ForeignKey(OrderLine, on_delete=models.PROTECT,
                                      related_name="buyback_lines")
    variant = models.ForeignKey("catalog.Variant", on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price = MoneyField(_("unit price paid"))

    class Meta:
        verbose_name = _("buy-back line")
        verbose_name_plural = _("buy-back lines")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0),
                                   name="orders_buyback_line_quantity_positive"),
        ]

    def __str__(self):
        return f"{self.variant_id} × {self.quantity}"
