"""Views of the answers over several months: one channel month by month (``channel_trend``) and the
月报 of a quarter or a range (:class:`roi_core.monthly.PeriodSummary`)."""

from __future__ import annotations

from roi_core.answer.trend import ChannelTrendAnswer
from roi_core.fmt import DASH, money, pct
from roi_core.monthly import PeriodSummary
from roi_core.views.actions import query_action, sheet_actions
from roi_core.views.format import figure
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Chart, Column, Figure, Table, View, ViewOptions
from roi_core.views.monthly import monthly_view, trend_of
from roi_core.views.parts import SHOWN_ROWS, finite, footer_of, status_of, target_text
from roi_core.views.punct import basis_word, title_colon


def _roi_line(ans: ChannelTrendAnswer) -> Chart | None:
    """ROI (in %) by month; a month without data, or without cost, is a gap (None), never a zero."""
    values = [float(m["roi"]) * 100 if finite(m.get("roi")) else None for m in ans.months]
    if sum(v is not None for v in values) < 2:  # one point is no line
        return None
    return Chart(kind="line", title=phrase(ans.lang, "trend_line", channel=ans.channel),
                 categories=[m["month"] for m in ans.months], series=[(str(ans.channel), values)],
                 y_label="ROI (%)", x_label=phrase(ans.lang, "month_axis"), target=ans.target_roi * 100,
                 filename="channel_trend.png")


def _months_table(ans: ChannelTrendAnswer) -> Table:
    L, s = labels(ans.lang), ans.currency
    columns = [Column(L["month"], "left"), Column(L["cost"], type="money"), Column(L["revenue"], type="money"),
               Column(L["roi"], type="pct")]
    rows, notes = [], {}
    for i, m in enumerate(ans.months):
        if m["cost"] is None:  # no row on the channel that month
            rows.append([m["month"], DASH, DASH, DASH])
            notes[(i, 3)] = L["no_data"]
            continue
        rows.append([m["month"], money(m["cost"], s), money(m["revenue"], s), pct(m.get("roi"))])
        why = (m.get("unavailable") or {}).get("roi")
        if rows[-1][3] == DASH and why:
            notes[(i, 3)] = why
    return Table(phrase(ans.lang, "trend_months", channel=ans.channel), columns, rows,
                 f"trend_{ans.start_date}_{ans.end_date}.csv", SHOWN_ROWS, notes=notes, notes_in_brief=True)


def _campaigns_table(ans: ChannelTrendAnswer) -> Table:
    L, s = labels(ans.lang), ans.currency
    title = phrase(ans.lang, "trend_campaigns", channel=ans.channel)
    columns = [Column(L["campaign"], "left"), Column(L["cost"], type="money"), Column(L["revenue"], type="money"),
               Column(L["roi"], type="pct"), Column(L["roas"], type="ratio")]
    rows, notes = [], {}
    for i, c in enumerate(ans.campaigns):
        rows.append([str(c["campaign"]), money(c["cost"], s), money(c["revenue"], s), pct(c.get("roi")),
                     c.get("roas_text") or DASH])
        why = (c.get("unavailable") or {}).get("roi")
        if rows[-1][3] == DASH and why:
            notes[(i, 3)] = why
    return Table(title, columns, rows, "trend_campaigns.csv", SHOWN_ROWS, heading=f"*{title}*",
                 brief_heading=title_colon(title, ans.lang), notes=notes, notes_in_brief=True)


def trend_view(ans: ChannelTrendAnswer, options: ViewOptions) -> View:
    """The channel's figures over the period, its ROI line, the months and its campaigns."""
    L, s, t, why, lang = labels(ans.lang), ans.currency, ans.totals, ans.unavailable, ans.lang
    chart = _roi_line(ans)
    if chart:
        chart.inline = options.native_charts
    last = ans.months[-1]["month"] if ans.months else None
    return View(
        kind=ans.kind, lang=lang, title=f"📉 {phrase(lang, 'trend_title', channel=ans.channel, period=ans.label)}",
        heading=phrase(lang, "trend_heading", channel=ans.channel, period=ans.label, basis=basis_word(ans),
                       target=target_text(ans)),
        when=ans.label, context=[basis_word(ans), target_text(ans)],
        figures=[Figure(L["cost"], money(t.get("cost"), s)), Figure(L["revenue"], money(t.get("revenue"), s)),
                 Figure("ROI", figure(t.get("roi"), "pct", s, why.get("roi"), lang),
                        status=status_of(t.get("roi"), ans.target_roi), line=1),
                 Figure(L["roas"], figure(ans.roas_text, "ratio", s, why.get("roas"), lang), line=1),
                 Figure(L["profit"], money(t.get("profit"), s), line=1)],
        charts=[chart] if chart else [],
        tables=[_months_table(ans), _campaigns_table(ans)],
        actions=[query_action(phrase(lang, "btn_channels_last", month=last), "channels", lang, month=last),
                 *sheet_actions(options, lang)] if last else sheet_actions(options, lang),
        actions_id="roi_trend_actions", footer=footer_of(ans, options))


def period_summary_view(ans: PeriodSummary, options: ViewOptions) -> View:
    """The 月报 view of the period, with a row per month, the channels' ROI over its months, the period it
    is compared with, and a 月报 button for each of its last months (buttons carry one month only)."""
    view = monthly_view(ans, options)
    L, s, lang = labels(ans.lang), ans.currency, ans.lang
    trend = trend_of(ans)
    view.charts = [c for c in view.charts if c.kind != "line"]
    if trend:
        trend.title = phrase(lang, "range_trend_chart", period=ans.month)
        trend.inline = options.native_charts
        view.charts.insert(0, trend)
    view.context.append(phrase(lang, "range_compared", previous=ans.previous_label, last_year=ans.last_year_label))
    columns = [Column(L["month"], "left"), Column(L["cost"], type="money"), Column(L["revenue"], type="money"),
               Column(L["roi"], type="pct"), Column(L["profit"], type="money"),
               Column(phrase(lang, "best_worst"), "left")]
    rows, notes = [], {}
    for i, m in enumerate(ans.months):
        if m["cost"] is None:
            rows.append([m["month"], DASH, DASH, DASH, DASH, DASH])
            notes[(i, 3)] = L["no_data"]
            continue
        rows.append([m["month"], money(m["cost"], s), money(m["revenue"], s), pct(m.get("roi")),
                     money(m.get("profit"), s), f"{m.get('best_channel') or DASH} / {m.get('worst_channel') or DASH}"])
        if m.get("basis_label") and m["basis_label"] != ans.basis_label:  # that month's own 月报 used another basis
            notes[(i, 3)] = m["basis_label"]
    title = phrase(lang, "range_by_month")
    view.tables.insert(1, Table(title, columns, rows, f"monthly_{ans.start_date}_{ans.end_date}.csv", SHOWN_ROWS,
                                heading=f"*{title}*", brief_heading=title_colon(title, lang), notes=notes,
                                notes_in_brief=True))
    with_data = [m["month"] for m in ans.months if m["cost"] is not None][-4:]
    view.actions = [*(query_action(phrase(lang, "btn_month_summary", month=m), "monthly", lang, month=m) for m in with_data),
                    *sheet_actions(options, lang)]
    return view
