"""Settlement (结算): frozen earnings whose after-sales window has passed become available.

Set-based: one INSERT … SELECT writes the ``E|frozen-`` entry of every due earning, a second
its ``E|available+`` twin, and one UPDATE adds their sums to the balances — no loop over rows.
Idempotent: an earning leaves frozen once (its unique key), so a second run, or one waiting
behind a first for the ledger lock, finds nothing left to move; and a refund that cancelled a
frozen earning wrote that same key first.

Each run that moved money is recorded (SettlementRun), and the last one bounds what the next
reads: what was frozen by then and due by then has left frozen, so a run reads the entries
written since and those falling due since — the hour's work, not the ledger's whole history.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum
from django.utils import timezone

from weishang.core.money import to_money

from .models import Bucket, EntryKind, LedgerEntry, SettlementRun
from .services import ENTRIES, INSERT_ENTRIES, db_time, last_entry_id, lock_ledger, post_to_balances


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


def _due_entries() -> tuple[str, dict]:
    """SQL (on ``f``) selecting the entries that froze money and are due by ``%(now)s`` and not
    already settled by the last run, with its parameters."""
    due = f"f.available_at <= {_as_stored('%(now)s')}"
    last = SettlementRun.objects.order_by("-id").first()
    if last is None:
        return due, {}
    return (f"{due} AND (f.id > %(through)s OR f.available_at > {_as_stored('%(last)s')})",
            {"through": last.through_entry, "last": db_time(last.settled_through)})


@transaction.atomic
def settle(now=None) -> Settled:
    """Move every frozen earning due by ``now`` (default: now) to available."""
    now = now or timezone.now()
    lock_ledger()
    since = last_entry_id()
    due, params = _due_entries()
    params = {**params, "now": db_time(now), "since": since}
    # The entry that froze an earning is keyed ``E|frozen+`` (frozen at completion) or ``E``
    # itself (an earning written frozen); either way it leaves frozen as ``E|frozen-``.
    leaving = "REPLACE(f.\"key\", '|frozen+', '') || '|frozen-'"
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_ENTRIES + f"SELECT f.agent_id, '{EntryKind.SETTLE}', '{Bucket.FROZEN}', "
            f"-f.amount, f.order_id, f.order_line_id, NULL, {leaving}, %(now)s "
            f"FROM {ENTRIES} f WHERE f.available_at IS NOT NULL AND {due} "
            f"AND f.bucket = '{Bucket.FROZEN}' AND f.amount > 0 "
            f'ON CONFLICT ("key") DO NOTHING', params)
        cursor.execute(
            INSERT_ENTRIES + f"SELECT s.agent_id, '{EntryKind.SETTLE}', '{Bucket.AVAILABLE}', "
            f"-s.amount, s.order_id, s.order_line_id, NULL, "
            f"REPLACE(s.\"key\", '|frozen-', '|available+'), %(now)s FROM {ENTRIES} s "
            f"WHERE s.id > %(since)s AND s.kind = '{EntryKind.SETTLE}' "
            f"AND s.bucket = '{Bucket.FROZEN}' AND s.amount < 0 "
            f'ON CONFLICT ("key") DO NOTHING', params)
        earnings = cursor.rowcount
    if not earnings:
        return Settled(earnings=0, agents=0, amount=to_money(0))
    agents = post_to_balances(since)
    amount = to_money(LedgerEntry.objects.filter(
        pk__gt=since, kind=EntryKind.SETTLE, bucket=Bucket.AVAILABLE,
    ).aggregate(total=Sum("amount"))["total"])
    SettlementRun.objects.create(settled_through=now, through_entry=since, earnings=earnings,
                                 agents=agents, amount=amount)
    return Settled(earnings=earnings, agents=agents, amount=amount)
