"""Which campaign × channel pairs the daily check looks at on a day (:func:`running_units`), and the pairs
whose 预算 plans overlap (:func:`plan_conflicts_on`), which it cannot pace. Rules: :mod:`roi_core.monitor`."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from roi_core.sheetdata import SheetData


def running_units(data: SheetData, today: dt.date) -> pd.DataFrame:
    """The campaign × channel pairs running on ``today``: campaign, channel, start, end (the period),
    budget (NaN without a plan), planned (True when the period comes from 预算), lagging (True for a campaign
    without a plan whose daily rows end yesterday: it runs today, :func:`_unplanned_span`).

    A pair's own period is its 预算 plan covering ``today``: a pair may plan several periods, and each is
    paced on its own (summing them would pace one period against another's money). ``load_sheet`` keeps
    one plan per pair and period (an exact copy counted once, overlapping plans left out), so at most one
    covers a day; should a frame built elsewhere hold more, the first in the sheet is used."""
    day = pd.Timestamp(today)
    rows = data.campaigns
    plans = data.budgets
    parts = []
    if not plans.empty:
        covering = plans[(plans["plan_start"].dt.normalize() <= day) & (day <= plans["plan_end"].dt.normalize())]
        own = covering.drop_duplicates(["campaign", "channel"]).rename(
            columns={"plan_start": "start", "plan_end": "end"})[["campaign", "channel", "start", "end", "budget"]]
        own["planned"] = True
        parts.append(own)
        span = plans.groupby("campaign", sort=False).agg(start=("plan_start", "min"), end=("plan_end", "max"))
        if not rows.empty:
            pairs = rows[["campaign", "channel"]].drop_duplicates()
            pairs = pairs[pairs["campaign"].isin(span.index)]
            known = pd.MultiIndex.from_frame(plans[["campaign", "channel"]])  # a plan of any period is its own
            pairs = pairs[~pd.MultiIndex.from_frame(pairs).isin(known)]
            if not pairs.empty:
                other = pairs.join(span, on="campaign")
                other["budget"] = np.nan
                other["planned"] = True
                parts.append(other)
    if not rows.empty:
        unplanned = rows[~rows["campaign"].isin(plans["campaign"])] if not plans.empty else rows
        if not unplanned.empty:
            span = _unplanned_span(unplanned, day)
            pairs = unplanned[["campaign", "channel"]].drop_duplicates().join(span, on="campaign")
            pairs["budget"] = np.nan
            pairs["planned"] = False
            parts.append(pairs)
    if not parts:
        return pd.DataFrame(columns=["campaign", "channel", "start", "end", "budget", "planned", "lagging"])
    units = pd.concat(parts, ignore_index=True)
    units["lagging"] = units["lagging"].fillna(False).astype(bool) if "lagging" in units else False
    units["start"] = units["start"].dt.normalize()
    units["end"] = units["end"].dt.normalize()
    return units[(units["start"] <= day) & (day <= units["end"])].reset_index(drop=True)


def _unplanned_span(rows: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """Per campaign without a plan: start (first 开始日期), end (last 结束日期), and ``lagging``: True when its
    data lags a day and it counts as running on ``day`` although its rows end the day before.

    Lagging: the rows end on ``day − 1``, every row ending then is a one-day row (开始日期 = 结束日期) and the
    campaign has one-day rows on at least two days (it is typed day by day). Its end becomes ``day``. A row
    ending then that spans several days has a 结束日期 that says when the campaign ended: not lagging; so is
    a single one-day row (a one-day event). Rows from 导入 are the platform's days by nature: one imported day
    is enough (a platform's report lags a day like a typed sheet)."""
    start = rows["start_date"].dt.normalize()
    end = rows["end_date"].dt.normalize()
    one_day = start == end
    span = pd.DataFrame({"campaign": rows["campaign"].to_numpy(), "start": start.to_numpy(), "end": end.to_numpy()})
    last = span.groupby("campaign", sort=False)["end"].transform("max")
    at_last = (span["end"] == last).to_numpy()
    span["period_at_end"] = at_last & ~one_day.to_numpy()  # a row ending on the last day that spans several days
    span["daily_day"] = span["start"].where(one_day.to_numpy())
    span["imported"] = rows["import_platform"].notna().to_numpy() if "import_platform" in rows else False
    out = span.groupby("campaign", sort=False).agg(start=("start", "min"), end=("end", "max"),
                                                   period_at_end=("period_at_end", "any"),
                                                   daily_days=("daily_day", "nunique"), imported=("imported", "any"))
    out["lagging"] = ((out["end"] == day.normalize() - pd.Timedelta(days=1)) & ~out["period_at_end"]
                      & ((out["daily_days"] >= 2) | out["imported"]))
    out.loc[out["lagging"], "end"] = day.normalize()
    return out[["start", "end", "lagging"]]


def plan_conflicts_on(data: SheetData, today: dt.date) -> pd.DataFrame:
    """The campaign × channel pairs with overlapping 预算 plans (left out by ``load_sheet``, see
    :mod:`roi_core.tab_checks`) of which one covers ``today``: campaign, channel, rows (the sheet rows of the
    pair's overlapping plans, in order). Without a plan to use, the check cannot pace them and says so."""
    plans = data.plan_conflicts
    if plans is None or plans.empty:
        return pd.DataFrame(columns=["campaign", "channel", "rows"])
    day = pd.Timestamp(today)
    covers = (plans["plan_start"].dt.normalize() <= day) & (day <= plans["plan_end"].dt.normalize())
    mine = plans[plans["conflict"].isin(plans.loc[covers, "conflict"])].sort_values("row")
    return mine.groupby("conflict", sort=False).agg(campaign=("campaign", "first"), channel=("channel", "first"),
                                                    rows=("row", list)).reset_index(drop=True)
