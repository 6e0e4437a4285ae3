"""The figure a question asked for, first: 618 获客成本 leads with the campaign's CAC, 抖音获客成本多少 with the
channel's CAC now and month by month, 哪个渠道转化率最高 ranks by CVR and says who is first. Applied to a built
view (:func:`with_asked`), so every renderer shows it; a question that asked for no figure, or for ROI, keeps
its view as it was."""

from __future__ import annotations

from roi_core.fmt import DASH, count, money, pct
from roi_core.query.lexicon import LOWER_BETTER
from roi_core.views.labels import labels
from roi_core.views.model import Column, Figure, View
from roi_core.views.punct import basis_word, bracket

PCT = ("roi", "cvr", "ctr", "repurchase")
_OWN = {"zh": {"roi": "ROI", "cpa": "转化成本", "new_customers": "新客数", "profit": "利润", "repurchase": "复购率"},
        "en": {"roi": "ROI", "cpa": "CPA", "new_customers": "New customers", "profit": "Profit",
               "repurchase": "Repurchase rate"}}


def metric_label(metric: str, lang: str) -> str:
    """How an answer names a figure: 获客成本 / CAC, 转化率 / CVR…"""
    own = _OWN["en" if lang == "en" else "zh"]
    return own.get(metric) or labels(lang).get(metric, metric)


def metric_text(metric: str, value, symbol: str = "¥") -> str:
    """A figure as shown: percentages for rates, 1:4.4 for ROAS, whole numbers for counts, else money."""
    if value is None:
        return DASH
    if metric in PCT:
        return pct(value)
    if metric == "roas":
        return f"1:{value:.1f}"
    if metric == "new_customers":
        return count(value)
    return money(value, symbol)


def _lead(view: View, figures: list[Figure]) -> None:
    """Put ``figures`` first, on a line of their own, without their twins further down."""
    said = {f.label for f in figures}
    view.figures = [*figures, *(f for f in view.figures if f.label not in said)]


def _campaign(view: View, ans, metric: str) -> None:
    shown = ("profit", "roi") if metric == "profit" else (metric,)
    f = ans.figures
    lead = [Figure(metric_label(m, ans.lang), metric_text(m, f.get(m), ans.currency), line=-1,
                   status="bad" if m == "profit" and (f.get(m) or 0) < 0 else "") for m in shown]
    _lead(view, lead)


def _trend(view: View, ans, metric: str) -> None:
    label, s = metric_label(metric, ans.lang), ans.currency
    seen = [m for m in ans.months if m.get(metric) is not None]
    note = ""
    if seen:
        last = seen[-1]
        note = (f"latest month {last['month']}: {metric_text(metric, last[metric], s)}" if ans.lang == "en"
                else f"最近一个月 {last['month']}：{metric_text(metric, last[metric], s)}")
    _lead(view, [Figure(label, metric_text(metric, ans.totals.get(metric), s), note=note, line=-1)])
    if seen and view.tables and all(label != c.name for c in view.tables[0].columns):
        table = view.tables[0]
        table.columns.append(Column(label, type="pct" if metric in PCT else "money"))
        for row, m in zip(table.rows, ans.months, strict=True):
            row.append(metric_text(metric, m.get(metric), s))


def _ranking(view: View, ans, metric: str, items: list[dict], name_key: str) -> None:
    order = getattr(ans, "asked_order", "best") or "best"
    high_first = (order == "best") != (metric in LOWER_BETTER)
    label, s, en = metric_label(metric, ans.lang), ans.currency, ans.lang == "en"
    end = ("highest" if high_first else "lowest") if en else ("最高" if high_first else "最低")
    said = (f"by {label}, {end} first" if en else f"按{label}排，{end}在前")
    if ans.kind == "channels":  # a top list names it in its heading below
        view.subtitle = said if not view.subtitle else f"{said}；{view.subtitle}" if not en else f"{said}; {view.subtitle}"
    view.context.insert(0, said)
    if ans.kind == "top":  # the title named ROI: name the figure ranked by instead
        month = ans.month or ""
        if en:
            view.title = f"🏆 Campaigns by {label} {month}".rstrip()
            view.heading = f"🏆 Campaigns by {label}, {end} first (top {len(items)} of {ans.total_campaigns})" \
                + f"  {month}".rstrip() + bracket(basis_word(ans), ans.lang)
        else:
            view.title = f"🏆 活动{label}排行 {month}".rstrip()
            view.heading = f"🏆 活动按{label}排行（{end}在前，前 {len(items)} 个，共 {ans.total_campaigns} 个）" \
                + f"  {month}".rstrip() + f"（{ans.basis_label}）"
    if items:
        first = items[0]
        _lead(view, [Figure(f"{label}{end}" if not en else f"{end.capitalize()} {label}",
                            f"{first[name_key]} {metric_text(metric, first.get(metric), s)}", line=-1)])
    if view.tables and all(label != c.name for c in view.tables[0].columns):
        table = view.tables[0]
        table.columns.append(Column(label, type="pct" if metric in PCT else "money"))
        for row, item in zip(table.rows, items, strict=False):
            row.append(metric_text(metric, item.get(metric), s))


def with_asked(view: View | None, ans) -> View | None:
    """``view`` with the figure ``ans`` was asked for first (``ans.asked_metric``), as its answer kind shows it."""
    metric = getattr(ans, "asked_metric", None)
    if view is None or metric is None or (metric == "roi" and ans.kind in ("channels", "top")):
        return view
    if ans.kind == "campaign" and metric in _CAMPAIGN_FIGURES:
        _campaign(view, ans, metric)
    elif ans.kind == "channel_trend" and metric != "roi":
        _trend(view, ans, metric)
    elif ans.kind == "channels":
        _ranking(view, ans, metric, ans.channels, "channel")
    elif ans.kind == "top":
        _ranking(view, ans, metric, ans.campaigns, "campaign")
    return view


_CAMPAIGN_FIGURES = ("roi", "roas", "cac", "cpa", "cvr", "ctr", "aov", "revenue", "cost", "profit", "new_customers")
