"""The monthly summary (月报): the loop 监控 → 分析 → 调整, for one month.

``monthly_summary(data, month)`` gives the month's totals and channels (campaign
rows spread over months by day), month-over-month and year-over-year changes,
the best and worst channel, anomaly flags, suggestions, a budget reallocation
for next month that keeps the total, recurring campaigns against their last
edition, and a 12-month ROI trend per channel. ``summary_row`` and
``channel_rows`` shape it for the assistant's 月度汇总 and 渠道月度 tabs.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.budget.answer import attach_plan
from roi_core.cohort_report import cohort_line
from roi_core.errors import DataError
from roi_core.fmt import money, pct
from roi_core.metrics import BASIS_LABEL, group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.results import Answer, _channel_rows, _figures
from roi_core.sheetdata import SheetData
from roi_core.suggest import Suggestion, channel_suggestions

# anomaly rules (docs/formulas.md, 月报): ROI this far under the channel's trailing 3-month median
ROI_DROP_POINTS = 0.30
TRAILING_MONTHS = 3
# cost up more than this with revenue within ±FLAT_REVENUE
COST_JUMP = 0.50
FLAT_REVENUE = 0.10
TREND_MONTHS = 12

MONTHLY_SUMMARY_HEADERS = ("月份", "口径", "总成本", "销售额", "毛利", "收益", "利润", "ROI(%)", "投产比", "新客户数",
                           "获客成本", "转化数", "环比成本(%)", "环比收益(%)", "环比ROI(百分点)", "同比收益(%)",
                           "最佳渠道", "最差渠道", "异常", "建议", "未计入行数", "更新时间")
CHANNEL_MONTHLY_HEADERS = ("月份", "渠道", "总成本", "销售额", "收益", "利润", "ROI(%)", "投产比", "获客成本", "点击率(%)",
                           "转化率(%)", "环比ROI(百分点)", "异常")


@dataclass(frozen=True)
class Anomaly:
    channel: str
    kind: str  # roi_drop | cost_jump
    text: str
    figures: dict = field(default_factory=dict)


@dataclass
class MonthlySummary(Answer):
    month: str = ""
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    totals: dict = field(default_factory=dict)
    previous: dict = field(default_factory=dict)  # the month before (empty when no data)
    last_year: dict = field(default_factory=dict)  # the same month a year before
    changes: dict = field(default_factory=dict)  # mom_cost, mom_revenue, mom_return, mom_roi_points, yoy_*
    channels: list[dict] = field(default_factory=list)  # + mom_roi_points, anomalies
    best_channel: str | None = None
    worst_channel: str | None = None
    anomalies: list[Anomaly] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    reallocation: list[dict] = field(default_factory=list)
    expected_return_change: float | None = None
    reallocation_note: str = ""
    recurring: list[dict] = field(default_factory=list)
    trend_months: list[str] = field(default_factory=list)
    trend: dict = field(default_factory=dict)  # channel → ROI per trend month (None where no cost)
    # next month's budget on marginal return (roi_core.budget.answer.attach_plan)
    reallocation_method: str = ""
    credit_basis: str = "campaign_tab"
    budget: dict = field(default_factory=dict)
    # the month's new customers and their revenue per customer that month (roi_core.cohort_report); {} without 订单
    new_customer_cohort: dict = field(default_factory=dict)


def _change(now, before) -> float | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before) or before == 0:
        return None
    return float(now / before - 1)


def _points(now, before) -> float | None:
    if now is None or before is None or pd.isna(now) or pd.isna(before):
        return None
    return float(now - before)


def edition_key(name: str) -> str:
    """A campaign's name without its year: "2025 618活动" and "618活动(2026)" are editions of one campaign."""
    key = re.sub(r"(19|20)\d{2}\s*年?", "", str(name))
    key = re.sub(r"[\s()（）\-_·]+", "", key)
    return key.casefold()


def monthly_summary(data: SheetData, month: pd.Period, *, lang: str = "zh") -> MonthlySummary:
    """Summarise ``month`` from the sheet's campaign rows (spread over months by day)."""
    if data.missing:
        raise DataError("；".join(data.missing), "请按模板补齐后再试（python -m sheets init 可生成模板）")
    settings = data.settings
    rows = prepare_rows(data.campaigns, settings)
    spread = spread_by_month(rows)
    this = spread[spread["month"] == month]
    if this.empty:
        raise DataError(f"{month} 没有活动数据", "月报默认是上一个完整月；指定月份：/roi 月报 2026-10")
    basis = return_basis(this)
    total = group_metrics(this, None, basis).iloc[0]
    totals, _ = _figures(total)

    by_month_channel = group_metrics(spread[spread["month"] >= month - (TREND_MONTHS - 1)],
                                     ["month", "channel"], basis)
    by_month_channel = by_month_channel[by_month_channel["month"] <= month]
    table = by_month_channel[by_month_channel["month"] == month].drop(columns="month")
    table = table.sort_values("roi", ascending=False, na_position="last").reset_index(drop=True)

    previous = _totals(spread, month - 1, basis)
    last_year = _totals(spread, month - 12, basis)
    changes = {
        "mom_cost": _change(totals["cost"], previous.get("cost")),
        "mom_revenue": _change(totals["revenue"], previous.get("revenue")),
        "mom_return": _change(totals["return_value"], previous.get("return_value")),
        "mom_roi_points": _points(totals["roi"], previous.get("roi")),
        "yoy_cost": _change(totals["cost"], last_year.get("cost")),
        "yoy_revenue": _change(totals["revenue"], last_year.get("revenue")),
        "yoy_return": _change(totals["return_value"], last_year.get("return_value")),
        "yoy_roi_points": _points(totals["roi"], last_year.get("roi")),
    }

    anomalies = find_anomalies(by_month_channel, month, settings.currency_symbol)
    channels = _channel_rows(table)
    prev_roi = by_month_channel[by_month_channel["month"] == month - 1].set_index("channel")["roi"]
    flagged: dict[str, list[str]] = {}
    for a in anomalies:
        flagged.setdefault(a.channel, []).append(a.text)
    for row in channels:
        row["mom_roi_points"] = _points(row["roi"], prev_roi.get(row["channel"]))
        row["anomalies"] = flagged.get(row["channel"], [])

    ranked = table[(table["cost"] > 0) & table["roi"].notna()]
    trend_months = [month - k for k in range(TREND_MONTHS - 1, -1, -1)]
    pivot = by_month_channel.pivot_table(index="channel", columns="month", values="roi", aggfunc="first")
    pivot = pivot.reindex(columns=trend_months)
    summary = MonthlySummary(
        kind="monthly", lang=lang, rows_skipped=data.rows_skipped, source=data.source, month=str(month), basis=basis, basis_label=BASIS_LABEL[basis],
        currency=settings.currency_symbol, target_roi=settings.target_roi, totals=totals, previous=previous,
        last_year=last_year, changes=changes, channels=channels,
        best_channel=None if ranked.empty else ranked.iloc[0]["channel"],
        worst_channel=None if len(ranked) < 2 else ranked.iloc[-1]["channel"],
        anomalies=anomalies,
        suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol, lang=lang),
        recurring=recurring_campaigns(rows, spread, month, basis),
        trend_months=[str(m) for m in trend_months],
        trend={ch: [None if pd.isna(v) else float(v) for v in pivot.loc[ch].tolist()] for ch in pivot.index},
    )
    attach_plan(summary, data, this, month)  # next month's budget on marginal return (roi_core.budget)
    summary.new_customer_cohort = cohort_line(data, month)
    return summary


def _totals(spread: pd.DataFrame, month: pd.Period, basis: str) -> dict:
    rows = spread[spread["month"] == month]
    if rows.empty:
        return {}
    figures, _ = _figures(group_metrics(rows, None, basis).iloc[0])
    return figures


def find_anomalies(by_month_channel: pd.DataFrame, month: pd.Period, symbol: str = "¥") -> list[Anomaly]:
    """Channels whose ROI fell > 30 points under their trailing 3-month median, or whose cost jumped
    > 50% on the month before while revenue stayed within ±10%."""
    out: list[Anomaly] = []
    wide_roi = by_month_channel.pivot_table(index="channel", columns="month", values="roi", aggfunc="first")
    wide_cost = by_month_channel.pivot_table(index="channel", columns="month", values="cost", aggfunc="first")
    wide_rev = by_month_channel.pivot_table(index="channel", columns="month", values="revenue", aggfunc="first")
    if month not in wide_roi.columns:
        return out
    trailing = [m for m in (month - k for k in range(1, TRAILING_MONTHS + 1)) if m in wide_roi.columns]
    if trailing:
        median = wide_roi[trailing].median(axis=1, skipna=True)
        now = wide_roi[month]
        drop = (median - now) > ROI_DROP_POINTS
        for channel in wide_roi.index[drop.fillna(False).to_numpy()]:
            out.append(Anomaly(channel, "roi_drop",
                               f"「{channel}」ROI {pct(now[channel])}，比前 {TRAILING_MONTHS} 个月中位数 "
                               f"{pct(median[channel])} 低 {(median[channel] - now[channel]) * 100:.1f} 个百分点",
                               {"roi": float(now[channel]), "trailing_median": float(median[channel])}))
    prev = month - 1
    if prev in wide_cost.columns:
        cost_now, cost_prev = wide_cost[month], wide_cost[prev]
        rev_now, rev_prev = wide_rev[month], wide_rev[prev]
        cost_up = (cost_prev > 0) & (cost_now > cost_prev * (1 + COST_JUMP))
        flat = (rev_prev > 0) & ((rev_now / rev_prev - 1).abs() <= FLAT_REVENUE)
        for channel in wide_cost.index[(cost_up & flat).fillna(False).to_numpy()]:
            out.append(Anomaly(channel, "cost_jump",
                               f"「{channel}」成本 {money(cost_prev[channel], symbol)} → {money(cost_now[channel], symbol)}"
                               f"（+{(cost_now[channel] / cost_prev[channel] - 1) * 100:.0f}%），销售额基本持平"
                               f"（{money(rev_prev[channel], symbol)} → {money(rev_now[channel], symbol)}）",
                               {"cost": float(cost_now[channel]), "previous_cost": float(cost_prev[channel]),
                                "revenue": float(rev_now[channel]), "previous_revenue": float(rev_prev[channel])}))
    return out


def recurring_campaigns(rows: pd.DataFrame, spread: pd.DataFrame, month: pd.Period, basis: str) -> list[dict]:
    """Campaigns running in ``month`` with an earlier edition (same name apart from the year)."""
    active = set(spread.loc[spread["month"] == month, "campaign"].unique())
    if not active:
        return []
    per_campaign = group_metrics(rows, ["campaign"], basis)
    per_campaign["start"] = per_campaign["campaign"].map(rows.groupby("campaign")["start_date"].min())
    per_campaign["key"] = per_campaign["campaign"].map(edition_key)
    # each campaign's previous edition is the one before it in (key, start) order
    ordered = per_campaign.sort_values(["key", "start"]).reset_index(drop=True)
    previous = ordered.groupby("key", sort=False).shift(1)
    has_previous = previous["campaign"].notna() & ordered["campaign"].isin(active)
    out = []
    for (_, me), (_, last) in zip(ordered[has_previous].iterrows(), previous[has_previous].iterrows(), strict=True):
        out.append({
            "campaign": me["campaign"], "previous": last["campaign"],
            "cost": float(me["cost"]), "previous_cost": float(last["cost"]),
            "revenue": float(me["revenue"]), "previous_revenue": float(last["revenue"]),
            "roi": None if pd.isna(me["roi"]) else float(me["roi"]),
            "previous_roi": None if pd.isna(last["roi"]) else float(last["roi"]),
            "revenue_change": _change(me["revenue"], last["revenue"]),
            "roi_points": _points(me["roi"], last["roi"]),
        })
    return out


def _num(value, scale: float = 1.0, digits: int = 2):
    """A number for a sheet cell: rounded, scaled (percent columns), "" when there is none."""
    if value is None or (isinstance(value, float) and not np.isfinite(value)):
        return ""
    return round(float(value) * scale, digits)


def summary_row(summary: MonthlySummary, updated_at: dt.datetime) -> list:
    """One 月度汇总 row, in MONTHLY_SUMMARY_HEADERS order (numbers as numbers, written RAW)."""
    t, c = summary.totals, summary.changes
    return [
        summary.month, summary.basis_label, _num(t["cost"]), _num(t["revenue"]), _num(t.get("gross_profit")),
        _num(t["return_value"]), _num(t["profit"]), _num(t["roi"], 100, 1), _num(t["roas"]),
        _num(t.get("new_customers"), digits=0), _num(t.get("cac")), _num(t.get("conversions"), digits=0),
        _num(c["mom_cost"], 100, 1), _num(c["mom_revenue"], 100, 1), _num(c["mom_roi_points"], 100, 1),
        _num(c["yoy_revenue"], 100, 1), summary.best_channel or "", summary.worst_channel or "",
        "；".join(a.text for a in summary.anomalies), "；".join(s.text for s in summary.suggestions[:3]),
        summary.rows_skipped, updated_at.strftime("%Y-%m-%d %H:%M"),
    ]


def channel_rows(summary: MonthlySummary) -> list[list]:
    """渠道月度 rows for the month, in CHANNEL_MONTHLY_HEADERS order."""
    return [[summary.month, r["channel"], _num(r["cost"]), _num(r["revenue"]), _num(r["return_value"]),
             _num(r["profit"]), _num(r["roi"], 100, 1), _num(r["roas"]), _num(r.get("cac")), _num(r.get("ctr"), 100, 2),
             _num(r.get("cvr"), 100, 2), _num(r.get("mom_roi_points"), 100, 1), "；".join(r["anomalies"])]
            for r in summary.channels]


@dataclass
class PeriodSummary(MonthlySummary):
    """The 月报 of several whole months (``月报 Q3``, ``月报 9月到10月``): ``totals`` and ``channels`` over the
    period, ``previous`` the as many months just before it, ``last_year`` the same months a year before,
    ``trend`` each channel's ROI in each of its months, and ``months`` one row per month (that month's own
    月报: cost, revenue, ROI, profit, best and worst channel; figures None for a month without data). The
    month-by-month anomalies are its months' own, prefixed with the month; no budget move (that is monthly)."""

    start_date: dt.date | None = None
    end_date: dt.date | None = None
    previous_label: str = ""
    last_year_label: str = ""
    months: list[dict] = field(default_factory=list)


def whole_months(start: dt.date, end: dt.date) -> bool:
    """Whether ``start``..``end`` is one or more whole calendar months."""
    return (start.day == 1 and start <= end
            and end == pd.Period(end, freq="M").end_time.date())


def _months_label(months: pd.PeriodIndex) -> str:
    return str(months[0]) if len(months) == 1 else f"{months[0]} ~ {months[-1]}"


def period_summary(data: SheetData, start: dt.date, end: dt.date, *, lang: str = "zh") -> PeriodSummary:
    """Summarise the whole months ``start``..``end`` (see :class:`PeriodSummary`); each month's row is
    exactly its own :func:`monthly_summary`. Raises DataError when no month of the period has data."""
    if data.missing:
        raise DataError("；".join(data.missing), "请按模板补齐后再试（python -m sheets init 可生成模板）")
    settings = data.settings
    months = pd.period_range(start, end, freq="M")
    label = _months_label(months)
    spread = spread_by_month(prepare_rows(data.campaigns, settings))
    this = spread[spread["month"].isin(months)]
    if this.empty:
        raise DataError(f"{label} 没有活动数据" if lang != "en" else f"No campaign data in {label}",
                        "换一个时间段试试，例：/roi 月报 2026-10" if lang != "en" else "try another period, e.g. summary 2026-10")
    basis = return_basis(this)
    totals, _ = _figures(group_metrics(this, None, basis).iloc[0])
    table = group_metrics(this, ["channel"], basis).sort_values("roi", ascending=False, na_position="last")
    table = table.reset_index(drop=True)
    n = len(months)

    def totals_of(period_months: pd.PeriodIndex) -> dict:
        rows = spread[spread["month"].isin(period_months)]
        return {} if rows.empty else _figures(group_metrics(rows, None, basis).iloc[0])[0]

    previous, last_year = totals_of(months - n), totals_of(months - 12)
    changes = {f"{when}_{name}": fn(totals[key], before.get(key))
               for when, before in (("mom", previous), ("yoy", last_year))
               for name, key, fn in (("cost", "cost", _change), ("revenue", "revenue", _change),
                                     ("return", "return_value", _change), ("roi_points", "roi", _points))}

    rows_by_month, anomalies = [], []
    for month in months:
        if not (spread["month"] == month).any():
            rows_by_month.append({"month": str(month), "cost": None, "revenue": None, "roi": None, "profit": None,
                                  "best_channel": None, "worst_channel": None, "basis_label": None})
            continue
        own = monthly_summary(data, month, lang=lang)
        rows_by_month.append({"month": own.month, "cost": own.totals["cost"], "revenue": own.totals["revenue"],
                              "roi": own.totals["roi"], "profit": own.totals["profit"],
                              "best_channel": own.best_channel, "worst_channel": own.worst_channel,
                              "basis_label": own.basis_label})
        anomalies += [Anomaly(a.channel, a.kind, f"{month}：{a.text}", a.figures) for a in own.anomalies]

    ranked = table[(table["cost"] > 0) & table["roi"].notna()]
    by_month_channel = group_metrics(this, ["month", "channel"], basis)
    pivot = by_month_channel.pivot_table(index="channel", columns="month", values="roi", aggfunc="first")
    pivot = pivot.reindex(columns=list(months))
    return PeriodSummary(
        kind="monthly", lang=lang, rows_skipped=data.rows_skipped, source=data.source, month=label, basis=basis,
        basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        totals=totals, previous=previous, last_year=last_year, changes=changes, channels=_channel_rows(table),
        best_channel=None if ranked.empty else ranked.iloc[0]["channel"],
        worst_channel=None if len(ranked) < 2 else ranked.iloc[-1]["channel"],
        anomalies=anomalies, suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol, lang=lang),
        trend_months=[str(m) for m in months],
        trend={ch: [None if pd.isna(v) else float(v) for v in pivot.loc[ch].tolist()] for ch in pivot.index},
        start_date=start, end_date=end, previous_label=_months_label(months - n),
        last_year_label=_months_label(months - 12), months=rows_by_month)
