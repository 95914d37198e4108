"""Storefront throughput: what visitors get from the shop home and product pages, against a bare
Django view.

    pip install -e . && apt-get install wrk
    python bench/storefront.py [--products 1000] [--seconds 10] [--rounds 3] [--connections 16]
                               [--workers 2] [--order-clients 2]
                               [--database sqlite|postgres]
                               [--server postgres://postgres@127.0.0.1:5432]

Builds a shop of ``--products`` products (3 × 3 variants each, in stock) on a fresh data folder
(SQLite, or DATABASE_URL when set), or with ``--database postgres`` in a fresh PostgreSQL
database (ws_bench_<random> on ``--server``, dropped at the end), serves it with gunicorn and
drives it with wrk from this machine. For the product page and the shop home:

- a new visitor: no cookies at all on any request (the click from a link shared in WeChat);
- a returning visitor: the cookies of a first visit (the product page's CSRF cookie; browsing
  starts no session);
- built fresh: a distinct query string on every request (``?r=<thread>-<n>``: a page is cached
  under its full path), so every request renders the page; checked before the run by counting
  a fresh request's queries against a cached one's;

and every product page in turn (a returning visitor), while ``--order-clients`` customers place
orders over HTTP (bench/checkout.py's customers: product page, cart, checkout, order page).

A bare Django view ("hello": same settings and middleware, no template, no query) is measured in
the same run and server. Each URL gets ``--seconds`` per round, the bare view first, and the
rounds repeat ``--rounds`` times taking turns, as other work on the machine comes and goes;
every figure is the median of its rounds, its ratio that median over the bare view's.

Targets: product page and shop home, new and returning visitors, ≥ 50 % of the bare view;
product page built fresh ≥ 20 %; shop home built fresh ≥ 10 %; every product page in turn with
orders being placed ≥ 30 %.
"""

import argparse
import http.cookiejar
import json
import logging
import multiprocessing
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from checkout import LIMIT_LIFTED, Plan, Tally, run, shop_until_time
from table import Row, add_rows_option, write_rows

BENCH_DIR = Path(__file__).resolve().parent


@dataclass
class Page:
    """One line of the report: what wrk asks for, as whom, and its target (ratio to bare)."""
    name: str
    paths: list[str]  # visited in turn
    returning: bool = False  # with the cookies of a first visit
    fresh: bool = False  # a distinct query string on every request
    orders: bool = False  # customers place orders meanwhile
    target: float | None = None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    """The shop served as in production: request log on (a line a request), written to
    gunicorn.log in the data folder rather than over the benchmark's report."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(BENCH_DIR.parent), str(BENCH_DIR)]),
               WEISHANG_INPROCESS_JOBS="0")
    command = [sys.executable, "-m", "gunicorn", "weishang.wsgi:application",
               "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--env", "DJANGO_SETTINGS_MODULE=bench_settings", "--log-level", "warning"]
    log_path = Path(os.environ["WEISHANG_HOME"]) / "gunicorn.log"
    with open(log_path, "ab") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.3)
    server.kill()
    # The data folder goes at exit (shop.py): its log is shown here.
    raise SystemExit("gunicorn did not start:\n" + log_path.read_text()[-3000:])


def first_visit(base: str) -> tuple[str, str, str]:
    """A customer's first visit: the shop home (wherever / leads), the first product page
    linked from it, and the cookies the shop gave (the product page form's CSRF cookie), which
    a returning customer's browser sends with every later page."""
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with browser.open(base + "/", timeout=10) as response:
        home, html = urlsplit(response.geturl()).path, response.read().decode()
    match = re.search(r'href="([^"]*/p/[0-9a-f]{32}/)"', html)
    if not match:
        raise SystemExit("no product link on the shop home")
    product = urlsplit(urllib.request.urljoin(base + home, match.group(1))).path
    browser.open(base + product, timeout=10).close()
    return home, product, "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies)


#: wrk's script: the paths in turn (each thread from its own place), each with a query string of
#: its own when ``fresh``.
WRK_SCRIPT = """
paths = %(paths)s
fresh = %(fresh)s
local threads = 0
function setup(thread)
  thread:set("id", threads)
  threads = threads + 1
end
function init(args)
  id = id or 0
  n = id * math.floor(#paths / 2)
end
function request()
  n = n + 1
  local path = paths[n %% #paths + 1]
  if fresh then path = path .. "?r=" .. id .. "-" .. n end
  return wrk.format(nil, path)
end
"""


def run_wrk(url: str, seconds: int, connections: int, cookie: str,
            script: str | None = None) -> dict[str, float]:
    """wrk on ``url`` (with ``script``, the paths it asks for); no Cookie header when ``cookie``
    is empty."""
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", url]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        if script:
            lua.write(script)
            lua.flush()
            command += ["-s", lua.name]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output).groups()
        figures[f"p{percentile}"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = int(errors.group(1)) if errors else 0
    return figures


def check_fresh_is_rendered(path: str) -> tuple[int, int]:
    """The queries of a cached request of ``path`` and of one with a query string of its own
    (in this process, Django's test client, same database); stops the run unless the latter
    runs more: a page built fresh, not served from the cache."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browser = Client()
    counts = []
    for url in (path, path, f"{path}?r=check"):
        with CaptureQueriesContext(connection) as captured:
            logging.disable(logging.INFO)  # the request log, not over the report
            try:
                status = browser.get(url).status_code
            finally:
                logging.disable(logging.NOTSET)
        if status != 200:
            raise SystemExit(f"GET {url} answered {status}")
        counts.append(len(captured))
    cached, fresh = counts[1:]
    if fresh <= cached:
        raise SystemExit(f"{path}?r=… ran {fresh} queries, a cached request {cached}: "
                         f"not built fresh")
    return cached, fresh


def orders_plan(port: int, seconds: int) -> Plan:
    """What the ordering customers are told: every product (its first variant), and as the
    "scarce" variant bench/checkout.py's customers also add, the last product's first variant,
    which has plenty of stock."""
    from weishang.accounts.services import owner_shop
    from weishang.catalog.models import Product

    products = [f"{product.public_id}/{product.variants.order_by('id').first().public_id}"
                for product in Product.objects.order_by("id")]
    return Plan(port=port, shop=owner_shop().code, products=products,
                scarce=products[-1].split("/")[1], sold_out_texts=[], start=0, seconds=seconds)


def measure(page: Page, base: str, cookie: str, args, plan: Plan) -> dict[str, float]:
    script = None
    if len(page.paths) > 1 or page.fresh:
        script = WRK_SCRIPT % {"paths": "{" + ", ".join(map(json.dumps, page.paths)) + "}",
                               "fresh": "true" if page.fresh else "false"}

    def wrk() -> dict[str, float]:
        return run_wrk(base + page.paths[0], args.seconds, args.connections,
                       cookie if page.returning else "", script)

    if not page.orders:
        return wrk()
    from django.db import connections

    connections.close_all()  # the customers are forked: none of them may share it
    plan.start = time.time()
    with multiprocessing.get_context("fork").Pool(args.order_clients) as pool:
        placing = pool.starmap_async(shop_until_time,
                                     [(number, plan) for number in range(args.order_clients)])
        figures = wrk()
        tallies: list[Tally] = placing.get()
    figures["orders"] = sum(tally.orders for tally in tallies)
    figures["order errors"] = sum(tally.errors for tally in tallies)
    figures["order samples"] = [sample for tally in tallies for sample in tally.samples]
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10, help="per URL and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's")
    parser.add_argument("--order-clients", type=int, default=2,
                        help="customers placing orders while every product page is visited")
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite",
                        help="sqlite: a fresh data folder (or DATABASE_URL when set); "
                             "postgres: a fresh database on --server, dropped at the end")
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432",
                        help="the PostgreSQL server of --database postgres")
    add_rows_option(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")
    if args.database == "sqlite":
        write_rows(args.json, bench(args))
        return
    server = urlsplit(args.server)
    database = f"ws_bench_{secrets.token_hex(4)}"
    run(["createdb", database], server)
    try:
        os.environ["DATABASE_URL"] = f"{server.scheme}://{server.netloc}/{database}"
        rows = bench(args)
    finally:
        from django.db import connections

        connections.close_all()
        run(["dropdb", "--force", "--if-exists", database], server)
    write_rows(args.json, rows)


def bench(args) -> list[Row]:
    for limit in ("PER_ADDRESS", "PER_MOBILE"):  # the ordering customers are not throttled
        os.environ[f"CHECKOUT_LIMIT_{limit}"] = LIMIT_LIFTED
    from django.db import connection
    from shop import build_shop  # sets Django up on a throw-away data folder or DATABASE_URL

    build_shop(args.products)
    database = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(connection.vendor,
                                                                     connection.vendor)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers)
    try:
        home, product, cookie = first_visit(base)
        plan = orders_plan(port, args.seconds)
        every_product = [f"/s/{plan.shop}/p/{entry.split('/')[0]}/" for entry in plan.products]
        pages = [
            Page("bare Django view", ["/bench/hello"]),
            Page("product page, new visitor", [product], target=0.5),
            Page("product page, returning visitor", [product], returning=True, target=0.5),
            Page("product page, built fresh", [product], returning=True, fresh=True,
                 target=0.2),
            Page("shop home, new visitor", [home], target=0.5),
            Page("shop home, returning visitor", [home], returning=True, target=0.5),
            Page("shop home, built fresh", [home], returning=True, fresh=True, target=0.1),
            Page(f"all {len(every_product)} product pages in turn, orders being placed",
                 every_product, returning=True, orders=True, target=0.3),
        ]
        checks = {name: check_fresh_is_rendered(path)
                  for name, path in (("product page", product), ("shop home", home))}
        print(f"{args.products} products on {database}, gunicorn with {args.workers} workers, "
              f"wrk {args.connections} connections × {args.seconds} s per URL and round, "
              f"{args.rounds} rounds taking turns; medians of the rounds")
        print(f"returning visitor's cookies: {cookie or 'none'}; new visitor: no cookies")
        print("built fresh: " + ", ".join(
            f"{name} {fresh} queries (cached: {cached})"
            for name, (cached, fresh) in checks.items()))
        print(f"orders placed meanwhile by {args.order_clients} customers (bench/checkout.py's)"
              f"\n", flush=True)
        rounds = {page.name: [] for page in pages}
        for _round in range(args.rounds):
            for page in pages:
                rounds[page.name].append(measure(page, base, cookie, args, plan))
    finally:
        server.terminate()
        server.wait(30)

    medians = {name: {figure: statistics.median(run_[figure] for run_ in runs)
                      for figure in ("rps", "p50", "p99")}
               for name, runs in rounds.items()}
    bare = medians["bare Django view"]["rps"]
    rows = []
    print(f"{'page':<62}{'req/s':>8}{'p50 ms':>9}{'p99 ms':>9}{'vs bare':>9}{'errors':>8}"
          f"  target")
    for page in pages:
        figures, runs = medians[page.name], rounds[page.name]
        ratio = figures["rps"] / bare
        errors = sum(run_["errors"] for run_ in runs)
        # Fast error pages are no pages: any non-2xx/3xx answer misses the target.
        met = None if page.target is None else ratio >= page.target and errors == 0
        verdict = "" if met is None else f"≥ {page.target:.0%}: {'met' if met else 'NO'}"
        print(f"{page.name:<62}{figures['rps']:>8.0f}{figures['p50']:>9.1f}"
              f"{figures['p99']:>9.1f}{ratio:>8.1%}{errors:>8}  {verdict}")
        if page.target is not None:
            rows.append(Row(f"storefront {database}", page.name, figures["rps"], "req/s",
                            "bare Django view", bare, f"≥ {page.target:.0%} of bare", met))
    ordering = rounds[pages[-1].name]
    placed = [run_["orders"] for run_ in ordering]
    order_errors = sum(run_["order errors"] for run_ in ordering)
    print(f"\norders placed meanwhile: {' / '.join(map(str, placed))} per round "
          f"({statistics.median(placed) / args.seconds:.1f} orders/s median), "
          f"{order_errors} errors")
    for run_ in ordering:
        for sample in run_["order samples"]:
            print(f"    error: {sample}")
    missed = [row.figure for row in rows if not row.met]
    print(f"{len(rows) - len(missed)} of {len(rows)} targets met"
          + (f"; missed: {'; '.join(missed)}" if missed else ""))
    rows.append(Row(f"storefront {database}", "orders placed meanwhile",
                    statistics.median(placed) / args.seconds, "orders/s"))
    return rows


if __name__ == "__main__":
    main()
