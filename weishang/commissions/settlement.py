"""Settlement (结算): frozen earnings whose after-sales window has passed become available.

Set-based: one INSERT … SELECT writes the ``E|frozen-`` entry of every due earning, a second
its ``E|available+`` twin, and one UPDATE adds their sums to the balances — no loop over rows.
Idempotent: an earning leaves frozen once (its unique key), so a second run, or one waiting
behind a first for the ledger lock, finds nothing left to move; and a refund that cancelled a
frozen earning wrote that same key first.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from weishang.core.money import to_money

from .models import Bucket, EntryKind, LedgerEntry
from .services import _INSERT, ENTRIES, _db_time, last_entry_id, lock_ledger, post_to_balances


@dataclass(frozen=True)
class Settled:
    earnings: int
    agents: int
    amount: Decimal


def _due_sql(now_param: str) -> str:
    """SQL comparing ``f.available_at`` with the run's time in the form the column is stored
    in (SQLite compares text, whose fraction of a second the freeze wrote to milliseconds)."""
    if connection.vendor == "sqlite":
        return f"f.available_at <= strftime('%%Y-%%m-%%d %%H:%%M:%%f', {now_param})"
    return f"f.available_at <= {now_param}"


@transaction.atomic
def settle(now=None) -> Settled:
    """Move every frozen earning due by ``now`` (default: now) to available."""
    now = _db_time(now or timezone.now())
    lock_ledger()
    since = last_entry_id()
    with connection.cursor() as cursor:
        cursor.execute(
            _INSERT + f"SELECT f.agent_id, '{EntryKind.SETTLE}', '{Bucket.FROZEN}', -f.amount, "
            f"f.order_id, f.order_line_id, NULL, REPLACE(f.\"key\", '|frozen+', '|frozen-'), "
            f"%(now)s FROM {ENTRIES} f WHERE f.bucket = '{Bucket.FROZEN}' "
            f"AND f.kind = '{EntryKind.SETTLE}' AND f.amount > 0 AND {_due_sql('%(now)s')} "
            f"AND NOT EXISTS (SELECT 1 FROM {ENTRIES} x "
            f"WHERE x.\"key\" = REPLACE(f.\"key\", '|frozen+', '|frozen-')) "
            f"ON CONFLICT (\"key\") DO NOTHING", {"now": now})
        cursor.execute(
            _INSERT + f"SELECT s.agent_id, '{EntryKind.SETTLE}', '{Bucket.AVAILABLE}', -s.amount, "
            f"s.order_id, s.order_line_id, NULL, REPLACE(s.\"key\", '|frozen-', '|available+'), "
            f"%(now)s FROM {ENTRIES} s WHERE s.id > %(since)s AND s.kind = '{EntryKind.SETTLE}' "
            f"AND s.bucket = '{Bucket.FROZEN}' AND s.amount < 0 "
            f"ON CONFLICT (\"key\") DO NOTHING", {"now": now, "since": since})
        earnings = cursor.rowcount
    agents = post_to_balances(since) if earnings else 0
    moved = LedgerEntry.objects.filter(pk__gt=since, kind=EntryKind.SETTLE,
                                       bucket=Bucket.AVAILABLE)
    total = sum(moved.values_list("amount", flat=True), Decimal(0)) if earnings else 0
    return Settled(earnings=earnings, agents=agents, amount=to_money(total))
