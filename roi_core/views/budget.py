"""The budget advice (``建议``, ``下个月预算 50万怎么分``): the reallocation table, the expected change,
the marginal-ROI chart and the channels' response curves."""

from __future__ import annotations

from roi_core.answer.shapes import AdviceAnswer
from roi_core.fmt import money, pct
from roi_core.views.actions import query_action, sheet_actions
from roi_core.views.labels import labels, phrase
from roi_core.views.model import Chart, Column, Note, Table, View, ViewOptions
from roi_core.views.parts import SHOWN_ROWS, footer_of, suggestions_list, target_text
from roi_core.views.punct import basis_word, bracket, comma, title_colon

PROFIT_LABEL = {"zh": "预计利润变化", "en": "expected change in profit"}
UNALLOCATED = {"zh": ("未分配", "下月预算分配（{wanted} 中 {rest} 未分配）"),
               "en": ("unallocated", "Next month's budget ({rest} of {wanted} unallocated)")}


def expected_note(ans) -> Note | None:
    """The expected change in profit of a budget plan (return change less the extra money), its note
    giving the interval and the change in return; the change in return alone when the plan has no
    profit figure."""
    if ans.expected_return_change is None:
        return None
    profit = (getattr(ans, "budget", None) or {}).get("expected_profit_change")
    if profit:
        value, label = float(profit["value"]), PROFIT_LABEL.get(ans.lang, PROFIT_LABEL["zh"])
    else:
        value, label = ans.expected_return_change, labels(ans.lang)["expected"]
    sign = "+" if value >= 0 else ""
    return Note(label, f"{sign}{money(value, ans.currency)}", ans.reallocation_note)


HOLDOUT = {"zh": ("曲线回测（最近 {n} 个月）", "{channel} 误差 {mape}，{covered}/{months} 在 80% 区间内",
                   "；", "{channels} 月数不足，未回测", "，不如平均 ROI 直线估算（误差 {linear}），改按线性估算",
                   "，略逊于直线（误差 {linear}），但没超出直线在拟合月份的误差 {fit}，仍按曲线"),
           "en": ("Curve backtest (last {n} months)", "{channel} error {mape}, {covered}/{months} inside the 80% band",
                  "; ", "{channels}: too few months to backtest",
                  ", worse than a straight line at its average ROI (error {linear}), so planned linear",
                  ", a little worse than a straight line (error {linear}) but within the line's own error on the "
                  "fitted months ({fit}), so the curve is kept")}


def _backtest_verdict(c: dict, fell: str, kept: str) -> str:
    """Why a channel is planned linear, or why its curve is kept although the line did better on the holdout
    (a loss smaller than the line's own error on the fitted months is three months' chance)."""
    h = c["holdout"]
    if c.get("fallback"):
        return fell.format(linear=pct(h.get("linear_mape"), 0))
    linear, fit = h.get("linear_mape"), h.get("linear_fit_mape")
    if linear is not None and fit is not None and h["mape"] > linear:
        return kept.format(linear=pct(linear, 0), fit=pct(fit, 0))
    return ""


def holdout_note(ans) -> Note | None:
    """One line on how well each channel's curve predicted its last three months (error, months inside
    its 80 % band; for a channel that fell back to linear, the linear estimate's smaller error) and the
    channels with a curve too short to check; None when no channel was checked."""
    channels = (getattr(ans, "budget", None) or {}).get("channels") or []
    checked = [c for c in channels if c.get("holdout")]
    if not checked:
        return None
    title, each, sep, short, fell, kept = HOLDOUT.get(ans.lang, HOLDOUT["zh"])
    parts = [each.format(channel=c["channel"], mape=pct(c["holdout"]["mape"], 0), covered=c["holdout"]["covered"],
                         months=c["holdout"]["months"])
             + _backtest_verdict(c, fell, kept)
             for c in checked]
    unchecked = [str(c["channel"]) for c in channels if not c.get("holdout") and c.get("method") == "response_curve"]
    if unchecked:
        parts.append(short.format(channels=(", " if ans.lang == "en" else "、").join(unchecked)))
    return Note(title.format(n=max(int(c["holdout"]["months"]) for c in checked)), sep.join(parts))


def _unallocated(ans, width: int) -> tuple[str | None, list[list[str]]]:
    """The heading and the table row for the money a plan leaves unallocated (none when it places all)."""
    plan = getattr(ans, "budget", None) or {}
    rest = float(plan.get("unallocated") or 0.0)
    if rest <= 0.5:
        return None, []
    name, heading = UNALLOCATED.get(ans.lang, UNALLOCATED["zh"])
    wanted = money(float(plan.get("total") or 0.0) + rest, ans.currency)
    row = [name, "", money(rest, ans.currency)] + [""] * (width - 3)
    return heading.format(wanted=wanted, rest=money(rest, ans.currency)), [row]


def realloc_table(ans, with_roi: bool, filename: str = "budget.csv") -> Table:
    """Next month's budget by channel: now, proposed, change (and ROI)."""
    L, s = labels(ans.lang), ans.currency
    columns = [Column(L["channel"], "left"), Column(L["current"], type="money"), Column(L["proposed"], type="money"),
               Column(L["change"], type="money")] + ([Column("ROI", type="pct")] if with_roi else [])
    rows = [[str(r["channel"]), money(r["current"], s), money(r["proposed"], s),
             ("+" if r["change"] > 0 else "") + money(r["change"], s)] + ([pct(r.get("roi"))] if with_roi else [])
            for r in ans.reallocation]
    heading, rest = _unallocated(ans, len(columns))
    heading = heading or L["realloc"]
    return Table(heading, columns, rows + rest, filename, SHOWN_ROWS, heading=f"*{heading}*",
                 brief_heading=title_colon(heading, ans.lang), summary=expected_note(ans))


def advice_view(ans: AdviceAnswer, options: ViewOptions) -> View:
    L = labels(ans.lang)
    title = phrase(ans.lang, "advice_title")
    period = ans.month or L["all_time"]
    context = [basis_word(ans), target_text(ans)] + ([ans.credit_basis_note] if ans.credit_basis_note else [])
    tables = [budget_table(ans)] if ans.reallocation else []
    return View(
        kind=ans.kind, lang=ans.lang, title=f"💡 {title} {period}",
        heading=f"💡 {title}  {period}" + bracket(basis_word(ans) + comma(ans.lang) + target_text(ans), ans.lang),
        subtitle=ans.credit_basis_note, context=context,
        notes=[n for n in [holdout_note(ans)] if n is not None],
        lists=[suggestions_list(ans, inline=True, empty=phrase(ans.lang, "no_suggestions"))],
        tables=tables, charts=budget_charts(ans, options),
        actions=[query_action(phrase(ans.lang, "btn_channels"), "channels", ans.lang, month=ans.month),
                 *sheet_actions(options, ans.lang)],
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
    unallocated, rest = _unallocated(ans, len(columns))
    heading = unallocated or heading  # money left over (beyond the caps or below break-even) is named first
    rows += rest
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
