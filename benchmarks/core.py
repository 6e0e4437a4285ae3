"""Benchmark: parse, validate and answer one campaign over a generated 活动 tab.

    python benchmarks/core.py [--rows 100000] [--repeat 3]

Prints a table of seconds per stage and peak memory. Target (issue 2): the
whole path under 2 s for 100,000 rows on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi_core import answer, load_sheet, parse_query  # noqa: E402
from roi_core.schema import CAMPAIGN_COLUMNS  # noqa: E402

CHANNELS = ["抖音", "天猫直通车", "微信", "小红书", "百度搜索", "短信", "线下", "京东"]


def generate(rows: int, seed: int = 7) -> dict[str, list[list]]:
    """A 活动 tab as a Google Sheet returns it: mostly numbers, some messy text, a few bad cells."""
    rng = random.Random(seed)
    header = [c.header for c in CAMPAIGN_COLUMNS]
    body = []
    start = dt.date(2024, 1, 1)
    for i in range(rows):
        name = "618活动" if i % 1000 == 0 else f"活动{i // 8:05d}"
        day = start + dt.timedelta(days=rng.randrange(0, 900))
        end = day + dt.timedelta(days=rng.randrange(0, 40))
        cost = rng.uniform(1000, 90000)
        revenue = cost * rng.uniform(0.3, 6)
        messy = i % 10
        revenue_cell = (f"¥{revenue:,.0f}" if messy == 1 else f"{revenue / 1e4:.2f}万" if messy == 2 else
                        "待补充" if i % 5000 == 4999 else round(revenue, 2))
        start_cell = (day.strftime("%Y/%m/%d") if messy == 3 else f"{day.year}年{day.month}月{day.day}日" if messy == 4
                      else (day - dt.date(1899, 12, 30)).days)
        impressions = rng.randrange(10000, 5_000_000)
        clicks = int(impressions * rng.uniform(0.002, 0.05))
        conversions = int(clicks * rng.uniform(0.005, 0.1))
        body.append([name, CHANNELS[i % len(CHANNELS)], start_cell, (end - dt.date(1899, 12, 30)).days,
                     round(cost * 0.7, 2), f"{cost * 0.2:,.2f}" if messy == 5 else round(cost * 0.2, 2),
                     round(cost * 0.1, 2), None, revenue_cell, None, int(conversions * 0.4), impressions, clicks,
                     conversions, None, None, None, None, None])
    return {"活动": [header, *body], "设置": [["参数", "值"], ["毛利率", "50%"]]}


TOUCH_CHANNELS = ["抖音", "天猫直通车", "微信", "小红书", "百度搜索", "短信", "直接访问", "自然流量"]


def generate_touches(n: int, seed: int = 3) -> list[list]:
    """A 触点 tab of ``n`` touches (about 12% converting), as a Sheet returns it."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    rows = [["客户ID", "时间", "渠道", "活动名称", "是否转化", "订单金额"]]
    for i in range(n):
        converted = rng.random() < 0.12
        rows.append([f"C{i // 3:07d}", start + dt.timedelta(minutes=rng.randrange(0, 480000)),
                     TOUCH_CHANNELS[rng.randrange(len(TOUCH_CHANNELS))], "", "是" if converted else "否",
                     round(rng.uniform(99, 999), 0) if converted else None])
    return rows


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
