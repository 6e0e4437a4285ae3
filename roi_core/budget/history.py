"""Each channel's spend and return per period, the series its response curve is fitted on.

The grain is the finest the rows allow: a channel whose rows each cover one day is read by day,
one whose rows cover at most a week by week (rows spread over the days they cover), any other
by calendar month (rows spread by day, as every monthly figure is). A finer grain without
enough periods falls back to months. Periods between a channel's first and last with no row
count as spend 0, return 0 (what adstock needs to see).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.budget.curves import MIN_PERIODS

DAYS_PER_MONTH = 365.25 / 12
GRAIN_DAYS = {"D": 1.0, "W": 7.0, "M": DAYS_PER_MONTH}


@dataclass(frozen=True)
class Series:
    """One channel's consecutive periods: ``spend`` and ``returns`` per period of ``grain`` (D, W or M)."""

    channel: str
    grain: str
    periods: pd.PeriodIndex
    spend: np.ndarray
    returns: np.ndarray

    @property
    def months_per_period(self) -> float:
        return GRAIN_DAYS[self.grain] / DAYS_PER_MONTH


def _by_day(rows: pd.DataFrame, return_col: str) -> pd.DataFrame:
    """One row per (campaign row, day): its cost and return divided evenly over its days."""
    start = rows["start_date"].dt.normalize().to_numpy()
    end = rows["end_date"].fillna(rows["start_date"]).dt.normalize().to_numpy()
    days = ((end - start) / np.timedelta64(1, "D")).astype(np.int64) + 1
    days = np.maximum(days, 1)
    take = np.repeat(np.arange(len(rows)), days)
    offset = np.arange(take.size) - np.repeat(np.cumsum(days) - days, days)
    return pd.DataFrame({
        "channel": rows["channel"].to_numpy()[take],
        "day": start[take] + offset.astype("timedelta64[D]"),
        "cost": rows["cost"].to_numpy(dtype="float64")[take] / days[take],
        "return": rows[return_col].to_numpy(dtype="float64")[take] / days[take],
    })


def _grid(frame: pd.DataFrame, freq: str) -> dict[str, tuple[pd.PeriodIndex, np.ndarray, np.ndarray]]:
    frame = frame.assign(period=frame["day"].dt.to_period(freq))
    sums = frame.groupby(["channel", "period"], sort=True)[["cost", "return"]].sum()
    out = {}
    for channel, part in sums.groupby(level=0, sort=False):
        got = part.droplevel(0)
        full = pd.period_range(got.index.min(), got.index.max(), freq=freq)
        got = got.reindex(full, fill_value=0.0)
        out[channel] = (full, got["cost"].to_numpy(), got["return"].to_numpy())
    return out


def channel_series(rows: pd.DataFrame, return_col: str) -> dict[str, Series]:
    """Every channel's per-period spend and return (``return_col``: revenue or gross_profit_est)."""
    rows = rows[rows["start_date"].notna() & rows["cost"].notna()]
    if rows.empty:
        return {}
    rows = rows.assign(**{return_col: rows[return_col].fillna(0.0)})
    daily = _by_day(rows, return_col)
    span = ((rows["end_date"].fillna(rows["start_date"]) - rows["start_date"]).dt.days + 1)
    longest = span.groupby(rows["channel"]).max()
    grids = {"M": _grid(daily, "M")}
    out: dict[str, Series] = {}
    for channel, days in longest.items():
        grain = "D" if days <= 1 else ("W" if days <= 7 else "M")
        if grain != "M":
            grids.setdefault(grain, _grid(daily[daily["channel"].isin(longest.index[longest <= 7])], grain))
            periods, spend, ret = grids[grain][channel]
            if (spend > 0).sum() < MIN_PERIODS:
                grain = "M"
        if grain == "M":
            periods, spend, ret = grids["M"][channel]
        out[channel] = Series(channel, grain, periods, spend, ret)
    return out
