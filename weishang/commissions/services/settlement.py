"""Settlement (结算): frozen earnings whose after-sales window has passed become available.

Set-based, whatever the number of earnings: one INSERT … SELECT records the release of every
due frozen entry (FrozenRelease, one narrow row each), one writes each agent's move — the sum
of their released entries out of frozen and into available, a pair of ledger entries per agent
and run — and one UPDATE adds those to the balances. No loop over rows.

Idempotent: an entry is released once (the release's primary key), and a refund that took
frozen money back released it first, so a second run, or one waiting behind a first for the
ledger lock, finds nothing left to move.

An order with an open refund request settles nothing: its due entries stay frozen and are
held (SettlementHold). Each run looks at the held entries again and releases those whose
request was declined (the order is back where it was, its window fixed when it completed);
a refund took them back itself. So no money the customer may still get back becomes
available, to be withdrawn and paid before the refund comes.

The last run bounds what the next reads: what was frozen by then and due by then has left
frozen or is held, so a run reads the entries written since, those falling due since and the
held ones — the hour's work, not the ledger's whole history.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from weishang.core.money import to_money
from weishang.orders.models import Order, OrderState

from ..models import Bucket, EntryKind, FrozenRelease, LedgerEntry, SettlementHold, SettlementRun
from .ledger import (
    ENTRIES,
    INSERT_ENTRIES,
    as_stored_time,
    db_time,
    last_entry_id,
    lock_ledger,
    post_to_balances,
)

RELEASES = FrozenRelease._meta.db_table
HOLDS = SettlementHold._meta.db_table
#: SQL on ``f``, a ledger entry: it froze money.
FREEZING = f"f.bucket = '{Bucket.FROZEN}' AND f.amount > 0 AND f.available_at IS NOT NULL"
#: The orders whose refund request is open.
REQUESTED = (f"SELECT o.id FROM {Order._meta.db_table} o "
             f"WHERE o.state = '{OrderState.REFUND_REQUESTED}'")


@dataclass(frozen=True)
class Settled:
    earnings: int
    agents: int
    amount: Decimal


def _due_entries(last: SettlementRun | None) -> tuple[str, dict]:
    """SQL (on ``f``) selecting the entries due by ``%(now)s`` and not among those the last
    run already saw, with its parameters."""
    due = f"f.available_at <= {as_stored_time('%(now)s')}"
    if last is None:
        return due, {}
    return (f"{due} AND (f.id > %(through)s OR f.available_at > {as_stored_time('%(last)s')})",
            {"through": last.through_entry, "last": db_time(last.settled_through)})


def _hold_requested(params: dict, due: str) -> None:
    """Hold the due frozen entries of orders with an open refund request: read from those
    orders (few) through the entries' index on their order, not from every due entry (CROSS
    JOIN keeps SQLite's planner to that order; PostgreSQL plans it as any join)."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {HOLDS} (entry_id) SELECT f.id FROM {Order._meta.db_table} o "
            f"CROSS JOIN {ENTRIES} f WHERE o.state = '{OrderState.REFUND_REQUESTED}' "
            f"AND f.order_id = o.id AND {FREEZING} AND {due} "
            f"ON CONFLICT (entry_id) DO NOTHING", params)


def _release_due(run: SettlementRun, params: dict, due: str) -> int:
    """Release the due frozen entries but those of orders with an open refund request, and the
    held entries whose request is no longer open. Those already released (settled, or taken
    back by a refund) are skipped by the primary key — not by a NOT EXISTS, which PostgreSQL
    may plan as a scan of the table this very statement is filling."""
    params = {**params, "run": run.pk}
    not_requested = f"f.order_id NOT IN ({REQUESTED})"
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RELEASES} (entry_id, run_id) SELECT f.id, %(run)s FROM {ENTRIES} f "
            f"WHERE {FREEZING} AND {due} AND {not_requested} "
            f"ON CONFLICT (entry_id) DO NOTHING", params)
        released = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {RELEASES} (entry_id, run_id) SELECT f.id, %(run)s FROM {HOLDS} h "
            f"CROSS JOIN {ENTRIES} f WHERE f.id = h.entry_id "
            f"AND f.available_at <= {as_stored_time('%(now)s')} AND {not_requested} "
            f"ON CONFLICT (entry_id) DO NOTHING", params)
        return released + cursor.rowcount


def _move_released(run: SettlementRun, now) -> None:
    """Each agent's released money, out of frozen and into available: two entries per agent,
    keyed by the run."""
    released = (f"FROM {RELEASES} r JOIN {ENTRIES} f ON f.id = r.entry_id "
                f"WHERE r.run_id = %(run)s GROUP BY f.agent_id")
    params = {"run": run.pk, "now": db_time(now)}
    with connection.cursor() as cursor:
        for bucket, sign, suffix in ((Bucket.FROZEN, "-", "|frozen-"),
                                     (Bucket.AVAILABLE, "", "|available+")):
            cursor.execute(
                INSERT_ENTRIES + f"SELECT f.agent_id, '{EntryKind.SETTLE}', '{bucket}', "
                f"{sign}SUM(f.amount), NULL, NULL, NULL, "
                f"'settle:{run.pk}:' || f.agent_id || '{suffix}', %(now)s {released}", params)


@transaction.atomic
def settle(now=None) -> Settled:
    """Move every frozen earning due by ``now`` (default: now) to available, but those of
    orders with an open refund request (held until it is declined)."""
    now = now or timezone.now()
    lock_ledger()
    since = last_entry_id()
    due, params = _due_entries(SettlementRun.objects.order_by("-id").first())
    params = {**params, "now": db_time(now)}
    run = SettlementRun.objects.create(settled_through=now, through_entry=since)
    _hold_requested(params, due)
    earnings = _release_due(run, params, due)
    if not earnings:
        run.delete()
        return Settled(earnings=0, agents=0, amount=to_money(0))
    _move_released(run, now)
    agents = post_to_balances(since)
    amount = to_money(LedgerEntry.objects.filter(
        pk__gt=since, kind=EntryKind.SETTLE, bucket=Bucket.AVAILABLE,
    ).aggregate(total=Sum("amount"))["total"])
    SettlementRun.objects.filter(pk=run.pk).update(earnings=earnings, agents=agents,
                                                    amount=amount)
    return Settled(earnings=earnings, agents=agents, amount=amount)

