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
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("WEISHANG_HOME", tempfile.mkdtemp(prefix="weishang-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "weishang.settings")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402
from django.db.models import F  # noqa: E402
from django.test import Client  # noqa: E402

from weishang.accounts import services as accounts  # noqa: E402
from weishang.accounts.models import Role, User  # noqa: E402
from weishang.catalog import services as catalog  # noqa: E402
from weishang.catalog.models import Product, Variant  # noqa: E402
from weishang.inventory import services as stock  # noqa: E402
from weishang.inventory.models import StockLevel  # noqa: E402

SPECS = [
    {"name": "颜色", "values": ["红", "蓝", "白"]},
    {"name": "尺码", "values": ["S", "M", "L"]},
]


def timed(function, repeat: int) -> float:
    """Median seconds of one call over ``repeat`` calls (after one warm-up call)."""
    function()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def build_shop(products: int) -> User:
    owner = User.objects.filter(role=Role.OWNER).first() or accounts.create_owner(
        username="bench-owner", phone="13800000001", password="Bench-password-2026")
    missing = products - Product.objects.count()
    specs = catalog.clean_specs(SPECS)
    for number in range(missing):
        variants = [catalog.VariantData(spec_values=dict(zip(["颜色", "尺码"], combo, strict=True)),
                                        retail_price="99.00")
                    for combo in catalog.combinations(specs)]
        product = catalog.create_product(title=f"基准商品 {number}", specs=specs, variants=variants)
        catalog.set_on_shelf(product, True)
    for variant in Variant.objects.filter(stock_levels__isnull=True):
        stock.adjust_stock(variant=variant, delta=1_000_000, reason="initial")
    return owner


def report(name: str, measured: float, baseline: float, unit: str = "ms") -> None:
    print(f"{name:<44} {measured * 1000:8.2f} {unit}   baseline {baseline * 1000:8.2f} {unit}"
          f"   ratio {measured / baseline:5.2f}x")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=50)
    args = parser.parse_args()

    call_command("migrate", interactive=False, verbosity=0)
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

    report("adjust_stock (UPDATE + ledger row)", timed(ledgered_change, args.repeat),
           timed(bare_update, args.repeat))

    def plain_read():
        list(Product.objects.order_by("position", "-id").values("public_id", "title")[:20])

    baseline = timed(plain_read, args.repeat)
    browser = Client()
    browser.force_login(owner)
    report("console product list, 20 per page",
           timed(lambda: browser.get("/console/products/"), args.repeat), baseline)
    report("API product list (anonymous), 20 per page",
           timed(lambda: Client().get("/api/v1/products/"), args.repeat), baseline)
    report("storefront home, 20 per page",
           timed(lambda: Client().get("/"), args.repeat), baseline)


if __name__ == "__main__":
    main()
