"""Benchmark: every customer-value figure of one campaign at 1M orders and 200k customers.

    python benchmarks/customers.py [--orders 1000000] [--customers 200000] [--touches 400000] [--repeat 3]

Generates (seeded, deterministic) a sheet's frames directly, as ``load_sheet`` leaves them:
40 campaigns of 14 days on 6 channels (活动), ``--customers`` customers each acquired by one
campaign on one of its days (客户, 30% with 阶段 filled), their first order on the acquisition
day and the other ``--orders`` − customers orders spread over later days (订单, 毛利 on every row),
and ``--touches`` touches before acquisition (触点). Parsing the tabs is not timed (the
``parse`` benchmark covers it); timed is what one campaign's answer computes from the frames:

- book: :func:`roi_core.customers.build_book` (acquisition, per-customer first order, codes);
- value: :func:`customer_value` (LTV 30/90/180/365, repurchase, CAC, LTV:CAC, ROI with repurchase);
- payback: :func:`payback`; lifecycle: :func:`lifecycle` of the campaign; cohorts: 12 months;
- all: the five together, from the SheetData (the book built once).

Time is the best of ``--repeat`` runs, wall and the process's CPU time (the machine may be shared). Memory: tracemalloc's peak over one run of "all" (what
the computation allocates, numpy included), and the process's peak RSS (ru_maxrss, data
included). Targets (issue 14): all < 2 s, computation peak < 1 GB.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from roi_core import load_sheet  # noqa: E402
from roi_core.customers import build_book, cohorts, customer_value, lifecycle, payback  # noqa: E402

ASOF = dt.date(2026, 11, 30)
FIRST_DAY = pd.Timestamp("2025-01-01")
CHANNELS = ["抖音", "天猫直通车", "微信", "小红书", "百度搜索", "短信"]
N_CAMPAIGNS = 40
CAMPAIGN_DAYS = 14
STAGES = np.array(["潜在", "意向", "成交", "忠实"], dtype=object)


def make_data(n_orders: int, n_customers: int, n_touches: int, seed: int = 14):
    rng = np.random.default_rng(seed)
    names = [f"活动{i:02d}" for i in range(N_CAMPAIGNS)]
    header = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]
    rows = [header]
    for i, name in enumerate(names):
        start = FIRST_DAY + pd.Timedelta(days=CAMPAIGN_DAYS * i)
        end = start + pd.Timedelta(days=CAMPAIGN_DAYS - 1)
        for channel in CHANNELS:
            rows.append([name, channel, start.date().isoformat(), end.date().isoformat(),
                         float(rng.integers(100_000, 600_000)), float(rng.integers(200_000, 2_000_000))])
    base = load_sheet({"活动": rows}, source="benchmark")

    ids = pd.Series(np.arange(n_customers)).map("C{:07d}".format).to_numpy(dtype=object)
    campaign_of = rng.integers(0, N_CAMPAIGNS, n_customers)
    acquired = FIRST_DAY + pd.to_timedelta(campaign_of * CAMPAIGN_DAYS + rng.integers(0, CAMPAIGN_DAYS, n_customers),
                                           unit="D")
    staged = rng.random(n_customers) < 0.3
    customers = pd.DataFrame({
        "customer_id": ids,
        "acquired_date": acquired,
        "acquired_channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n_customers)],
        "acquired_campaign": np.array(names, dtype=object)[campaign_of],
        "stage": np.where(staged, STAGES[rng.integers(0, 4, n_customers)], None),
        "stage_date": pd.Series(acquired).where(staged).to_numpy(),
        "row": np.arange(n_customers) + 2,
    })

    repeat_of = rng.integers(0, n_customers, n_orders - n_customers)
    later = np.minimum(rng.exponential(120, len(repeat_of)).astype(np.int64) + 1, 700)
    who = np.concatenate([np.arange(n_customers), repeat_of])
    day = acquired.to_numpy()[who] + pd.to_timedelta(np.concatenate([np.zeros(n_customers, np.int64), later]),
                                                     unit="D").to_numpy()
    amount = np.round(rng.uniform(99, 1999, n_orders), 0)
    orders = pd.DataFrame({
        "order_id": pd.Series(np.arange(n_orders)).map("O{:08d}".format).to_numpy(dtype=object),
        "customer_id": ids[who],
        "order_date": day,
        "amount": amount,
        "gross_profit": np.round(amount * rng.uniform(0.3, 0.6, n_orders), 2),
        "channel": None,
        "campaign": None,
        "row": np.arange(n_orders) + 2,
    })

    touched = rng.integers(0, n_customers, n_touches)
    stamps = acquired.to_numpy()[touched] - pd.to_timedelta(rng.integers(0, 30 * 24 * 60, n_touches), unit="min").to_numpy()
    touchpoints = pd.DataFrame({
        "customer_id": ids[touched],
        "timestamp": stamps,
        "channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n_touches)],
        "campaign": np.array(names, dtype=object)[campaign_of[touched]],
        "converted": np.zeros(n_touches, dtype=bool),
        "revenue": np.zeros(n_touches),
        "row": np.arange(n_touches) + 2,
    })
    return base.with_source(orders=orders, customers=customers, touchpoints=touchpoints), names[N_CAMPAIGNS // 2]


def all_figures(data, campaign):
    book = build_book(data)
    return (customer_value(book, campaign, asof=ASOF), payback(book, campaign, asof=ASOF),
            lifecycle(book, campaign=campaign), cohorts(book, ASOF, 12))


def best_of(repeat: int, task) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of the fastest of ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        task()
        times.append((time.perf_counter() - t0, time.process_time() - c0))
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--customers", type=int, default=200_000)
    parser.add_argument("--touches", type=int, default=400_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    t0 = time.perf_counter()
    data, campaign = make_data(args.orders, args.customers, args.touches)
    print(f"generated {len(data.orders):,} orders, {len(data.customers):,} customers, {len(data.touchpoints):,} "
          f"touches in {time.perf_counter() - t0:.1f} s; campaign {campaign}")
    all_figures(data, campaign)  # warm-up (imports, first calls)

    book = build_book(data)
    rows = [
        ("book (build_book)", best_of(args.repeat, lambda: build_book(data))),
        ("customer_value", best_of(args.repeat, lambda: customer_value(book, campaign, asof=ASOF))),
        ("payback", best_of(args.repeat, lambda: payback(book, campaign, asof=ASOF))),
        ("lifecycle", best_of(args.repeat, lambda: lifecycle(book, campaign=campaign))),
        ("cohorts (12 months)", best_of(args.repeat, lambda: cohorts(book, ASOF, 12))),
        ("all, from SheetData", best_of(args.repeat, lambda: all_figures(data, campaign))),
    ]
    tracemalloc.start()
    value, back, life, _ = all_figures(data, campaign)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # Linux reports KiB

    print(f"\n| step | wall s (best of {args.repeat}) | CPU s |\n|---|---|---|")
    for name, (wall, cpu) in rows:
        print(f"| {name} | {wall:.3f} | {cpu:.3f} |")
    print(f"| peak memory of 'all' (tracemalloc) | {peak / 2**20:,.0f} MiB | |")
    print(f"| process peak RSS (data included) | {rss / 2**20:,.0f} MiB | |")
    print(f"\nload average while running: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU s is the process's own)")
    target = "met" if rows[-1][1][0] < 2 and peak < 2**30 else "MISSED"
    print(f"\ntarget (< 2 s, < 1 GB): {target}")
    print(f"{campaign}: new customers {value.new_customers:,}, LTV {value.ltv}, repurchase "
          f"{value.repurchase_rate:.1%}, CAC {value.cac:,.0f}, LTV:CAC {value.ltv_cac}, payback days "
          f"{back.payback_days}, recovered {back.recovered:.0%}, stages {[s.customers for s in life.stages]}")


if __name__ == "__main__":
    main()
