"""Answers to marketers' everyday intents (roi_core/query/lexicon.py): whether a channel is worth its money
(值不值得投), the plan's line for one channel (要不要加抖音预算), today's alerts (有什么预警), and a campaign's
own dates as the period of another question (双11期间各渠道, 双11各渠道归因)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace

from roi_core.answer.builders import advice
from roi_core.answer.campaign import _campaign_answer, _edition
from roi_core.answer.trend import channel_trend
from roi_core.errors import DataError
from roi_core.fmt import pct
from roi_core.matching import match_campaign
from roi_core.monitor import daily_check
from roi_core.query import Query
from roi_core.query.period_words import _as_month
from roi_core.results import Answer
from roi_core.sheetdata import SheetData


@dataclass
class WorthAnswer(Answer):
    """值不值得投: the channel's figures over the period (``totals``: cost, revenue, profit, roi), its ROI in its
    last months with data (``months``, oldest first) and their ``trend`` (up / down / flat / None), the
    plan's line for it (``plan``: current, proposed, change, marginal_roi…) and a one-line ``verdict``
    (``verdict_kind``: raise / keep / cut / watch)."""

    channel: str = ""
    label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    basis: str = "revenue"
    basis_label: str = ""
    totals: dict = field(default_factory=dict)
    months: list[dict] = field(default_factory=list)
    trend: str | None = None
    plan: dict | None = None
    verdict: str = ""
    verdict_kind: str = ""


@dataclass
class BudgetLineAnswer(Answer):
    """要不要加抖音预算: the budget plan's line for one channel (``line``: current, proposed, change, roi,
    marginal_roi, expected_change {value, low, high}) and the plan's own first sentence (``headline``)."""

    channel: str = ""
    month: str | None = None
    currency: str = "¥"
    target_roi: float = 1.0
    line: dict = field(default_factory=dict)
    headline: str = ""
    credit_basis_label: str = ""
    reallocation_method: str = ""


@dataclass
class AlertsAnswer(Answer):
    """有什么预警: every alert of ``date`` (the team's today), as the daily check raises them (each
    alert's JSON: campaign, channel, kind, figures, message, proposal); ``alerts_today`` in the JSON."""

    date: dt.date | None = None
    alerts_today: list[dict] = field(default_factory=list)


def _trend(values: list[float]) -> str | None:
    if len(values) < 2:
        return None
    change = values[-1] - values[-2]
    return "flat" if abs(change) < 0.05 else "up" if change > 0 else "down"


def _verdict(roi, line: dict | None, target: float, trend: str | None, symbol: str, lang: str) -> tuple[str, str]:
    """One line that follows the budget plan (the same marginal-return rule as 建议), with the ROI beside it."""
    en = lang == "en"
    change = (line or {}).get("change") or 0.0
    proposed = (line or {}).get("proposed")
    marginal = (line or {}).get("marginal_roi")
    m = pct(marginal)
    if line is not None and change > 0.5:
        return "raise", (f"Worth it: the next yuan still returns ROI {m}; raise it to {symbol}{proposed:,.0f} a month"
                         if en else f"值得投，还可以加：多投的钱边际 ROI 仍有 {m}，建议每月加到 {symbol}{proposed:,.0f}")
    if line is not None and change < -0.5:
        if roi is not None and roi >= target:
            return "keep", (f"Worth it at a lower level: the next yuan returns only ROI {m}; cut it to "
                            f"{symbol}{proposed:,.0f} a month" if en else
                            f"投是值得的，但别投这么多：多投的钱边际 ROI 只有 {m}，建议每月降到 {symbol}{proposed:,.0f}")
        if trend == "up":
            return "watch", (f"Not yet: ROI is below target but rising; cut it to {symbol}{proposed:,.0f} and watch"
                             if en else f"暂时不太值得：ROI 低于目标但在回升，建议先降到每月 {symbol}{proposed:,.0f} 观察")
        return "cut", (f"Not worth it as it is: ROI below target, the next yuan returns {m}; cut it to "
                       f"{symbol}{proposed:,.0f} a month" if en else
                       f"不值得按现在的量投：ROI 低于目标，多投的钱边际 ROI 只有 {m}，建议每月降到 {symbol}{proposed:,.0f}")
    if roi is not None and roi < target:
        return "watch", ("Below target; keep it as it is and watch" if en else "ROI 低于目标，先保持现在的预算观察")
    return "keep", ("Worth it: keep the budget as it is" if en else "值得投，保持现在的预算")


def _plan_line(data: SheetData, query: Query, channel: str) -> tuple[dict | None, object]:
    plan = advice(data, query.month, lang=query.lang, period=query.period)
    line = next((c for c in (plan.budget or {}).get("channels", []) if c.get("channel") == channel), None)
    return line, plan


def worth_answer(query: Query, data: SheetData, today: dt.date) -> WorthAnswer:
    """The channel's ROI over the period (default: the last 12 whole months), its last months' ROI and their
    trend, the plan's marginal return and change for it, and a one-line verdict that follows the plan."""
    trend = channel_trend(data, query.channel, today, query.period, lang=query.lang)
    seen = [m for m in trend.months if m.get("roi") is not None]
    try:
        line, _plan = _plan_line(data, query, query.channel)
    except DataError:
        line = None
    roi = trend.totals.get("roi")
    direction = _trend([m["roi"] for m in seen[-3:]])
    kind, verdict = _verdict(roi, line, data.settings.target_roi, direction, trend.currency, query.lang)
    return WorthAnswer(kind="worth", lang=query.lang, channel=query.channel, label=trend.label,
                       currency=trend.currency, target_roi=trend.target_roi, basis=trend.basis,
                       basis_label=trend.basis_label,
                       totals={k: trend.totals.get(k) for k in ("cost", "revenue", "profit", "roi")},
                       months=[{"month": m["month"], "roi": m["roi"]} for m in seen[-3:]], trend=direction,
                       plan={k: v for k, v in line.items() if k not in ("curve", "holdout")} if line else None,
                       verdict=verdict, verdict_kind=kind)


def budget_line_answer(query: Query, data: SheetData, today: dt.date) -> BudgetLineAnswer:
    """The plan of 建议 (same period, same rule), its line for the channel asked. DataError when the plan has
    no line for it (the channel spent nothing in the period)."""
    line, plan = _plan_line(data, query, query.channel)
    if line is None:
        raise DataError(f"预算方案里没有「{query.channel}」：这段时间它没有花费" if query.lang != "en" else
                        f"The budget plan has no line for {query.channel}: it spent nothing in the period",
                        "问「建议」看完整的预算方案" if query.lang != "en" else "ask: advice")
    headline = next((s.said(query.lang) for s in plan.suggestions), "")
    return BudgetLineAnswer(kind="budget_line", lang=query.lang, channel=query.channel, month=plan.month,
                            currency=plan.currency, target_roi=plan.target_roi,
                            line={k: v for k, v in line.items() if k not in ("curve", "holdout")}, headline=headline,
                            credit_basis_label=plan.credit_basis_label, reallocation_method=plan.reallocation_method)


def alerts_answer(query: Query, data: SheetData, today: dt.date) -> AlertsAnswer:
    """Today's alerts of every running campaign, in the question's language (none: an empty list)."""
    alerts = daily_check(data, today, query.lang)
    return AlertsAnswer(kind="alerts", lang=query.lang, date=today, alerts_today=[a.to_json() for a in alerts])


def resolve_during(query: Query, data: SheetData) -> tuple[Query, str] | Answer:
    """双11期间: the query with the campaign's own first and last day as its period (the edition asked, else
    the latest) and a sentence saying so; the campaign's answer instead when the name matches none or several."""
    match = match_campaign(query.text, data.campaigns["campaign"].tolist())
    chosen, _note = _edition(match, query, data)
    name = chosen or match.unique
    if name is None:
        return _campaign_answer(replace(query, kind="campaign", during=False), data)
    rows = data.campaigns[data.campaigns["campaign"] == name]
    start, end = rows["start_date"].min().date(), rows["end_date"].max().date()
    said = (f"Period: {name}'s own dates, {start} ~ {end}" if query.lang == "en"
            else f"时间段：「{name}」的活动期 {start} ~ {end}")
    return replace(query, start=start, end=end, month=_as_month(start, end), text="", edition=None,
                   during=False), said


def clipped_note(query: Query) -> str:
    """下半年 asked before it ends (``asked_end`` set by the parser): one sentence saying the period stops at
    today, so a total is not read as the whole half year's."""
    if query.asked_end is None or query.end is None:
        return ""
    if query.lang == "en":
        return (f"Period: {query.start} ~ {query.end}; the days after today (to {query.asked_end}) "
                f"have not happened yet")
    return f"时间段：{query.start} ~ {query.end}（截至今天；{query.end + dt.timedelta(days=1)} ~ {query.asked_end} 还没到）"


INTENT_ANSWERS = {"worth": worth_answer, "budget_line": budget_line_answer, "alerts": alerts_answer}
