"""The 月报 of one month (``月报 2026-10``): totals against last month and last year, the ROI trend,
anomalies, recurring campaigns, the new-customer cohort, the channels and next month's budget."""

from __future__ import annotations

from roi_core.fmt import DASH, money, pct
from roi_core.monthly import TRAILING_MONTHS, MonthlySummary
from roi_core.views.actions import query_action, report_actions, sheet_actions
from roi_core.views.budget import holdout_note, realloc_table
from roi_core.views.customers import cohort_notes
from roi_core.views.follow_up import with_follow_up_section
from roi_core.views.format import signed_pct
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Chart, Figure, ItemList, Note, View, ViewOptions
from roi_core.views.parts import channel_roi_chart, channel_table, footer_of, suggestions_list, target_text
from roi_core.views.punct import basis_word, colon


def trend_of(ans, limit: int = 6) -> Chart | None:
    """The 12-month ROI trend (in %) of the channels with the most data (at most ``limit`` series)."""
    months = list(getattr(ans, "trend_months", []) or [])
    trend = getattr(ans, "trend", {}) or {}
    if not months or not trend:
        return None
    ranked = sorted(trend.items(), key=lambda kv: -sum(1 for v in kv[1] if v is not None))
    series = [(str(ch), [None if v is None else float(v) * 100 for v in values]) for ch, values in ranked[:limit]
              if sum(1 for v in values if v is not None) >= 2]
    if not series:
        return None
    return Chart(kind="line", title=phrase(ans.lang, "trend_chart", n=len(months)), categories=months,
                 series=series, y_label="ROI (%)", x_label=phrase(ans.lang, "month_axis"),
                 target=ans.target_roi * 100 if ans.target_roi is not None else None, filename="roi_trend.png")


@with_follow_up_section  # 上月建议的结果 when the answer carries follow_up (roi_core/views/follow_up.py)
def monthly_view(ans: MonthlySummary, options: ViewOptions) -> View:
    L, s, t, c, lang = labels(ans.lang), ans.currency, ans.totals, ans.changes, ans.lang
    title = phrase(lang, "monthly_title", month=ans.month)
    figures = [
        Figure(L["cost"], money(t.get("cost"), s), phrase(lang, "mom", v=signed_pct(c.get("mom_cost")))),
        Figure(L["revenue"], money(t.get("revenue"), s),
               phrase(lang, "mom_yoy", m=signed_pct(c.get("mom_revenue")), y=signed_pct(c.get("yoy_revenue")))),
        Figure("ROI", pct(t.get("roi")), phrase(lang, "mom", v=signed_pct(c.get("mom_roi_points"), True, lang)),
               line=1),
        Figure(L["profit"], money(t.get("profit"), s), line=1),
        Figure(L["cac"], money(t.get("cac"), s), line=1),
        Figure(phrase(lang, "best_worst"), f"{ans.best_channel or DASH} / {ans.worst_channel or DASH}", line=None),
    ]
    notes = []
    if ans.best_channel:
        notes.append(Note(phrase(lang, "best_channel"),
                          f"{ans.best_channel}   {phrase(lang, 'worst_channel')}{colon(lang)}{ans.worst_channel or DASH}",
                          rich=False))
    charts = []
    trend = trend_of(ans)
    if trend:
        trend.inline = options.native_charts
        charts.append(trend)
    bar = channel_roi_chart(ans.channels, phrase(lang, "monthly_chart", month=ans.month), ans.target_roi, lang)
    if bar:
        bar.inline, bar.png = options.native_charts, False
        charts.append(bar)
    lists = []
    if ans.anomalies:
        lists.append(ItemList("anomalies", phrase(lang, "anomalies"),
                              [f"⚠ {anomaly_text(a, lang, s)}" for a in ans.anomalies],
                              numbered=False, brief_title=phrase(lang, "anomalies_brief"), bullet=""))
    if ans.recurring:
        items = [phrase(lang, "recurring_item", campaign=r["campaign"], previous=r["previous"],
                        revenue=money(r["revenue"], s), change=signed_pct(r.get("revenue_change")),
                        roi=pct(r.get("roi")), points=signed_pct(r.get("roi_points"), True, lang))
                 for r in ans.recurring]
        lists.append(ItemList("comparisons", phrase(lang, "recurring"), items, numbered=False,
                              brief_title=phrase(lang, "recurring_brief")))
    notes += cohort_notes(ans)  # the month's new-customer cohort (roi_core/views/customers.py)
    lists.append(suggestions_list(ans))
    tables = [channel_table(ans, title, f"monthly_{ans.month}.csv")]
    if ans.reallocation:
        tables.append(realloc_table(ans, with_roi=False))
        backtest = holdout_note(ans)  # each curve's error on its last three months, as the budget answer shows
        if backtest is not None:
            notes.append(backtest)
    return View(
        kind=ans.kind, lang=lang, title=f"🗓 {title}",
        heading=phrase(lang, "monthly_heading", month=ans.month, basis=basis_word(ans), target=target_text(ans)),
        context=[basis_word(ans), target_text(ans)], figures=figures, notes=notes, charts=charts, tables=tables,
        lists=lists,
        actions=[query_action(phrase(lang, "btn_month_attribution"), "attribution", lang, month=ans.month),
                 query_action(phrase(lang, "btn_month_top"), "top", lang, month=ans.month), *sheet_actions(options, lang),
                 *report_actions(options, lang)],
        actions_id="roi_monthly_actions", footer=footer_of(ans, options))


def anomaly_text(anomaly, lang: str, symbol: str) -> str:
    """A monthly anomaly as people read it: the core's own (Chinese) sentence, or its English wording from the
    anomaly's figures (a kind without one keeps the core's sentence)."""
    f = anomaly.figures
    if lang != "en" or anomaly.kind not in ("roi_drop", "cost_jump"):
        return anomaly.text
    if anomaly.kind == "roi_drop":
        return phrase(lang, "anomaly_roi_drop", channel=anomaly.channel, roi=pct(f["roi"]),
                      median=pct(f["trailing_median"]), months=TRAILING_MONTHS,
                      points=f"{(f['trailing_median'] - f['roi']) * 100:.1f}")
    return phrase(lang, "anomaly_cost_jump", channel=anomaly.channel, previous_cost=money(f["previous_cost"], symbol),
                  cost=money(f["cost"], symbol), rise=f"{(f['cost'] / f['previous_cost'] - 1) * 100:.0f}%",
                  previous_revenue=money(f["previous_revenue"], symbol), revenue=money(f["revenue"], symbol))
