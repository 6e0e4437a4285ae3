"""Benchmark: the daily check over running campaign × channel pairs with a year of daily rows.

    python benchmarks/monitor.py [--pairs 5000] [--days 365]

Builds a SheetData directly (the frames load_sheet returns: one 活动 row per pair and day, one 预算 row per
pair, planned over the whole year), then times ``roi_core.monitor.daily_check`` on the year's last day.
Target (issue 15): under 3 s for 5,000 pairs × 365 days (1,825,000 daily rows). Prints a table.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from roi_core.monitor import daily_check  # noqa: E402
from roi_core.sheetdata import Settings, SheetData  # noqa: E402

CHANNELS = ("抖音", "天猫直通车", "微信", "小红书", "百度搜索")


def generate(pairs: int, days: int, seed: int = 15) -> tuple[SheetData, dt.date]:
    rng = np.random.default_rng(seed)
    first = pd.Timestamp("2026-01-01")
    campaign = np.char.add("活动", (np.arange(pairs) // len(CHANNELS)).astype(str)).astype(object)
    channel = np.array(CHANNELS, dtype=object)[np.arange(pairs) % len(CHANNELS)]
    n = pairs * days
    pair = np.repeat(np.arange(pairs), days)
    day = first + pd.to_timedelta(np.tile(np.arange(days), pairs), unit="D")
    cost = rng.uniform(500, 1500, n).round(2)
    impressions = rng.integers(5000, 20000, n).astype(float)
    clicks = np.floor(impressions * rng.uniform(0.01, 0.04, n))
    conversions = np.floor(clicks * rng.uniform(0.0, 0.05, n))
    frame = pd.DataFrame({
        "campaign": campaign[pair], "channel": channel[pair], "start_date": day, "end_date": day,
        "ad_spend": cost, "promo_cost": 0.0, "staff_cost": 0.0, "other_cost": 0.0,
        "revenue": (cost * rng.uniform(0.5, 4.0, n)).round(2), "gross_profit": np.nan, "new_customers": np.nan,
        "impressions": impressions, "clicks": clicks, "conversions": conversions, "participants": np.nan,
        "avg_minutes": np.nan, "social_mentions": np.nan, "retained_customers": np.nan, "satisfaction": np.nan,
        "row": np.arange(n) + 2, "cost": cost,
    })
    last = first + pd.Timedelta(days=days - 1)
    budgets = pd.DataFrame({"campaign": campaign, "channel": channel, "plan_start": first,
                            "plan_end": last + pd.Timedelta(days=30), "budget": rng.uniform(3e5, 5e5, pairs).round(0),
                            "row": np.arange(pairs) + 2})
    data = SheetData(campaigns=frame, touchpoints=pd.DataFrame(), settings=Settings(), budgets=budgets)
    return data, (last + pd.Timedelta(days=1)).date()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=5000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    data, today = generate(args.pairs, args.days)
    times, alerts = [], []
    for _ in range(args.repeat):
        start = time.perf_counter()
        alerts = daily_check(data, today)
        times.append(time.perf_counter() - start)
    kinds = pd.Series([a.kind for a in alerts]).value_counts().to_dict() if alerts else {}
    rows = [("running pairs", f"{args.pairs:,}"), ("daily rows", f"{len(data.campaigns):,}"),
            ("check day", today.isoformat()), ("alerts", f"{len(alerts):,}"),
            ("by kind", ", ".join(f"{k} {v}" for k, v in kinds.items()) or "—"),
            ("best of runs (s)", f"{min(times):.2f}"), ("all runs (s)", " ".join(f"{t:.2f}" for t in times)),
            ("target (s)", "< 3")]
    width = max(len(k) for k, _ in rows)
    print(f"{'measure':<{width}} | value")
    print(f"{'-' * width}-+-{'-' * 30}")
    for key, value in rows:
        print(f"{key:<{width}} | {value}")


if __name__ == "__main__":
    main()
