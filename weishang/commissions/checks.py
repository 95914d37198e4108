"""The earnings ledger, proven (``weishang check`` runs ``check_ledger``): every balance equals
the sums of its agent's entries per bucket; no order line paid out more than it took, paid its
upline more than its seller, or left the owner below the goods' cost to pay an upline; nobody
kept an earning on their own order; every release and hold of frozen money names an entry
that froze money."""

from dataclasses import dataclass
from decimal import Decimal

from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Round
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from weishang.core.money import to_money
from weishang.orders.models import Order, OrderLine

from .models import (
    AgentBalance,
    Bucket,
    EntryKind,
    FrozenRelease,
    LedgerEntry,
    SettlementHold,
    SettlementRun,
)
from .services.ledger import EARNING_KINDS, sql_list


@dataclass(frozen=True)
class BalanceProblem:
    agent_id: int
    bucket: str
    balance: Decimal
    ledger_sum: Decimal

    def __str__(self):
        return _("Agent %(agent)s, %(bucket)s: balance %(balance)s, sum of entries %(sum)s") % {
            "agent": self.agent_id, "bucket": Bucket(self.bucket).label,
            "balance": self.balance, "sum": self.ledger_sum}


@dataclass(frozen=True)
class LineProblem:
    order_line_id: int
    paid: Decimal
    earned: Decimal

    def __str__(self):
        return _("Order line %(line)s: paid %(paid)s, earned %(earned)s by agents") % {
            "line": self.order_line_id, "paid": self.paid, "earned": self.earned}


def _balance_problems() -> list[BalanceProblem]:
    buckets = Bucket.values
    sums = (LedgerEntry.objects.values("agent_id").order_by("agent_id")
            .annotate(**{bucket: Sum("amount", filter=Q(bucket=bucket)) for bucket in buckets}))
    ledgers = {row.pop("agent_id"): row for row in sums}
    balances = {row.pop("agent_id"): row for row in AgentBalance.objects.values(
        "agent_id", *buckets)}
    problems = []
    for agent_id in sorted(ledgers.keys() | balances.keys()):
        for bucket in buckets:
            balance = to_money(balances.get(agent_id, {}).get(bucket) or 0)
            ledger_sum = to_money(ledgers.get(agent_id, {}).get(bucket) or 0)
            if balance != ledger_sum:
                problems.append(BalanceProblem(agent_id, bucket, balance, ledger_sum))
    return problems


@dataclass(frozen=True)
class UplineProblem:
    order_line_id: int
    seller: Decimal
    upline: Decimal

    def __str__(self):
        return _("Order line %(line)s: the upline earned %(upline)s, the seller %(seller)s") % {
            "line": self.order_line_id, "upline": self.upline, "seller": self.seller}


@dataclass(frozen=True)
class CostProblem:
    order_line_id: int
    cost: Decimal
    kept: Decimal

    def __str__(self):
        return _("Order line %(line)s: an upline commission left the owner %(kept)s of goods "
                 "that cost %(cost)s") % {
            "line": self.order_line_id, "kept": self.kept, "cost": self.cost}


def _line_problems() -> list[LineProblem | UplineProblem | CostProblem]:
    """In one pass over the earnings, summed per line (each earning as written, whatever took
    it back later), then joined to their lines: those whose earnings exceed what was paid,
    whose upline earned more than their seller, or whose upline commission left the owner less
    than the goods' recorded cost. Rounded to fen: SQLite sums money in floating point. The
    sums are a materialised CTE: PostgreSQL would otherwise aggregate the whole ledger once in
    every parallel worker of the join."""
    per_line = (
        f"SELECT order_line_id AS line_id, ROUND(SUM(amount), 2) AS earned, "
        f"ROUND(SUM(CASE WHEN kind = '{EntryKind.UPLINE}' THEN amount ELSE 0 END), 2) AS upline "
        f"FROM {LedgerEntry._meta.db_table} WHERE kind IN ({sql_list(EARNING_KINDS)}) "
        f"GROUP BY order_line_id")
    costs = "ROUND(l.cost_price * l.quantity, 2)"
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH e AS MATERIALIZED ({per_line}) "
            f"SELECT e.line_id, l.line_total, {costs}, e.earned, e.upline FROM e "
            f"JOIN {OrderLine._meta.db_table} l ON l.id = e.line_id "
            f"WHERE e.earned > l.line_total OR e.upline > ROUND(e.earned - e.upline, 2) "
            f"OR (e.upline > 0 AND e.earned > ROUND(l.line_total - {costs}, 2)) "
            f"ORDER BY e.line_id")
        rows = cursor.fetchall()
    problems = []
    for line, *amounts in rows:
        # SQLite answers in floating point: read as the text it prints, to the fen.
        paid, costs, earned, upline = (None if amount is None else to_money(str(amount))
                                       for amount in amounts)
        seller = earned - upline
        if earned > paid:
            problems.append(LineProblem(line, paid, earned))
        if upline > seller:
            problems.append(UplineProblem(line, seller, upline))
        if upline > 0 and costs is not None and paid - earned < costs:
            problems.append(CostProblem(line, costs, paid - earned))
    return problems


@dataclass(frozen=True)
class OwnOrderProblem:
    agent_id: int
    order_id: int
    kept: Decimal

    def __str__(self):
        return _("Agent %(agent)s kept %(kept)s earned on order %(order)s, which they bought "
                 "themselves") % {"agent": self.agent_id, "kept": self.kept,
                                  "order": self.order_id}


def _own_order_problems() -> list[OwnOrderProblem]:
    """Earnings still held (not taken back by a refund) on an order whose buyer is the agent
    who earned them."""
    bought_by_agents = Order.objects.filter(buyer_agent__isnull=False).values("pk")
    kept = (LedgerEntry.objects
            .filter(kind__in=[*EARNING_KINDS, EntryKind.CANCEL, EntryKind.REVERSAL],
                    order__in=bought_by_agents, order__buyer_agent_id=F("agent_id"))
            .values("agent_id", "order_id").order_by("agent_id", "order_id")
            .annotate(kept=Round(Sum("amount"), 2)).filter(kept__gt=0))
    return [OwnOrderProblem(row["agent_id"], row["order_id"], to_money(row["kept"]))
            for row in kept]


@dataclass(frozen=True)
class ReleaseProblem:
    entry_id: int
    held: bool = False

    def __str__(self):
        if self.held:
            return _("Held earning %(entry)s: no ledger entry froze that money") % {
                "entry": self.entry_id}
        return _("Release of frozen money %(entry)s: no ledger entry froze that money") % {
            "entry": self.entry_id}


def _release_problems() -> list[ReleaseProblem]:
    """Releases and holds hold plain ids (no foreign key, for speed): each must name an entry
    that froze money, and a release a settlement run that exists. NOT EXISTS, an anti-join on
    the primary keys: a NOT IN over millions of ids is a scan per release on PostgreSQL."""
    freezing = LedgerEntry.objects.filter(pk=OuterRef("entry_id"), bucket=Bucket.FROZEN,
                                          amount__gt=0, available_at__isnull=False)
    run = SettlementRun.objects.filter(pk=OuterRef("run_id"))
    stray = FrozenRelease.objects.filter(~Exists(freezing) | (Q(run_id__isnull=False)
                                                              & ~Exists(run)))
    held = SettlementHold.objects.filter(~Exists(freezing))
    return [*(ReleaseProblem(entry_id) for entry_id in stray.values_list("entry_id", flat=True)),
            *(ReleaseProblem(entry_id, held=True)
              for entry_id in held.values_list("entry_id", flat=True))]


def verify_earnings() -> list:
    """Balances that differ from their ledger, order lines that pay out more than they may,
    earnings kept on one's own order, and releases or holds of frozen money that name
    nothing."""
    return [*_balance_problems(), *_line_problems(), *_own_order_problems(),
            *_release_problems()]


def check_ledger(command) -> None:
    """Part of ``weishang check``: prints the result, raises CommandError on a problem."""
    tables = connection.introspection.table_names()
    if not {AgentBalance._meta.db_table, LedgerEntry._meta.db_table} <= set(tables):
        command.stdout.write(command.style.WARNING(
            _("Earnings ledger: not verified, the database is not migrated yet.")))
        return
    problems = verify_earnings()
    if problems:
        for problem in problems:
            command.stderr.write(str(problem))
        raise CommandError(ngettext(
            "Earnings ledger: %(count)d problem.",
            "Earnings ledger: %(count)d problems.",
            len(problems)) % {"count": len(problems)})
    count = AgentBalance.objects.count()
    command.stdout.write(command.style.SUCCESS(ngettext(
        "Earnings ledger: %(count)d balance, equal to its entries; no line pays out more than "
        "it took, nor an upline more than the seller; nobody earns on their own order.",
        "Earnings ledger: %(count)d balances, all equal to their entries; no line pays out "
        "more than it took, nor an upline more than the seller; nobody earns on their own "
        "order.",
        count) % {"count": count}))
