"""``answer(query, data, today)``: the structured answer every front end renders.

Answers are plain dataclasses; :func:`to_json_dict` turns any of them into a
JSON-safe dict (NaN → None, dates → ISO strings) for the console's ``--json``
and for tests. Renderers (console text, Slack Block Kit) live in ``bot/``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from roi_core.attribution_report import attribution_report
from roi_core.errors import DataError
from roi_core.matching import match_campaign
from roi_core.metrics import (
    BASIS_LABEL,
    group_metrics,
    prepare_rows,
    return_basis,
    roas_ratio_text,
    spread_by_month,
)
from roi_core.monthly import monthly_summary
from roi_core.query import Query
from roi_core.results import Answer, _channel_rows, _figures, to_json_dict
from roi_core.sheetdata import SheetData
from roi_core.suggest import Reallocation, Suggestion, channel_suggestions, reallocate


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
    }
    return to_json_dict(flat)


def answer_json(ans: Answer) -> dict:
    return campaign_json(ans) if isinstance(ans, CampaignReport) else to_json_dict(ans)


def _base(ans: Answer, query: Query, data: SheetData) -> Answer:
    ans.lang = query.lang
    ans.rows_skipped = data.rows_skipped
    ans.source = data.source
    ans.data_age_seconds = data.stale_seconds  # set only when a cached copy answers for a failed source
    ans.stale = data.stale_seconds is not None
    if data.rows_skipped:
        ans.warnings.append(_skipped_warning(data.rows_skipped, query.lang))
    if data.stale_seconds is not None:
        minutes = max(1, round(data.stale_seconds / 60))
        ans.warnings.append(f"表格暂时读不到，以下是 {minutes} 分钟前的缓存数据" if query.lang == "zh"
                            else f"The sheet could not be read; this answer uses a copy from {minutes} min ago")
    return ans


def _skipped_warning(n: int, lang: str) -> str:
    if lang == "en":
        return f"{n} row(s) were left out because of data problems (see the 数据校验 tab)"
    return f"有 {n} 行数据有问题，未计入（详见「数据校验」标签页）"


def _require_campaigns(data: SheetData) -> None:
    if data.missing:
        raise DataError("；".join(data.missing), "请按模板补齐后再试（python -m sheets init 可生成模板）")
    if data.campaigns.empty:
        if data.rows_skipped:
            described = [p.describe() for p in data.problems[:5]]
            raise DataError(f"「活动」表的 {data.rows_skipped} 行都有问题，没有可计算的数据：" + "；".join(described),
                            "改正这些单元格后再试（python -m sheets check 会列出所有问题）")
        raise DataError("「活动」表还没有数据", "每个活动在每个渠道填一行：活动名称、渠道、开始日期、费用、销售额")


def _month_rows(rows: pd.DataFrame, month: pd.Period | None) -> pd.DataFrame:
    if month is None:
        return rows
    spread = spread_by_month(rows)
    return spread[spread["month"] == month].drop(columns=["month", "share"])


HELP_EXAMPLES_ZH = [
    ("/roi 618活动", "某个活动的 ROI、投产比、漏斗、各渠道与建议"),
    ("/roi 渠道 2026-10", "渠道排行（可选月份）"),
    ("/roi 归因 马尔可夫 2026-10", "多触点归因（首次触点 末次触点 末次非直接 线性 时间衰减 位置 马尔可夫 沙普利）"),
    ("/roi 月报 2026-10", "月度汇总（默认上个完整月）"),
    ("/roi 建议", "建议与下月预算调整"),
    ("/roi 排行 10", "活动 ROI 排行"),
]
HELP_EXAMPLES_EN = [
    ("/roi 618活动", "one campaign: ROI, ROAS, funnel, channels, suggestions"),
    ("/roi channels 2026-10", "channel ranking (month optional)"),
    ("/roi attribution markov 2026-10", "multi-touch attribution (first last last_non_direct linear time_decay position markov shapley)"),
    ("/roi summary 2026-10", "monthly summary (last full month by default)"),
    ("/roi advice", "suggestions and next month's budget"),
    ("/roi top 10", "campaigns by ROI"),
]


def help_answer(query: Query, data: SheetData | None = None) -> HelpAnswer:
    examples = HELP_EXAMPLES_EN if query.lang == "en" else HELP_EXAMPLES_ZH
    ans = HelpAnswer(kind="help", lang=query.lang, examples=list(examples))
    if data is not None and not data.campaigns.empty:
        latest = data.campaigns.sort_values("start_date", ascending=False)["campaign"]
        ans.campaigns = list(dict.fromkeys(latest.tolist()))[:5]
    return ans


def campaign_report(name: str, data: SheetData, *, lang: str = "zh", matched_by: str = "exact") -> CampaignReport:
    """The report of one campaign (by its exact name in the sheet): totals, channels, suggestions."""
    settings = data.settings
    rows = prepare_rows(data.campaigns[data.campaigns["campaign"] == name], settings)
    basis = return_basis(rows)
    total = group_metrics(rows, None, basis).iloc[0]
    by_channel = group_metrics(rows, ["channel"], basis).sort_values("roi", ascending=False, na_position="last")
    figures, unavailable = _figures(total)
    report = CampaignReport(
        kind="campaign", lang=lang, campaign=name, matched_by=matched_by,
        start_date=rows["start_date"].min().date(), end_date=rows["end_date"].max().date(),
        basis=basis, basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        figures=figures, unavailable=unavailable, roas_text=roas_ratio_text(total["roas"]),
        channels=_channel_rows(by_channel),
        suggestions=channel_suggestions(by_channel, settings.target_roi, settings.currency_symbol),
    )
    report.warnings += _own_skipped_rows(name, data)
    if basis == "revenue" and rows["gross_profit_est"].notna().any():
        report.warnings.append("部分行缺少毛利，本次按销售额计算 ROI（在设置中填写毛利率可统一按毛利）")
    return report


def _problems_of_rows(data: SheetData, rows: set[int]) -> list[str]:
    campaigns_tab = data.tab_titles.get("campaigns")
    return [p.describe() for p in data.problems if p.tab == campaigns_tab and p.row in rows]


def _own_skipped_rows(name: str, data: SheetData) -> list[str]:
    """Warnings naming this campaign's own rows that were left out, with their problems."""
    skipped = data.skipped_campaign_rows
    rows = set(skipped.loc[skipped["campaign"] == name, "row"].astype(int).tolist())
    if not rows:
        return []
    described = _problems_of_rows(data, rows)
    more = f" 等 {len(described)} 处" if len(described) > 3 else ""
    return [f"「{name}」有 {len(rows)} 行未计入：" + "；".join(described[:3]) + more]


def _raise_if_only_bad_rows(text: str, data: SheetData) -> None:
    """A campaign whose every row has a problem is a data error to fix, not 'no such campaign'."""
    skipped = data.skipped_campaign_rows
    names = [n for n in skipped["campaign"].dropna().tolist() if n]
    match = match_campaign(text, names)
    if match.unique is None:
        return
    rows = set(skipped.loc[skipped["campaign"] == match.unique, "row"].astype(int).tolist())
    described = _problems_of_rows(data, rows)
    raise DataError(f"「{match.unique}」的 {len(rows)} 行数据都有问题，无法计算：" + "；".join(described[:5]),
                    "改正这些单元格后再试（python -m sheets check 会列出所有问题）")


def channel_ranking(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh") -> ChannelRanking:
    """Channels ranked by sum-based ROI, over all data or one month (rows spread by day)."""
    settings = data.settings
    rows = _month_rows(prepare_rows(data.campaigns, settings), month)
    if rows.empty:
        raise DataError(f"{month} 没有活动数据" if month is not None else "没有活动数据",
                        "换一个月份试试，例：/roi 渠道 2026-10")
    basis = return_basis(rows)
    table = group_metrics(rows, ["channel"], basis).sort_values("roi", ascending=False, na_position="last")
    totals, _ = _figures(group_metrics(rows, None, basis).iloc[0])
    return ChannelRanking(
        kind="channels", lang=lang, month=None if month is None else str(month), basis=basis,
        basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        totals=totals, channels=_channel_rows(table),
        suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol),
    )


def top_campaigns(data: SheetData, top_n: int = 10, month: pd.Period | None = None, *, lang: str = "zh") -> TopList:
    """Campaigns by sum-based ROI (campaigns with zero cost last)."""
    settings = data.settings
    rows = _month_rows(prepare_rows(data.campaigns, settings), month)
    basis = return_basis(rows)
    table = group_metrics(rows, ["campaign"], basis)
    table = table.sort_values(["roi", "revenue"], ascending=[False, False], na_position="last")
    ranked = []
    for rank, (_, row) in enumerate(table.head(top_n).iterrows(), start=1):
        figures, unavailable = _figures(row, ("cost", "revenue", "return_value", "profit", "roi", "roas"))
        ranked.append({"rank": rank, "campaign": row["campaign"], **figures,
                       "roas_text": roas_ratio_text(row["roas"]), "unavailable": unavailable})
    return TopList(kind="top", lang=lang, month=None if month is None else str(month), top_n=top_n, basis=basis,
                   basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol,
                   total_campaigns=len(table), campaigns=ranked)


def advice(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh") -> AdviceAnswer:
    """Channel suggestions plus a budget reallocation for next month that keeps the total."""
    settings = data.settings
    rows = _month_rows(prepare_rows(data.campaigns, settings), month)
    if rows.empty:
        raise DataError(f"{month} 没有活动数据" if month is not None else "没有活动数据")
    basis = return_basis(rows)
    table = group_metrics(rows, ["channel"], basis)
    plan: Reallocation | None = reallocate(table, settings.target_roi)
    ans = AdviceAnswer(kind="advice", lang=lang, month=None if month is None else str(month), basis=basis,
                       basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol,
                       target_roi=settings.target_roi,
                       suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol))
    if plan is not None:
        ans.reallocation = to_json_dict(plan.rows)
        ans.reallocation_total = plan.total
        ans.expected_return_change = plan.expected_return_change
        ans.reallocation_note = plan.note
    return ans


def latest_full_month(today: dt.date) -> pd.Period:
    return pd.Period(today, freq="M") - 1


def answer(query: Query, data: SheetData, today: dt.date) -> Answer:
    """Answer a parsed query from the sheet's data; ``today`` is the team's date (in its time zone):
    the core never reads a clock.

    Raises :class:`DataError` when the sheet cannot answer (missing tab or
    column, no rows left); every other outcome, including "no such campaign",
    is an Answer.
    """
    if query.kind == "help":
        return _base(help_answer(query, data), query, data)
    _require_campaigns(data)
    if query.kind == "campaign":
        match = match_campaign(query.text, data.campaigns["campaign"].tolist())
        if match.unique:
            ans = campaign_report(match.unique, data, lang=query.lang, matched_by=match.how)
        elif match.how == "none":
            _raise_if_only_bad_rows(query.text, data)
            ans = NoMatchAnswer(kind="no_match", query=query.text, closest=list(match.names))
        else:
            ans = CandidatesAnswer(kind="candidates", query=query.text, how=match.how, candidates=list(match.names))
    elif query.kind == "channels":
        ans = channel_ranking(data, query.month, lang=query.lang)
    elif query.kind == "top":
        ans = top_campaigns(data, query.top_n, query.month, lang=query.lang)
    elif query.kind == "advice":
        ans = advice(data, query.month, lang=query.lang)
    elif query.kind == "attribution":
        ans = attribution_report(data, query.model, query.month, lang=query.lang)
    elif query.kind == "monthly":
        ans = monthly_summary(data, query.month or latest_full_month(today), lang=query.lang)
    else:
        raise DataError(f"暂不支持「{query.raw}」", "输入 /roi 帮助 查看用法")
    return _base(ans, query, data)
