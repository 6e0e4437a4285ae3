"""The view of one campaign (``618活动``): its figures, funnel, events, customer value, channels."""

from __future__ import annotations

from roi_core.answer.shapes import CampaignReport
from roi_core.fmt import count, money, pct
from roi_core.views.actions import query_action, sheet_actions
from roi_core.views.alerts import with_alerts_section
from roi_core.views.customers import campaign_value_notes
from roi_core.views.follow_up import with_follow_up_section
from roi_core.views.format import figure
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Figure, Note, View, ViewOptions
from roi_core.views.parts import (
    channel_roi_chart,
    channel_table,
    finite,
    footer_of,
    status_of,
    suggestions_list,
    target_text,
)
from roi_core.views.punct import basis_word, bracket


def event_kpis(f: dict, lang: str, symbol: str) -> str:
    """An event's figures on one line: participants, cost per participant, their conversion, then 平均参与时长,
    满意度 (of 5), 留存率 (留存客户数 / 参与人数) and 社媒提及 where the sheet has them."""
    L, sep = labels(lang), phrase(lang, "kpi_sep")
    parts = [f"{L['participants']} {count(f.get('participants'))}",
             f"{L['cpp']} {money(f.get('cost_per_participant'), symbol)}",
             f"{L['pcvr']} {pct(f.get('participant_cvr'))}"]
    if finite(f.get("avg_minutes")):
        parts.append(phrase(lang, "avg_minutes", v=f"{f['avg_minutes']:,.0f}"))
    if finite(f.get("satisfaction")):
        parts.append(phrase(lang, "satisfaction", v=f"{f['satisfaction']:.1f}"))
    if finite(f.get("retention_rate")):
        parts.append(phrase(lang, "retention", v=pct(f["retention_rate"])))
    parts.append(f"{L['mentions']} {count(f.get('social_mentions'))}")
    return sep.join(parts)


@with_alerts_section  # 今日预警 N 条 when the answer carries alerts (roi_core/views/alerts.py)
@with_follow_up_section  # 预警建议的结果 when the answer carries follow_up (roi_core/views/follow_up.py)
def campaign_view(ans: CampaignReport, options: ViewOptions) -> View:
    L, s, f, why = labels(ans.lang), ans.currency, ans.figures, ans.unavailable
    period = f"{ans.start_date} ~ {ans.end_date}" if ans.start_date else ""
    matched = {"substring": "matched_substring", "fuzzy": "matched_fuzzy"}.get(ans.matched_by)
    figures = [Figure(L["cost"], money(f.get("cost"), s)), Figure(L["revenue"], money(f.get("revenue"), s))]
    if f.get("gross_profit") is not None:
        figures.append(Figure(L["gross_profit"], money(f["gross_profit"], s)))
    figures += [
        Figure("ROI", figure(f.get("roi"), "pct", s, why.get("roi"), ans.lang), status=status_of(f.get("roi"), ans.target_roi),
               line=1),
        Figure(L["roas"], figure(ans.roas_text, "ratio", s, why.get("roas"), ans.lang), line=1),
        Figure(L["profit"], money(f.get("profit"), s), line=1),
        Figure(L["cac"], figure(f.get("cac"), "money", s, why.get("cac"), ans.lang), line=2),
        Figure(L["ctr"], figure(f.get("ctr"), "pct", s, why.get("ctr"), ans.lang), line=2),
        Figure(L["cvr"], figure(f.get("cvr"), "pct", s, why.get("cvr"), ans.lang), line=2),
        Figure(L["aov"], figure(f.get("aov"), "money", s, why.get("aov"), ans.lang), line=2),
    ]
    notes = []
    if f.get("impressions") or f.get("clicks") or f.get("conversions"):
        notes.append(Note(L["funnel"], f"{L['impressions']} {count(f.get('impressions'))} → {L['clicks']} "
                                       f"{count(f.get('clicks'))} → {L['conversions']} {count(f.get('conversions'))}",
                          f"{L['new']} {count(f.get('new_customers'))}",
                          brief=bool(f.get("impressions") or f.get("clicks"))))
    if f.get("participants"):
        notes.append(Note(L["events"], event_kpis(f, ans.lang, s), None))
    notes += campaign_value_notes(ans)  # 客户价值: payback, LTV 90 天, repurchase, LTV:CAC (views/customers.py)
    chart = channel_roi_chart(ans.channels, phrase(ans.lang, "campaign_chart", campaign=ans.campaign),
                              ans.target_roi, ans.lang)
    if chart:
        chart.inline, chart.png = options.native_charts and len(ans.channels) > 1, False
    month = str(ans.start_date)[:7] if ans.start_date else None
    return View(
        kind=ans.kind, lang=ans.lang, title=f"📊 {ans.campaign}",
        heading=f"📊 {ans.campaign}  {period}" + bracket(basis_word(ans), ans.lang),
        when=period, context=[basis_word(ans), target_text(ans) + (phrase(ans.lang, matched) if matched else "")],
        figures=figures, notes=notes, charts=[chart] if chart else [],
        tables=[channel_table(ans, phrase(ans.lang, "campaign_table", campaign=ans.campaign), "channels.csv")],
        lists=[suggestions_list(ans)],
        actions=[query_action(phrase(ans.lang, "btn_channels_month"), "channels", ans.lang, month=month),
                 query_action(phrase(ans.lang, "btn_advice"), "advice", ans.lang, month=month),
                 *sheet_actions(options, ans.lang)],
        actions_id="roi_campaign_actions", footer=footer_of(ans, options))
