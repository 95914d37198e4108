"""Checkout throughput: customers placing orders over HTTP (gunicorn + PostgreSQL) beside pgbench.

    pip install -e .
    python bench/checkout.py [--seconds 30] [--clients 16] [--workers 2] [--rounds 3]
                             [--server postgres://postgres@127.0.0.1:5432] [--profile 50]

Creates a fresh PostgreSQL database (ws_bench_<random>) on ``--server``, builds a shop in it
(bench/shop.py) with one scarce variant (``--scarce`` in stock), serves it with gunicorn as
bench/storefront.py does (checkout limits lifted by CHECKOUT_LIMIT_*), and lets ``--clients``
customers (processes, each with one keep-alive connection) shop for ``--seconds``: open a product
page, add it to the cart, add the scarce variant too, open the checkout and place the order with
a name, a mobile number (a new one each order) and an address, as the storefront's forms ask
(CSRF token, idempotency key), then open the order page. A scarce variant refused as sold out
(when adding it, or at checkout) counts as a refusal and the customer starts again with a new
cart. Afterwards the database must show the scarce variant sold exactly its stock, never more.

In the same run, on the same database server, ``pgbench -b simple-update`` with as many clients
on a scratch database (ws_bench_<random>_pgbench): the rounds take turns (checkout, pgbench, …)
and each figure is the median of its rounds. Both databases are dropped at the end.

``--profile N`` then places N more checkouts in this process (Django's test client, same views,
same database) under cProfile and prints where the checkout request's CPU time goes.

Targets: at least 150 orders/s on 2 cores, the scarce variant sold exactly its stock.
"""

import argparse
import contextlib
import http.client
import multiprocessing
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

from table import Row, add_rows_option, write_rows

TARGET_ORDERS_PER_SECOND = 150
LIMIT_LIFTED = str(10**9)
ADDRESS = {"province": "广东省", "city": "深圳市", "district": "南山区",
           "street": "粤海街道科技园南区8栋"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
IDEMPOTENCY_KEY = re.compile(r'name="idempotency_key" value="([^"]+)"')


# ---------------------------------------------------------------------------------------------
# The customers (child processes: plain HTTP, no Django)


@dataclass
class Plan:
    """What every customer is told: where to shop and how a sold-out scarce variant reads."""
    port: int
    shop: str
    products: list[str]  # (product public id, variant public id) as "product/variant"
    scarce: str  # variant public id
    sold_out_texts: list[str]  # any of these in a refused answer: a clean sold-out refusal
    start: float
    seconds: float


@dataclass
class Tally:
    orders: int = 0
    scarce_orders: int = 0
    refusals: int = 0
    errors: int = 0
    ended: float = 0.0  # when the last order in progress at the deadline was done
    latencies: list[float] = field(default_factory=list)
    samples: list[str] = field(default_factory=list)  # the first few errors, for the report


class Refused(Exception):
    """The scarce variant was refused as sold out."""


class Failed(Exception):
    """Anything else than a page or a clean refusal: a 5xx, an unexpected answer, a lost
    connection."""


class Customer:
    """One customer's browser: a keep-alive connection and the shop's cookies."""

    def __init__(self, plan: Plan):
        self.plan = plan
        self.connection = http.client.HTTPConnection("127.0.0.1", plan.port, timeout=60)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None,
                htmx: bool = False) -> tuple[int, str, str]:
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if htmx:
            headers["HX-Request"] = "true"
        try:
            self.connection.request(method, path, body=body, headers=headers)
            response = self.connection.getresponse()
            text = response.read().decode()
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            raise Failed(f"{method} {path}: {error!r}") from error
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        if response.status >= 400 and response.status != 429:
            raise Failed(f"{method} {path}: {response.status}")
        return response.status, response.headers.get("Location", ""), text

    def page(self, path: str) -> str:
        status, _, text = self.request("GET", path)
        if status != 200:
            raise Failed(f"GET {path}: {status}")
        return text

    def add_to_cart(self, token: str, product: str, variant: str) -> None:
        _, _, text = self.request("POST", f"/s/{self.plan.shop}/cart/add/", {
            "csrfmiddlewaretoken": token, "variant": variant, "quantity": "1",
            "product": product}, htmx=True)
        if "message-error" in text:
            if any(sold_out in text for sold_out in self.plan.sold_out_texts):
                raise Refused
            raise Failed(f"add to cart refused: {text[:200]!r}")

    def checkout(self, number: str) -> float:
        """Places the cart's order; returns the seconds the checkout request took."""
        form = self.page(f"/s/{self.plan.shop}/checkout/")
        fields = {"csrfmiddlewaretoken": TOKEN.search(form).group(1),
                  "idempotency_key": IDEMPOTENCY_KEY.search(form).group(1),
                  "name": "张三", "phone": number, **ADDRESS, "note": ""}
        started = time.perf_counter()
        status, location, text = self.request("POST", f"/s/{self.plan.shop}/checkout/", fields)
        elapsed = time.perf_counter() - started
        if status == 302 and "/orders/" in location:
            self.page(urlsplit(location).path)
            return elapsed
        if status == 200 and any(sold_out in text for sold_out in self.plan.sold_out_texts):
            raise Refused
        raise Failed(f"checkout answered {status} {location}")

    def shop_once(self, number: str, tally: Tally) -> None:
        product, variant = self.plan.products[tally.orders % len(self.plan.products)].split("/")
        token = TOKEN.search(self.page(f"/s/{self.plan.shop}/p/{product}/")).group(1)
        self.add_to_cart(token, product, variant)
        with_scarce = True
        try:
            self.add_to_cart(token, product, self.plan.scarce)
        except Refused:
            tally.refusals += 1
            with_scarce = False
        try:
            tally.latencies.append(self.checkout(number))
        except Refused:
            tally.refusals += 1
            self.cookies.clear()  # a new visit, with an empty cart
            return
        tally.orders += 1
        tally.scarce_orders += with_scarce


def shop_until_time(number: int, plan: Plan) -> Tally:
    """A customer's loop; each order with a new mobile number."""
    customer, tally = Customer(plan), Tally()
    time.sleep(max(0.0, plan.start - time.time()))
    attempt = 0
    while time.time() < plan.start + plan.seconds:
        attempt += 1
        try:
            customer.shop_once(f"139{number:02d}{attempt:06d}", tally)
        except Failed as error:
            tally.errors += 1
            if len(tally.samples) < 3:
                tally.samples.append(str(error))
            customer.cookies.clear()
    tally.ended = time.time()
    return tally


# ---------------------------------------------------------------------------------------------
# The databases and the rounds (the parent: Django on the benchmark's database)


def run(command: list[str], server) -> str:
    return subprocess.run([command[0], "-h", server.hostname or "127.0.0.1",
                           "-p", str(server.port or 5432), "-U", server.username or "postgres",
                           *command[1:]], check=True, capture_output=True, text=True).stdout


def pgbench_round(server, database: str, clients: int, seconds: int) -> float:
    output = run(["pgbench", "-n", "-b", "simple-update", "-c", str(clients), "-j", "2",
                  "-T", str(seconds), database], server)
    return float(re.search(r"tps = ([\d.]+)", output).group(1))


def set_scarce_stock(variant, quantity: int, owner) -> None:
    from weishang.inventory import services as stock
    from weishang.inventory.models import StockLevel

    now = StockLevel.objects.get(variant=variant).quantity
    if now != quantity:
        stock.adjust_stock(variant=variant, delta=quantity - now, reason="adjustment",
                           actor=owner)


def sold(variant) -> int:
    from django.db.models import Sum

    from weishang.orders.models import OrderLine

    return OrderLine.objects.filter(variant=variant).aggregate(n=Sum("quantity"))["n"] or 0


def checkout_round(plan: Plan, clients: int) -> Tally:
    from django.db import connections

    connections.close_all()  # the customers are forked: none of them may share it
    with multiprocessing.get_context("fork").Pool(clients) as pool:
        tallies = pool.starmap(shop_until_time, [(number, plan) for number in range(clients)])
    total = Tally()
    for tally in tallies:
        total.orders += tally.orders
        total.scarce_orders += tally.scarce_orders
        total.refusals += tally.refusals
        total.errors += tally.errors
        total.latencies += tally.latencies
        total.samples += tally.samples
        total.ended = max(total.ended, tally.ended)
    return total


def profile_checkouts(plan: Plan, count: int) -> None:
    """``count`` checkouts through the same views in this process (Django's test client): the
    CPU time and queries of the checkout request (the POST) alone, then ``count`` more under
    cProfile (CPU time); prints the top 15 functions by own time and the top 15 of the
    project's by cumulative time."""
    import cProfile
    import pstats

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    product, variant = plan.products[0].split("/")

    def checkout(number: str, around):
        browser = Client()
        browser.get(f"/s/{plan.shop}/p/{product}/")
        browser.post(f"/s/{plan.shop}/cart/add/", {"variant": variant, "quantity": "1"},
                     headers={"HX-Request": "true"})
        form = browser.get(f"/s/{plan.shop}/checkout/").content.decode()
        fields = {"idempotency_key": IDEMPOTENCY_KEY.search(form).group(1), "name": "李四",
                  "phone": number, **ADDRESS, "note": ""}
        with around:
            response = browser.post(f"/s/{plan.shop}/checkout/", fields)
        if response.status_code != 302:
            raise SystemExit(f"profiled checkout answered {response.status_code}")

    queries = []
    for attempt in range(count):
        captured = CaptureQueriesContext(connection)
        checkout(f"13798{attempt:06d}", captured)
        queries.append(len(captured))
    post_cpu = []
    for attempt in range(count):
        timer = CpuTimer()
        checkout(f"13797{attempt:06d}", timer)
        post_cpu.append(timer.seconds)
    profile = cProfile.Profile(time.process_time)
    for attempt in range(count):
        checkout(f"13799{attempt:06d}", profile)
    print(f"\nprofile of the checkout request (the POST only; in-process test client, same "
          f"database): {statistics.median(post_cpu) * 1000:.1f} ms CPU (median of {count}), "
          f"{statistics.median(queries)} queries; top 15 by own CPU time, then the project's "
          f"top 15 by cumulative CPU time, over {count} profiled checkouts")
    pstats.Stats(profile, stream=sys.stdout).strip_dirs().sort_stats("tottime").print_stats(15)
    pstats.Stats(profile, stream=sys.stdout).sort_stats("cumulative").print_stats(
        "/weishang/", 15)


class CpuTimer(contextlib.AbstractContextManager):
    """The CPU time this process spends in a ``with`` block."""

    def __enter__(self):
        self.started = time.process_time()
        return self

    def __exit__(self, *exc_info):
        self.seconds = time.process_time() - self.started


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=30, help="of each round, each side")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--products", type=int, default=20)
    parser.add_argument("--scarce", type=int, default=50, help="stock of the scarce variant")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server (the databases are made and dropped)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="then profile N checkouts in-process")
    add_rows_option(parser)
    args = parser.parse_args()

    server = urlsplit(args.server)
    database = f"ws_bench_{secrets.token_hex(4)}"
    scratch = f"{database}_pgbench"
    run(["createdb", database], server)
    run(["createdb", scratch], server)
    try:
        rows = bench(args, server, database, scratch)
    finally:
        for name in (database, scratch):
            run(["dropdb", "--force", "--if-exists", name], server)
    write_rows(args.json, rows)


def bench(args, server, database: str, scratch: str) -> list[Row]:
    os.environ["DATABASE_URL"] = f"{server.scheme}://{server.netloc}/{database}"
    for limit in ("PER_ADDRESS", "PER_MOBILE"):
        os.environ[f"CHECKOUT_LIMIT_{limit}"] = LIMIT_LIFTED
    from django.utils import translation
    from shop import build_shop  # sets Django up on DATABASE_URL
    from storefront import free_port, start_gunicorn

    from weishang.accounts.services import owner_shop
    from weishang.catalog.models import Product, Variant
    from weishang.inventory.services import item_name
    from weishang.orders.models import Order

    owner = build_shop(args.products)
    products = list(Product.objects.order_by("id"))
    scarce = Variant.objects.filter(product=products[0]).order_by("id").first()
    with translation.override("zh-hans"):
        sold_out_texts = [
            translation.gettext("“%(item)s” is sold out.") % {"item": item_name(scarce)},
            translation.gettext("Not enough stock of “%(item)s”: %(available)d available, "
                                "%(requested)d requested.")
            % {"item": item_name(scarce), "available": 0, "requested": 1}]
    run(["pgbench", "-i", "-q", "-s", "1", scratch], server)
    port = free_port()
    plan = Plan(port=port, shop=owner_shop().code, scarce=scarce.public_id,
                products=[f"{product.public_id}/{product.variants.order_by('id').first().public_id}"
                          for product in products[1:]],
                sold_out_texts=sold_out_texts, start=0, seconds=args.seconds)
    print(f"{args.products} products, one scarce variant ({args.scarce} in stock each round) "
          f"that every order also tries to buy; gunicorn with {args.workers} workers on "
          f"PostgreSQL ({database}), {args.clients} customers (processes) × {args.seconds} s; "
          f"pgbench simple-update, {args.clients} clients × {args.seconds} s; "
          f"{args.rounds} rounds taking turns\n")

    server_process = start_gunicorn(port, args.workers)
    rounds, pgbench_tps, tallies = [], [], []
    oversold, unsold, broken = 0, 0, 0
    try:
        for number in range(1, args.rounds + 1):
            set_scarce_stock(scarce, args.scarce, owner)
            sold_before, orders_before = sold(scarce), Order.objects.count()
            plan.start = time.time() + 1
            tally = checkout_round(plan, args.clients)
            sold_now, left = sold(scarce) - sold_before, scarce.stock_levels.get().quantity
            placed = Order.objects.count() - orders_before
            # Never more than the stock, and the stock left is exactly what was not sold.
            oversold += max(0, sold_now - args.scarce)
            unsold += max(0, left)
            broken += sold_now + left != args.scarce or left < 0
            verdict = ("exactly its stock" if sold_now == args.scarce and left == 0
                       else "OVERSOLD" if sold_now > args.scarce
                       else "STOCK LEFT DOES NOT ADD UP" if sold_now + left != args.scarce
                       else "not sold out: too few orders wanted it")
            tps = pgbench_round(server, scratch, args.clients, args.seconds)
            rate = tally.orders / (tally.ended - plan.start)
            rounds.append(rate)
            pgbench_tps.append(tps)
            tallies.append(tally)
            latencies = sorted(tally.latencies)
            print(f"round {number}: {rate:6.1f} orders/s ({tally.orders} orders, {placed} in "
                  f"the database), checkout p50 {percentile(latencies, 50):.0f} ms, "
                  f"p99 {percentile(latencies, 99):.0f} ms, {tally.refusals} sold-out refusals, "
                  f"{tally.errors} errors; scarce variant: {sold_now} sold of {args.scarce} "
                  f"({tally.scarce_orders} orders with it as the customers saw them), "
                  f"{left} left ({verdict}); pgbench {tps:,.0f} tps", flush=True)
            for sample in tally.samples:
                print(f"    error: {sample}")
        if args.profile:
            profile_checkouts(plan, args.profile)
    finally:
        server_process.terminate()
        server_process.wait(30)
        from django.db import connections

        connections.close_all()

    latencies = sorted(latency for tally in tallies for latency in tally.latencies)
    orders_per_second, tps = statistics.median(rounds), statistics.median(pgbench_tps)
    errors = sum(tally.errors for tally in tallies)
    refusals = sum(tally.refusals for tally in tallies)
    p50, p99 = percentile(latencies, 50), percentile(latencies, 99)
    exact = oversold == unsold == broken == 0
    met = orders_per_second >= TARGET_ORDERS_PER_SECOND and exact and errors == 0
    print(f"\nmedian of {args.rounds} rounds: {orders_per_second:.1f} orders/s, checkout p50 "
          f"{p50:.0f} ms, p99 {p99:.0f} ms (all rounds), {refusals} sold-out refusals, "
          f"{errors} errors; pgbench {tps:,.0f} tps; orders/s ÷ pgbench tps = "
          f"{orders_per_second / tps:.4f}")
    print(f"scarce variant: {oversold} oversold, {unsold} unsold, stock adding up in "
          f"{args.rounds - broken} of {args.rounds} rounds: "
          f"{'sold exactly its stock' if exact else 'NOT exactly its stock'}")
    print(f"target ≥ {TARGET_ORDERS_PER_SECOND} orders/s, zero oversell, no errors: "
          f"{'met' if met else 'NOT met'}")
    name = "checkout"
    return [
        Row(name, f"orders/s ({args.clients} clients)", orders_per_second, "orders/s",
            "pgbench", tps, f"≥ {TARGET_ORDERS_PER_SECOND} orders/s",
            orders_per_second >= TARGET_ORDERS_PER_SECOND, baseline_unit="tps"),
        Row(name, "checkout p50", p50, "ms"),
        Row(name, "checkout p99", p99, "ms"),
        Row(name, "scarce variant oversold", oversold, "units", target="0",
            met=oversold == broken == 0),
        Row(name, "scarce variant unsold", unsold, "units", target="0", met=unsold == 0),
        Row(name, "sold-out refusals", refusals, ""),
        Row(name, "errors (5xx, unexpected answers)", errors, "", target="0",
            met=errors == 0),
    ]


def percentile(values: list[float], percent: int) -> float:
    """In milliseconds, of sorted seconds (nan when there are none)."""
    if not values:
        return float("nan")
    return values[min(len(values) - 1, len(values) * percent // 100)] * 1000


if __name__ == "__main__":
    main()
