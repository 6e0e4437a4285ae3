"""``view_of(answer, options)``: the medium-free view of an answer, one builder per answer kind.

Every word comes from the label table (:mod:`roi_core.views.labels`), every figure from
:mod:`roi_core.fmt`; nothing here computes a number. A kind without a builder here returns None and
its renderers lay the answer out themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from roi_core import (
    AdviceAnswer,
    Answer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    HelpAnswer,
    NoMatchAnswer,
    TopList,
)
from roi_core.attribution_report import AttributionAnswer
from roi_core.fmt import DASH, count, money, pct
from roi_core.monthly import MonthlySummary
from roi_core.views.alerts import with_alerts_section
from roi_core.views.follow_up import with_follow_up_section
from roi_core.views.format import figure, signed_pct
from roi_core.views.labels import labels, phrase
from roi_core.views.model import (
    Action,
    Chart,
    Column,
    Figure,
    Footer,
    ItemList,
    Note,
    Table,
    View,
    ViewOptions,
)
from roi_core.views.punct import basis_word, bracket, colon, comma, title_colon

SHOWN_ROWS = 30  # rows a message shows before "…还有 N 项" (the rest travel as a file)
CHART_POINTS = 20


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def footer_of(ans: Answer, options: ViewOptions | None = None) -> Footer:
    """The answer's provenance: source, when read, stale copy, rows left out, data warnings."""
    options = options or ViewOptions()
    return Footer(source=ans.source, read_at=options.fetched_at, now=options.now, stale=ans.stale,
                  rows_left_out=ans.rows_skipped, warnings=list(ans.warnings))


def channel_roi_chart(rows: list[dict], title: str, target_roi: float | None, lang: str,
                      name_key: str = "channel", value_key: str = "roi") -> Chart | None:
    """A bar chart of ROI (in %) by channel, the first 20 channels that have one; None when none has."""
    rows = [r for r in rows if _finite(r.get(value_key))][:CHART_POINTS]
    if not rows:
        return None
    return Chart(kind="bar", title=title, categories=[str(r[name_key]) for r in rows],
                 series=[("ROI(%)", [float(r[value_key]) * 100 for r in rows])],
                 y_label="ROI (%)", x_label=phrase(lang, "channel_axis"),
                 target=None if target_roi is None else target_roi * 100, filename="channel_roi.png")


def channel_table(ans, title: str, filename: str) -> Table:
    """The channels' cost, revenue, ROI, ROAS, CTR and CVR; an empty ROI says why."""
    L, s = labels(ans.lang), ans.currency
    columns = [Column(L["channel"], "left"), Column(L["cost"], type="money"), Column(L["revenue"], type="money"),
               Column(L["roi"], type="pct"), Column(L["roas"], type="ratio"), Column(L["ctr"], type="pct"),
               Column(L["cvr"], type="pct")]
    rows, notes = [], {}
    for i, r in enumerate(ans.channels):
        rows.append([str(r["channel"]), money(r["cost"], s), money(r["revenue"], s), pct(r.get("roi")),
                     r.get("roas_text") or DASH, pct(r.get("ctr")), pct(r.get("cvr"))])
        why = (r.get("unavailable") or {}).get("roi")
        if rows[-1][3] == DASH and why:
            notes[(i, 3)] = why
    return Table(title, columns, rows, filename, SHOWN_ROWS, notes=notes)


def _target(ans) -> str:
    return f"{labels(ans.lang)['target']} ROI {pct(ans.target_roi, 0)}"


def _suggestions(ans, inline: bool = False, empty: str = "") -> ItemList:
    return ItemList("suggestions", labels(ans.lang)["suggestions"], [s.said(ans.lang) for s in ans.suggestions],
                    numbered=True, empty=empty, inline=inline)


def _query(label: str, kind: str, lang: str, **question) -> Action:
    return Action(label, "query", {"kind": kind, "lang": lang, **question})


def _sheet(options: ViewOptions, lang: str) -> list[Action]:
    return [Action(phrase(lang, "btn_sheet"), "open_sheet", {"url": options.sheet_url})] if options.sheet_url else []


def _report(options: ViewOptions, lang: str) -> list[Action]:
    url = getattr(options, "report_url", None)  # any options object (the Slack renderer's too)
    return [Action(phrase(lang, "btn_report"), "open_url", {"url": url})] if url else []


def _chart_png(chart: Chart | None, options: ViewOptions, lang: str, **question) -> list[Action]:
    if not (options.chart_button and chart):
        return []
    return [Action(phrase(lang, "btn_chart_png"), "chart_png", {"lang": lang, **question})]


def _status(value, target) -> str:
    if value is None:
        return ""
    return "good" if value >= target else ("bad" if value < 0 else "weak")


def event_kpis(f: dict, lang: str, symbol: str) -> str:
    """An event's figures on one line: participants, cost per participant, their conversion, then 平均参与时长,
    满意度 (of 5), 留存率 (留存客户数 / 参与人数) and 社媒提及 where the sheet has them."""
    L, sep = labels(lang), phrase(lang, "kpi_sep")
    parts = [f"{L['participants']} {count(f.get('participants'))}",
             f"{L['cpp']} {money(f.get('cost_per_participant'), symbol)}",
             f"{L['pcvr']} {pct(f.get('participant_cvr'))}"]
    if _finite(f.get("avg_minutes")):
        parts.append(phrase(lang, "avg_minutes", v=f"{f['avg_minutes']:,.0f}"))
    if _finite(f.get("satisfaction")):
        parts.append(phrase(lang, "satisfaction", v=f"{f['satisfaction']:.1f}"))
    if _finite(f.get("retention_rate")):
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
        Figure("ROI", figure(f.get("roi"), "pct", s, why.get("roi"), ans.lang), status=_status(f.get("roi"), ans.target_roi),
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
        when=period, context=[basis_word(ans), _target(ans) + (phrase(ans.lang, matched) if matched else "")],
        figures=figures, notes=notes, charts=[chart] if chart else [],
        tables=[channel_table(ans, phrase(ans.lang, "campaign_table", campaign=ans.campaign), "channels.csv")],
        lists=[_suggestions(ans)],
        actions=[_query(phrase(ans.lang, "btn_channels_month"), "channels", ans.lang, month=month),
                 _query(phrase(ans.lang, "btn_advice"), "advice", ans.lang, month=month),
                 *_sheet(options, ans.lang)],
        actions_id="roi_campaign_actions", footer=footer_of(ans, options))


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
        heading=f"📈 {title}  {period}" + bracket(comma(ans.lang).join([*basis, _target(ans)]), ans.lang),
        context=[*basis, _target(ans)],
        figures=[Figure(L["cost"], money(t.get("cost"), s)), Figure(L["revenue"], money(t.get("revenue"), s)),
                 Figure("ROI", pct(t.get("roi"))), Figure(L["profit"], money(t.get("profit"), s), line=None)],
        charts=[chart] if chart else [],
        tables=[table],
        lists=[_suggestions(ans)],
        actions=[_query(phrase(ans.lang, "btn_advice_budget"), "advice", ans.lang, month=ans.month),
                 _query(phrase(ans.lang, "btn_attribution"), "attribution", ans.lang, month=ans.month),
                 *_chart_png(chart, options, ans.lang, kind="channels", month=ans.month),
                 *_sheet(options, ans.lang)],
        actions_id="roi_channels_actions", footer=footer_of(ans, options))


def _model_label(model: str, lang: str) -> str:
    from roi_core.attribution import MODEL_LABELS_ZH

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
        actions=[_query(phrase(ans.lang, "btn_channels"), "channels", ans.lang, month=ans.month),
                 *_sheet(options, ans.lang)],
        actions_id="roi_top_actions", footer=footer_of(ans, options))


def expected_note(ans) -> Note | None:
    """The expected change in return of a budget reallocation, with the core's caveat."""
    if ans.expected_return_change is None:
        return None
    sign = "+" if ans.expected_return_change >= 0 else ""
    return Note(labels(ans.lang)["expected"], f"{sign}{money(ans.expected_return_change, ans.currency)}",
                ans.reallocation_note)


def realloc_table(ans, with_roi: bool, filename: str = "budget.csv") -> Table:
    """Next month's budget by channel: now, proposed, change (and ROI)."""
    L, s = labels(ans.lang), ans.currency
    columns = [Column(L["channel"], "left"), Column(L["current"], type="money"), Column(L["proposed"], type="money"),
               Column(L["change"], type="money")] + ([Column("ROI", type="pct")] if with_roi else [])
    rows = [[str(r["channel"]), money(r["current"], s), money(r["proposed"], s),
             ("+" if r["change"] > 0 else "") + money(r["change"], s)] + ([pct(r.get("roi"))] if with_roi else [])
            for r in ans.reallocation]
    return Table(L["realloc"], columns, rows, filename, SHOWN_ROWS, heading=f"*{L['realloc']}*",
                 brief_heading=title_colon(L['realloc'], ans.lang), summary=expected_note(ans))


def advice_view(ans: AdviceAnswer, options: ViewOptions) -> View:
    L = labels(ans.lang)
    title = phrase(ans.lang, "advice_title")
    period = ans.month or L["all_time"]
    context = [basis_word(ans), _target(ans)] + ([ans.credit_basis_note] if ans.credit_basis_note else [])
    tables = [budget_table(ans)] if ans.reallocation else []
    return View(
        kind=ans.kind, lang=ans.lang, title=f"💡 {title} {period}",
        heading=f"💡 {title}  {period}" + bracket(basis_word(ans) + comma(ans.lang) + _target(ans), ans.lang),
        subtitle=ans.credit_basis_note, context=context,
        lists=[_suggestions(ans, inline=True, empty=phrase(ans.lang, "no_suggestions"))],
        tables=tables, charts=budget_charts(ans, options),
        actions=[_query(phrase(ans.lang, "btn_channels"), "channels", ans.lang, month=ans.month),
                 *_sheet(options, ans.lang)],
        actions_id="roi_advice_actions", footer=footer_of(ans, options))


def budget_table(ans: AdviceAnswer) -> Table:
    """Next month's budget by channel: now, proposed, change, average and marginal ROI (a linear
    estimate says so), the expected change with its 80 % interval under the table."""
    L, s, plan = labels(ans.lang), ans.currency, ans.budget or {}
    columns = [Column(L["channel"], "left"), Column(L["current"], type="money"), Column(L["proposed"], type="money"),
               Column(L["change"], type="money"), Column("ROI", type="pct"), Column(L["marginal_roi"], type="pct")]
    rows, notes = [], {}
    for i, r in enumerate(ans.reallocation):
        rows.append([str(r["channel"]), money(r["current"], s), money(r["proposed"], s),
                     ("+" if r["change"] > 0 else "") + money(r["change"], s), pct(r.get("roi")),
                     pct(r.get("marginal_roi"))])
        if r.get("method") == "linear":
            notes[(i, 5)] = L["linear_flag"]
        if r.get("at_limit"):  # on its cap or floor: why it moves no further
            notes[(i, 2)] = phrase(ans.lang, f"at_{r['at_limit']}", limit=pct((plan or {}).get("change_limit"), 0))
    heading = L["realloc"] if ans.budget_asked is None else phrase(ans.lang, "realloc_budget",
                                                                   total=money(ans.budget_asked, s))
    if plan.get("unreachable"):  # the closest plan to a total the guardrails cannot reach
        heading = phrase(ans.lang, f"realloc_budget_{plan['unreachable']}", asked=money(plan.get("asked"), s),
                         total=money(plan.get("total"), s))
    return Table(heading, columns, rows, "budget.csv", SHOWN_ROWS, heading=f"*{heading}*",
                 brief_heading=title_colon(heading, ans.lang), notes=notes, notes_in_brief=True,
                 summary=expected_note(ans))


RESPONSE_PANELS = 12  # channels drawn in the response-curve picture (the largest budgets; the table has all)
RESPONSE_PARTS = ("return", "low", "high", "spend", "marks")


def response_chart(ans: AdviceAnswer) -> Chart | None:
    """Each channel's response curve as one PNG of small multiples (``kind="response"``, never inline):
    expected monthly return against monthly budget, its 80 % band, today's budget (●) and the proposed
    one (◆) with their marginal ROI. Encoded in the chart's series, five per channel in this order
    (:data:`RESPONSE_PARTS`): the return, the band's low and high at each budget, the budgets, and the
    marks [current, proposed, return now, return proposed, marginal ROI now, proposed]; the categories
    are the channels. Drawn by :func:`render.charts.render_png`."""
    channels = [c for c in (ans.budget or {}).get("channels", []) if (c.get("curve") or {}).get("return")]
    channels = sorted(channels, key=lambda c: -float(c["current"]))[:RESPONSE_PANELS]
    if not channels:
        return None
    series = []
    for c in channels:
        curve = c["curve"]
        marks = [c["current"], c["proposed"], curve.get("return_current"), curve.get("return_proposed"),
                 c.get("marginal_roi"), c.get("marginal_roi_proposed")]
        for part, values in zip(RESPONSE_PARTS, (curve["return"], curve.get("return_low") or curve["return"],
                                                 curve.get("return_high") or curve["return"], curve["spend"], marks),
                                strict=True):
            series.append((f"{c['channel']}·{part}", [None if v is None else float(v) for v in values]))
    return Chart(kind="response", title=phrase(ans.lang, "response_chart"),
                 categories=[str(c["channel"]) for c in channels], series=series,
                 y_label=phrase(ans.lang, "return_axis"), x_label=phrase(ans.lang, "spend_axis"),
                 target=ans.target_roi * 100, filename="budget_curves.png", inline=False, png=True)


def budget_charts(ans: AdviceAnswer, options: ViewOptions) -> list[Chart]:
    """The marginal ROI of each fitted channel from 50 % to 150 % of its budget now (the native chart),
    and the channels' response curves with today's and the proposed budget marked (the PNG)."""
    channels = [c for c in (ans.budget or {}).get("channels", []) if c.get("curve")]
    if not channels:
        return []
    lang = ans.lang
    fitted = [c for c in channels if c.get("method") == "response_curve"] or channels
    steps = [f"{round(v / c0 * 100)}%" for c0 in [fitted[0]["current"]] for v in fitted[0]["curve"]["spend"]]
    overview = Chart(kind="line", title=phrase(lang, "curve_overview"), categories=steps,
                     series=[(str(c["channel"]), [None if v is None else float(v) * 100
                                                  for v in c["curve"]["marginal_roi"]]) for c in fitted[:6]],
                     y_label=phrase(lang, "marginal_roi") + " (%)", x_label=phrase(lang, "budget_axis"),
                     target=ans.target_roi * 100, filename="marginal_roi.png", inline=options.native_charts,
                     png=False)
    curves = response_chart(ans)
    return [overview] + ([curves] if curves is not None else [])


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
    lists.append(_suggestions(ans))
    tables = [channel_table(ans, title, f"monthly_{ans.month}.csv")]
    if ans.reallocation:
        tables.append(realloc_table(ans, with_roi=False))
    return View(
        kind=ans.kind, lang=lang, title=f"🗓 {title}",
        heading=phrase(lang, "monthly_heading", month=ans.month, basis=basis_word(ans), target=_target(ans)),
        context=[basis_word(ans), _target(ans)], figures=figures, notes=notes, charts=charts, tables=tables,
        lists=lists,
        actions=[_query(phrase(lang, "btn_month_attribution"), "attribution", lang, month=ans.month),
                 _query(phrase(lang, "btn_month_top"), "top", lang, month=ans.month), *_sheet(options, lang),
                 *_report(options, lang)],
        actions_id="roi_monthly_actions", footer=footer_of(ans, options))


def anomaly_text(anomaly, lang: str, symbol: str) -> str:
    """A monthly anomaly as people read it: the core's own (Chinese) sentence, or its English wording from the
    anomaly's figures (a kind without one keeps the core's sentence)."""
    f = anomaly.figures
    if lang != "en" or anomaly.kind not in ("roi_drop", "cost_jump"):
        return anomaly.text
    if anomaly.kind == "roi_drop":
        from roi_core.monthly import TRAILING_MONTHS

        return phrase(lang, "anomaly_roi_drop", channel=anomaly.channel, roi=pct(f["roi"]),
                      median=pct(f["trailing_median"]), months=TRAILING_MONTHS,
                      points=f"{(f['trailing_median'] - f['roi']) * 100:.1f}")
    return phrase(lang, "anomaly_cost_jump", channel=anomaly.channel, previous_cost=money(f["previous_cost"], symbol),
                  cost=money(f["cost"], symbol), rise=f"{(f['cost'] / f['previous_cost'] - 1) * 100:.0f}%",
                  previous_revenue=money(f["previous_revenue"], symbol), revenue=money(f["revenue"], symbol))


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
        actions=[select, _query(phrase(lang, "btn_channels"), "channels", lang, month=ans.month),
                 *_chart_png(chart, options, lang, kind="attribution", model=ans.model, month=ans.month),
                 *_sheet(options, lang)],
        actions_id="roi_attribution_actions", footer=footer_of(ans, options))


def attributed_share_chart(ans: AttributionAnswer, label: str) -> Chart | None:
    """Bars of each channel's attributed share (in %), the first 20 channels, when 触点 is a sample."""
    rows = [r for r in ans.channels if _finite(r.get("share"))][:CHART_POINTS]
    if not rows:
        return None
    return Chart(kind="bar", title=phrase(ans.lang, "attribution_share_chart", label=label),
                 categories=[str(r["channel"]) for r in rows], series=[("%", [float(r["share"]) * 100 for r in rows])],
                 y_label=phrase(ans.lang, "attr_share") + " (%)", x_label=phrase(ans.lang, "channel_axis"),
                 filename="attributed_share.png")


def candidates_view(ans: CandidatesAnswer, options: ViewOptions) -> View:
    lang = ans.lang
    return View(kind=ans.kind, lang=lang, lead=phrase(lang, "candidates_lead", query=ans.query, n=len(ans.candidates)),
                brief_lead=phrase(lang, "candidates_brief", query=ans.query),
                lists=[ItemList("choose", "", list(ans.candidates), numbered=False, bullet="  •")],
                footer=footer_of(ans, options), ephemeral=True)


def no_match_view(ans: NoMatchAnswer, options: ViewOptions) -> View:
    """The closest names to pick, then the questions that would work: a line of text, buttons that ask them."""
    lang, head = ans.lang, phrase(ans.lang, "no_match", query=ans.query)
    questions = list(getattr(ans, "suggested_questions", []) or [])
    lists = [ItemList("choose", "", list(ans.closest), numbered=False, brief_title=phrase(lang, "closest"),
                      joiner=phrase(lang, "list_sep"))]
    if questions:
        lists.append(ItemList("questions", phrase(lang, "questions_pick"), questions, numbered=False,
                              brief_title=phrase(lang, "questions"), joiner=phrase(lang, "questions_sep")))
    # a question as typed: the kind is a placeholder, answer() reads the text again against the sheet's names
    asks = [Action(q, "query", {"kind": "campaign", "lang": lang, "text": q}) for q in questions]
    return View(kind=ans.kind, lang=lang, lead=f"🔍 {head}", brief_lead=head,
                hint=phrase(lang, "closest_pick" if ans.closest else "no_match_hint"),
                brief_hint="" if ans.closest else phrase(lang, "no_match_hint_brief"),
                lists=lists, actions=asks, actions_id="roi_no_match_questions" if asks else "",
                footer=footer_of(ans, options), ephemeral=True)


def help_view(ans: HelpAnswer, options: ViewOptions) -> View:
    lang = ans.lang
    examples = Table("", [Column("/roi", "left"), Column("", "left")], [[cmd, what] for cmd, what in ans.examples])
    return View(kind=ans.kind, lang=lang, title=f"👋 {phrase(lang, 'help_title')}",
                brief_lead=phrase(lang, "help_brief"), hint=phrase(lang, "help_lead"), tables=[examples],
                lists=[ItemList("recent", phrase(lang, "recent"), list(ans.campaigns), numbered=False,
                                brief_title=phrase(lang, "recent_brief"), joiner="、")],
                actions=_sheet(options, lang), actions_id="roi_help_actions", footer=footer_of(ans, options),
                ephemeral=True)


from roi_core.views.compare import CompareAnswer, compare_view  # noqa: E402
from roi_core.views.customers import (  # noqa: E402
    CohortAnswer,
    CustomerValueAnswer,
    LifecycleAnswer,
    campaign_value_notes,
    cohort_notes,
    cohort_view,
    customer_value_view,
    lifecycle_view,
)
from roi_core.views.trend import ChannelTrendAnswer, PeriodSummary, period_summary_view, trend_view  # noqa: E402

BUILDERS: list[tuple[type, Callable[[Answer, ViewOptions], View]]] = [
    (ChannelTrendAnswer, trend_view), (PeriodSummary, period_summary_view),  # before MonthlySummary: a subclass
    (CompareAnswer, compare_view),
    (AttributionAnswer, attribution_view), (MonthlySummary, monthly_view),
    (CampaignReport, campaign_view), (ChannelRanking, channels_view), (TopList, top_view),
    (AdviceAnswer, advice_view), (HelpAnswer, help_view), (CandidatesAnswer, candidates_view),
    (NoMatchAnswer, no_match_view),
    (CustomerValueAnswer, customer_value_view), (LifecycleAnswer, lifecycle_view), (CohortAnswer, cohort_view),
]


def view_of(ans: Answer, options: ViewOptions | None = None) -> View | None:
    """The view of ``ans`` (None for a kind that has no view yet: its renderers lay it out themselves).

    ``options`` may be any object with ViewOptions' attributes (the Slack renderer's RenderOptions is one).
    """
    options = options or ViewOptions()
    for kind, build in BUILDERS:
        if isinstance(ans, kind):
            return build(ans, options)
    return None
