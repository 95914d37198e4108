"""What agents earn, as an append-only ledger, and what they withdraw.

Every amount an agent is owed moves through buckets — pending (the order is paid), frozen (the
order is completed; after-sales window), available, withdrawing (a withdrawal asked for) and
withdrawn — and each move is written as entries that sum to zero across the buckets (−10 frozen,
+10 available), except the entries that bring money in (an earning) or take it back (a
reversal). An agent's balance in a bucket is the sum of their entries in it; AgentBalance keeps
those sums for fast reads and conditional updates, and `weishang check` proves they agree.

What arises from recruiting, upgrades or an agent's own purchases: nothing — there is no entry
kind for it, and no earning on an order its buyer's agent would earn on (services/earnings.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from weishang.core.models import AppendOnlyModel, SingletonSettings, TimeStamped, new_public_id
from weishang.core.money import MoneyField

#: The upline commission reaches the direct upline only; the law (团队计酬) and this constant
#: say so, and the database refuses any other depth.
MAX_UPLINE_DEPTH = 1


class Bucket(models.TextChoices):
    PENDING = "pending", _("Pending")
    FROZEN = "frozen", _("Frozen")
    AVAILABLE = "available", _("Available")
    WITHDRAWING = "withdrawing", _("Being withdrawn")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class EntryKind(models.TextChoices):
    SALE = "sale", _("Sale from the owner's stock")  # retail paid − level price
    CLOUD_SALE = "cloud_sale", _("Sale from cloud stock")  # retail paid
    UPLINE = "upline", _("Upline commission")  # % of the direct downline's earning on a line
    SETTLE = "settle", _("Settled")  # a move between buckets
    CANCEL = "cancel", _("Cancelled by a refund")  # before settlement
    REVERSAL = "reversal", _("Reversed by a refund")  # after settlement
    WITHDRAWAL = "withdrawal", _("Withdrawal")
    WITHDRAWAL_FEE = "withdrawal_fee", _("Withdrawal fee")
    WITHDRAWAL_RETURN = "withdrawal_return", _("Withdrawal rejected")


#: Moves between buckets: the statement shows each earning once, with where its money is now.
STATEMENT_HIDES = EntryKind.SETTLE


class LedgerEntry(AppendOnlyModel):
    """One movement of an agent's money in one bucket. ``key`` makes each movement happen once
    (a callback or a settlement run repeated writes nothing new)."""

    # Every index here is paid for on each of the millions of rows a busy network writes, so
    # there are only those a read needs, partial where a read wants few rows: the agent's
    # statement (agent, created_at; without the moves between buckets, which it does not
    # list), an order's entries (a refund), a withdrawal's and the frozen money due (only the
    # entries that freeze money carry ``available_at``). The order line is never looked up
    # alone.
    agent = models.ForeignKey("network.Agent", on_delete=models.PROTECT, db_index=False,
                              related_name="ledger_entries")
    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    bucket = models.CharField(max_length=12, choices=Bucket.choices)
    amount = MoneyField()
    order = models.ForeignKey("orders.Order", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    order_line = models.ForeignKey("orders.OrderLine", null=True, blank=True, db_index=False,
                                   on_delete=models.PROTECT, related_name="+")
    withdrawal = models.ForeignKey("Withdrawal", null=True, blank=True, on_delete=models.PROTECT,
                                   db_index=False, related_name="entries")
    # When frozen money becomes available (set on the entries that freeze it).
    available_at = models.DateTimeField(null=True, blank=True)
    key = models.CharField(max_length=80)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("ledger entry")
        verbose_name_plural = _("ledger entries")
        ordering = ["created_at", "id"]
        # A constraint rather than ``unique=True``: on PostgreSQL the field option adds a
        # second index on the key for LIKE searches, which nothing here does.
        constraints = [models.UniqueConstraint(fields=["key"], name="commissions_entry_key_once")]
        indexes = [
            models.Index(fields=["agent", "created_at"], condition=~Q(kind=STATEMENT_HIDES),
                         name="commissions_entry_statement"),
            models.Index(fields=["withdrawal"], condition=Q(withdrawal__isnull=False),
                         name="commissions_entry_withdrawal"),
            models.Index(fields=["available_at"], condition=Q(available_at__isnull=False),
                         name="commissions_entry_due"),
        ]

    def __str__(self):
        return f"{self.agent_id} {self.kind} {self.bucket} {self.amount}"

    @property
    def order_number(self) -> str | None:
        """The order's number as the agent may see it (orders.Order.number_for): an upline
        commission's order is another seller's sale."""
        return self.order.number_for(self.agent.user_id) if self.order_id else None


class SettlementRun(models.Model):
    """One settlement (services/settlement.py), written in its own transaction: created when it
    starts, its totals filled in when it ends; a run that moved nothing is not kept. The last run
    bounds what the next one reads: every frozen entry written up to ``through_entry`` and due
    by ``settled_through`` has left frozen, so a run looks only at entries written since or
    falling due since, not at the whole history."""

    settled_through = models.DateTimeField()
    through_entry = models.BigIntegerField()
    earnings = models.PositiveIntegerField(default=0)
    agents = models.PositiveIntegerField(default=0)
    amount = MoneyField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("settlement run")
        verbose_name_plural = _("settlement runs")
        ordering = ["-id"]

    def __str__(self):
        return f"settled through {self.settled_through}: {self.earnings} earnings"


class FrozenRelease(AppendOnlyModel):
    """The frozen money of one ledger entry (the entry that froze it, ``entry_id``) has left
    frozen: to available in settlement run ``run_id``, or, with no run, back by a refund. At
    most once (the primary key), so no earning is settled twice or settled after a refund.

    Settlement writes one of these per earning and one pair of ledger entries per agent, not a
    pair per earning: a narrow row with one index and no reference checks is what lets a
    million earnings settle in one run. Hence plain ids rather than foreign keys;
    ``weishang check`` proves each names an entry that froze money."""

    entry_id = models.BigIntegerField(primary_key=True)
    run_id = models.BigIntegerField(null=True, blank=True, db_index=True)

    class Meta:
        verbose_name = _("release of frozen money")
        verbose_name_plural = _("releases of frozen money")

    def __str__(self):
        return f"entry {self.entry_id} released by run {self.run_id}"


class SettlementHold(models.Model):
    """A frozen entry (``entry_id``) that fell due while its order had an open refund request:
    settlement left it frozen, and every run looks at the held entries again, releasing those
    whose request was declined; one the refund took back, or released already, is skipped by
    its release's primary key. Not an entry of the ledger, only a reminder for settlement,
    whose runs otherwise never read what fell due before the last one. Few rows (refund
    requests open when their window ends); a plain id, like FrozenRelease's."""

    entry_id = models.BigIntegerField(primary_key=True)

    class Meta:
        verbose_name = _("earning held for a refund request")
        verbose_name_plural = _("earnings held for refund requests")

    def __str__(self):
        return f"entry {self.entry_id} held"


class AgentBalance(models.Model):
    """The sums of an agent's ledger per bucket, changed in the same transaction as the entries
    (conditional updates: a withdrawal never takes more than is available). ``available`` may
    go negative after a refund of settled money; it is carried and offset by later earnings."""

    agent = models.OneToOneField("network.Agent", on_delete=models.PROTECT,
                                 related_name="balance")
    pending = MoneyField(default=0)
    frozen = MoneyField(default=0)
    available = MoneyField(default=0)
    withdrawing = MoneyField(default=0)
    withdrawn = MoneyField(default=0)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(pending__gte=0, frozen__gte=0, withdrawing__gte=0,
                                               withdrawn__gte=0),
                                   name="commissions_balance_buckets_not_negative"),
        ]

    def __str__(self):
        return f"{self.agent_id}: {self.available} available"


class CommissionSettings(SingletonSettings):
    """The owner's rules for earnings and withdrawals (one row). How long earnings stay
    frozen is each order's after-sales window (Order.after_sales_until, fixed from the shop's
    setting when it completes): the time its customer may still ask for a refund, so no
    refund comes after they were settled."""

    upline_enabled = models.BooleanField(_("pay the direct upline a commission"), default=False)
    # Below 100 (a constraint): a share of the seller's earning never exceeds it.
    # xgettext:no-python-format
    upline_percent = models.DecimalField(_("upline commission (% of the seller's earning)"),
                                         max_digits=5, decimal_places=2, default=0)
    # Named for the team orders it first covered; it covers every order an agent bought.
    team_orders_earn = models.BooleanField(
        _("pay commission on orders bought by agents"), default=False,
        help_text=_("An order whose buyer is an agent (of the seller's team, an upline or any "
                    "other agent) is no sale to a real customer: it never counts towards "
                    "upgrades, ships from your stock rather than the seller's cloud stock, and "
                    "earns nothing unless you switch this on. Nobody ever earns on an order "
                    "they bought themselves."))
    upline_depth = models.PositiveSmallIntegerField(default=MAX_UPLINE_DEPTH, editable=False)
    withdrawal_minimum = MoneyField(_("smallest withdrawal"), default=10)
    withdrawal_fee_percent = models.DecimalField(_("withdrawal fee (%)"), max_digits=5,
                                                 decimal_places=2, default=0)

    class Meta:
        verbose_name = _("earnings settings")
        verbose_name_plural = _("earnings settings")
        constraints = [
            models.CheckConstraint(condition=Q(upline_depth=MAX_UPLINE_DEPTH),
                                   name="commissions_upline_depth_one"),
            models.CheckConstraint(condition=Q(upline_percent__gte=0, upline_percent__lt=100),
                                   name="commissions_upline_percent_range"),
            models.CheckConstraint(condition=Q(withdrawal_fee_percent__gte=0,
                                               withdrawal_fee_percent__lt=100),
                                   name="commissions_fee_percent_range"),
            models.CheckConstraint(condition=Q(withdrawal_minimum__gte=0),
                                   name="commissions_minimum_not_negative"),
        ]

    def __str__(self):
        return "earnings settings"


class PayoutMethod(models.TextChoices):
    WECHAT = "wechat", _("WeChat")
    ALIPAY = "alipay", _("Alipay")
    BANK = "bank", _("Bank card")


class WithdrawalState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")


class Withdrawal(TimeStamped):
    """提现: an agent asks for available money; the owner pays it outside (a transfer) and
    records the reference and a receipt image, or rejects it (the amount returns)."""

    public_id = models.CharField(max_length=32, unique=True, default=new_public_id, editable=False)
    agent = models.ForeignKey("network.Agent", on_delete=models.PROTECT,
                              related_name="withdrawals")
    amount = MoneyField(_("amount"))
    fee = MoneyField(_("fee"), default=0)
    method = models.CharField(_("paid by"), max_length=6, choices=PayoutMethod.choices)
    account = models.CharField(_("account"), max_length=60)
    account_name = models.CharField(_("account holder"), max_length=30)
    state = models.CharField(_("state"), max_length=10, choices=WithdrawalState.choices,
                             default=WithdrawalState.REQUESTED, db_index=True)
    # The same request sent twice (double tap, retry) carries the same key: one withdrawal.
    request_key = models.CharField(max_length=64, unique=True)
    reference = models.CharField(_("transfer reference"), max_length=100, blank=True)
    receipt = models.ImageField(_("receipt"), upload_to="withdrawals/", blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("withdrawal")
        verbose_name_plural = _("withdrawals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="commissions_amount_positive"),
            models.CheckConstraint(condition=Q(fee__gte=0) & Q(fee__lt=models.F("amount")),
                                   name="commissions_fee_below_amount"),
        ]

    def __str__(self):
        return f"{self.agent_id} {self.amount} {self.state}"
