"""The rankings: channels by ROI (``渠道 2026-10``) and campaigns by ROI (``top 5``, ``最差的活动``)."""

from __future__ import annotations

from roi_core.answer.shapes import ChannelRanking, TopList
from roi_core.attribution import MODEL_LABELS_ZH
from roi_core.fmt import DASH, money, pct
from roi_core.views.actions import chart_png_actions, query_action, sheet_actions
from roi_core.views.format import figure
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Column, Figure, Table, View, ViewOptions
from roi_core.views.parts import (
    SHOWN_ROWS,
    channel_roi_chart,
    channel_table,
    footer_of,
    suggestions_list,
    target_text,
)
from roi_core.views.punct import basis_word, bracket, comma


def channels_view(ans: ChannelRanking, options: ViewOptions) -> View:
    L, t, s = labels(ans.lang), ans.totals, ans.currency
    title = phrase(ans.lang, "ranking_title")
    period = ans.month or L["all_time"]
    chart = channel_roi_chart(ans.channels, phrase(ans.lang, "ranking_chart", title=title, period=period),
                              ans.target_roi, ans.lang)
    if chart:
        chart.inline = options.native_charts
    table = channel_table(ans, f"{title} {period}", f"channels_{ans.month or 'all'}.csv")
    basis = [basis_word(ans)]
    if ans.credit_basis != "campaign_tab":  # ranked on the model's share: the 活动 tab's ROI beside it
        basis = [phrase(ans.lang, "ranked_by_model", model=_model_label(ans.credit_basis, ans.lang)), basis_word(ans)]
        table.columns.insert(4, Column(L["tab_roi"], type="pct"))
        for row, r in zip(table.rows, ans.channels, strict=True):
            row.insert(4, pct(r.get("tab_roi")))
        table.notes = {(i, j + (j >= 4)): why for (i, j), why in table.notes.items()}
    return View(
        kind=ans.kind, lang=ans.lang, title=f"📈 {title} {period}",
        heading=f"📈 {title}  {period}" + bracket(comma(ans.lang).join([*basis, target_text(ans)]), ans.lang),
        context=[*basis, target_text(ans)],
        figures=[Figure(L["cost"], money(t.get("cost"), s)), Figure(L["revenue"], money(t.get("revenue"), s)),
                 Figure("ROI", pct(t.get("roi"))), Figure(L["profit"], money(t.get("profit"), s), line=None)],
        charts=[chart] if chart else [],
        tables=[table],
        lists=[suggestions_list(ans)],
        actions=[query_action(phrase(ans.lang, "btn_advice_budget"), "advice", ans.lang, month=ans.month),
                 query_action(phrase(ans.lang, "btn_attribution"), "attribution", ans.lang, month=ans.month),
                 *chart_png_actions(chart, options, ans.lang, kind="channels", month=ans.month),
                 *sheet_actions(options, ans.lang)],
        actions_id="roi_channels_actions", footer=footer_of(ans, options))


def _model_label(model: str, lang: str) -> str:
    return model if lang == "en" else MODEL_LABELS_ZH.get(model, model)


def top_view(ans: TopList, options: ViewOptions) -> View:
    L, s = labels(ans.lang), ans.currency
    worst = getattr(ans, "asked_order", "best") == "worst"  # 最差的活动: the lowest ROI first, and said so
    title = phrase(ans.lang, "worst_title" if worst else "top_title", month=ans.month or "").strip()
    head = phrase(ans.lang, "worst_heading" if worst else "top_heading", n=ans.top_n, total=ans.total_campaigns)
    columns = [Column(L["rank"], "right", "rank"), Column(L["campaign"], "left"), Column(L["cost"], type="money"),
               Column(L["revenue"], type="money"), Column(L["roi"], type="pct"), Column(L["roas"], type="ratio")]
    rows, notes = [], {}
    for i, r in enumerate(ans.campaigns):
        rows.append([str(r["rank"]), str(r["campaign"]), money(r["cost"], s), money(r["revenue"], s),
                     figure(r["roi"], "pct"), r.get("roas_text") or DASH])
        why = (r.get("unavailable") or {}).get("roi")
        if rows[-1][4] == DASH and why:
            notes[(i, 4)] = why
    table = Table(title, columns, rows, f"top_{len(rows)}.csv", SHOWN_ROWS, notes=notes, notes_in_brief=True)
    return View(
        kind=ans.kind, lang=ans.lang, title=f"🏆 {title}",
        heading=(f"🏆 {head}  {ans.month or ''}".rstrip() + bracket(basis_word(ans), ans.lang) if ans.lang == "en"
                 else f"🏆 {head}  {ans.month or ''}（{ans.basis_label}）".replace("  （", "（")),
        context=[phrase(ans.lang, "worst_context" if worst else "top_context", n=ans.top_n,
                        total=ans.total_campaigns), basis_word(ans)],
        tables=[table],
        actions=[query_action(phrase(ans.lang, "btn_channels"), "channels", ans.lang, month=ans.month),
                 *sheet_actions(options, ans.lang)],
        actions_id="roi_top_actions", footer=footer_of(ans, options))
