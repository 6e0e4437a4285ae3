"""The answers over the whole sheet: help, the channel ranking, the campaigns' top list, advice
and attribution over any period."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core.answer.repurchase import repurchase_rates  # one group-by for every name
from roi_core.answer.rows import _label, _rows_for, period_rows
from roi_core.answer.shapes import AdviceAnswer, ChannelRanking, HelpAnswer, TopList
from roi_core.attribution_report import attribution_report
from roi_core.budget import BudgetPlan, conflict_summary, credited
from roi_core.budget.answer import (
    basis_for,
    bound_text,
    plan_for,
    plan_headline,
    plan_json,
    plan_note,
    plan_rows,
)
from roi_core.errors import DataError
from roi_core.metrics import (
    BASIS_LABEL,
    group_metrics,
    return_basis,
    roas_ratio_text,
)
from roi_core.query import Query, period_label
from roi_core.query.lexicon import LOWER_BETTER
from roi_core.results import Answer, _channel_rows, _figures, to_json_dict
from roi_core.sheetdata import SheetData
from roi_core.suggest import Suggestion, channel_suggestions

#: the figures a ranking can sort on (the others fall back to ROI); TOP_FIGURES: a top list's own columns
RANKABLE = ("roi", "roas", "profit", "revenue", "cost", "cac", "cpa", "cvr", "ctr", "aov", "new_customers", "repurchase")
TOP_FIGURES = ("cost", "revenue", "return_value", "profit", "roi", "roas")

HELP_EXAMPLES_ZH = [
    ("/roi 618活动", "某个活动的 ROI、投产比、漏斗、各渠道与建议"),
    ("/roi 渠道 2026-10", "渠道排行（可选月份）"),
    ("/roi 归因 马尔可夫 2026-10", "多触点归因（首次触点 末次触点 末次非直接 线性 时间衰减 位置 马尔可夫 沙普利）"),
    ("/roi 月报 2026-10", "月度汇总（默认上个完整月）"),
    ("/roi 建议", "建议与下月预算调整"),
    ("/roi 排行 10", "活动 ROI 排行"),
    ("/roi 上个月各渠道ROI", "上个月各渠道的 ROI"),
    ("/roi 哪个渠道最好", "ROI 最高的渠道"),
    ("/roi 618 抖音", "某个活动在一个渠道的表现"),
    ("/roi 618 获客成本", "某个活动的一项指标（获客成本、点击率、客单价…）"),
    ("/roi 去年双11", "往届活动（去年、2025、上一届）"),
    ("/roi 最差的3个活动", "ROI 最低的活动"),
    ("/roi 下个月预算怎么分", "下月预算怎么调整"),
    ("/roi Q3 渠道", "一个季度的渠道排行（本季度、年初至今…）"),
    ("/roi 近30天 渠道", "最近 N 天的渠道排行"),
]
HELP_EXAMPLES_EN = [
    ("/roi 618活动", "one campaign: ROI, ROAS, funnel, channels, suggestions"),
    ("/roi channels 2026-10", "channel ranking (month optional)"),
    ("/roi attribution markov 2026-10", "multi-touch attribution (first last last_non_direct linear time_decay position markov shapley)"),
    ("/roi summary 2026-10", "monthly summary (last full month by default)"),
    ("/roi advice", "suggestions and next month's budget"),
    ("/roi top 10", "campaigns by ROI"),
    ("/roi channels last month", "each channel's ROI last month"),
    ("/roi best channel", "the channel with the highest ROI"),
    ("/roi 618 抖音", "one campaign on one channel"),
    ("/roi 618 CAC", "one figure of a campaign (CAC, CTR, AOV…)"),
    ("/roi last year's 双11", "an earlier edition (last year, 2025, previous)"),
    ("/roi worst 3 campaigns", "the lowest-ROI campaigns"),
    ("/roi budget next month", "how to split next month's budget"),
    ("/roi channels Q3", "channel ranking for a quarter (this quarter, year to date…)"),
    ("/roi channels last 30 days", "channel ranking for the last N days"),
]


def help_answer(query: Query, data: SheetData | None = None) -> HelpAnswer:
    examples = HELP_EXAMPLES_EN if query.lang == "en" else HELP_EXAMPLES_ZH
    ans = HelpAnswer(kind="help", lang=query.lang, examples=list(examples))
    if data is not None and not data.campaigns.empty:
        latest = data.campaigns.sort_values("start_date", ascending=False)["campaign"]
        ans.campaigns = list(dict.fromkeys(latest.tolist()))[:5]
    return ans


def ranked_by(metric: str | None, table: pd.DataFrame) -> str:
    """The figure a ranking sorts on: the one asked when the table has it, else ROI."""
    return metric if metric in RANKABLE and metric in table.columns else "roi"


def sort_ranked(table: pd.DataFrame, key: str, order: str, then: list[str] | None = None) -> pd.DataFrame:
    """``table`` best first by ``key`` (for a cost, 获客成本 or 转化成本 the lowest is best), or worst first."""
    ascending = (order == "worst") != (key in LOWER_BETTER)
    by = [key, *(then or [])]
    return table.sort_values(by, ascending=[ascending] * len(by), na_position="last", kind="stable")


def channel_ranking(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh",
                    period: tuple[dt.date, dt.date] | None = None, order: str = "best",
                    metric: str | None = None, today: dt.date | None = None, top: int | None = None) -> ChannelRanking:
    """Channels ranked by sum-based ROI (or the figure ``metric`` names: 转化率, 利润, 获客成本…), over all
    data, one month or any ``period`` (rows spread by day); ``order="worst"`` lists the worst first; ``top``
    (最差的三个渠道) lists only that many, saying how many there are (the totals stay every channel's).

    The ROI is on the one basis of channel credit (:func:`roi_core.budget.credit_basis`): the 活动
    tab's, or, when 触点 covers 设置 归因覆盖阈值 of the period's revenue, the attribution model's
    share of the period's return (each row keeps its 活动 tab ROI as ``tab_roi``). The answer names
    the basis when the model decides, and the channels the two bases put on opposite sides of the
    target, with both figures."""
    settings = data.settings
    rows = _rows_for(data, month, period)
    label = _label(month, period)
    if rows.empty:
        raise DataError(f"{label} 没有活动数据" if label is not None else "没有活动数据",
                        "换一个月份试试，例：/roi 渠道 2026-10")
    basis = return_basis(rows)
    credit = basis_for(data, rows, month, period)
    table = credited(group_metrics(rows, ["channel"], basis), credit)
    if metric == "repurchase" and today is not None:  # from the 订单 tab's customers (answer/intents.py)
        table["repurchase"] = table["channel"].map(repurchase_rates(data, "channel", table["channel"], today, period))
    table = sort_ranked(table, ranked_by(metric, table), order)
    totals, _ = _figures(group_metrics(rows, None, basis).iloc[0])
    channels = _channel_rows(table)
    for item, tab_roi in zip(channels, table["tab_roi"], strict=True):
        item["tab_roi"] = None if pd.isna(tab_roi) else float(tab_roi)
    if "repurchase" in table.columns:
        for item, rate in zip(channels, table["repurchase"], strict=True):
            item["repurchase"] = None if pd.isna(rate) else float(rate)
    shown = len(channels) if top is None else min(top, len(channels))
    ans = ChannelRanking(
        kind="channels", lang=lang, month=label, basis=basis,
        basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        totals=totals, channels=channels[:shown],
        suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol, lang=lang),
        credit_basis=credit.name,
    )
    if shown < len(channels):
        ans.warnings.append(f"Only the first {shown} of {len(channels)} channels are listed" if lang == "en"
                            else f"只列出前 {shown} 个渠道（共 {len(channels)} 个）")
    conflicts = conflict_summary(credit, lang, settings.target_roi)
    if credit.uses_model or conflicts:
        ans.warnings.extend([credit.describe(lang), *conflicts])
    return ans


def top_campaigns(data: SheetData, top_n: int = 10, month: pd.Period | None = None, *, lang: str = "zh",
                  period: tuple[dt.date, dt.date] | None = None, order: str = "best",
                  channel: str | None = None, metric: str | None = None, today: dt.date | None = None) -> TopList:
    """Campaigns by sum-based ROI, or the figure ``metric`` names (campaigns without it last); ``order="worst"``
    worst first, over all data, one month or any ``period``, optionally on one ``channel``."""
    settings = data.settings
    rows = _rows_for(data, month, period, channel)
    basis = return_basis(rows)
    table = group_metrics(rows, ["campaign"], basis)
    if metric == "repurchase" and today is not None:
        table["repurchase"] = table["campaign"].map(repurchase_rates(data, "campaign", table["campaign"], today, period))
    key = ranked_by(metric, table)
    if key == "roi":
        ascending = order == "worst"
        table = table.sort_values(["roi", "revenue"], ascending=[ascending, ascending], na_position="last")
    else:
        table = sort_ranked(table, key, order, ["revenue"])
    names = ("cost", "revenue", "return_value", "profit", "roi", "roas") + ((key,) if key not in TOP_FIGURES else ())
    ranked = []
    for rank, (_, row) in enumerate(table.head(top_n).iterrows(), start=1):
        figures, unavailable = _figures(row, names)
        ranked.append({"rank": rank, "campaign": row["campaign"], **figures,
                       "roas_text": roas_ratio_text(row["roas"]), "unavailable": unavailable})
    ans = TopList(kind="top", lang=lang, month=_label(month, period), top_n=top_n, basis=basis,
                  basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol,
                  total_campaigns=len(table), campaigns=ranked)
    if order != "best":
        ans.asked_order = order
    return ans


def advice(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh",
           period: tuple[dt.date, dt.date] | None = None, budget: float | None = None) -> AdviceAnswer:
    """Channel suggestions plus next month's budget on marginal return, from all data, one month or
    any ``period``: the same total (or ``budget``, when the user gives one) split to maximise the
    expected return within ±调整上限 per channel, with its 80 % interval. Channel credit comes from
    the one basis (:func:`roi_core.budget.credit_basis`), named in the answer."""
    settings = data.settings
    rows = _rows_for(data, month, period)
    label = _label(month, period)
    if rows.empty:
        raise DataError(f"{label} 没有活动数据" if label is not None else "没有活动数据")
    basis = return_basis(rows)
    credit = basis_for(data, rows, month, period)
    table = credited(group_metrics(rows, ["channel"], basis), credit)  # the model's share when it decides
    symbol = settings.currency_symbol
    suggestions = channel_suggestions(table, settings.target_roi, symbol, lang=lang)
    plan: BudgetPlan | None = plan_for(data, rows, credit, month, period, total=budget)
    ans = AdviceAnswer(kind="advice", lang=lang, month=label, basis=basis,
                       basis_label=BASIS_LABEL[basis], currency=symbol,
                       target_roi=settings.target_roi, suggestions=suggestions,
                       credit_basis=credit.name, credit_basis_label=credit.label(lang),
                       credit_basis_note=credit.describe(lang), coverage=credit.coverage, budget_asked=budget)
    ans.warnings.extend(conflict_summary(credit, lang, settings.target_roi))
    if plan is None:
        if budget is not None:
            ans.warnings.append("Fewer than two channels spent in the period: nothing to split" if lang == "en"
                                else "这段时间有投放的渠道不足两个，无法分配预算")
        return ans
    ans.reallocation = to_json_dict(plan_rows(plan))
    ans.reallocation_total = plan.total
    ans.expected_return_change = plan.expected_change
    ans.expected_return_low, ans.expected_return_high = plan.low, plan.high
    ans.reallocation_note = plan_note(plan, symbol, lang)
    ans.reallocation_method = plan.method
    ans.budget = to_json_dict(plan_json(plan, lang, symbol))
    headline = plan_headline(plan, symbol, lang)
    # the raise/cut suggestion follows the marginal plan, never the average ROI (which the plan may contradict)
    lead = [] if headline is None else [Suggestion("raise", plan.channels[0].channel, headline, {
        "marginal_roi": plan.channels[0].marginal_roi, "roi": plan.channels[0].roi, "amount": plan.channels[0].change})]
    if plan.bound == "upper":  # every channel at its cap: the bound says it all
        lead = []
    if plan.bound or plan.unallocated > 0.5:  # out of the guardrails' reach, or money left unallocated: said first
        lead.insert(0, Suggestion("budget", "", bound_text(plan, symbol, lang),
                                  {"asked": plan.asked, "total": plan.total, "change_limit_needed": plan.limit_needed,
                                   "unallocated": plan.unallocated}))
    ans.suggestions = lead + [s for s in suggestions if s.kind != "raise"]
    return ans


def _attribution(query: Query, data: SheetData) -> Answer:
    period = query.period
    if period is None or query.month is not None:
        return attribution_report(data, query.model, query.month, lang=query.lang)
    # any other period: the touches of journeys with a touch in it (from the lookback before it) and
    # the campaign rows' share of it; the answer is labelled with the period
    lookback = pd.Timedelta(days=data.settings.lookback_days)
    start, end = pd.Timestamp(period[0]), pd.Timestamp(period[1]) + pd.Timedelta(days=1)
    touches = data.touchpoints
    if not touches.empty:
        window = touches[(touches["timestamp"] >= start - lookback) & (touches["timestamp"] < end)]
        active = window.loc[window["timestamp"] >= start, "customer_id"].unique()
        touches = window[window["customer_id"].isin(active)]
        if touches.empty:
            raise DataError(f"{period_label(query)} 没有触点数据", "换一个时间段试试，例：/roi 归因 马尔可夫 2026-10")
    rows = data.campaigns
    clipped = period_rows(rows, *period)
    ans = attribution_report(data.with_source(campaigns=clipped, touchpoints=touches), query.model, None,
                             lang=query.lang)
    ans.month = period_label(query)
    return ans
