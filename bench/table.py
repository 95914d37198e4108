"""The figures of a benchmark as rows (figure, value, baseline, ratio, target, met), so that
bench/run_all.py can gather every benchmark's figures into one table.

Each benchmark prints its own report as before and, given ``--json FILE``, also writes its rows
there as JSON.
"""

import json
import unicodedata
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass
class Row:
    bench: str
    figure: str
    value: float
    unit: str
    #: The same figure of the baseline measured in the same run ("" / None when there is none).
    baseline_name: str = ""
    baseline: float | None = None
    #: What the target says, e.g. "≥ 50% of bare" ("" when there is none).
    target: str = ""
    #: Whether the target is met (None when there is no target, or it does not apply).
    met: bool | None = None
    #: The baseline's unit when it is not the figure's.
    baseline_unit: str = ""

    @property
    def ratio(self) -> float | None:
        return self.value / self.baseline if self.baseline else None


def add_rows_option(parser) -> None:
    parser.add_argument("--json", metavar="FILE",
                        help="also write the figures as JSON rows to FILE (for run_all.py)")


def write_rows(path: str | None, rows: list[Row]) -> None:
    if path:
        Path(path).write_text(json.dumps([asdict(row) for row in rows], ensure_ascii=False))


def read_rows(path: Path) -> list[Row]:
    return [Row(**fields) for fields in json.loads(path.read_text())]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"


def format_table(rows: list[Row]) -> str:
    header = ("bench", "figure", "value", "baseline", "ratio", "target", "met")
    lines = [(row.bench, row.figure, f"{_number(row.value)} {row.unit}",
              f"{row.baseline_name} {_number(row.baseline)} {row.baseline_unit or row.unit}"
              .rstrip()
              if row.baseline_name else "—",
              f"{row.ratio:.3g}" if row.ratio is not None else "—",
              row.target or "—",
              {True: "yes", False: "NO", None: "—"}[row.met])
             for row in rows]
    widths = [max(_width(cells[column]) for cells in [header, *lines])
              for column in range(len(header))]
    return "\n".join("  ".join(cell + " " * (width - _width(cell))
                               for cell, width in zip(cells, widths, strict=True)).rstrip()
                     for cells in [header, *lines])


def _width(text: str) -> int:
    """Columns on a terminal: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)
