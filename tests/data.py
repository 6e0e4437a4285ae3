"""Generated data shared by the tests and the benchmarks (one generator per shape, seeded).

- :func:`journey_touches`: a touch-level frame of multi-touch journeys, the input of
  ``roi_core.attribution.build_journeys`` (tests/roi_core/test_attribution_peers.py,
  benchmarks/attribution.py).
- :func:`campaign_tabs` and :func:`touch_tab`: a 活动 tab (+ 设置) and a 触点 tab as a Google
  Sheet returns them, the input of ``roi_core.load_sheet`` (benchmarks/core.py, benchmarks/workbook.py).

Benchmarks import this module as ``tests.data`` (they put the repository root on sys.path first),
so they still run as scripts: ``python benchmarks/attribution.py``.
"""

from __future__ import annotations

import datetime as dt
import random

import numpy as np
import pandas as pd

from roi_core.schema import CAMPAIGN_COLUMNS

# --- journeys (attribution) ----------------------------------------------------------------------

JOURNEY_CHANNELS = ("微信", "抖音", "小红书", "百度", "淘宝", "京东", "微博", "B站", "知乎", "直接访问")


def journey_touches(n_journeys: int, seed: int, channels: tuple[str, ...] = JOURNEY_CHANNELS) -> pd.DataFrame:
    """Touches of ``n_journeys`` journeys over ``channels``, vectorised; the same seed gives the same frame.

    Columns customer_id, timestamp, channel, converted, revenue. Journey lengths are 1..10 with
    P(L) proportional to 0.62^(L-1) (mean about 2.55); channels are drawn with falling popularity
    and conversion odds rise with the later channels and with length, so the models disagree in
    interesting ways. Customers have 1-3 journeys in a row and only a customer's last journey may
    end without a conversion. Within a customer, touches are 1 s .. 48 h apart and timestamps are
    distinct (peers sort without a stable tie-break); a journey spans at most 20 days, so none
    crosses the 30-day lookback and peers (which have no window) see the same journeys.
    """
    rng = np.random.default_rng(seed)
    length_p = 0.62 ** np.arange(10)
    length = rng.choice(np.arange(1, 11), size=n_journeys, p=length_p / length_p.sum())
    journey = np.repeat(np.arange(n_journeys), length)
    n_touches = len(journey)
    position = np.arange(n_touches) - np.repeat(np.cumsum(length) - length, length)
    popularity = np.linspace(2, 1, len(channels))
    channel = rng.choice(len(channels), size=n_touches, p=popularity / popularity.sum())
    lift = np.linspace(-0.6, 0.5, len(channels))
    score = np.bincount(journey, weights=lift[channel], minlength=n_journeys)
    converts = rng.random(n_journeys) < 1 / (1 + np.exp(1.2 - score - 0.15 * length))
    # A new customer after a non-converting journey, otherwise 40 % of the time.
    new_customer = np.r_[True, (rng.random(n_journeys - 1) < 0.4) | ~converts[:-1]]
    customer = (np.cumsum(new_customer) - 1)[journey]
    gap_ns = rng.integers(1, 48 * 3600, size=n_touches) * 10**9
    elapsed = np.cumsum(gap_ns)
    customer_first = np.r_[0, np.flatnonzero(np.diff(customer)) + 1]
    elapsed -= np.repeat(elapsed[customer_first], np.diff(np.r_[customer_first, n_touches]))
    start_day = rng.integers(0, 365, size=customer[-1] + 1) * 86_400 * 10**9
    converted = (position == length[journey] - 1) & converts[journey]
    return pd.DataFrame({
        "customer_id": pd.Series(np.char.add("u", np.char.zfill(customer.astype(str), 6)).astype(object)),
        "timestamp": pd.to_datetime(pd.Timestamp("2026-01-01").value + start_day[customer] + elapsed),
        "channel": pd.Series(np.array(channels, dtype=object)[channel]),
        "converted": converted,
        "revenue": np.where(converted, np.round(rng.lognormal(5, 0.7, size=n_touches), 2), 0.0),
    })


# --- sheet tabs (parse, answer, workbook) ---------------------------------------------------------

CAMPAIGN_CHANNELS = ["抖音", "天猫直通车", "微信", "小红书", "百度搜索", "短信", "线下", "京东"]
TOUCH_CHANNELS = ["抖音", "天猫直通车", "微信", "小红书", "百度搜索", "短信", "直接访问", "自然流量"]


def campaign_tabs(rows: int, seed: int = 7) -> dict[str, list[list]]:
    """A 活动 tab of ``rows`` rows and a 设置 tab (毛利率 50%) as a Google Sheet returns them: mostly
    numbers, some messy text (¥, 万, 2026/01/02, 2026年1月2日, thousands separators), a few bad
    cells ("待补充" every 5,000th row); every 1,000th row is 618活动."""
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
        body.append([name, CAMPAIGN_CHANNELS[i % len(CAMPAIGN_CHANNELS)], start_cell,
                     (end - dt.date(1899, 12, 30)).days, round(cost * 0.7, 2),
                     f"{cost * 0.2:,.2f}" if messy == 5 else round(cost * 0.2, 2), round(cost * 0.1, 2), None,
                     revenue_cell, None, int(conversions * 0.4), impressions, clicks, conversions,
                     None, None, None, None, None])
    return {"活动": [header, *body], "设置": [["参数", "值"], ["毛利率", "50%"]]}


def touch_tab(n: int, seed: int = 3) -> list[list]:
    """A 触点 tab of ``n`` touches (about 12% converting, 3 touches per customer), as a Sheet returns it."""
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    rows = [["客户ID", "时间", "渠道", "活动名称", "是否转化", "订单金额"]]
    for i in range(n):
        converted = rng.random() < 0.12
        rows.append([f"C{i // 3:07d}", start + dt.timedelta(minutes=rng.randrange(0, 480000)),
                     TOUCH_CHANNELS[rng.randrange(len(TOUCH_CHANNELS))], "", "是" if converted else "否",
                     round(rng.uniform(99, 999), 0) if converted else None])
    return rows
