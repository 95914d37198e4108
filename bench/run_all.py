"""Every benchmark under bench/, one after the other, and their figures in one table.

    python bench/run_all.py [--quick] [--only checkout storefront …] [--skip customers …]

Each benchmark runs as its own program (each sets Django up on its own database: a fresh data
folder, DATABASE_URL when set, or for checkout and storefront-postgres a fresh PostgreSQL
database), prints its own report as it goes, and hands its figures back as rows (``--json``);
the table at the end has one line a figure: its value, the baseline measured in the same run,
the ratio, the target and whether it is met ("—": no target, or not at the target's scale, as
with --quick). ``--quick`` runs each at a small scale and for short durations: a smoke test of
the benchmarks, not figures to compare with the targets.
"""

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from table import Row, format_table, read_rows

BENCH_DIR = Path(__file__).resolve().parent
#: name: (script, arguments of the full run, arguments of the quick run)
BENCHES = {
    "foundation": ("bench_foundation.py", [], ["--products", "50", "--repeat", "10"]),
    "storefront": ("storefront.py", [], ["--products", "100", "--seconds", "3"]),
    "storefront-postgres": ("storefront.py", ["--database", "postgres"],
                            ["--database", "postgres", "--products", "100", "--seconds", "3"]),
    "links": ("links.py", [], ["--seconds", "3"]),
    "checkout": ("checkout.py", [], ["--seconds", "10", "--rounds", "1", "--scarce", "10"]),
    "customers": ("customers.py", [],
                  ["--customers", "20000", "--rows", "10000", "--repeat", "50"]),
    "settlement": ("settlement.py", [], ["--agents", "5000", "--lines", "50000"]),
}


def run(name: str, quick: bool, folder: Path) -> list[Row]:
    script, full, short = BENCHES[name]
    output = folder / f"{name}.json"
    command = [sys.executable, str(BENCH_DIR / script), *(short if quick else full),
               "--json", str(output)]
    print(f"\n=== {name}: {' '.join(command[1:])}", flush=True)
    started = time.monotonic()
    code = subprocess.run(command, cwd=BENCH_DIR).returncode
    print(f"=== {name}: {time.monotonic() - started:.0f} s", flush=True)
    if code or not output.exists():
        return [Row(name, f"FAILED (exit {code})", float("nan"), "", target="runs", met=False)]
    return read_rows(output)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="small scale, short durations: a smoke test")
    parser.add_argument("--only", nargs="+", choices=BENCHES, metavar="BENCH",
                        help=f"run only these ({', '.join(BENCHES)})")
    parser.add_argument("--skip", nargs="+", choices=BENCHES, default=[], metavar="BENCH",
                        help="run all but these")
    args = parser.parse_args()

    names = [name for name in (args.only or BENCHES) if name not in args.skip]
    with tempfile.TemporaryDirectory(prefix="weishang-bench-rows-") as folder:
        rows = [row for name in names for row in run(name, args.quick, Path(folder))]
    print(f"\n{'quick run (small scale, short durations)' if args.quick else 'full run'}; "
          f"ratio = value ÷ baseline, both measured in the same run\n")
    print(format_table(rows))
    missed = [row for row in rows if row.met is False]
    print(f"\n{len(missed)} of {sum(row.met is not None for row in rows)} targets missed"
          if missed else "\nevery target judged is met")
    sys.exit(1 if any(row.figure.startswith("FAILED") for row in rows) else 0)


if __name__ == "__main__":
    main()
