"""What agents earn from their shops' sales, and what a refund takes back (not withdrawals: see
withdrawals.py).

Each earning E (key ``sale:<line id>`` for the seller, ``upline:<line id>`` for the direct
upline) is written pending when the order is paid, then moved as a pair of entries keyed by
where it goes, ``E|pending-`` and ``E|frozen+``, when the order completes (an earning written
for an order already completed — an imported history — is written frozen at once). Settlement
(settlement.py) releases the frozen entry (FrozenRelease) and moves each agent's released sum
to available. A refund takes the money out of whichever bucket it is in: ``E|pending-`` or
``E|frozen-`` as a CANCEL before settlement (releasing the frozen entry, so no settlement moves
it later), ``E|available-`` as a REVERSAL after it. An earning enters and leaves each bucket at
most once, so the unique keys make every step happen once, whoever repeats it.

The amounts are worked out in SQL, one set-based statement for any set of lines (one order's
through the receivers, or every completed line in bulk), in integer fen so SQLite's floating
point never rounds differently from PostgreSQL or from ``money.to_money`` (half up):

- nobody earns on their own order: the seller earns nothing on an order whose buyer is
  themselves (checkout refuses those, orders/buyers.py; older ones were recorded), and the
  upline nothing on an order they placed; an order bought by any other agent (of the seller's
  team, above them or elsewhere: no real customer) earns only when the owner switched
  ``team_orders_earn`` on;
- otherwise the seller earns what the customer paid for the line less the level price ×
  quantity when the goods come from the owner's stock, and all of it when they come from the
  seller's own cloud stock (they paid the level price already); never below zero;
- the direct upline (active, binding not expired) earns ``upline_percent`` of the seller's
  earning when the owner switched that on. It comes out of the owner's share of the line
  (what the customer paid less the seller's earning: the level price), so it is capped there,
  and where the line recorded the goods' cost (``cost_price``), capped so the owner keeps at
  least the cost: the commission is cut, never the owner's cost. With a percentage below 100
  (a constraint), the upline never earns more than the seller.

The upline's commission is worked out per order, not per line, so that how a cart is split
into lines never changes it: each line's exact share (in 1/10000 fen) is summed over the
order and rounded half up once, and the fen are handed to the lines by largest remainder
(ties to the lower line id), each line its share rounded down plus at most one fen — which
keeps every line within its caps, and the lines add up to the order's figure.

What the customer paid for a line is its ``line_total``: the shipping fee is the owner's and
checkout has no order discounts. Should discounts come, a line's paid amount is its total less
the discount shared out in proportion to the line totals, and only ``PAID_CENTS`` changes.

Every writer here (and settlement) takes turns on the ledger's lock and posts the entries it
inserted to the balances in one statement (ledger.py).
"""

from django.db import connection, transaction
from django.utils import timezone

from weishang.accounts.models import Shop
from weishang.catalog.models import Variant
from weishang.network.models import Agent, AgentLevel, AgentState, LevelVariantRule
from weishang.orders.models import (
    BuyerRelation,
    Order,
    OrderKind,
    OrderLine,
    OrderState,
    StockSource,
)

from ..models import Bucket, CommissionSettings, EntryKind, FrozenRelease, LedgerEntry
from .ledger import (
    EARNING_KINDS,
    ENTRIES,
    INSERT_ENTRIES,
    LEDGER_KINDS,
    as_stored_time,
    db_time,
    last_entry_id,
    lock_ledger,
    post_to_balances,
    sql_list,
)

#: What the customer paid for a line, in fen (see the module's note on discounts).
PAID_CENTS = "CAST(ROUND(ol.line_total * 100) AS BIGINT)"


def _cents(column: str) -> str:
    return f"CAST(ROUND({column} * 100) AS BIGINT)"

# ---------------------------------------------------------------------------------------------
# Earning: a retail order of an agent's shop is paid


def _lines_earning(order_filter: str, *, upline: bool) -> str:
    """One row per retail line of an agent's shop among the orders ``order_filter`` (SQL on
    ``o``) selects: who sells, who is their direct upline now, the seller's earning in fen and,
    when ``upline``, the upline's exact share of it (``share``, in 1/10000 fen) within the
    owner's share of the line above the goods' cost. Parameters: ``now``,
    ``team_orders_earn`` (0 or 1) and ``upline_basis_points``."""
    level_price = (
        f"CASE WHEN ol.level_price IS NOT NULL THEN {_cents('ol.level_price')} "
        f"WHEN r.price IS NOT NULL THEN {_cents('r.price')} "
        f"ELSE ({_cents('v.retail_price')} * (10000 - {_cents('lv.discount_percent')}) + 5000)"
        f" / 10000 END")
    lines = (
        f"SELECT ol.id AS line_id, ol.order_id AS order_id, a.id AS seller_id, "
        f"CASE WHEN up.state = '{AgentState.ACTIVE}' AND (a.upline_until IS NULL "
        f"OR a.upline_until > %(now)s) AND (o.buyer_agent_id IS NULL "
        f"OR o.buyer_agent_id <> up.id) THEN up.id END AS upline_id, "
        f"CASE WHEN o.buyer_relation = '{BuyerRelation.SELF}' OR o.buyer_agent_id = a.id "
        f"OR (o.buyer_relation <> '{BuyerRelation.CUSTOMER}' AND %(team_orders_earn)s = 0) "
        f"THEN 0 ELSE 1 END AS earns, "
        f"ol.stock_source AS source, {PAID_CENTS} AS paid, {level_price} AS unit_cost, "
        f"{_cents('ol.cost_price')} AS unit_owner_cost, ol.quantity AS quantity, "
        f"o.after_sales_until AS after_sales_until "
        f"FROM {OrderLine._meta.db_table} ol "
        f"JOIN {Order._meta.db_table} o ON o.id = ol.order_id "
        f"JOIN {Shop._meta.db_table} s ON s.id = o.shop_id "
        f"JOIN {Agent._meta.db_table} a ON a.user_id = s.seller_id "
        f"JOIN {AgentLevel._meta.db_table} lv ON lv.id = a.level_id "
        f"JOIN {Variant._meta.db_table} v ON v.id = ol.variant_id "
        f"LEFT JOIN {Agent._meta.db_table} up ON up.id = a.upline_id "
        f"LEFT JOIN {LevelVariantRule._meta.db_table} r "
        f"ON r.level_id = a.level_id AND r.variant_id = ol.variant_id "
        f"WHERE o.kind = '{OrderKind.RETAIL}' AND {order_filter}")
    seller = (
        f"SELECT l.*, CASE WHEN l.earns = 0 THEN 0 "
        f"WHEN l.source = '{StockSource.CLOUD}' THEN l.paid "
        f"WHEN l.paid > l.unit_cost * l.quantity THEN l.paid - l.unit_cost * l.quantity "
        f"ELSE 0 END AS seller_cents FROM ({lines}) AS l")
    if not upline:
        return seller
    margin = "x.paid - x.seller_cents - COALESCE(x.unit_owner_cost * x.quantity, 0)"
    wanted = "x.seller_cents * %(upline_basis_points)s"
    return (f"SELECT x.*, CASE WHEN x.upline_id IS NULL OR {margin} <= 0 THEN 0 "
            f"WHEN {wanted} < ({margin}) * 10000 THEN {wanted} "
            f"ELSE ({margin}) * 10000 END AS share FROM ({seller}) AS x")


#: The upline's fen per line of ``earning`` (the lines with a share): each line's share rounded
#: down, plus one fen to as many lines as the order's exact total rounded half up has more,
#: the largest remainders first. One window (one sort) for the sums over the order and the
#: rank in it.
UPLINE_FEN = (
    "SELECT e.*, e.share / 10000 + CASE WHEN ROW_NUMBER() OVER w <= "
    "(CAST(SUM(e.share) OVER w AS BIGINT) + 5000) / 10000 "
    "- CAST(SUM(e.share / 10000) OVER w AS BIGINT) THEN 1 ELSE 0 END AS upline_cents "
    "FROM earning e WHERE e.share > 0 "
    "WINDOW w AS (PARTITION BY e.order_id ORDER BY e.share %% 10000 DESC, e.line_id "
    "ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)")

def _earn(order_filter: str, params: dict, now, *, frozen: bool = False) -> None:
    """Write the earnings of the lines ``order_filter`` selects, pending — or, for orders
    already completed (``frozen``), straight into frozen, due at the end of the order's
    after-sales window: the same money in one entry instead of an earning and its move."""
    settings = CommissionSettings.load()
    basis_points = int(settings.upline_percent * 100) if settings.upline_enabled else 0
    params = {**params, "now": db_time(now), "upline_basis_points": basis_points,
              "team_orders_earn": int(settings.team_orders_earn)}
    bucket = Bucket.FROZEN if frozen else Bucket.PENDING
    # A typed NULL: PostgreSQL would take a bare one in a UNION for text.
    no_due = f"CAST(NULL AS {LedgerEntry._meta.get_field('available_at').db_type(connection)})"
    due = as_stored_time("e.after_sales_until") if frozen else no_due

    def entries(agent: str, kind: str, cents: str, key: str, lines: str = "earning") -> str:
        return (f"SELECT {agent}, {kind}, '{bucket}', {cents} / 100.0, e.order_id, e.line_id, "
                f"{due}, '{key}:' || e.line_id, %(now)s FROM {lines} e WHERE {cents} > 0")

    seller = entries("e.seller_id", f"CASE WHEN e.source = '{StockSource.CLOUD}' THEN "
                     f"'{EntryKind.CLOUD_SALE}' ELSE '{EntryKind.SALE}' END", "e.seller_cents",
                     "sale")
    upline = entries("e.upline_id", f"'{EntryKind.UPLINE}'", "e.upline_cents", "upline",
                     lines=f"({UPLINE_FEN})")
    earning = _lines_earning(order_filter, upline=bool(basis_points))
    # One pass over the lines for both earnings (the CTE is read twice, computed once).
    select = seller + (f" UNION ALL {upline}" if basis_points else "")
    with connection.cursor() as cursor:
        cursor.execute(f"{INSERT_ENTRIES}WITH earning AS MATERIALIZED ({earning}) {select} "
                       f'ON CONFLICT ("key") DO NOTHING', params)


def _freeze(order_filter: str, params: dict, now) -> None:
    """Move each pending earning of the completed orders ``order_filter`` selects to frozen,
    due at the end of the order's after-sales window (fixed when it completed)."""
    params = {**params, "now": db_time(now)}
    due = as_stored_time("o.after_sales_until")
    earnings = (f"FROM {ENTRIES} e JOIN {Order._meta.db_table} o ON o.id = e.order_id "
                f"WHERE e.kind IN ({sql_list(EARNING_KINDS)}) AND e.bucket = '{Bucket.PENDING}' "
                f"AND o.completed_at IS NOT NULL AND {order_filter}")
    with connection.cursor() as cursor:
        cursor.execute(
            INSERT_ENTRIES + f"SELECT e.agent_id, '{EntryKind.SETTLE}', '{Bucket.PENDING}', "
            f"-e.amount, e.order_id, e.order_line_id, NULL, e.\"key\" || '|pending-', %(now)s "
            f'{earnings} ON CONFLICT ("key") DO NOTHING', params)
        cursor.execute(
            INSERT_ENTRIES + f"SELECT e.agent_id, '{EntryKind.SETTLE}', '{Bucket.FROZEN}', "
            f"e.amount, e.order_id, e.order_line_id, {due}, e.\"key\" || '|frozen+', %(now)s "
            f"{earnings} AND EXISTS (SELECT 1 FROM {ENTRIES} x WHERE x.\"key\" = e.\"key\" || "
            f"'|pending-' AND x.kind = '{EntryKind.SETTLE}') "
            f'ON CONFLICT ("key") DO NOTHING', params)


def _is_agents_retail(order: Order) -> bool:
    """Only retail orders of an agent's shop earn anything: others skip the ledger lock."""
    return order.kind == OrderKind.RETAIL and Agent.objects.filter(
        user__shop__pk=order.shop_id).exists()


@transaction.atomic
def earn_for_order(order: Order, now=None) -> None:
    """The order was paid: its seller (and the direct upline, if on) earn, pending."""
    if not _is_agents_retail(order):
        return
    lock_ledger()
    since = last_entry_id()
    _earn("o.id = %(order)s", {"order": order.pk}, now or timezone.now())
    post_to_balances(since)


@transaction.atomic
def freeze_for_order(order: Order, now=None) -> None:
    """The order was completed: its pending earnings freeze for the after-sales window."""
    if not _is_agents_retail(order):
        return
    lock_ledger()
    since = last_entry_id()
    _freeze("o.id = %(order)s", {"order": order.pk}, now or timezone.now())
    post_to_balances(since)


def freezing_entries(earnings, keyed: dict[str, LedgerEntry]) -> dict[str, LedgerEntry]:
    """For each earning that froze, the entry holding its frozen money: the earning itself
    when it was written frozen, else its ``E|frozen+`` move (among ``keyed``, entries by key)."""
    frozen = {}
    for earning in earnings:
        entry = earning if earning.bucket == Bucket.FROZEN else keyed.get(f"{earning.key}|frozen+")
        if entry is not None:
            frozen[earning.key] = entry
    return frozen


def _taking_back(entries) -> tuple[list[LedgerEntry], list[FrozenRelease]]:
    """For each earning among ``entries`` (one order's), the entry that takes it out of the
    bucket it is in now (nothing for one already taken back), and the releases of the frozen
    money a cancellation takes, so that no settlement moves it afterwards."""
    keyed = {entry.key: entry for entry in entries}
    earnings = [entry for entry in entries if entry.kind in EARNING_KINDS]
    frozen = freezing_entries(earnings, keyed)
    released = dict(FrozenRelease.objects.filter(
        entry_id__in=[entry.pk for entry in frozen.values()]).values_list("entry_id", "run_id"))
    taken, releases = [], []
    for earning in earnings:
        holding = frozen.get(earning.key)
        if holding is None:
            kind, bucket, key = EntryKind.CANCEL, Bucket.PENDING, "|pending-"
        elif released.get(holding.pk) is not None:
            kind, bucket, key = EntryKind.REVERSAL, Bucket.AVAILABLE, "|available-"
        else:
            kind, bucket, key = EntryKind.CANCEL, Bucket.FROZEN, "|frozen-"
            if holding.pk not in released:
                releases.append(FrozenRelease(entry_id=holding.pk))
        if earning.key + key not in keyed:
            taken.append(LedgerEntry(agent_id=earning.agent_id, kind=kind, bucket=bucket,
                                     amount=-earning.amount, order_id=earning.order_id,
                                     order_line_id=earning.order_line_id,
                                     key=earning.key + key))
    return taken, releases


@transaction.atomic
def take_back_for_order(order: Order) -> int:
    """The order was refunded (or cancelled after payment): every earning on it is taken back
    from where it is — cancelled while pending or frozen, reversed once available (which may
    leave ``available`` negative: carried, and later earnings offset it). Returns how many
    earnings were taken back."""
    if not _is_agents_retail(order):
        return 0
    lock_ledger()
    since = last_entry_id()
    entries = list(LedgerEntry.objects.filter(order=order, kind__in=LEDGER_KINDS)
                   .only("agent_id", "kind", "bucket", "amount", "order_id", "order_line_id",
                         "key"))
    taken, releases = _taking_back(entries)
    FrozenRelease.objects.bulk_create(releases)
    LedgerEntry.objects.bulk_create(taken)
    post_to_balances(since)
    return len(taken)


@transaction.atomic
def earn_completed_lines_in_bulk(now=None) -> int:
    """Every retail line of an agent's shop on a completed order earns, frozen until the end
    of its after-sales window, as the receivers would have done at payment and completion
    (with the settings and uplines of now), in a few statements whatever the number of lines:
    for importing a history and the benchmark. Lines already earned are left as they are
    (pending ones freeze). Returns how many entries it wrote."""
    now = now or timezone.now()
    lock_ledger()
    since = last_entry_id()
    completed = "o.state = %(completed)s"
    params = {"completed": OrderState.COMPLETED}
    _earn(completed, params, now, frozen=True)
    _freeze(completed, params, now)
    post_to_balances(since)
    if connection.vendor == "postgresql":
        # Millions of new rows: refresh the planner's statistics now (a sample, a second or
        # so) rather than let the next settlement plan for the ledger as it was before.
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {ENTRIES}")
    return LedgerEntry.objects.filter(pk__gt=since, kind__in=LEDGER_KINDS).count()

