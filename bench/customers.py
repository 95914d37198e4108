"""Customers at scale: search latency over 200k customers, and importing a 100k-row file.

    WEISHANG_HOME=/tmp/weishang-bench python bench/customers.py [--customers 200000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/weishang_bench python bench/customers.py

Fills the configured database (a fresh data folder by default) with ``--customers`` customers
of the owner (random Chinese names with their pinyin keys, distinct mobile numbers), then:

- search: p50 and p99 of the customer list's first page (``queries.customer_list``, as the
  console list and the API read it) for a name prefix (张伟), pinyin initials (zw), full
  pinyin (zhangw), the everyday reading of a surname read otherwise (dan… for 单 Shàn) and
  the last four digits of a number, against a bare indexed lookup (one ``phone_last4`` equality,
  the same page size) timed on the same random values. Target: p50 ≤ 50 ms.
- import: a GBK CSV of ``--rows`` rows (every column; one row in ten a known number, merged)
  imported by ``imports.import_file`` in a child process, which reports its peak memory (max
  RSS, Django and the pinyin dictionary included); against a bare ``bulk_create`` of the
  same customers in batches of the same size, in another child process. Both roll back, so
  the database stays as built.
  Targets: 100k rows in ≤ 60 s, peak RSS ≤ 300 MB.

Prints each figure and the ratio (with the CPU time beside the wall time of the imports: on a
busy machine the two part). Not part of the test run.
"""

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import django
from django.db import transaction
from pypinyin import lazy_pinyin
from shop import build_shop  # sets Django up on a throw-away data folder
from table import Row, add_rows_option, write_rows

from weishang.customers import queries, services
from weishang.customers.imports import services as imports
from weishang.customers.models import Customer

SEED = 20260501
PAGE = 20
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜"
            "叶程魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏付方邹熊白孟秦邱侯江尹薛闫段雷龙黎"
            "史陶贺毛郝顾龚邵万覃武钱戴严莫孔向常汤康易乔赖文单")
GIVEN = ("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红梅鹏飞鑫波斌宇浩凯健俊帆帅旭宁"
         "龙林欣佳怡雪婷晨思雨轩涵子梓博文瑞嘉宏志建国春晓燕")
REGIONS = [("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"),
           ("北京市", "北京市", "朝阳区"), ("四川省", "成都市", "武侯区"),
           ("上海市", "上海市", "浦东新区"), ("湖北省", "武汉市", "洪山区")]
TAGS = ["VIP", "宝妈", "老客户", "学生", "回头客", "团购"]
HEADER = ["姓名", "手机号码", "微信号", "性别", "生日", "省份", "城市", "区县", "详细地址", "标签",
          "备注", "来源"]


def random_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def existing_phone(number: int) -> str:
    return f"13{number:09d}"


def build_customers(owner, count: int) -> None:
    """Make sure the owner has ``count`` customers (bulk-created with their search keys)."""
    have = Customer.objects.count()
    rng = random.Random(SEED + have)
    started = time.perf_counter()
    for start in range(have, count, imports.BATCH_ROWS):
        batch = []
        for number in range(start, min(count, start + imports.BATCH_ROWS)):
            name, phone = random_name(rng), existing_phone(number)
            province, city, district = rng.choice(REGIONS)
            batch.append(Customer(seller=owner, name=name, phone=phone, province=province,
                                  city=city, district=district, source_channel="shop",
                                  **services.search_fields(name=name, phone=phone,
                                                           birthday=None)))
        Customer.objects.bulk_create(batch)
    if count > have:
        print(f"built {count - have} customers in {time.perf_counter() - started:.1f} s")


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]


def timed_each(function, values) -> list[float]:
    function(values[0])  # warm-up
    samples = []
    for value in values:
        started = time.perf_counter()
        function(value)
        samples.append(time.perf_counter() - started)
    return samples


def bench_search(owner, repeat: int, at_scale: bool) -> list[Row]:
    sample = list(Customer.objects.order_by("?").values("name", "name_initials", "phone")[:repeat])
    # Names whose surname is read one way and typed another (单 Shàn, typed dan…).
    polyphonic = list(Customer.objects.filter(name__regex=r"^[单曾]").order_by("?")
                      .values_list("name", flat=True)[:repeat])
    kinds = {
        "name prefix (张伟)": [row["name"][:2] for row in sample],
        "pinyin initials (zw)": [row["name_initials"][:2] for row in sample],
        "full pinyin (zhangw)": ["".join(lazy_pinyin(row["name"]))[:6] for row in sample],
        "everyday reading (danw)": ["".join(lazy_pinyin(name))[:4] for name in polyphonic],
        "phone last 4 digits": [row["phone"][-4:] for row in sample],
    }

    def bare(last4):
        list(Customer.objects.filter(phone_last4=last4).values_list("pk", flat=True)[:PAGE])

    base_p50, base_p99 = percentiles(timed_each(bare, kinds["phone last 4 digits"]))
    print(f"{'bare indexed lookup (baseline)':<32} p50 {base_p50 * 1000:7.2f} ms   "
          f"p99 {base_p99 * 1000:7.2f} ms")

    def search(text):
        list(queries.customer_list(owner, text=text)[:PAGE])

    figures = []
    for kind, values in kinds.items():
        p50, p99 = percentiles(timed_each(search, values))
        verdict = "ok" if p50 <= 0.050 else "OVER TARGET"
        print(f"{'search: ' + kind:<32} p50 {p50 * 1000:7.2f} ms   p99 {p99 * 1000:7.2f} ms   "
              f"ratio p50 {p50 / base_p50:6.1f}x   target p50 ≤ 50 ms: {verdict}")
        figures.append(Row("customers", f"search p50: {kind}", p50 * 1000, "ms",
                        "bare indexed lookup", base_p50 * 1000, "≤ 50 ms at 200k customers",
                        p50 <= 0.050 if at_scale else None))
    return figures


def import_rows(count: int):
    """The rows of the import file: one in ten is a known number (merged), the rest new."""
    rng = random.Random(SEED + 1)
    for number in range(count):
        phone = existing_phone(number) if number % 10 == 0 else f"15{number:09d}"
        province, city, district = rng.choice(REGIONS)
        yield [random_name(rng), phone, f"wx_{number}" if number % 3 == 0 else "",
               rng.choice(("男", "女", "")), f"19{rng.randint(60, 99)}-{rng.randint(1, 12)}-"
               f"{rng.randint(1, 28)}", province, city, district,
               f"幸福路{rng.randint(1, 999)}号", "、".join(rng.sample(TAGS, rng.randint(0, 2))),
               "老朋友介绍" if number % 7 == 0 else "", ""]


def write_import_file(count: int) -> Path:
    path = Path(tempfile.mkdtemp(prefix="weishang-bench-import-")) / "customers.csv"
    with open(path, "w", encoding="gbk", newline="") as output:
        writer = csv.writer(output)
        writer.writerow(HEADER)
        writer.writerows(import_rows(count))
    return path


def child_import(path: str) -> None:
    """In a child process: import the file as the owner, roll back, print seconds and RSS."""
    owner = build_shop(0)
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        with open(path, "rb") as stream:
            report = imports.import_file(stream, actor=owner)
        transaction.set_rollback(True)
    print(time.perf_counter() - started, time.process_time() - cpu_started, report.new,
          report.merged, report.error_count, peak_rss_mb())


def child_bulk_create(count: str) -> None:
    """In a child process: the same customers by bare bulk_create, same batches, rolled back."""
    owner = build_shop(0)
    started, cpu_started = time.perf_counter(), time.process_time()
    with transaction.atomic():
        rows = import_rows(int(count))
        while batch := [row for _, row in zip(range(imports.BATCH_ROWS), rows, strict=False)]:
            Customer.objects.bulk_create([
                Customer(seller=owner, name=row[0], phone=row[1], province=row[5],
                         city=row[6], district=row[7])
                for row in batch if row[1].startswith("15")])
        transaction.set_rollback(True)
    print(time.perf_counter() - started, time.process_time() - cpu_started, peak_rss_mb())


def peak_rss_mb() -> float:
    """This process's peak resident memory. Not getrusage: its maxrss keeps the parent's across
    fork and exec, while VmHWM starts with the new program."""
    status = Path("/proc/self/status").read_text()
    return int(status.split("VmHWM:")[1].split()[0]) / 1024  # in kB


def in_child(*args) -> list[str]:
    """The words the last line printed by this script run with ``args`` in a child process."""
    result = subprocess.run([sys.executable, __file__, *args], check=True, capture_output=True,
                            text=True, env=os.environ)
    return result.stdout.splitlines()[-1].split()


def bench_import(rows: int) -> list[Row]:
    path = write_import_file(rows)
    size_mb = path.stat().st_size / 1024 / 1024
    baseline, baseline_cpu, baseline_rss = map(float, in_child("--child-bulk-create", str(rows)))
    elapsed, cpu, new, merged, errors, import_rss = in_child("--child-import", str(path))
    elapsed, cpu, import_rss = float(elapsed), float(cpu), float(import_rss)
    path.unlink()
    print(f"import file: {rows} rows, GBK CSV, {size_mb:.1f} MB → {new} new, {merged} merged, "
          f"{errors} wrong")
    print(f"{'bare bulk_create (baseline)':<32} {baseline:7.1f} s   {rows / baseline:8.0f} rows/s"
          f"   CPU {baseline_cpu:6.1f} s   peak RSS {baseline_rss:6.0f} MB")
    time_verdict = "ok" if elapsed <= 60 else "OVER TARGET"
    memory_verdict = "ok" if import_rss <= 300 else "OVER TARGET"
    print(f"{'import_file':<32} {elapsed:7.1f} s   {rows / elapsed:8.0f} rows/s   CPU "
          f"{cpu:6.1f} s   peak RSS {import_rss:6.0f} MB   ratio {elapsed / baseline:5.2f}x   "
          f"targets ≤ 60 s: {time_verdict}, ≤ 300 MB: {memory_verdict}")
    at_scale = rows >= 100_000
    return [Row("customers", f"import {rows:,} rows", elapsed, "s", "bare bulk_create",
                baseline, "≤ 60 s for 100k rows", elapsed <= 60 if at_scale else None),
            Row("customers", f"import {rows:,} rows: peak RSS", import_rss, "MB",
                "bare bulk_create", baseline_rss, "≤ 300 MB for 100k rows",
                import_rss <= 300 if at_scale else None)]


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--child-import":
        return child_import(sys.argv[2])
    if len(sys.argv) == 3 and sys.argv[1] == "--child-bulk-create":
        return child_bulk_create(sys.argv[2])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the import file")
    parser.add_argument("--repeat", type=int, default=200, help="searches of each kind")
    parser.add_argument("--only", choices=("search", "import"), help="run one of the two")
    add_rows_option(parser)
    args = parser.parse_args()

    owner = build_shop(0)
    # Children must use the same database: the throw-away data folder is passed on.
    os.environ["WEISHANG_HOME"] = str(django.conf.settings.DATA_DIR)
    build_customers(owner, args.customers)
    print(f"database: {django.db.connection.vendor}; {Customer.objects.count()} customers; "
          f"{args.repeat} searches of each kind, first page of {PAGE}\n")
    figures = []
    if args.only != "import":
        figures += bench_search(owner, args.repeat, at_scale=args.customers >= 200_000)
        print()
    if args.only != "search":
        figures += bench_import(args.rows)
    write_rows(args.json, figures)


if __name__ == "__main__":
    main()
