"""Plain-text rendering of answers: what the console prints and Slack's fallback text.

Pure functions of ``roi_core`` answers; nothing here computes a number.
"""

from __future__ import annotations

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
from roi_core.fmt import DASH, count, money, pad, pct, table
from roi_core.monthly import MonthlySummary
from roi_core.views import View, view_of
from roi_core.views.format import figure, signed_pct
from roi_core.views.labels import labels, phrase


def channel_table(rows: list[dict], symbol: str, lang: str, name_key: str = "channel") -> str:
    L = labels(lang)
    headers = [L[name_key], L["cost"], L["revenue"], L["roi"], L["roas"], L["ctr"], L["cvr"]]
    body = [[str(r[name_key]), money(r["cost"], symbol), money(r["revenue"], symbol), pct(r["roi"]),
             r.get("roas_text") or DASH, pct(r.get("ctr")), pct(r.get("cvr"))] for r in rows]
    return table(headers, body)


def _footer(ans: Answer) -> list[str]:
    lines = [f"⚠ {w}" for w in ans.warnings]
    if ans.source:
        lines.append(f"{labels(ans.lang)['source']}{'：' if ans.lang == 'zh' else ': '}{ans.source}")
    return lines


def _suggestions(ans, lang: str) -> list[str]:
    if not ans.suggestions:
        return []
    return ["", f"{labels(lang)['suggestions']}："] + [f"{i}. {s.text}" for i, s in enumerate(ans.suggestions, 1)]


def render_campaign(ans: CampaignReport) -> str:
    L, s, f, why = labels(ans.lang), ans.currency, ans.figures, ans.unavailable
    period = f"{ans.start_date} ~ {ans.end_date}" if ans.start_date else ""
    lines = [f"📊 {ans.campaign}  {period}（{ans.basis_label}）"]
    money_line = [f"{L['cost']} {money(f['cost'], s)}", f"{L['revenue']} {money(f['revenue'], s)}"]
    if f.get("gross_profit") is not None:
        money_line.append(f"{L['gross_profit']} {money(f['gross_profit'], s)}")
    lines.append("   ".join(money_line))
    lines.append("   ".join([
        f"ROI {figure(f['roi'], 'pct', s, why.get('roi'))}",
        f"{L['roas']} {figure(ans.roas_text, 'ratio', s, why.get('roas'))}",
        f"{L['profit']} {money(f['profit'], s)}",
    ]))
    lines.append("   ".join([
        f"{L['cac']} {figure(f['cac'], 'money', s, why.get('cac'))}",
        f"{L['ctr']} {figure(f['ctr'], 'pct', s, why.get('ctr'))}",
        f"{L['cvr']} {figure(f['cvr'], 'pct', s, why.get('cvr'))}",
        f"{L['aov']} {figure(f['aov'], 'money', s, why.get('aov'))}",
    ]))
    if f.get("impressions") or f.get("clicks"):
        lines.append(f"{L['funnel']}：{L['impressions']} {count(f.get('impressions'))} → {L['clicks']} "
                     f"{count(f.get('clicks'))} → {L['conversions']} {count(f.get('conversions'))}"
                     f"（{L['new']} {count(f.get('new_customers'))}）")
    if f.get("participants"):
        lines.append(f"{L['events']}：{L['participants']} {count(f['participants'])}，{L['cpp']} "
                     f"{money(f.get('cost_per_participant'), s)}，{L['pcvr']} {pct(f.get('participant_cvr'))}，"
                     f"{L['mentions']} {count(f.get('social_mentions'))}")
    lines += ["", channel_table(ans.channels, s, ans.lang)]
    lines += _suggestions(ans, ans.lang)
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def render_channels(ans: ChannelRanking) -> str:
    L = labels(ans.lang)
    title = "渠道排行" if ans.lang == "zh" else "Channel ranking"
    lines = [f"📈 {title}  {ans.month or L['all_time']}（{ans.basis_label}，{L['target']} ROI {pct(ans.target_roi, 0)}）",
             f"{L['cost']} {money(ans.totals['cost'], ans.currency)}   {L['revenue']} "
             f"{money(ans.totals['revenue'], ans.currency)}   ROI {pct(ans.totals['roi'])}", "",
             channel_table(ans.channels, ans.currency, ans.lang)]
    lines += _suggestions(ans, ans.lang)
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def render_top(ans: TopList) -> str:
    L = labels(ans.lang)
    title = f"活动 ROI 排行（前 {ans.top_n}，共 {ans.total_campaigns} 个）" if ans.lang == "zh" else \
        f"Campaigns by ROI (top {ans.top_n} of {ans.total_campaigns})"
    headers = [L["rank"], L["campaign"], L["cost"], L["revenue"], L["roi"], L["roas"]]
    body = [[str(r["rank"]), str(r["campaign"]), money(r["cost"], ans.currency), money(r["revenue"], ans.currency),
             figure(r["roi"], "pct", reason=r["unavailable"].get("roi")), r.get("roas_text") or DASH]
            for r in ans.campaigns]
    lines = [f"🏆 {title}  {ans.month or ''}（{ans.basis_label}）".replace("  （", "（"), "",
             table(headers, body, ["right", "left", "right", "right", "right", "right"])]
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def render_advice(ans: AdviceAnswer) -> str:
    L = labels(ans.lang)
    title = "建议" if ans.lang == "zh" else "Advice"
    lines = [f"💡 {title}  {ans.month or L['all_time']}（{ans.basis_label}，{L['target']} ROI {pct(ans.target_roi, 0)}）"]
    lines += [f"{i}. {s.text}" for i, s in enumerate(ans.suggestions, 1)]
    if ans.reallocation:
        lines += ["", f"{L['realloc']}："]
        body = [[r["channel"], money(r["current"], ans.currency), money(r["proposed"], ans.currency),
                 ("+" if r["change"] > 0 else "") + money(r["change"], ans.currency), pct(r["roi"])]
                for r in ans.reallocation]
        lines.append(table([L["channel"], L["current"], L["proposed"], L["change"], "ROI"], body))
        lines.append(f"{L['expected']}：{'+' if ans.expected_return_change >= 0 else ''}"
                     f"{money(ans.expected_return_change, ans.currency)}（{ans.reallocation_note}）")
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def render_help(ans: HelpAnswer) -> str:
    if ans.lang == "en":
        lines = ["ROI assistant: type /roi followed by one of:"]
    else:
        lines = ["ROI 助手用法：/roi 后面跟"]
    lines += [f"  {pad(cmd, 34)} {what}" for cmd, what in ans.examples]
    if ans.campaigns:
        lines.append(("最近的活动：" if ans.lang == "zh" else "Recent campaigns: ") + "、".join(ans.campaigns))
    return "\n".join(lines + _footer(ans)).rstrip()


def render_candidates(ans: CandidatesAnswer) -> str:
    head = f"「{ans.query}」匹配到多个活动，请选一个：" if ans.lang == "zh" else \
        f"'{ans.query}' matches several campaigns; pick one:"
    return "\n".join([head] + [f"  • {c}" for c in ans.candidates] + _footer(ans))


def render_no_match(ans: NoMatchAnswer) -> str:
    if ans.lang == "en":
        head = f"No campaign called '{ans.query}'."
        hint = ("Closest: " + ", ".join(ans.closest)) if ans.closest else "Type /roi top to list campaigns."
    else:
        head = f"没有找到活动「{ans.query}」。"
        hint = ("最接近的：" + "、".join(ans.closest)) if ans.closest else "输入 /roi 排行 查看所有活动。"
    return "\n".join([head, hint] + _footer(ans))


def render_attribution(ans: AttributionAnswer) -> str:
    L, s = labels(ans.lang), ans.currency
    month = ans.month or L["all_time"]
    title = f"🔀 归因：{ans.model_label}  {month}" if ans.lang == "zh" else f"🔀 Attribution: {ans.model}  {month}"
    zh = ans.lang == "zh"
    lines = [title,
             f"旅程 {ans.journeys:,}，转化旅程 {ans.converting_journeys:,}，转化 {ans.conversions:,.0f}，"
             f"订单金额 {money(ans.revenue, s)}（回溯 {ans.lookback_days} 天）" if zh else
             f"{ans.journeys:,} journeys, {ans.converting_journeys:,} converting, {ans.conversions:,.0f} conversions, "
             f"order value {money(ans.revenue, s)} (lookback {ans.lookback_days} days)", ""]
    shared = ans.roi_basis == "share_of_campaign_return"
    roi_head = ("ROI(按份额)" if zh else "ROI (by share)") if shared else "ROI"
    body = [[r["channel"], f"{r['conversions']:,.1f}", money(r["revenue"], s), pct(r.get("share")),
             money(r.get("cost"), s), figure(r.get("roi"), "pct", s, r.get("roi_note") or None)]
            for r in ans.channels]
    heads = ["归因转化", "归因金额", "份额"] if zh else ["conversions", "attributed", "share"]
    lines.append(table([L["channel"], *heads, L["cost"], roi_head], body))
    lines += ["", "各模型对比（归因金额排名，⚠ = 排名变化 ≥2 位）：" if zh else
              "All models (rank by attributed value; ⚠ = rank moves by 2 or more):"]
    models = ans.models
    head = [L["channel"]] + [ans.model_labels.get(m, m) if zh else m for m in models]
    rows = [[("⚠ " if r.get("rank_moves") else "") + str(r["channel"])] + [str(r.get(f"{m}_rank", DASH)) for m in models]
            for r in ans.comparison]
    lines.append(table(head, rows))
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def render_monthly(ans: MonthlySummary) -> str:
    L, s, t, c = labels(ans.lang), ans.currency, ans.totals, ans.changes
    lines = [f"🗓 月报 {ans.month}（{ans.basis_label}，{L['target']} ROI {pct(ans.target_roi, 0)}）",
             f"{L['cost']} {money(t['cost'], s)}（环比 {signed_pct(c.get('mom_cost'))}）   "
             f"{L['revenue']} {money(t['revenue'], s)}（环比 {signed_pct(c.get('mom_revenue'))}，"
             f"同比 {signed_pct(c.get('yoy_revenue'))}）",
             f"ROI {pct(t['roi'])}（环比 {signed_pct(c.get('mom_roi_points'), points=True)}）   "
             f"{L['profit']} {money(t['profit'], s)}   {L['cac']} {money(t.get('cac'), s)}"]
    if ans.best_channel:
        lines.append(f"最佳渠道：{ans.best_channel}   最差渠道：{ans.worst_channel or DASH}")
    lines += ["", channel_table(ans.channels, s, ans.lang)]
    if ans.anomalies:
        lines += ["", "异常："] + [f"⚠ {a.text}" for a in ans.anomalies]
    if ans.recurring:
        lines += ["", "与上一届相比："]
        for r in ans.recurring:
            lines.append(f"• {r['campaign']} vs {r['previous']}：销售额 {money(r['revenue'], s)}"
                         f"（{signed_pct(r.get('revenue_change'))}），ROI {pct(r.get('roi'))}"
                         f"（{signed_pct(r.get('roi_points'), points=True)}）")
    lines += _suggestions(ans, ans.lang)
    if ans.reallocation:
        lines += ["", f"{L['realloc']}："]
        body = [[r["channel"], money(r["current"], s), money(r["proposed"], s),
                 ("+" if r["change"] > 0 else "") + money(r["change"], s)] for r in ans.reallocation]
        lines.append(table([L["channel"], L["current"], L["proposed"], L["change"]], body))
        lines.append(f"{L['expected']}：{'+' if ans.expected_return_change >= 0 else ''}"
                     f"{money(ans.expected_return_change, s)}（{ans.reallocation_note}）")
    return "\n".join(lines + [""] + _footer(ans)).rstrip()


def _note(note) -> str:
    return f"{note.title}：{note.text}" + (f"（{note.detail}）" if note.detail is not None else "")


def _items(items) -> list[str]:
    if items.numbered:
        return [f"{i}. {text}" for i, text in enumerate(items.items, 1)]
    return [f"{items.bullet} {text}" if items.bullet else text for text in items.items]


def _table(t) -> list[str]:
    lines = [""] + ([t.brief_heading] if t.brief_heading else [])
    lines.append(table(t.brief_headers, t.cells(t.notes_in_brief), t.align))
    return lines + ([_note(t.summary)] if t.summary else [])


def render_view(view: View) -> str:
    """A view as the console's plain text: the heading, figures by line, details, the first table, lists,
    further tables, footer."""
    lines = [view.heading] + ([view.subtitle] if view.subtitle else [])
    for items in view.lists:
        if items.inline:
            lines += _items(items)
    groups: dict[int, list[str]] = {}
    for fig in view.figures:
        if fig.line is not None:
            groups.setdefault(fig.line, []).append(f"{fig.label} {fig.value}" + (f"（{fig.note}）" if fig.note else ""))
    lines += ["   ".join(group) for _, group in sorted(groups.items())]
    lines += [_note(n) for n in view.notes if n.brief]
    for t in view.tables[:1]:
        lines += _table(t)
    for items in view.lists:
        if not items.inline and items.items:
            lines += ["", f"{items.title if items.brief_title is None else items.brief_title}："] + _items(items)
    for t in view.tables[1:]:
        lines += _table(t)
    foot = view.footer
    tail = [f"⚠ {w}" for w in foot.warnings]
    if foot.source:
        tail.append(phrase(view.lang, "source_line", source=foot.source))
    return "\n".join(lines + [""] + tail).rstrip()


RENDERERS = {
    AttributionAnswer: render_attribution,
    MonthlySummary: render_monthly,
    CampaignReport: render_campaign,
    ChannelRanking: render_channels,
    TopList: render_top,
    AdviceAnswer: render_advice,
    HelpAnswer: render_help,
    CandidatesAnswer: render_candidates,
    NoMatchAnswer: render_no_match,
}


def render_text(ans: Answer) -> str:
    """The whole answer as readable text (console output, Slack fallback)."""
    view = view_of(ans)
    if view is not None:
        return render_view(view)
    for kind, render in RENDERERS.items():
        if isinstance(ans, kind):
            return render(ans)
    raise TypeError(f"no text renderer for {type(ans).__name__}")
