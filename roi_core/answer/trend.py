"""One channel month by month (``channel_trend``: 抖音 ROI, 小红书怎么样, 微信 上个月): its cost,
revenue and ROI per calendar month over the last 12 full months or the period asked, its figures
over the whole period and its campaigns in it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from roi_core.answer.rows import latest_full_month, period_rows
from roi_core.errors import DataError
from roi_core.metrics import (
    BASIS_LABEL,
    group_metrics,
    prepare_rows,
    return_basis,
    roas_ratio_text,
    spread_by_month,
)
from roi_core.monthly import TREND_MONTHS
from roi_core.results import Answer, _figures
from roi_core.sheetdata import SheetData


@dataclass
class ChannelTrendAnswer(Answer):
    """``months``: one per calendar month of the period, in order (``cost``, ``revenue``, ``roi``;
    all None for a month without a row on the channel); ``campaigns``: the channel's campaigns
    in the period, best ROI first, each with its share of the period only."""

    channel: str = ""
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    label: str = ""  # the period as the answer names it: 2026-10, 2025-12 ~ 2026-10, or ISO days
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    totals: dict = field(default_factory=dict)
    unavailable: dict = field(default_factory=dict)
    roas_text: str | None = None
    months: list[dict] = field(default_factory=list)
    campaigns: list[dict] = field(default_factory=list)


def default_trend_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """The last 12 full months before ``today``'s month (inclusive dates)."""
    last = latest_full_month(today)
    first = last - (TREND_MONTHS - 1)
    return first.start_time.date(), last.end_time.date()


def period_name(start: dt.date, end: dt.date) -> str:
    """``2026-10`` for one whole month, ``2025-12 ~ 2026-10`` for whole months, else ``start ~ end``."""
    first, last = pd.Period(start, freq="M"), pd.Period(end, freq="M")
    if start == first.start_time.date() and end == last.end_time.date():
        return str(first) if first == last else f"{first} ~ {last}"
    return start.isoformat() if start == end else f"{start.isoformat()} ~ {end.isoformat()}"


def clip_to_period(rows: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The part of each row inside the period, its dates cut to it too, so that spreading the part
    over months (spread_by_month) puts each day's share in its own month."""
    part = period_rows(rows, start, end)
    if part.empty:
        return part
    part["start_date"] = part["start_date"].dt.normalize().clip(lower=pd.Timestamp(start))
    part["end_date"] = part["end_date"].dt.normalize().clip(upper=pd.Timestamp(end))
    return part


def channel_trend(data: SheetData, channel: str, today: dt.date, period: tuple[dt.date, dt.date] | None = None,
                  *, lang: str = "zh", metric: str | None = None) -> ChannelTrendAnswer:
    """``channel`` month by month over ``period`` (default: the last 12 full months before today):
    sum-based cost, revenue and ROI per month, the period's figures and its campaigns (rows spread
    by day, as everywhere). Raises DataError when the sheet has no row on the channel, or none in
    the period (naming the dates it has)."""
    en = lang == "en"
    settings = data.settings
    rows = prepare_rows(data.campaigns, settings)
    mine = rows[rows["channel"] == channel]
    if mine.empty:
        names = "、".join(str(c) for c in rows["channel"].dropna().unique()[:10])
        raise DataError(f"The 活动 tab has no row on channel '{channel}'" if en else f"「活动」表里没有渠道「{channel}」的数据",
                        f"channels in the sheet: {names}" if en else f"表里的渠道：{names}")
    start, end = period or default_trend_period(today)
    label = period_name(start, end)
    part = clip_to_period(mine, start, end)
    if part.empty:
        first, last = mine["start_date"].min().date(), mine["end_date"].max().date()
        example = f"/roi {channel} {pd.Period(last, freq='M')}"
        raise DataError(f"'{channel}' has no data in {label}" if en else f"渠道「{channel}」在 {label} 没有数据",
                        f"its rows run from {first} to {last}, e.g. {example}" if en
                        else f"它的数据在 {first} ~ {last} 之间，例：{example}")
    basis = return_basis(part)
    totals, unavailable = _figures(group_metrics(part, None, basis).iloc[0])
    by_month = group_metrics(spread_by_month(part), ["month"], basis).set_index("month")
    # a figure asked by name (抖音获客成本多少) is carried month by month too, beside cost, revenue and ROI
    extra = (metric,) if metric and metric in by_month.columns and metric not in ("cost", "revenue", "roi") else ()
    months = []
    for month in pd.period_range(start, end, freq="M"):
        if month not in by_month.index:
            months.append({"month": str(month), "cost": None, "revenue": None, "roi": None,
                           **{name: None for name in extra}, "unavailable": {}})
            continue
        figures, why = _figures(by_month.loc[month], ("cost", "revenue", "roi", *extra))
        months.append({"month": str(month), **figures, "unavailable": why})
    table = group_metrics(part, ["campaign"], basis).sort_values(["roi", "revenue"], ascending=False,
                                                                  na_position="last")
    campaigns = []
    for _, row in table.iterrows():
        figures, why = _figures(row, ("cost", "revenue", "roi"))
        campaigns.append({"campaign": row["campaign"], **figures, "roas_text": roas_ratio_text(row["roas"]),
                          "unavailable": why})
    return ChannelTrendAnswer(
        kind="channel_trend", lang=lang, channel=channel, start_date=start, end_date=end, label=label, basis=basis,
        basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        totals=totals, unavailable=unavailable, roas_text=roas_ratio_text(totals.get("roas")), months=months,
        campaigns=campaigns)
