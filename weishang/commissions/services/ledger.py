"""The ledger's plumbing shared by its set-based writers (earnings.py, settlement.py): the
one lock they take turns on, the balances posted from the entries a step inserted, and the SQL
pieces both write entries with. Withdrawals move single rows through the ORM (withdrawals.py).

Every such writer first locks the one CommissionSettings row, so they run one at a time: the
entries a step inserted are those of our kinds above the highest id seen under the lock, and the
balances are updated from their sums in one statement.
"""

from django.db import connection

from ..models import AgentBalance, Bucket, CommissionSettings, EntryKind, LedgerEntry

#: Entries earnings and settlement write; withdrawals write the others.
EARNING_KINDS = (EntryKind.SALE, EntryKind.CLOUD_SALE, EntryKind.UPLINE)
LEDGER_KINDS = (*EARNING_KINDS, EntryKind.SETTLE, EntryKind.CANCEL, EntryKind.REVERSAL)

ENTRIES = LedgerEntry._meta.db_table
BALANCES = AgentBalance._meta.db_table


def sql_list(values) -> str:
    """Constants of ours (entry kinds) as an SQL list: 'sale', 'cloud_sale'."""
    return ", ".join(f"'{value}'" for value in values)


def db_time(value):
    return connection.ops.adapt_datetimefield_value(value)


def lock_ledger() -> None:
    """Wait for any other earnings writer or settlement run to finish (the CommissionSettings
    row, locked until this transaction ends; SQLite's writers take turns anyway)."""
    CommissionSettings.load(lock=True)


def last_entry_id() -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {ENTRIES}")
        return cursor.fetchone()[0]


def post_to_balances(since_id: int) -> int:
    """Add the entries of our kinds inserted after ``since_id`` (under the ledger lock: this
    transaction's) to their agents' balances, creating the missing ones. Returns how many
    agents changed."""
    mine = f"e.id > %s AND e.kind IN ({sql_list(LEDGER_KINDS)})"
    sums = ", ".join(
        f"SUM(CASE WHEN e.bucket = '{bucket}' THEN e.amount ELSE 0 END) AS d_{bucket}"
        for bucket in (Bucket.PENDING, Bucket.FROZEN, Bucket.AVAILABLE))
    changes = ", ".join(f"{bucket} = ROUND({BALANCES}.{bucket} + d.d_{bucket}, 2)"
                        for bucket in (Bucket.PENDING, Bucket.FROZEN, Bucket.AVAILABLE))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {BALANCES} (agent_id, pending, frozen, available, withdrawing, "
            f"withdrawn) SELECT DISTINCT e.agent_id, 0, 0, 0, 0, 0 FROM {ENTRIES} e "
            f"WHERE {mine} AND NOT EXISTS "
            f"(SELECT 1 FROM {BALANCES} b WHERE b.agent_id = e.agent_id) "
            f"ON CONFLICT (agent_id) DO NOTHING", [since_id])
        cursor.execute(
            f"UPDATE {BALANCES} SET {changes} FROM (SELECT e.agent_id, {sums} FROM {ENTRIES} e "
            f"WHERE {mine} GROUP BY e.agent_id) AS d WHERE {BALANCES}.agent_id = d.agent_id",
            [since_id])
        return cursor.rowcount


INSERT_ENTRIES = (f'INSERT INTO {ENTRIES} (agent_id, kind, bucket, amount, order_id, '
                  f'order_line_id, available_at, "key", created_at) ')


def as_stored_time(expression: str) -> str:
    """SQL for a time in the form ``available_at`` is stored in: SQLite compares the text, so
    every due time is written, and compared, to the millisecond."""
    if connection.vendor == "sqlite":
        return f"strftime('%%Y-%%m-%%d %%H:%%M:%%f', {expression})"
    return expression
