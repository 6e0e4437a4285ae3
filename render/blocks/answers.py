"""Block Kit layouts of each answer kind (``build_message`` in :mod:`render.blocks` dispatches here)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from render.blocks.kit import (
    ACTION_CHOOSE,
    ACTION_MODEL,
    BUTTON_VALUE,
    MAX_BLOCKS,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    SHOWN_CANDIDATES,
    SHOWN_ROWS,
    RenderOptions,
    SlackMessage,
    actions,
    button,
    chart_block,
    code_escape,
    context,
    cut,
    fields_section,
    header,
    list_section,
    more_text,
    mrkdwn,
    section,
)
from render.blocks.parts import (
    _channel_table,
    _chart_png_button,
    _cut_table,
    _line_chart_block,
    _query_button,
    _sheet_button,
    _suggestion_items,
    channel_roi_chart,
    encode_query,
    footer_blocks,
    trend_chart,
)
from render.text import render_text
from roi_core import (
    Answer,
    CandidatesAnswer,
    HelpAnswer,
    NoMatchAnswer,
)
from roi_core.attribution_report import AttributionAnswer
from roi_core.fmt import DASH, money, pct
from roi_core.fmt import table as text_table
from roi_core.monthly import MonthlySummary
from roi_core.views.format import figure
from roi_core.views.format import signed_pct as _signed
from roi_core.views.labels import labels


# --------------------------------------------------------------------------- renderers
def _realloc_rows(ans, with_roi: bool) -> tuple[list[str], list[list[str]], list[str]]:
    L, s = labels(ans.lang), ans.currency
    headers = [L["channel"], L["current"], L["proposed"], L["change"]] + (["ROI"] if with_roi else [])
    body = [[str(r["channel"]), money(r["current"], s), money(r["proposed"], s),
             ("+" if r["change"] > 0 else "") + money(r["change"], s)] + ([pct(r.get("roi"))] if with_roi else [])
            for r in ans.reallocation]
    return headers, body, ["left"] + ["right"] * (len(headers) - 1)


def _expected_line(ans) -> str:
    L = labels(ans.lang)
    if ans.expected_return_change is None:
        return ""
    sign = "+" if ans.expected_return_change >= 0 else ""
    return (f"*{L['expected']}*：{sign}{money(ans.expected_return_change, ans.currency)}"
            + (f"（{mrkdwn(ans.reallocation_note)}）" if ans.reallocation_note else ""))


def _attribution(ans, opts: RenderOptions) -> SlackMessage:
    L, s = labels(ans.lang), ans.currency
    period = ans.month or L["all_time"]
    label = ans.model_label if ans.lang != "en" else ans.model
    title = f"归因：{label} {period}" if ans.lang != "en" else f"Attribution: {label} {period}"
    blocks = [header(f"🔀 {title}"),
              context((f"旅程 {ans.journeys:,}，转化旅程 {ans.converting_journeys:,}，转化 {ans.conversions:,.0f}，"
                       f"订单金额 {money(ans.revenue, s)}（回溯 {ans.lookback_days} 天）") if ans.lang != "en" else
                      (f"{ans.journeys:,} journeys, {ans.converting_journeys:,} converting, "
                       f"{ans.conversions:,.0f} conversions, {money(ans.revenue, s)} order value "
                       f"(lookback {ans.lookback_days} days)"))]
    share_basis = ans.roi_basis == "share_of_campaign_return"
    chart = channel_roi_chart(ans.channels, (f"归因 ROI（{label}）" if ans.lang != "en" else f"Attributed ROI ({label})"),
                              None, ans.lang)
    if chart and opts.native_charts:
        blocks.append(chart_block(chart))
    roi_head = ("ROI(按份额)" if ans.lang != "en" else "ROI (by share") if share_basis else "ROI"
    if share_basis and ans.lang == "en":
        roi_head += ")"
    headers = [L["channel"], "归因转化" if ans.lang != "en" else "Conversions",
               "归因金额" if ans.lang != "en" else "Revenue", "份额" if ans.lang != "en" else "Share",
               L["cost"], roi_head]
    body = [[str(r["channel"]), f"{r['conversions']:,.1f}", money(r["revenue"], s), pct(r.get("share")),
             money(r.get("cost"), s), figure(r.get("roi"), "pct", s, r.get("roi_note") or None)]
            for r in ans.channels]
    table_blocks, overflow = _cut_table(title, f"attribution_{ans.model}.csv", headers, body,
                                        ["left"] + ["right"] * 5, ans.lang)
    blocks += table_blocks
    # every model side by side: ranks as text (a message holds one table block)
    models = list(ans.models)
    if ans.comparison and models:
        head = [L["channel"]] + [ans.model_labels.get(m, m) if ans.lang != "en" else m for m in models]
        rows = [[("⚠ " if r.get("rank_moves") else "") + str(r["channel"])] + [str(r.get(f"{m}_rank", DASH))
                                                                              for m in models]
                for r in ans.comparison[:SHOWN_ROWS]]
        note = ("*各模型对比*（归因金额排名，⚠ = 排名变化 ≥2 位）" if ans.lang != "en"
                else "*All models* (rank by attributed revenue, ⚠ = moves ≥2 places)")
        body_text = code_escape(text_table(head, rows))
        extra = len(ans.comparison) - len(rows)
        text = f"{note}\n```{body_text}```" + (f"\n{more_text(extra, ans.lang)}" if extra > 0 else "")
        if len(text) > SECTION_TEXT:
            text = f"{note}\n" + more_text(len(ans.comparison), ans.lang)
        blocks.append(section(text))
    options = []
    for m in models[:100]:
        value = encode_query("attribution", model=m, month=ans.month, lang=ans.lang)
        if len(value) <= OPTION_VALUE:
            options.append({"text": {"type": "plain_text", "text": cut(ans.model_labels.get(m, m), OPTION_TEXT)},
                            "value": value})
    select = None
    if options:
        select = {"type": "static_select", "action_id": ACTION_MODEL, "options": options,
                  "placeholder": {"type": "plain_text", "text": "切换归因模型" if ans.lang != "en" else "Switch model"}}
        current = [o for o in options if json.loads(o["value"]).get("o") == ans.model]
        if current:
            select["initial_option"] = current[0]
    value = encode_query("attribution", model=ans.model, month=ans.month, lang=ans.lang)
    blocks.append(actions([
        select,
        _query_button("📈 渠道排行" if ans.lang != "en" else "📈 Channels", "channels", ans.lang, month=ans.month),
        _chart_png_button(ans, chart, opts, value),
        _sheet_button(opts, ans.lang),
    ], "roi_attribution_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, chart=chart, kind=ans.kind)


def _monthly(ans, opts: RenderOptions) -> SlackMessage:
    L, s, t, c = labels(ans.lang), ans.currency, ans.totals, ans.changes
    title = f"月报 {ans.month}" if ans.lang != "en" else f"Monthly summary {ans.month}"
    blocks = [header(f"🗓 {title}"),
              context(f"{mrkdwn(ans.basis_label)} · {L['target']} ROI {pct(ans.target_roi, 0)}"),
              fields_section([
                  (L["cost"], f"{money(t.get('cost'), s)}\n环比 {_signed(c.get('mom_cost'))}"),
                  (L["revenue"], f"{money(t.get('revenue'), s)}\n环比 {_signed(c.get('mom_revenue'))}，"
                                 f"同比 {_signed(c.get('yoy_revenue'))}"),
                  ("ROI", f"{pct(t.get('roi'))}\n环比 {_signed(c.get('mom_roi_points'), points=True)}"),
                  (L["profit"], money(t.get("profit"), s)),
                  (L["cac"], money(t.get("cac"), s)),
                  ("最佳 / 最差渠道" if ans.lang != "en" else "Best / worst channel",
                   f"{mrkdwn(ans.best_channel or DASH)} / {mrkdwn(ans.worst_channel or DASH)}"),
              ])]
    spec = trend_chart(ans)
    chart = None
    if spec and opts.native_charts:
        chart = _line_chart_block(spec)
    if chart is None and opts.native_charts:
        bar = channel_roi_chart(ans.channels, f"{ans.month} 渠道 ROI", ans.target_roi, ans.lang)
        chart = chart_block(bar) if bar else None
    if chart:
        blocks.append(chart)
    headers, body, align = _channel_table(ans, ans.channels, ans.lang)
    table_blocks, overflow = _cut_table(title, f"monthly_{ans.month}.csv", headers, body, align, ans.lang)
    blocks += table_blocks
    if ans.anomalies:
        blocks.append(list_section("异常" if ans.lang != "en" else "Anomalies",
                                   [f"⚠ {mrkdwn(a.text)}" for a in ans.anomalies], ans.lang, numbered=False))
    if ans.recurring:
        items = [f"{mrkdwn(r['campaign'])} vs {mrkdwn(r['previous'])}：销售额 {money(r['revenue'], s)}"
                 f"（{_signed(r.get('revenue_change'))}），ROI {pct(r.get('roi'))}"
                 f"（{_signed(r.get('roi_points'), points=True)}）" for r in ans.recurring]
        blocks.append(list_section("与上一届相比" if ans.lang != "en" else "Against the last edition", items,
                                   ans.lang, numbered=False))
    blocks.append(list_section(L["suggestions"], _suggestion_items(ans), ans.lang))
    if ans.reallocation:
        headers, body, _ = _realloc_rows(ans, with_roi=False)
        shown = body[:SHOWN_ROWS]
        text = f"*{L['realloc']}*\n```{code_escape(text_table(headers, shown))}```"
        if len(body) > len(shown):
            text += "\n" + more_text(len(body) - len(shown), ans.lang)
        line = _expected_line(ans)
        if line:
            text += "\n" + line
        blocks.append(section(text))
    blocks.append(actions([
        _query_button("🔀 本月归因" if ans.lang != "en" else "🔀 Attribution", "attribution", ans.lang,
                      month=ans.month),
        _query_button("🏆 本月活动排行" if ans.lang != "en" else "🏆 Top campaigns", "top", ans.lang, month=ans.month),
        _sheet_button(opts, ans.lang),
    ], "roi_monthly_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, chart=spec, kind=ans.kind)


def _choice_buttons(names: Sequence[str], lang: str) -> list[dict]:
    out = []
    for i, name in enumerate(names[:SHOWN_CANDIDATES]):
        value = encode_query("campaign", text=str(name), lang=lang)
        if len(value) <= BUTTON_VALUE:
            out.append(button(str(name), f"{ACTION_CHOOSE}:{i}", value))
    return out


def _candidates(ans: CandidatesAnswer, opts: RenderOptions) -> SlackMessage:
    head = (f"「{mrkdwn(ans.query)}」匹配到 {len(ans.candidates)} 个活动，请选一个：" if ans.lang != "en"
            else f"'{mrkdwn(ans.query)}' matches {len(ans.candidates)} campaigns; pick one:")
    blocks = [section(head), actions(_choice_buttons(ans.candidates, ans.lang), "roi_choose")]
    if len(ans.candidates) > SHOWN_CANDIDATES:
        blocks.append(context(more_text(len(ans.candidates) - SHOWN_CANDIDATES, ans.lang)
                              + ("，请输入更完整的名称" if ans.lang != "en" else "; type more of the name")))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


def _no_match(ans: NoMatchAnswer, opts: RenderOptions) -> SlackMessage:
    if ans.lang == "en":
        head = f"No campaign called '{mrkdwn(ans.query)}'."
        hint = "Closest:" if ans.closest else "Type `/roi top` to list campaigns."
    else:
        head = f"没有找到活动「{mrkdwn(ans.query)}」。"
        hint = "最接近的是下面这些，点一下即可查看：" if ans.closest else "输入 `/roi 排行` 查看所有活动。"
    blocks = [section(f"🔍 {head}\n{hint}"), actions(_choice_buttons(ans.closest, ans.lang), "roi_choose")]
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


def _help(ans: HelpAnswer, opts: RenderOptions) -> SlackMessage:
    title = "ROI 助手用法" if ans.lang != "en" else "ROI assistant"
    lines = [f"`{code_escape(cmd)}`  {mrkdwn(what)}" for cmd, what in ans.examples]
    blocks = [header(f"👋 {title}"),
              section(("在任意频道输入 `/roi` 加下面的内容，或 @ROI助手 提问：\n" if ans.lang != "en"
                       else "Type `/roi` followed by one of these, or mention the app:\n") + "\n".join(lines))]
    if ans.campaigns:
        blocks.append(section("*最近的活动*（点一下即可查看）" if ans.lang != "en" else "*Recent campaigns*"))
        blocks.append(actions(_choice_buttons(ans.campaigns, ans.lang), "roi_recent"))
    blocks.append(actions([_sheet_button(opts, ans.lang)], "roi_help_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


def _generic(ans: Answer, opts: RenderOptions) -> SlackMessage:
    """An answer kind this renderer does not know yet: its plain text, in code-block sections."""
    try:
        text = render_text(ans)
    except TypeError:
        text = f"{type(ans).__name__}"
    blocks = [section(f"```{code_escape(chunk)}```") for chunk in _chunk_lines(text.splitlines())]
    return SlackMessage(blocks[: MAX_BLOCKS - 2] + footer_blocks(Answer(source=ans.source, lang=ans.lang), opts),
                        "", kind=getattr(ans, "kind", ""))


def _chunk_lines(lines: list[str], limit: int = SECTION_TEXT - 100) -> list[str]:
    chunks, current, size = [], [], 0
    for line in lines:
        line = cut(line, limit)
        if current and size + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


def _renderers() -> list[tuple[type, Callable[[Answer, RenderOptions], SlackMessage]]]:
    out: list = []
    if AttributionAnswer is not None:
        out.append((AttributionAnswer, _attribution))
    if MonthlySummary is not None:
        out.append((MonthlySummary, _monthly))
    out += [(HelpAnswer, _help), (CandidatesAnswer, _candidates), (NoMatchAnswer, _no_match)]
    return out


RENDERERS = _renderers()
