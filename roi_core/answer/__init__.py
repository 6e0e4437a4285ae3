"""``answer(query, data, today)``: the structured answer every front end renders.

Answers are plain dataclasses; :func:`to_json_dict` turns any of them into a
JSON-safe dict (NaN → None, dates → ISO strings) for the console's ``--json``
and for tests. Renderers (console text, Slack Block Kit) live in ``bot/``.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

import pandas as pd

from roi_core.attribution_report import attribution_report
from roi_core.errors import DataError, QueryError
from roi_core.matching import match_campaign
from roi_core.metrics import (
    ADDITIVE,
    BASIS_LABEL,
    group_metrics,
    prepare_rows,
    return_basis,
    roas_ratio_text,
    spread_by_month,
)
from roi_core.monthly import edition_key, monthly_summary
from roi_core.query import Query, parse_query, period_label
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
    """The console's JSON of any answer; one bound to a period ends with ``period: {start, end}``
    (inclusive ISO dates), one restricted to a channel or asked for a metric with ``channel`` / ``metric``."""
    out = campaign_json(ans) if isinstance(ans, CampaignReport) else to_json_dict(ans)
    for key in ("channel", "metric", "order", "period"):
        value = getattr(ans, f"asked_{key}", None)
        if value is not None:
            out[key] = to_json_dict(value)
    return out


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


def period_rows(rows: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The part of each campaign row inside ``start``..``end`` (inclusive): additive figures scaled
    by the share of the row's days that fall in the period, as months are (spread_by_month)."""
    if rows.empty:
        return rows
    first = rows["start_date"].dt.normalize()
    last = rows["end_date"].dt.normalize()
    lo = first.clip(lower=pd.Timestamp(start))
    hi = last.clip(upper=pd.Timestamp(end))
    days = (hi - lo).dt.days + 1
    share = days.clip(lower=0) / ((last - first).dt.days + 1)
    out = rows[(share > 0).to_numpy()].copy()
    share = share[share > 0]
    for col in (*ADDITIVE, "cvr_base", "gross_profit"):  # gross_profit: a raw row's, before prepare_rows
        if col in out:
            out[col] = out[col] * share.to_numpy()
    return out


def _rows_for(data: SheetData, month: pd.Period | None, period: tuple[dt.date, dt.date] | None,
              channel: str | None = None) -> pd.DataFrame:
    rows = prepare_rows(data.campaigns, data.settings)
    if channel is not None:
        rows = rows[rows["channel"] == channel]
    if month is not None or period is None:
        return _month_rows(rows, month)
    return period_rows(rows, *period)


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


def channel_ranking(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh",
                    period: tuple[dt.date, dt.date] | None = None, order: str = "best") -> ChannelRanking:
    """Channels ranked by sum-based ROI, over all data, one month or any ``period`` (rows spread by
    day); ``order="worst"`` lists the lowest ROI first."""
    settings = data.settings
    rows = _rows_for(data, month, period)
    label = _label(month, period)
    if rows.empty:
        raise DataError(f"{label} 没有活动数据" if label is not None else "没有活动数据",
                        "换一个月份试试，例：/roi 渠道 2026-10")
    basis = return_basis(rows)
    table = group_metrics(rows, ["channel"], basis).sort_values("roi", ascending=False, na_position="last")
    if order == "worst":
        table = table.sort_values("roi", ascending=True, na_position="last")
    totals, _ = _figures(group_metrics(rows, None, basis).iloc[0])
    return ChannelRanking(
        kind="channels", lang=lang, month=label, basis=basis,
        basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol, target_roi=settings.target_roi,
        totals=totals, channels=_channel_rows(table),
        suggestions=channel_suggestions(table, settings.target_roi, settings.currency_symbol),
    )


def _label(month: pd.Period | None, period: tuple[dt.date, dt.date] | None) -> str | None:
    if month is not None:
        return str(month)
    if period is None:
        return None
    return period_label(Query("channels", start=period[0], end=period[1]))


def top_campaigns(data: SheetData, top_n: int = 10, month: pd.Period | None = None, *, lang: str = "zh",
                  period: tuple[dt.date, dt.date] | None = None, order: str = "best",
                  channel: str | None = None) -> TopList:
    """Campaigns by sum-based ROI (campaigns with zero cost last); ``order="worst"`` lowest first,
    over all data, one month or any ``period``, optionally on one ``channel``."""
    settings = data.settings
    rows = _rows_for(data, month, period, channel)
    basis = return_basis(rows)
    table = group_metrics(rows, ["campaign"], basis)
    ascending = order == "worst"
    table = table.sort_values(["roi", "revenue"], ascending=[ascending, ascending], na_position="last")
    ranked = []
    for rank, (_, row) in enumerate(table.head(top_n).iterrows(), start=1):
        figures, unavailable = _figures(row, ("cost", "revenue", "return_value", "profit", "roi", "roas"))
        ranked.append({"rank": rank, "campaign": row["campaign"], **figures,
                       "roas_text": roas_ratio_text(row["roas"]), "unavailable": unavailable})
    ans = TopList(kind="top", lang=lang, month=_label(month, period), top_n=top_n, basis=basis,
                  basis_label=BASIS_LABEL[basis], currency=settings.currency_symbol,
                  total_campaigns=len(table), campaigns=ranked)
    if order != "best":
        ans.asked_order = order
    return ans


def advice(data: SheetData, month: pd.Period | None = None, *, lang: str = "zh",
           period: tuple[dt.date, dt.date] | None = None) -> AdviceAnswer:
    """Channel suggestions plus a budget reallocation for next month that keeps the total, from all
    data, one month or any ``period``."""
    settings = data.settings
    rows = _rows_for(data, month, period)
    label = _label(month, period)
    if rows.empty:
        raise DataError(f"{label} 没有活动数据" if label is not None else "没有活动数据")
    basis = return_basis(rows)
    table = group_metrics(rows, ["channel"], basis)
    plan: Reallocation | None = reallocate(table, settings.target_roi)
    ans = AdviceAnswer(kind="advice", lang=lang, month=label, basis=basis,
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

    A query parsed without the sheet's names is read again with them (a campaign named like a
    period, "10月会员日", or a channel written loosely, "天猫"). Raises :class:`DataError` when the
    sheet cannot answer (missing tab or column, no rows left) and :class:`QueryError` for what the
    sheet's names show was not understood; every other outcome, including "no such campaign", is
    an Answer.
    """
    if query.kind == "help":
        return _base(help_answer(query, data), query, data)
    _require_campaigns(data)
    if not query.resolved and query.raw:
        query = parse_query(query.raw, today, known_campaigns=data.campaigns["campaign"].dropna().unique().tolist(),
                            known_channels=data.campaigns["channel"].dropna().unique().tolist())
        if query.kind == "help":
            return _base(help_answer(query, data), query, data)
    period = query.period
    if query.kind == "campaign":
        ans = _campaign_answer(query, data)
    elif query.kind == "channels":
        ans = channel_ranking(data, query.month, lang=query.lang, period=period, order=query.order)
    elif query.kind == "top":
        ans = top_campaigns(data, query.top_n, query.month, lang=query.lang, period=period, order=query.order,
                            channel=query.channel)
    elif query.kind == "advice":
        ans = advice(data, query.month, lang=query.lang, period=period)
    elif query.kind == "attribution":
        ans = _attribution(query, data)
    elif query.kind == "monthly":
        if period is not None and query.month is None:
            raise QueryError(f"月报按整月出，「{period_label(query)}」不是一个整月" if query.lang != "en" else
                             f"The summary is monthly; {period_label(query)} is not one calendar month",
                             "例：/roi 月报 2026-10；一段时间的渠道表现可以问「渠道 本季度」" if query.lang != "en" else
                             "e.g. summary 2026-10; for a longer period ask: channels this quarter")
        month = query.month or latest_full_month(today)
        ans = monthly_summary(data, month, lang=query.lang)
        period = (month.start_time.date(), month.end_time.date())
    elif query.kind in ("compare", "channel_trend"):
        raise QueryError(*_not_yet(query))
    else:
        raise DataError(f"暂不支持「{query.raw}」", "输入 /roi 帮助 查看用法")
    if period is not None and query.kind != "campaign":
        ans.asked_period = {"start": period[0], "end": period[1]}
    if query.metric is not None:
        ans.asked_metric = query.metric
    return _base(ans, query, data)


def _not_yet(query: Query) -> tuple[str, str]:
    """What to say for a question understood but not answered yet (comparisons, one channel's trend)."""
    en = query.lang == "en"
    if query.kind == "compare":
        names = " / ".join((f"{s.edition}{s.text}" if s.edition and s.edition > 0 else s.text)
                           or s.channel or period_label(s) or "?" for s in query.sides)
        return ((f"Comparisons ({names}) are not answered yet", "ask for each side on its own, e.g. 618, then 双11")
                if en else (f"对比（{names}）还不能直接回答", "可以分别问，例如先问 618，再问 双11"))
    return ((f"One channel's trend ({query.channel}) is not answered yet",
             "ask: channels last month, or a campaign on that channel, e.g. 618 " + (query.channel or ""))
            if en else (f"单个渠道的走势（{query.channel}）还不能直接回答",
                        f"可以问「渠道 上个月」看各渠道，或「618 {query.channel}」看某个活动在该渠道的表现"))


def _campaign_answer(query: Query, data: SheetData) -> Answer:
    names = data.campaigns["campaign"].tolist()
    match = match_campaign(query.text, names)
    chosen, note = _edition(match, query, data)
    if chosen is None and match.unique is None:
        if match.how == "none":
            _raise_if_only_bad_rows(query.text, data)
            return NoMatchAnswer(kind="no_match", query=query.text, closest=list(match.names))
        return CandidatesAnswer(kind="candidates", query=query.text, how=match.how, candidates=list(match.names))
    name = chosen or match.unique
    source = data
    if query.channel is not None:
        own = data.campaigns[data.campaigns["campaign"] == name]
        on_channel = own[own["channel"] == query.channel]
        if on_channel.empty:
            channels = "、".join(dict.fromkeys(own["channel"].tolist()))
            raise DataError(f"「{name}」没有「{query.channel}」渠道的数据" if query.lang != "en" else
                            f"{name} has no rows on {query.channel}",
                            f"它投放的渠道：{channels}" if query.lang != "en" else f"its channels: {channels}")
        frame = data.campaigns
        source = data.with_source(campaigns=frame[(frame["campaign"] != name) | (frame["channel"] == query.channel)])
    report = campaign_report(name, source, lang=query.lang, matched_by=match.how)
    if note:
        report.warnings.insert(0, note)
    if query.channel is not None:
        report.asked_channel = query.channel
    return report


def _edition_year(name: str, rows: pd.DataFrame) -> int:
    found = re.search(r"(?:19|20)\d{2}", name)
    return int(found[0]) if found else int(rows.loc[rows["campaign"] == name, "start_date"].min().year)


def _edition(match, query: Query, data: SheetData) -> tuple[str | None, str]:
    """The edition a question means when the names it matches differ only by a year: the latest,
    or the one of the year asked (去年双11, 2025双11), or the one before the latest (上一届)."""
    if match.how == "none" or not match.names:
        return None, ""
    keys = {edition_key(n) for n in match.names}
    if len(keys) != 1 or (len(match.names) == 1 and query.edition is None):
        return None, ""
    key = keys.pop()
    rows = data.campaigns
    editions = [n for n in dict.fromkeys(rows["campaign"].tolist()) if n and edition_key(n) == key]
    editions.sort(key=lambda n: (_edition_year(n, rows), rows.loc[rows["campaign"] == n, "start_date"].min()))
    latest = editions[-1]
    if query.edition is None:
        return latest, ""
    if query.edition == -1:
        if len(editions) >= 2:
            return editions[-2], ""
        return latest, ("只有一届「" + latest + "」，以下是它的数据" if query.lang != "en"
                        else f"There is only one edition of {latest}")
    same_year = [n for n in editions if _edition_year(n, rows) == query.edition]
    if same_year:
        return same_year[-1], ""
    return latest, (f"没有 {query.edition} 年的「{key}」，以下是 {_edition_year(latest, rows)} 年的「{latest}」"
                    if query.lang != "en" else f"No {query.edition} edition of {latest}; showing the latest")


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
