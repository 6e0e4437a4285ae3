"""One campaign's answer: its report, the edition a question means, the rows of it left out."""

from __future__ import annotations

import pandas as pd

from roi_core.answer.editions import edition_year, pick_edition
from roi_core.answer.shapes import CampaignReport, CandidatesAnswer, NoMatchAnswer
from roi_core.errors import DataError
from roi_core.matching import match_campaign
from roi_core.metrics import (
    BASIS_LABEL,
    group_metrics,
    prepare_rows,
    return_basis,
    roas_ratio_text,
)
from roi_core.query import Query
from roi_core.results import Answer, _channel_rows, _figures
from roi_core.sheetdata import SheetData
from roi_core.suggest import channel_suggestions


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
        suggestions=channel_suggestions(by_channel, settings.target_roi, settings.currency_symbol, lang=lang),
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


def _campaign_answer(query: Query, data: SheetData, *, name_editions: bool = True) -> Answer:
    names = data.campaigns["campaign"].tolist()
    match = match_campaign(query.text, names)
    chosen, note = _edition(match, query, data)
    if not name_editions and query.edition is None:
        note = ""  # a side of a comparison: the other side names the edition compared with
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
    return edition_year(name, rows)


def _edition(match, query: Query, data: SheetData) -> tuple[str | None, str]:
    """The edition a question means when the names it matches are editions of one event (editions.py): the
    latest (saying which others there are), the one of the year asked (去年双11, 2025双11), or the one before
    the latest (上一届)."""
    if match.how == "none" or not match.names:
        return None, ""
    return pick_edition(tuple(match.names), query.edition, data.campaigns, query.lang)
