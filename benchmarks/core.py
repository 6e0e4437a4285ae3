"""Benchmark: parse, validate and answer one campaign over a generated 活动 tab.

    python benchmarks/core.py [--rows 100000] [--repeat 3]

Prints a table of seconds per stage and peak memory. Target (issue 2): the
whole path under 2 s for 100,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi_core import answer, load_sheet, parse_query  # noqa: E402
from tests.data import campaign_tabs as generate  # noqa: E402  (benchmarks/workbook.py imports these names)
from tests.data import touch_tab as generate_touches  # noqa: E402, F401


def run(tabs: dict) -> dict[str, float]:
    times = {}
    t0 = time.perf_counter()
    data = load_sheet(tabs)
    t1 = time.perf_counter()
    ans = answer(parse_query("618活动", dt.date(2026, 11, 30)), data, dt.date(2026, 11, 30))
    t2 = time.perf_counter()
    assert ans.kind == "campaign", ans.kind
    times["parse + validate"] = t1 - t0
    times["answer 618活动"] = t2 - t1
    times["total"] = t2 - t0
    times["rows left out"] = data.rows_skipped
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    tabs = generate(args.rows)
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        for k, v in run(tabs).items():
            best[k] = min(best.get(k, v), v)
    tracemalloc.start()
    run(tabs)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"core benchmark: {args.rows:,} 活动 rows, best of {args.repeat}")
    print(f"{'stage':<20}{'seconds':>10}")
    for k in ("parse + validate", "answer 618活动", "total"):
        print(f"{k:<20}{best[k]:>10.3f}")
    print(f"{'rows left out':<20}{int(best['rows left out']):>10}")
    print(f"{'peak traced MiB':<20}{peak / 2**20:>10.1f}")
    print(f"{'max RSS MiB':<20}{rss:>10.1f}  (includes the generated input)")
    print(f"target total < 2 s: {'met' if best['total'] < 2 else 'NOT met'}")


if __name__ == "__main__":
    main()
