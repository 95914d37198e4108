"""Benchmarks of the foundation: stock changes and product lists.

    WEISHANG_HOME=/tmp/weishang-bench python bench/bench_foundation.py [--products 200]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/weishang_bench python bench/bench_foundation.py

Builds a throw-away shop in the configured database (a fresh data folder by default), then times,
against a baseline run in the same process on the same rows:

- ``adjust_stock`` (conditional UPDATE + ledger row + checks, one transaction) against a bare
  conditional UPDATE in a transaction: the price of never losing a movement;
- the console product list and the API product list against a plain ``values()`` read of the
  same page of products: the price of templates, serializers and permission checks.

Prints each figure and the ratio. Not part of the test run.
"""

import argparse
import statistics
import time

import django
from django.db import transaction
from django.db.models import F
from django.test import Client
from shop import build_shop  # sets Django up on a throw-away data folder
from table import Row, add_rows_option, write_rows

from weishang.accounts.services import owner_shop
from weishang.catalog.models import Product, Variant
from weishang.inventory import services as stock
from weishang.inventory.models import StockLevel


def timed(function, repeat: int) -> float:
    """Median seconds of one call over ``repeat`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def report(name: str, measured: float, baseline: float, baseline_name: str) -> Row:
    print(f"{name:<44} {measured * 1000:8.2f} ms   baseline {baseline * 1000:8.2f} ms"
          f"   ratio {measured / baseline:5.2f}x")
    return Row("foundation", name, measured * 1000, "ms", baseline_name, baseline * 1000)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    add_rows_option(parser)
    args = parser.parse_args()

    owner = build_shop(args.products)
    variant = Variant.objects.first()
    level = StockLevel.objects.get(variant=variant)
    print(f"database: {django.db.connection.vendor}; {Product.objects.count()} products, "
          f"{Variant.objects.count()} variants; median of {args.repeat} runs\n")

    def ledgered_change():
        stock.adjust_stock(variant=variant, delta=-1, reason="adjustment", actor=owner)

    def bare_update():
        with transaction.atomic():
            StockLevel.objects.filter(pk=level.pk, quantity__gte=1).update(
                quantity=F("quantity") - 1)

    rows = [report("adjust_stock (UPDATE + ledger row)", timed(ledgered_change, args.repeat),
                   timed(bare_update, args.repeat), "bare conditional UPDATE")]

    def plain_read():
        list(Product.objects.order_by("position", "-id").values("public_id", "title")[:20])

    baseline = timed(plain_read, args.repeat)
    browser = Client()
    browser.force_login(owner)
    pages = {"console product list, 20 per page": lambda: browser.get("/console/products/"),
             "API product list (anonymous), 20 per page": lambda: Client().get("/api/v1/products/"),
             "storefront home, 20 per page": lambda: Client().get(f"/s/{owner_shop().code}/")}
    rows += [report(name, timed(page, args.repeat), baseline, "plain values() read")
             for name, page in pages.items()]
    write_rows(args.json, rows)


if __name__ == "__main__":
    main()
