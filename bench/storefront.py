"""Storefront throughput: the shop home and a product page against a bare Django view.

    pip install -e . && apt-get install wrk
    python bench/storefront.py [--products 1000] [--seconds 10] [--connections 16] [--workers 2]

Builds a shop of ``--products`` products (3 × 3 variants each, in stock) on a fresh data folder
(or DATABASE_URL), serves it with gunicorn, and drives it with wrk from this machine as a
returning customer (with the cookies of a first visit: the shop's and the product page's CSRF
cookie; browsing starts no session). A bare Django view ("hello": same settings and
middleware, no template, no query) is measured in the same run and server, so the ratio says
what the shop's pages cost over Django itself.
Target: the product page serves at least 50% of the bare view's requests per second.
"""

import argparse
import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from shop import build_shop  # sets Django up on a throw-away data folder
from table import Row, add_rows_option, write_rows

BENCH_DIR = Path(__file__).resolve().parent
TARGET_RATIO = 0.5


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
    raise SystemExit(f"gunicorn did not start: see {log_path}")


def visit_shop(base: str) -> tuple[dict[str, str], str]:
    """A customer's first visit: the page URLs (the shop home, wherever / leads, and the first
    product page linked from it) and the cookies the shop gave (the shop entered, the CSRF
    cookie of the product page's form), which a customer's browser sends with every later
    page."""
    cookies = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(cookies))
    with browser.open(base + "/", timeout=10) as response:
        home, html = response.geturl(), response.read().decode()
    match = re.search(r'href="([^"]*/p/[0-9a-f]{32}/)"', html)
    if not match:
        raise SystemExit("no product link on the shop home")
    urls = {"bare Django view": base + "/bench/hello", "shop home": home,
            "product page": urllib.request.urljoin(home, match.group(1))}
    browser.open(urls["product page"], timeout=10).close()
    return urls, "; ".join(f"{cookie.name}={cookie.value}" for cookie in cookies)


def run_wrk(url: str, seconds: int, connections: int, cookie: str) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency",
         "-H", f"Cookie: {cookie}", url],
        capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))}
    figures["requests"] = int(re.search(r"(\d+) requests in", output).group(1))
    for percentile in ("50", "99"):
        value, unit = re.search(rf"\s{percentile}%\s+([\d.]+)(us|ms|s)", output).groups()
        figures[f"p{percentile}"] = float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit]
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    figures["errors"] = int(errors.group(1)) if errors else 0
    return figures


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--products", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    add_rows_option(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    build_shop(args.products)
    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        urls, cookie = visit_shop(f"http://127.0.0.1:{port}")
        print(f"{args.products} products, gunicorn with {args.workers} workers, wrk "
              f"{args.connections} connections × {args.seconds} s per page, "
              f"as a returning customer (cookies: {cookie or 'none'})\n")
        results = {name: run_wrk(url, args.seconds, args.connections, cookie)
                   for name, url in urls.items()}
    finally:
        server.terminate()
        server.wait(10)

    bare = results["bare Django view"]["rps"]
    print(f"{'page':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs bare':>10}{'errors':>8}")
    for name, figures in results.items():
        print(f"{name:<18}{figures['rps']:>10.0f}{figures['p50']:>10.1f}{figures['p99']:>10.1f}"
              f"{figures['rps'] / bare:>9.0%}{figures['errors']:>8}")
    ratio = results["product page"]["rps"] / bare
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"\nproduct page at {ratio:.0%} of the bare view: "
          f"{verdict} the {TARGET_RATIO:.0%} target")
    write_rows(args.json, [
        Row("storefront", f"{name} (returning customer)", figures["rps"], "req/s",
            "bare Django view", bare,
            *((f"≥ {TARGET_RATIO:.0%} of bare", ratio >= TARGET_RATIO) if name == "product page"
              else ("", None)))
        for name, figures in results.items() if name != "bare Django view"])


if __name__ == "__main__":
    main()
