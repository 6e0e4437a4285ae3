"""The attribution answer (``归因 线性 2026-10``): each channel's credit under one model, and how the
models rank the channels."""

from __future__ import annotations

from roi_core.attribution_report import AttributionAnswer
from roi_core.fmt import DASH, money, pct
from roi_core.views.actions import chart_png_actions, query_action, sheet_actions
from roi_core.views.format import figure
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Action, Chart, Column, Table, View, ViewOptions
from roi_core.views.parts import CHART_POINTS, SHOWN_ROWS, channel_roi_chart, finite, footer_of


def attribution_view(ans: AttributionAnswer, options: ViewOptions) -> View:
    L, s, lang = labels(ans.lang), ans.currency, ans.lang
    zh = lang != "en"
    period = ans.month or L["all_time"]
    label = ans.model_label if zh else ans.model
    counts = {"journeys": f"{ans.journeys:,}", "converting": f"{ans.converting_journeys:,}",
              "conversions": f"{ans.conversions:,.0f}", "revenue": money(ans.revenue, s), "days": ans.lookback_days}
    chart = channel_roi_chart(ans.channels, phrase(lang, "attribution_chart", label=label), None, lang)
    if chart is None and ans.roi_basis == "sample":  # no ROI scaled up from a sample: chart the shares
        chart = attributed_share_chart(ans, label)
    if chart:
        chart.inline = options.native_charts
    shared = ans.roi_basis == "share_of_campaign_return"
    columns = [Column(L["channel"], "left"),
               Column(phrase(lang, "attr_conversions"), type="count", brief=phrase(lang, "attr_conversions_brief")),
               Column(phrase(lang, "attr_revenue"), type="money", brief=phrase(lang, "attr_revenue_brief")),
               Column(phrase(lang, "attr_share"), type="pct", brief=phrase(lang, "attr_share_brief")),
               Column(L["cost"], type="money"),
               Column(phrase(lang, "roi_by_share") if shared else "ROI", type="pct")]
    rows = [[str(r["channel"]), f"{r['conversions']:,.1f}", money(r["revenue"], s), pct(r.get("share")),
             money(r.get("cost"), s), figure(r.get("roi"), "pct", s, r.get("roi_note") or None, lang)] for r in ans.channels]
    title = phrase(lang, "attribution_title", label=label, period=period)
    models = list(ans.models)
    compare = Table(phrase(lang, "models_heading"),
                    [Column(L["channel"], "left")] + [Column(ans.model_labels.get(m, m) if zh else m, type="rank")
                                                     for m in models],
                    [[("⚠ " if r.get("rank_moves") else "") + str(r["channel"])]
                     + [str(r.get(f"{m}_rank", DASH)) for m in models] for r in ans.comparison],
                    f"attribution_models_{ans.model}.csv", SHOWN_ROWS, heading=phrase(lang, "models_note"),
                    brief_heading=phrase(lang, "models_heading"), overlong="count")
    question = {"kind": "attribution", "lang": lang, "model": ans.model, "month": ans.month}
    select = Action(phrase(lang, "switch_model"), "select",
                    {"options": [(ans.model_labels.get(m, m) if zh else m, {**question, "model": m}) for m in models],
                     "current": ans.model})
    return View(
        kind=ans.kind, lang=lang, title=f"🔀 {title}",
        heading=phrase(lang, "attribution_heading", label=label, period=period),
        subtitle=phrase(lang, "attribution_brief", **counts), context=[phrase(lang, "attribution_context", **counts)],
        charts=[chart] if chart else [],
        tables=[Table(title, columns, rows, f"attribution_{ans.model}.csv", SHOWN_ROWS), compare],
        actions=[select, query_action(phrase(lang, "btn_channels"), "channels", lang, month=ans.month),
                 *chart_png_actions(chart, options, lang, kind="attribution", model=ans.model, month=ans.month),
                 *sheet_actions(options, lang)],
        actions_id="roi_attribution_actions", footer=footer_of(ans, options))


def attributed_share_chart(ans: AttributionAnswer, label: str) -> Chart | None:
    """Bars of each channel's attributed share (in %), the first 20 channels, when 触点 is a sample."""
    rows = [r for r in ans.channels if finite(r.get("share"))][:CHART_POINTS]
    if not rows:
        return None
    return Chart(kind="bar", title=phrase(ans.lang, "attribution_share_chart", label=label),
                 categories=[str(r["channel"]) for r in rows], series=[("%", [float(r["share"]) * 100 for r in rows])],
                 y_label=phrase(ans.lang, "attr_share") + " (%)", x_label=phrase(ans.lang, "channel_axis"),
                 filename="attributed_share.png")
