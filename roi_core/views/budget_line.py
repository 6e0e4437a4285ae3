"""Views of the everyday intents' answers (roi_core/answer/intents.py): 值不值得投 (a channel's ROI, its
trend, the plan's marginal return and a one-line verdict), 要不要加抖音预算 (the plan's line for it) and
有什么预警 (today's alerts of every campaign). Built from the generic view pieces, so every renderer shows
them; the words are here, in both languages."""

from __future__ import annotations

from roi_core.answer.intents import AlertsAnswer, BudgetLineAnswer, WorthAnswer
from roi_core.fmt import DASH, money, pct
from roi_core.views.actions import query_action, sheet_actions
from roi_core.views.model import Figure, ItemList, Note, View, ViewOptions
from roi_core.views.parts import footer_of, status_of
from roi_core.views.punct import basis_word

_W = {
    "zh": {"worth_title": "{channel} 值不值得投", "roi": "ROI", "profit": "利润", "cost": "总成本",
           "marginal": "边际 ROI（多投 1 元）", "budget": "每月预算", "trend": "近几个月 ROI", "verdict": "结论",
           "up": "上升", "down": "下降", "flat": "持平", "line_title": "{channel} 的预算", "now": "现在",
           "proposed": "建议", "change": "调整", "expected": "预计回报变化", "plan": "方案",
           "alerts_title": "今日预警", "alerts_none": "今天没有预警", "alerts_count": "{n} 条",
           "btn_advice": "💡 完整预算方案", "btn_channels": "📈 渠道排行", "sep": "，", "arrow": " → "},
    "en": {"worth_title": "Is {channel} worth it", "roi": "ROI", "profit": "Profit", "cost": "Cost",
           "marginal": "Marginal ROI (next yuan)", "budget": "Monthly budget", "trend": "ROI, last months",
           "verdict": "Verdict", "up": "rising", "down": "falling", "flat": "flat", "line_title": "{channel}: budget",
           "now": "now", "proposed": "proposed", "change": "change", "expected": "Expected change in return",
           "plan": "Plan", "alerts_title": "Today's alerts", "alerts_none": "No alerts today",
           "alerts_count": "{n}", "btn_advice": "💡 The whole budget plan", "btn_channels": "📈 Channels",
           "sep": ", ", "arrow": " → "},
}


def _w(lang: str) -> dict:
    return _W["en" if lang == "en" else "zh"]


def _signed_money(value, symbol: str) -> str:
    if value is None:
        return DASH
    return ("+" if value >= 0 else "-") + money(abs(value), symbol)


def worth_view(ans: WorthAnswer, options: ViewOptions) -> View:
    W, s, t, lang = _w(ans.lang), ans.currency, ans.totals, ans.lang
    title = W["worth_title"].format(channel=ans.channel)
    plan = ans.plan or {}
    figures = [Figure(W["verdict"], ans.verdict, line=-1,
                      status={"raise": "good", "keep": "good", "cut": "bad", "watch": "weak"}.get(ans.verdict_kind, "")),
               Figure(W["roi"], pct(t.get("roi")), status=status_of(t.get("roi"), ans.target_roi), line=0),
               Figure(W["profit"], money(t.get("profit"), s), line=0), Figure(W["cost"], money(t.get("cost"), s), line=0)]
    if plan:
        figures += [Figure(W["marginal"], pct(plan.get("marginal_roi")), line=1),
                    Figure(W["budget"], f"{money(plan.get('current'), s)}{W['arrow']}{money(plan.get('proposed'), s)}",
                           line=1)]
    months = W["sep"].join(f"{m['month']} {pct(m['roi'])}" for m in ans.months)
    notes = [Note(W["trend"], months or DASH, W[ans.trend] if ans.trend else None)]
    target = f"目标 ROI {pct(ans.target_roi, 0)}" if lang != "en" else f"target ROI {pct(ans.target_roi, 0)}"
    return View(kind=ans.kind, lang=lang, title=f"🤔 {title}", heading=f"🤔 {title}  {ans.label}",
                when=ans.label, context=[basis_word(ans), target], figures=figures, notes=notes,
                actions=[query_action(W["btn_advice"], "advice", lang), *sheet_actions(options, lang)],
                actions_id="roi_worth_actions", footer=footer_of(ans, options))


def budget_line_view(ans: BudgetLineAnswer, options: ViewOptions) -> View:
    W, s, line, lang = _w(ans.lang), ans.currency, ans.line, ans.lang
    title = W["line_title"].format(channel=ans.channel)
    expected = line.get("expected_change") or {}
    figures = [Figure(W["budget"], f"{W['now']} {money(line.get('current'), s)}{W['arrow']}{W['proposed']} "
                                   f"{money(line.get('proposed'), s)}", line=-1,
                      status="good" if (line.get("change") or 0) > 0.5 else "weak" if (line.get("change") or 0) < -0.5
                      else ""),
               Figure(W["change"], _signed_money(line.get("change"), s), line=0),
               Figure(W["marginal"], pct(line.get("marginal_roi")), line=0),
               Figure(W["roi"], pct(line.get("roi")), line=0),
               Figure(W["expected"], _signed_money(expected.get("value"), s),
                      note=f"{_signed_money(expected.get('low'), s)} ~ {_signed_money(expected.get('high'), s)}", line=1)]
    notes = [Note(W["plan"], ans.headline, None)] if ans.headline else []
    when = ans.month or ""
    return View(kind=ans.kind, lang=lang, title=f"💰 {title}", heading=f"💰 {title}  {when}".rstrip(),
                when=when or None, context=[ans.credit_basis_label] if ans.credit_basis_label else [],
                figures=figures, notes=notes,
                actions=[query_action(W["btn_advice"], "advice", lang), *sheet_actions(options, lang)],
                actions_id="roi_budget_line_actions", footer=footer_of(ans, options))


def alerts_today_view(ans: AlertsAnswer, options: ViewOptions) -> View:
    W, lang = _w(ans.lang), ans.lang
    day = ans.date.isoformat() if ans.date else ""
    lists = []
    for campaign in dict.fromkeys(a["campaign"] for a in ans.alerts_today):
        lines = [a["message"] for a in ans.alerts_today if a["campaign"] == campaign]
        lists.append(ItemList("anomalies", f"{campaign}（{len(lines)}）" if lang != "en" else f"{campaign} ({len(lines)})",
                              lines, numbered=False))
    if not lists:
        lists = [ItemList("anomalies", W["alerts_title"], [], numbered=False, empty=W["alerts_none"], inline=True)]
    count = W["alerts_count"].format(n=len(ans.alerts_today))
    title = f"🚨 {W['alerts_title']} {day}"
    view = View(kind=ans.kind, lang=lang, title=title, heading=f"{title}（{count}）" if lang != "en" else f"{title} ({count})",
                when=day, context=[count], lists=lists,
                actions=[query_action(W["btn_channels"], "channels", lang), *sheet_actions(options, lang)],
                actions_id="roi_alerts_today_actions", footer=footer_of(ans, options))
    if not ans.alerts_today:
        view.subtitle = W["alerts_none"]
    return view
