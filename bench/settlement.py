"""Earnings and settlement at scale: 100k agents in a random tree, 1M completed order lines.

    WEISHANG_HOME=/tmp/weishang-bench python bench/settlement.py [--agents 100000] [--lines 1000000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/weishang_bench python bench/settlement.py

Fills the configured database (a fresh data folder by default) with ``--agents`` agents in a
random tree up to 12 levels deep (each generation's uplines drawn from the ones before) and
``--lines`` order lines of completed retail orders through their shops, four lines an order,
one in four from cloud stock, one in three without a recorded level price (the level's price
counts). The orders and lines are written by INSERT … SELECT: this measures earnings and
settlement, not checkout. The upline commission is on (5%), so both kinds of earning arise.

Then, against a bare baseline (one INSERT … SELECT copying each line's seller, amount and key
into a scratch table, as cheap as writing one row per line gets):

- earnings: ``services.earn_completed_lines_in_bulk()`` — the receivers' SQL over every
  line: each earning, its move to frozen, and the balances;
- settlement: ``settlement.settle()`` after the window — every frozen earning released, each
  agent's sum moved to available;
- check: ``checks.verify_earnings()``.

Prints the time, rows written per second and the ratio to the baseline. Target: earnings and
settlement ≤ 120 s together, on SQLite and on PostgreSQL. Not part of the test run.
"""

import argparse
import random
import time
from datetime import timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone
from shop import build_shop  # sets Django up on a throw-away data folder
from table import Row, add_rows_option, write_rows

from weishang.accounts.models import Role, Shop, User
from weishang.catalog.models import Variant
from weishang.commissions import checks, services
from weishang.commissions.models import CommissionSettings
from weishang.commissions.services import settlement
from weishang.network.models import Agent, AgentLevel
from weishang.orders.models import Order, OrderLine

SEED = 20261205
MAX_DEPTH = 12
LINES_PER_ORDER = 4
BATCH = 5000


def build_agents(count: int) -> None:
    """``count`` agents, generation by generation: each draws its upline from the generations
    before (none for the first), so the tree is at most MAX_DEPTH deep."""
    have = Agent.objects.count()
    if have >= count:
        return
    rng = random.Random(SEED)
    level, _ = AgentLevel.objects.get_or_create(rank=1, defaults={
        "name": "特约", "discount_percent": Decimal("30")})
    generation_size = -(-count // (MAX_DEPTH + 1))
    earlier: list[int] = []
    for start in range(0, count, generation_size):
        size = min(generation_size, count - start)
        users = User.objects.bulk_create(
            [User(username=f"bench-agent-{start + i}", role=Role.AGENT, password="!")
             for i in range(size)], batch_size=BATCH)
        Shop.objects.bulk_create([Shop(seller=user, name="代理小店", code=f"b{user.pk:015d}")
                                  for user in users], batch_size=BATCH)
        agents = Agent.objects.bulk_create(
            [Agent(user=user, level=level, state="active", name=f"代理{user.pk}",
                   code=f"b{user.pk:015d}",
                   upline_id=rng.choice(earlier) if earlier and rng.random() < 0.9 else None)
             for user in users], batch_size=BATCH)
        earlier.extend(agent.pk for agent in agents)


def _sequence(count: int) -> str:
    if connection.vendor == "postgresql":
        return f"SELECT generate_series(1, {count}) AS n"
    return (f"WITH RECURSIVE seq(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM seq "
            f"WHERE n < {count}) SELECT n FROM seq")


def build_orders(lines: int) -> None:
    """Completed retail orders through random agents' shops, LINES_PER_ORDER lines each."""
    orders = lines // LINES_PER_ORDER
    if Order.objects.count() >= orders:
        return
    shops = list(Shop.objects.filter(seller__role=Role.AGENT).order_by("pk")
                 .values_list("pk", flat=True))
    first_shop, shop_count = shops[0], len(shops)
    assert shops[-1] - first_shop + 1 == shop_count, "agent shops have consecutive ids"
    variants = list(Variant.objects.order_by("pk").values_list("pk", flat=True))[
        :LINES_PER_ORDER]
    completed_at = timezone.now() - timedelta(days=30)
    completed = connection.ops.adapt_datetimefield_value(completed_at)
    window_end = connection.ops.adapt_datetimefield_value(completed_at + timedelta(days=7))
    total = Decimal("99.00") * LINES_PER_ORDER
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {Order._meta.db_table} (number, access_token, shop_id, channel, kind, "
            f"delivery, state, idempotency_scope, request_digest, recipient_name, "
            f"recipient_phone, province, city, district, "
            f"street, customer_note, source_channel, source_post, source_link, goods_total, "
            f"shipping_fee, payable, paid_at, payment_reference, shipped_at, carrier, "
            f"tracking_number, completed_at, after_sales_until, created_at, updated_at) "
            f"SELECT 'B' || s.n, 'bench' || s.n, {first_shop} + (s.n * 7919) %% {shop_count}, "
            f"'shop', 'retail', '', 'completed', '', '', '张三', '13812345678', '广东省', "
            f"'深圳市', '南山区', '科技园', '', '', '', '', {total}, 0, {total}, %s, '', %s, 'SF', "
            f"'SF' || s.n, %s, %s, %s, %s FROM ({_sequence(orders)}) AS s",
            [completed] * 3 + [window_end] + [completed] * 2)
        for position, variant in enumerate(variants):
            cursor.execute(
                f"INSERT INTO {OrderLine._meta.db_table} (order_id, variant_id, product_title, "
                f"spec_label, sku_code, unit_price, quantity, line_total, stock_source, "
                f"level_price) SELECT o.id, {variant}, '基准商品', '', '', 99.00, 1, 99.00, "
                f"CASE WHEN (o.id + {position}) % 4 = 0 THEN 'cloud' ELSE 'warehouse' END, "
                f"CASE WHEN (o.id + {position}) % 3 = 0 THEN NULL ELSE 69.30 END "
                f"FROM {Order._meta.db_table} o WHERE o.kind = 'retail'")


def timed(function):
    started = time.perf_counter()
    result = function()
    return result, time.perf_counter() - started


def baseline_copy() -> tuple[int, float]:
    """One INSERT … SELECT of every line's seller, amount and key into a scratch table."""
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_line_copy")
        cursor.execute('CREATE TABLE bench_line_copy (agent_id BIGINT, amount NUMERIC(14, 2), '
                       '"key" VARCHAR(80))')

        def copy():
            cursor.execute(
                f"INSERT INTO bench_line_copy SELECT a.id, ol.line_total, 'sale:' || ol.id "
                f"FROM {OrderLine._meta.db_table} ol JOIN {Order._meta.db_table} o "
                f"ON o.id = ol.order_id JOIN {Shop._meta.db_table} s ON s.id = o.shop_id "
                f"JOIN {Agent._meta.db_table} a ON a.user_id = s.seller_id")
            return cursor.rowcount

        with transaction.atomic():
            rows, seconds = timed(copy)
        cursor.execute("DROP TABLE bench_line_copy")
    return rows, seconds


def report(name: str, rows: int, seconds: float, base_rate: float) -> Row:
    rate = rows / seconds if seconds else float("inf")
    print(f"{name:<12} {rows:>10,} rows  {seconds:8.2f} s  {rate:>12,.0f} rows/s  "
          f"× {base_rate / rate if rate else float('inf'):6.1f} the baseline's time per row")
    return Row("settlement", f"{name}: rows written", rate, "rows/s", "INSERT … SELECT copy",
               base_rate)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", type=int, default=100_000)
    parser.add_argument("--lines", type=int, default=1_000_000)
    add_rows_option(parser)
    args = parser.parse_args()

    build_shop(1)
    settings = CommissionSettings.load()
    settings.upline_enabled, settings.upline_percent = True, Decimal("5")
    settings.save()
    _, seconds = timed(lambda: build_agents(args.agents))
    print(f"agents: {Agent.objects.count():,} (built in {seconds:.1f} s)")
    _, seconds = timed(lambda: build_orders(args.lines))
    print(f"order lines: {OrderLine.objects.count():,} (built in {seconds:.1f} s)  "
          f"database: {connection.vendor}")
    # A database in service has statistics about its tables (PostgreSQL's autovacuum keeps
    # them); one just filled by INSERT … SELECT has none yet, and plans as if it were empty.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    rows, seconds = baseline_copy()
    base_rate = rows / seconds
    report("baseline", rows, seconds, base_rate)
    written, earn_seconds = timed(services.earn_completed_lines_in_bulk)
    rows = [report("earnings", written, earn_seconds, base_rate)]
    settled, settle_seconds = timed(
        lambda: settlement.settle(now=timezone.now() + timedelta(days=30)))
    # A release per earning, and a pair of ledger entries per agent.
    rows.append(report("settlement", settled.earnings + 2 * settled.agents, settle_seconds,
                       base_rate))
    print(f"             {settled.earnings:,} earnings of {settled.agents:,} agents settled, "
          f"{settled.amount} in all")
    problems, seconds = timed(checks.verify_earnings)
    print(f"check        {len(problems)} problems in {seconds:.2f} s")
    total = earn_seconds + settle_seconds
    print(f"earnings + settlement: {total:.1f} s (target ≤ 120 s): "
          f"{'OK' if total <= 120 else 'TOO SLOW'}")
    at_scale = args.agents >= 100_000 and args.lines >= 1_000_000
    rows += [Row("settlement", f"earnings + settlement, {args.lines:,} lines", total, "s",
                 target="≤ 120 s for 1M lines", met=total <= 120 if at_scale else None),
             Row("settlement", "check: problems found", len(problems), "", target="0",
                 met=not problems)]
    write_rows(args.json, rows)


if __name__ == "__main__":
    main()
