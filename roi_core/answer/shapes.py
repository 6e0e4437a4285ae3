"""The answers' shapes (plain dataclasses on :class:`roi_core.results.Answer`) and the console's
JSON of them."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from roi_core.results import Answer, to_json_dict
from roi_core.suggest import Suggestion


@dataclass
class HelpAnswer(Answer):
    examples: list[tuple[str, str]] = field(default_factory=list)
    campaigns: list[str] = field(default_factory=list)


@dataclass
class CandidatesAnswer(Answer):
    query: str = ""
    how: str = ""
    candidates: list[str] = field(default_factory=list)


@dataclass
class NoMatchAnswer(Answer):
    query: str = ""
    closest: list[str] = field(default_factory=list)
    suggested_questions: list[str] = field(default_factory=list)  # each answered by the sheet as it stands


@dataclass
class CampaignReport(Answer):
    campaign: str = ""
    matched_by: str = "exact"
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    figures: dict = field(default_factory=dict)
    unavailable: dict = field(default_factory=dict)
    roas_text: str | None = None
    channels: list[dict] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    # payback, LTV, repurchase… of the customers it acquired (roi_core/answer/customer_value.py); {} until set
    customer_value: dict = field(default_factory=dict)


@dataclass
class ChannelRanking(Answer):
    month: str | None = None
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    totals: dict = field(default_factory=dict)
    channels: list[dict] = field(default_factory=list)
    suggestions: list[Suggestion] = field(default_factory=list)
    credit_basis: str = "campaign_tab"  # the one basis of channel credit (roi_core.budget.answer)


@dataclass
class TopList(Answer):
    month: str | None = None
    top_n: int = 10
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    total_campaigns: int = 0
    campaigns: list[dict] = field(default_factory=list)


@dataclass
class AdviceAnswer(Answer):
    month: str | None = None
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    suggestions: list[Suggestion] = field(default_factory=list)
    reallocation: list[dict] = field(default_factory=list)
    reallocation_total: float | None = None
    expected_return_change: float | None = None
    reallocation_note: str = ""
    # next month's budget on marginal return (roi_core.budget): response_curve | linear, its 80 % interval,
    # the credit basis (campaign_tab or the model; ``basis`` above is the return's, 毛利 or 销售额), and the
    # whole plan as ``budget`` {reallocation_method, basis, channels: [{current, proposed, marginal_roi,
    # expected_change: {value, low, high}, curve}], …}
    reallocation_method: str = ""
    expected_return_low: float | None = None
    expected_return_high: float | None = None
    credit_basis: str = "campaign_tab"
    credit_basis_label: str = ""
    credit_basis_note: str = ""
    coverage: float | None = None
    budget_asked: float | None = None
    budget: dict = field(default_factory=dict)


def campaign_json(report: CampaignReport) -> dict:
    """The console's JSON for a campaign: the headline figures (docs/formulas.md) at the top level, then the rest."""
    f = report.figures
    flat = {
        "kind": report.kind,
        "campaign": report.campaign,
        "basis": report.basis,
        "basis_label": report.basis_label,
        "cost": f.get("cost"),
        "revenue": f.get("revenue"),
        "gross_profit": f.get("gross_profit"),
        "return": f.get("return_value"),
        "profit": f.get("profit"),
        "roi": f.get("roi"),
        "roas": f.get("roas"),
        "roas_text": report.roas_text,
        "cac": f.get("cac"),
        "ctr": f.get("ctr"),
        "cvr": f.get("cvr"),
        "cpc": f.get("cpc"),
        "cpa": f.get("cpa"),
        "aov": f.get("aov"),
        "new_customers": f.get("new_customers"),
        "events": event_json(f),
        **value_json(report.customer_value),
        "rows_skipped": report.rows_skipped,
        "channels": report.channels,
        "suggestions": [s.text for s in report.suggestions],
        "warnings": report.warnings,
        "start_date": report.start_date,
        "end_date": report.end_date,
        "matched_by": report.matched_by,
        "target_roi": report.target_roi,
        "figures": report.figures,
        "unavailable": report.unavailable,
        "suggestion_details": report.suggestions,
        "source": report.source,
        "data_age_seconds": report.data_age_seconds,
        "stale": report.stale,
        "lang": report.lang,  # the question's language (zh unless the question is English)
    }
    return to_json_dict(flat)


def value_json(figures: dict) -> dict:
    """The customer-value figures at a campaign's top level: ``payback_days`` (int or None), ``recovered``
    (fraction of the cost recovered so far), ``ltv`` ({"30": …, "90": …, "180": …, "365": …} per new customer,
    None where not every one is old enough), ``repurchase_rate``, ``ltv_cac``."""
    return {"payback_days": figures.get("payback_days"), "recovered": figures.get("recovered"),
            "ltv": figures.get("ltv") or {"30": None, "90": None, "180": None, "365": None},
            "repurchase_rate": figures.get("repurchase_rate"), "ltv_cac": figures.get("ltv_cac")}


EVENT_FIGURES = ("participants", "cost_per_participant", "participant_cvr", "avg_minutes", "satisfaction",
                 "retained_customers", "retention_rate", "social_mentions")


def event_json(figures: dict) -> dict | None:
    """An event's figures (None when no row counted participants): 参与人数, 每位参与者成本, 参与者转化率,
    平均参与时长 (minutes), 满意度 (0–5), 留存客户数, 留存率 = 留存客户数 / 参与人数, 社媒提及."""
    if not figures.get("participants"):
        return None
    return {name: figures.get(name) for name in EVENT_FIGURES}


def answer_json(ans: Answer) -> dict:
    """The console's JSON of any answer; one bound to a period ends with ``period: {start, end}``
    (inclusive ISO dates), one restricted to a channel or asked for a metric with ``channel`` / ``metric``."""
    out = campaign_json(ans) if isinstance(ans, CampaignReport) else to_json_dict(ans)
    for key in ("channel", "metric", "order", "period"):
        value = getattr(ans, f"asked_{key}", None)
        if value is not None:
            out[key] = to_json_dict(value)
    if getattr(ans, "follow_up", None):  # the closed loop: what happened after a proposal (roi_core.follow_up)
        out["follow_up"] = to_json_dict(ans.follow_up)
    if getattr(ans, "alerts", None):  # today's alerts of a campaign (roi_core.monitor.with_alerts)
        out["alerts"] = [a.to_json() for a in ans.alerts]
    return out
