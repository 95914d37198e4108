"""Settlement (结算): frozen earnings whose after-sales window has passed become available.

Set-based, whatever the number of earnings: one INSERT … SELECT records the release of every
due frozen entry (FrozenRelease, one narrow row each), one writes each agent's move — the sum
of their released entries out of frozen and into available, a pair of ledger entries per agent
and run — and one UPDATE adds those to the balances. No loop over rows.

Idempotent: an entry is released once (the release's primary key), and a refund that took
frozen money back released it first, so a second run, or one waiting behind a first for the
ledger lock, finds nothing left to move.

The last run bounds what the next reads: what was frozen by then and due by then has left
frozen, so a run reads the entries written since and those falling due since — the hour's
work, not the ledger's whole history.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from weishang.core.money import to_money

from .models import Bucket, EntryKind, FrozenRelease, LedgerEntry, SettlementRun
from .services import ENTRIES, INSERT_ENTRIES, db_time, last_entry_id, lock_ledger, post_to_balances

RELEASES = FrozenRelease._meta.db_table


@dataclass(frozen=True)
class Settled:
    earnings: int
    agents: int
    amount: Decimal


def _as_stored(param: str) -> str:
    """SQL for a time parameter in the form ``available_at`` is stored in (SQLite compares
    text, whose fraction of a second the freeze wrote to milliseconds)."""
    if connection.vendor == "sqlite":
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {param})"
    return param


def _due_entries(last: SettlementRun | None) -> tuple[str, dict]:
    """SQL (on ``f``) selecting the entries that froze money, due by ``%(now)s`` and not among
    those the last run already saw, with its parameters."""
    due = f"f.available_at <= {_as_stored('%(now)s')}"
    if last is None:
        return due, {}
    return (f"{due} AND (f.id > %(through)s OR f.available_at > {_as_stored('%(last)s')})",
            {"through": last.through_entry, "last": db_time(last.settled_through)})


def _release_due(run: SettlementRun, params: dict, due: str) -> int:
    """Release the due frozen entries; those already released (settled, or taken back by a
    refund) are skipped by the primary key — not by a NOT EXISTS, which PostgreSQL may plan as
    a scan of the table this very statement is filling."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {RELEASES} (entry_id, run_id) SELECT f.id, %(run)s FROM {ENTRIES} f "
            f"WHERE f.available_at IS NOT NULL AND {due} AND f.bucket = '{Bucket.FROZEN}' "
            f"AND f.amount > 0 ON CONFLICT (entry_id) DO NOTHING", {**params, "run": run.pk})
        return cursor.rowcount


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
    """Move every frozen earning due by ``now`` (default: now) to available."""
    now = now or timezone.now()
    lock_ledger()
    since = last_entry_id()
    due, params = _due_entries(SettlementRun.objects.order_by("-id").first())
    run = SettlementRun.objects.create(settled_through=now, through_entry=since)
    earnings = _release_due(run, {**params, "now": db_time(now)}, due)
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

