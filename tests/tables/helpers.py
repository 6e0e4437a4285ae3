"""Touches for the table-source tests: one seeded set of rows, as a tab and as a table, and the comparison."""

from __future__ import annotations

import numpy as np
import pandas as pd

from roi_core.attribution import MODELS, build_journeys, compare_models
from roi_core.schema import TOUCHPOINTS
from roi_core.sheetdata import normalize_table

CHANNELS = ("抖音", "微信", "小红书", "直接访问", "百度", "B站")
LOOKBACK, HALF_LIFE = 30, 7


def touches(n: int = 4000, customers: int = 600, seed: int = 27) -> pd.DataFrame:
    """Seeded touches over 90 days, to the second, no two of one customer at the same second."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({
        "customer_id": [f"C{c:04d}" for c in rng.integers(0, customers, n)],
        "timestamp": pd.Timestamp("2026-08-01") + pd.to_timedelta(rng.integers(0, 90 * 86_400, n), unit="s"),
        "channel": np.array(CHANNELS, dtype=object)[rng.integers(0, len(CHANNELS), n)],
        "converted": rng.random(n) < 0.18,
    })
    frame["revenue"] = np.where(frame["converted"], rng.integers(30, 900, n) + rng.integers(0, 100, n) / 100, 0.0)
    return frame.drop_duplicates(["customer_id", "timestamp"]).reset_index(drop=True)


def as_tab(frame: pd.DataFrame) -> pd.DataFrame:
    """The same rows typed into a 触点 tab (Chinese headers, 是/否, text times) and parsed as the sheet is."""
    rows = [["客户ID", "时间", "渠道", "是否转化", "订单金额"]]
    for r in frame.itertuples(index=False):  # building a test tab, not a hot path
        rows.append([r.customer_id, r.timestamp.strftime("%Y-%m-%d %H:%M:%S"), r.channel,
                     "是" if r.converted else "否", "" if not r.converted else f"{r.revenue:.2f}"])
    result = normalize_table("触点", rows, TOUCHPOINTS)
    assert not result.blocking, result.blocking
    frame = result.frame
    frame["revenue"] = frame["revenue"].fillna(0.0)  # as load_sheet finishes the 触点 tab
    frame["converted"] = frame["converted"].astype(bool)
    return frame


def tab_models(tab: pd.DataFrame, month: pd.Period | None = None) -> pd.DataFrame:
    from roi_core.attribution_report import touches_for_month

    if month is not None:
        tab = touches_for_month(tab, month, LOOKBACK)
    return compare_models(build_journeys(tab, lookback_days=LOOKBACK), MODELS, half_life_days=HALF_LIFE)


def credit_gap(expected: pd.DataFrame, got: pd.DataFrame) -> float:
    """The largest difference in any model's credit (conversions or revenue) of any channel, relative to
    max(1, |expected|): every model ran on both, with the same channels."""
    assert expected.attrs["refused"] == {} and got.attrs["refused"] == {}, (expected.attrs, got.attrs)
    cols = [c for c in expected.columns if c.endswith(("_conversions", "_revenue"))]
    assert len(cols) == 2 * len(MODELS)
    a = expected.set_index("channel")[cols].sort_index()
    b = got.set_index("channel")[cols].sort_index()
    assert list(a.index) == list(b.index)
    return float(((a - b).abs() / a.abs().clip(lower=1.0)).max().max())
