"""A comparison (``618 vs 双11``, ``本月 vs 上月``, ``抖音 vs 小红书 上季度``): each side answered as
its own question would be, then the two laid side by side, figure by figure."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import pandas as pd

from roi_core.answer.campaign import _campaign_answer
from roi_core.answer.rows import _month_rows, period_rows
from roi_core.answer.shapes import CampaignReport, CandidatesAnswer, NoMatchAnswer
from roi_core.errors import DataError, QueryError
from roi_core.metrics import BASIS_LABEL, HALF_FEN, group_metrics, prepare_rows, return_basis, roas_ratio_text
from roi_core.query import Query, period_label
from roi_core.results import FIGURES, Answer, _figures
from roi_core.sheetdata import SheetData

#: the figures a comparison lays side by side, in this order (a metric asked by name comes first)
COMPARED = ("cost", "revenue", "profit", "roi", "roas", "cac", "ctr", "cvr", "aov", "new_customers")
#: figures where less is better; on every other one more is better
LOWER_IS_BETTER = ("cost", "cac", "cpc", "cpa", "cost_per_participant")
# money figures: a difference under half a fen is no difference (as group_metrics rounds its sums)
_MONEY = ("cost", "revenue", "profit", "cac", "aov", "cpc", "cpa", "cost_per_participant")


@dataclass
class CompareAnswer(Answer):
    """Two sides side by side. ``items``: one dict per side (``label``; ``campaign``, ``channel`` and/or
    ``period``; each figure of ``figures`` or None, with ``unavailable`` reasons). ``differences``: one dict
    per figure: ``figure``, ``a``, ``b``, ``diff`` (a − b), ``rel`` ((a − b) / b), ``higher_is_better``,
    ``better`` ("a", "b", "same", or None when a side has no number) and ``why`` (the reason diff or rel is
    None). ``wins``: how many figures each side is better on."""

    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    target_roi: float = 1.0
    figures: list[str] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    differences: list[dict] = field(default_factory=list)
    wins: dict = field(default_factory=dict)


def compare(query: Query, data: SheetData) -> CompareAnswer:
    """Answer a comparison: the first two of ``query.sides``, each a campaign (its figures, within the
    side's period and channel when it has them), a channel (over the side's period, all data without
    one) or a period (every campaign's figures in it). Both sides use one return basis (毛利 only when
    both know it), so their ROI compare like with like.

    Raises :class:`QueryError` when a side names no campaign or several, :class:`DataError` when the
    sheet has no rows for either side; one side without rows is shown with — and the reason.
    """
    zh = query.lang != "en"
    sides = list(query.sides)
    if len(sides) < 2:
        raise QueryError("对比需要两项，例如「618 vs 双11」" if zh else "A comparison needs two sides, e.g. 618 vs 双11",
                         "也可以问「本月 vs 上月」或「抖音 vs 小红书 上季度」" if zh else
                         "or: this month vs last month")
    warnings: list[str] = []
    if len(sides) > 2:
        left_out = "、".join(_asked(s) for s in sides[2:])
        warnings.append(f"一次对比两项，「{left_out}」请另外再问" if zh else
                        f"A comparison takes two sides; ask about {left_out} separately")
        sides = sides[:2]
    settings = data.settings
    prepared = prepare_rows(data.campaigns, settings)
    resolved = [_side(side, query, data, prepared) for side in sides]
    for _, _, notes in resolved:
        warnings += notes
    rows_a, rows_b = resolved[0][1], resolved[1][1]
    if rows_a.empty and rows_b.empty:
        raise DataError(("两边都没有活动数据：" if zh else "Neither side has any campaign rows: ")
                        + ("、" if zh else ", ").join(r[0]["label"] for r in resolved),
                        "换一个时间段试试，例：/roi 本月 vs 上月" if zh else "try other periods, e.g. 2026-10 vs 2026-09")
    basis = return_basis(pd.concat([rows for rows in (rows_a, rows_b) if not rows.empty]))
    names = list(COMPARED)
    if query.metric in FIGURES:
        names = [query.metric] + [n for n in names if n != query.metric]
    items = [_with_figures(item, rows, basis, names, zh) for item, rows, _ in resolved]
    if _same_rows(items):
        warnings.append(f"两边是同一组数据（{items[0]['label']}）" if zh else f"Both sides are the same data ({items[0]['label']})")
    _distinct_labels(items, zh)
    differences = [_difference(name, items[0], items[1], zh) for name in names]
    wins = {"a": sum(d["better"] == "a" for d in differences), "b": sum(d["better"] == "b" for d in differences)}
    return CompareAnswer(kind="compare", lang=query.lang, basis=basis, basis_label=BASIS_LABEL[basis],
                         currency=settings.currency_symbol, target_roi=settings.target_roi, figures=names,
                         items=items, differences=differences, wins=wins, warnings=warnings)


def _asked(side: Query) -> str:
    """A side as the question named it (for messages about it)."""
    if side.text:
        return f"{side.edition}{side.text}" if side.edition and side.edition > 0 else side.text
    return side.channel or period_label(side) or "?"


def _side(side: Query, query: Query, data: SheetData, prepared: pd.DataFrame) -> tuple[dict, pd.DataFrame, list]:
    """The side's item (what it is: campaign / channel / period), its rows, and notes about it."""
    zh = query.lang != "en"
    item: dict = {}
    notes: list[str] = []
    rows = prepared
    if side.kind == "campaign":
        found = _campaign_answer(side, data, name_editions=False)
        if isinstance(found, NoMatchAnswer):
            closest = "、".join(found.closest[:3])
            raise QueryError(f"对比的「{found.query}」没有找到对应的活动" if zh else
                             f"No campaign called '{found.query}' to compare",
                             (f"最接近的：{closest}" if zh else f"closest: {closest}") if closest else
                             ("输入 /roi 排行 查看所有活动" if zh else "type /roi top to list campaigns"))
        if isinstance(found, CandidatesAnswer):
            several = "、".join(found.candidates[:5])
            raise QueryError(f"对比的「{found.query}」匹配到多个活动：{several}" if zh else
                             f"'{found.query}' matches several campaigns: {several}",
                             "请写出完整的名称，例如「618活动 vs 双11大促」" if zh else
                             "type more of each name, e.g. 618活动 vs 双11大促")
        assert isinstance(found, CampaignReport)
        notes += [w for w in found.warnings if w not in notes]
        item["campaign"] = found.campaign
        rows = rows[rows["campaign"] == found.campaign]
    if side.channel is not None:
        item["channel"] = side.channel
        rows = rows[rows["channel"] == side.channel]
    if side.period is not None:
        item["period"] = {"start": side.period[0], "end": side.period[1]}
        rows = _month_rows(rows, side.month) if side.month is not None else period_rows(rows, *side.period)
    item["label"] = "·".join(str(v) for v in (item.get("campaign"), item.get("channel")) if v) \
        or period_label(side) or ("全部数据" if zh else "all data")
    item["period_label"] = period_label(side)
    return item, rows, notes


def _with_figures(item: dict, rows: pd.DataFrame, basis: str, names: list[str], zh: bool) -> dict:
    """The item with its figures (None and a reason where there is no number)."""
    if rows.empty:
        reason = "没有数据" if zh else "no data"
        figures = {name: None for name in names}
        return {**item, **figures, "roas_text": None, "start_date": None, "end_date": None,
                "unavailable": {name: reason for name in names}}
    total = group_metrics(rows, None, basis).iloc[0]
    figures, unavailable = _figures(total, tuple(names))
    for name in names:  # every missing figure says why (new customers, revenue: no rows reported them)
        if figures[name] is None and name not in unavailable:
            unavailable[name] = "无数据" if zh else "not reported"
    return {**item, **figures, "roas_text": roas_ratio_text(total["roas"]),
            "start_date": rows["start_date"].min().date(), "end_date": rows["end_date"].max().date(),
            "unavailable": unavailable}


def _distinct_labels(items: list[dict], zh: bool) -> None:
    """Two sides that read alike (the same campaign in two periods) are told apart by their periods,
    else by A / B."""
    a, b = items
    if a["label"] != b["label"]:
        return
    if a.get("period_label") and b.get("period_label") and a["period_label"] != b["period_label"]:
        a["label"], b["label"] = f"{a['label']} {a['period_label']}", f"{b['label']} {b['period_label']}"
    else:
        a["label"], b["label"] = f"{a['label']}（A）", f"{b['label']}（B）"


def _same_rows(items: list[dict]) -> bool:
    keys = ("campaign", "channel", "period")
    return all(items[0].get(k) == items[1].get(k) for k in keys)


def _difference(name: str, a_item: dict, b_item: dict, zh: bool) -> dict:
    """One figure of both sides: a − b, (a − b) / b, and which side is better on it."""
    a, b = a_item.get(name), b_item.get(name)
    higher = name not in LOWER_IS_BETTER
    out = {"figure": name, "a": a, "b": b, "diff": None, "rel": None, "higher_is_better": higher,
           "better": None, "why": None}
    if a is None or b is None:
        missing = [(i["label"], i["unavailable"].get(name, "无数据" if zh else "not reported"))
                   for i, v in ((a_item, a), (b_item, b)) if v is None]
        out["why"] = "；".join(f"{label}：{why}" for label, why in missing)
        return out
    diff = a - b
    if name in _MONEY and abs(diff) < HALF_FEN:
        diff = 0.0
    out["diff"] = diff
    same = diff == 0 or math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)
    if b > 0:
        out["rel"] = 0.0 if same else diff / b
    else:
        out["why"] = (f"{b_item['label']} 为 0，无法算比例" if b == 0 else f"{b_item['label']} 为负，比例没有意义") if zh \
            else (f"{b_item['label']} is 0: no ratio" if b == 0 else f"{b_item['label']} is negative: no ratio")
    if same:
        out["better"] = "same"
    else:
        out["better"] = "a" if (diff > 0) == higher else "b"
    return out
