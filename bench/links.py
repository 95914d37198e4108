"""Tracked-link throughput: /t/<code> (redirect + click recorded) against a bare Django view.

    pip install -e . && apt-get install wrk
    python bench/links.py [--seconds 10] [--connections 16] [--workers 2]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ws_bench python bench/links.py

Builds a small shop with one published post and the owner's tracked link for it on WeChat
Moments (on a fresh data folder, or DATABASE_URL), serves it with gunicorn and drives both URLs
with wrk in the same run, as first-time visitors (no cookies), the way a shared post brings
them. The two take turns for ``--rounds`` rounds, as other work on the machine comes and goes,
and the medians of the rounds are compared. Afterwards it counts the Click rows the run added:
every request wrk completed must have left one (a request still in flight when wrk stops may
add one more).
Target: the tracked link serves at least 70% of the bare view's requests per second.
"""

import argparse
import shutil
import statistics

from shop import build_shop
from storefront import free_port, run_wrk, start_gunicorn  # sets Django up (see shop.py)
from table import Row, add_rows_option, write_rows

from weishang.marketing.links import queries as link_queries
from weishang.marketing.links import services as links
from weishang.marketing.models import Channel, Click, Post

TARGET_RATIO = 0.7
#: What is measured; None stands for the tracked link made for the run.
URLS = {"bare Django view": "/bench/hello", "tracked link": None}


def shared_link(owner) -> str:
    """The path of the owner's tracked link for a post showing the first product."""
    from weishang.catalog.models import Product

    post = Post.objects.filter(title="基准素材").first()
    if post is None:
        post = Post.objects.create(title="基准素材", body="{商品名} 只要 {价格}", is_published=True,
                                   author=owner)
        post.products.set([Product.objects.order_by("id").first()])
    link = links.link_for(post=post, channel=Channel.objects.get(code="wechat_moments"),
                          seller=owner)
    return link_queries.link_url(link)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    add_rows_option(parser)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is needed: apt-get install wrk")

    owner = build_shop(products=5)
    path = shared_link(owner)
    clicks_before = Click.objects.count()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_gunicorn(port, args.workers)
    try:
        print(f"gunicorn with {args.workers} workers, wrk {args.connections} connections × "
              f"{args.seconds} s per URL and round, {args.rounds} rounds taking turns, "
              f"first-time visitors\n")
        rounds = {name: [] for name in URLS}
        for _round in range(args.rounds):
            for name, url in URLS.items():
                rounds[name].append(run_wrk(base + (url or path), args.seconds,
                                            args.connections, cookie=""))
    finally:
        server.terminate()
        server.wait(30)
    clicks = Click.objects.count() - clicks_before

    results = {name: {figure: statistics.median(run[figure] for run in runs)
                      for figure in ("rps", "p50", "p99")} | {
                          "errors": sum(run["errors"] for run in runs)}
               for name, runs in rounds.items()}
    bare = results["bare Django view"]["rps"]
    print(f"medians of {args.rounds} rounds (errors: of all rounds)")
    print(f"{'url':<18}{'req/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'vs bare':>10}{'errors':>8}")
    for name, figures in results.items():
        print(f"{name:<18}{figures['rps']:>10.0f}{figures['p50']:>10.1f}{figures['p99']:>10.1f}"
              f"{figures['rps'] / bare:>9.0%}{figures['errors']:>8}")
    served = sum(figures["requests"] for figures in rounds["tracked link"])
    print(f"\n{served} link requests completed, {clicks} clicks recorded: "
          f"{'every click recorded' if clicks >= served else 'CLICKS LOST'}")
    ratio = results["tracked link"]["rps"] / bare
    verdict = "meets" if ratio >= TARGET_RATIO else "misses"
    print(f"tracked link at {ratio:.0%} of the bare view: "
          f"{verdict} the {TARGET_RATIO:.0%} target")
    write_rows(args.json, [
        Row("links", "tracked link (first-time visitor)", results["tracked link"]["rps"],
            "req/s", "bare Django view", bare, f"≥ {TARGET_RATIO:.0%} of bare",
            ratio >= TARGET_RATIO),
        Row("links", "clicks lost", max(0, served - clicks), "", target="0",
            met=clicks >= served)])


if __name__ == "__main__":
    main()
