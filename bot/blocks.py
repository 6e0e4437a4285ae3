"""Block Kit rendering: pure functions from ``roi_core`` answers to Slack messages.

``render_blocks(answer)`` returns ``(blocks, fallback_text)``; ``build_message``
returns the same plus what is sent after the message (the full table when a
list was cut, the chart to draw as a PNG). Nothing here computes a number:
every figure comes from the answer, formatted by ``roi_core.fmt`` and
``bot.text``; nothing here does I/O.

Slack's limits are kept here, in one place: at most 50 blocks, 3,000
characters per section text, 10 fields, one ``table`` block per message (up
to 100 rows × 20 cells), 25 buttons per actions block, and for the native
chart a title of 50 characters, category labels of 20, at most 20 points and
6 series. Long lists are cut with "…还有 N 项" and the full table travels
separately (``SlackMessage.overflow``).

Escaping. Every string that comes from the sheet (campaign and channel names,
and the core's sentences that quote them) goes through :func:`mrkdwn` before
it lands in a ``mrkdwn`` text or in the fallback ``text``: ``& < >`` become
``&amp; &lt; &gt;`` (Slack's own rule, so ``<!channel>`` shows as text and
pings nobody), and the four formatting characters ``* _ ~ ``` ` become
their fullwidth forms ``＊ ＿ ～ ｀``. Slack has no backslash escape; a
zero-width space would also break the formatting, but it hides inside the
name, so a name copied from Slack back into ``/roi`` would no longer match.
The fullwidth forms are NFKC-equivalent to the ASCII ones, and campaign
matching folds NFKC, so a copied name still finds its campaign. Plain-text
places (header, buttons, table cells, chart labels) are never parsed by
Slack and keep the name exactly as typed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.text import figure, labels, render_text
from roi_core import (
    AdviceAnswer,
    Answer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    HelpAnswer,
    NoMatchAnswer,
    Query,
    RoiError,
    TopList,
)
from roi_core.fmt import DASH, count, money, pct
from roi_core.fmt import table as text_table

try:  # the attribution and monthly answers landed in roi_core after the first answers
    from roi_core.attribution_report import AttributionAnswer
except ImportError:  # pragma: no cover - older core
    AttributionAnswer = None  # type: ignore[assignment,misc]
try:
    from roi_core.monthly import MonthlySummary
except ImportError:  # pragma: no cover - older core
    MonthlySummary = None  # type: ignore[assignment,misc]

# --------------------------------------------------------------------------- limits
MAX_BLOCKS = 50
SECTION_TEXT = 3000
FIELD_TEXT = 2000
MAX_FIELDS = 10
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
ACTIONS_ELEMENTS = 25
OPTION_TEXT = 75
OPTION_VALUE = 150
TABLE_ROWS = 100  # including the header row
TABLE_CELLS = 20
CHART_TITLE = 50
CHART_LABEL = 20
CHART_POINTS = 20
CHART_SERIES = 6
FALLBACK_TEXT = 3900
# how many rows a message shows before cutting with "…还有 N 项"
SHOWN_ROWS = 30
SHOWN_CANDIDATES = 20

# action ids (bot/listeners/actions.py routes on these)
ACTION_QUERY = "roi:query"  # a button that asks another question (value: encoded Query)
ACTION_CHOOSE = "roi:choose"  # choose one campaign among candidates
ACTION_MODEL = "roi:model"  # static_select switching the attribution model
ACTION_CHART_PNG = "roi:chart_png"  # upload the chart as a PNG
ACTION_OPEN_SHEET = "roi:open_sheet"  # url button; acked only

_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;",
                          "*": "\uff0a", "_": "\uff3f", "~": "\uff5e", "`": "\uff40"})
_CODE_ESCAPES = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def mrkdwn(text: object) -> str:
    """``text`` made inert for Slack mrkdwn: no mentions, links or formatting (see the module doc)."""
    return str(text).translate(_ESCAPES)


def code_escape(text: object) -> str:
    """For text inside a ``` code block: formatting is off there, only ``& < >`` need escaping."""
    return str(text).translate(_CODE_ESCAPES)


def cut(text: str, limit: int) -> str:
    """``text`` shortened to ``limit`` characters, ending in … when shortened."""
    return text if len(text) <= limit else text[: max(0, limit - 1)] + "…"


def more_text(n: int, lang: str = "zh") -> str:
    return f"…还有 {n} 项" if lang != "en" else f"…and {n} more"


# --------------------------------------------------------------------------- the message
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[¥$€£]?\d[\d,]*(\.\d+)?%?")


def csv_safe(cell: object) -> str:
    """A CSV cell a spreadsheet program will not run as a formula (OWASP's CSV injection advice): text
    starting with ``= + - @``, tab or CR gets a leading ``'``. Plain numbers ("-12.5%", "-¥1,200") stay."""
    text = str(cell)
    if text.startswith(_FORMULA_START) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


@dataclass
class Overflow:
    """The full table of a list cut in the message; sent as a CSV file (or text in the thread)."""

    title: str
    filename: str
    headers: list[str]
    rows: list[list[str]]
    shown: int

    @property
    def hidden(self) -> int:
        return len(self.rows) - self.shown

    def csv_bytes(self) -> bytes:
        """The table as CSV for spreadsheet programs, every cell made inert (:func:`csv_safe`)."""
        buf = io.StringIO()
        writer = csv.writer(buf)
        writer.writerow([csv_safe(h) for h in self.headers])
        writer.writerows([csv_safe(c) for c in row] for row in self.rows)
        return buf.getvalue().encode("utf-8-sig")  # the BOM lets Excel read the Chinese

    def text_chunks(self, limit: int = SECTION_TEXT - 10) -> list[str]:
        """The full table as aligned text, in code-block chunks that each fit a section."""
        lines = text_table(self.headers, self.rows).splitlines()
        chunks, current = [], []
        size = 0
        for line in lines:
            line = code_escape(line)
            if current and size + len(line) + 1 > limit - 6:
                chunks.append("```" + "\n".join(current) + "```")
                current, size = [], 0
            current.append(line)
            size += len(line) + 1
        if current:
            chunks.append("```" + "\n".join(current) + "```")
        return chunks


@dataclass
class ChartSpec:
    """A chart to draw: the native block is built from it, and so is the PNG (bot/charts.py)."""

    kind: str  # bar | line
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]  # name → one value per category (None: no value)
    y_label: str = ""
    x_label: str = ""
    target: float | None = None  # drawn as a reference line in the PNG (same unit as the values)
    filename: str = "chart.png"


@dataclass
class SlackMessage:
    blocks: list[dict]
    text: str
    ephemeral: bool = False  # help, errors and choices go to the asker only
    overflow: Overflow | None = None
    chart: ChartSpec | None = None
    kind: str = ""
    lang: str = "zh"
    plain: bool = False  # already the plain-text version (no blocks on purpose)


@dataclass(frozen=True)
class RenderOptions:
    sheet_url: str | None = None  # "查看表格" button
    fetched_at: dt.datetime | None = None  # when the data was read (for "数据 N 分钟前")
    now: dt.datetime | None = None
    chart_button: bool = False  # offer the PNG chart on a button
    native_charts: bool = True


# --------------------------------------------------------------------------- block helpers
def _text(text: str, kind: str = "mrkdwn") -> dict:
    return {"type": kind, "text": text}


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": cut(text, HEADER_TEXT), "emoji": True}}


# Every builder below returns None rather than a block Slack would refuse (an empty text, an
# empty element list); ``fit`` drops the Nones, so a renderer can list optional parts inline.
def section(text: str) -> dict | None:
    if not text or not text.strip():
        return None
    return {"type": "section", "text": _text(cut(text, SECTION_TEXT))}


def fields_section(pairs: Sequence[tuple[str, str]]) -> dict | None:
    fields = [_text(cut(f"*{k}*\n{v}", FIELD_TEXT)) for k, v in list(pairs)[:MAX_FIELDS]]
    return {"type": "section", "fields": fields} if fields else None


def context(*texts: str) -> dict | None:
    elements = [_text(cut(t, FIELD_TEXT)) for t in texts if t and t.strip()][:CONTEXT_ELEMENTS]
    return {"type": "context", "elements": elements} if elements else None


def button(text: str, action_id: str, value: str | None = None, url: str | None = None,
           style: str | None = None) -> dict:
    b: dict = {"type": "button", "text": {"type": "plain_text", "text": cut(text, BUTTON_TEXT), "emoji": True},
               "action_id": action_id}
    if value is not None:
        b["value"] = value
    if url:
        b["url"] = url
    if style:
        b["style"] = style
    return b


def actions(elements: Sequence[dict | None], block_id: str | None = None) -> dict | None:
    """An actions block of the elements that exist (optional buttons are passed as None), or None."""
    elements = [e for e in elements if e][:ACTIONS_ELEMENTS]
    if not elements:
        return None
    block = {"type": "actions", "elements": elements}
    if block_id:
        block["block_id"] = block_id
    return block


def table_block(headers: Sequence[str], rows: Sequence[Sequence[str]], align: Sequence[str] | None = None) -> dict:
    """A native ``table`` block: raw_text cells, the first row as the header (at most 100 rows × 20 cells)."""
    width = min(len(headers), TABLE_CELLS)
    body = [list(r)[:width] for r in rows][: TABLE_ROWS - 1]
    cells = [[{"type": "raw_text", "text": str(c) if str(c) else DASH} for c in row] for row in [list(headers)[:width], *body]]
    block: dict = {"type": "table", "rows": cells}
    if align:
        block["column_settings"] = [{"align": a} for a in list(align)[:width]]
    return block


def _chart_label(text: str) -> str:
    return cut(str(text), CHART_LABEL)


def unique_labels(names: Sequence[object], limit: int = CHART_LABEL) -> list[str]:
    """``names`` cut to ``limit`` characters, numbered ("…~2") where cutting made two of them equal.

    Slack refuses a chart whose categories or series names repeat.
    """
    out, seen = [], set()
    for name in names:
        label = cut(str(name), limit)
        n = 2
        while label in seen:
            suffix = f"~{n}"
            label = cut(str(name), limit - len(suffix)) + suffix
            n += 1
        seen.add(label)
        out.append(label)
    return out


def chart_block(spec: ChartSpec) -> dict | None:
    """The native ``data_visualization`` block for ``spec``: bar or line, one value per category.

    Points without a value are left out of a bar chart; a line chart needs one
    point per category for every series, so categories where any series has
    no value are dropped. Labels are cut to 20 characters and kept unique.
    """
    categories = unique_labels(spec.categories[:CHART_POINTS])
    names = unique_labels([name for name, _ in spec.series[:CHART_SERIES]])
    series_out = []
    keep = [i for i in range(len(categories))
            if spec.kind == "bar" or all(_finite(values[i]) for _, values in spec.series[:CHART_SERIES])]
    if spec.kind == "bar":
        keep = [i for i in keep if any(_finite(values[i]) for _, values in spec.series[:CHART_SERIES])]
    if not keep:
        return None
    cats = [categories[i] for i in keep]
    for name, (_, values) in zip(names, spec.series[:CHART_SERIES], strict=False):
        data = [{"label": categories[i], "value": round(float(values[i]), 1)} for i in keep if _finite(values[i])]
        if data:
            series_out.append({"name": name, "data": data})
    if not series_out:
        return None
    axis = {"categories": cats}
    if spec.x_label:
        axis["x_label"] = cut(spec.x_label, CHART_TITLE)
    if spec.y_label:
        axis["y_label"] = cut(spec.y_label, CHART_TITLE)
    return {"type": "data_visualization", "title": cut(spec.title, CHART_TITLE),
            "chart": {"type": spec.kind, "series": series_out, "axis_config": axis}}


def _finite(value) -> bool:
    return value is not None and isinstance(value, (int, float)) and math.isfinite(value)


def list_section(title: str, items: Sequence[str], lang: str = "zh", numbered: bool = True) -> dict | None:
    """A section listing (already escaped) items under a bold title, cut with "…还有 N 项" to fit."""
    if not items:
        return None
    lines = [f"*{title}*"] if title else []
    for i, item in enumerate(items, 1):
        line = f"{i}. {item}" if numbered else f"• {item}"
        tail = more_text(len(items) - i + 1, lang)
        if len("\n".join([*lines, line])) + len(tail) + 1 > SECTION_TEXT:
            lines.append(tail)
            break
        lines.append(line)
    return section("\n".join(lines))


# --------------------------------------------------------------------------- queries on buttons
def encode_query(kind: str, *, text: str = "", month: str | None = None, model: str | None = None,
                 top_n: int | None = None, lang: str = "zh") -> str:
    """A compact JSON value for a button that asks another question (see :func:`decode_query`)."""
    data: dict = {"k": kind}
    if text:
        data["t"] = text
    if month:
        data["m"] = month
    if model:
        data["o"] = model
    if top_n:
        data["n"] = top_n
    if lang != "zh":
        data["l"] = lang
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def decode_query(value: str) -> Query:
    """The Query a button's value stands for. Raises RoiError for a value we did not write."""
    import pandas as pd

    try:
        data = json.loads(value)
        kind = data["k"]
        if kind not in ("help", "campaign", "channels", "attribution", "monthly", "advice", "top"):
            raise ValueError(kind)
        month = pd.Period(data["m"], freq="M") if data.get("m") else None
        return Query(kind, text=str(data.get("t", "")), month=month, model=data.get("o"),
                     top_n=int(data.get("n", 10)), lang=data.get("l", "zh"), raw=str(data.get("t", "")))
    except (ValueError, KeyError, TypeError) as err:
        raise RoiError("这个按钮已失效", "请重新输入 /roi 命令") from err


def _query_button(text: str, kind: str, lang: str, **kw) -> dict | None:
    value = encode_query(kind, lang=lang, **kw)
    if len(value) > BUTTON_VALUE:
        return None
    return button(text, f"{ACTION_QUERY}:{kind}", value)


def _sheet_button(opts: RenderOptions, lang: str) -> dict | None:
    if not opts.sheet_url:
        return None
    return button("📄 查看表格" if lang != "en" else "📄 Open sheet", ACTION_OPEN_SHEET, url=opts.sheet_url)


def _chart_png_button(ans: Answer, spec: ChartSpec | None, opts: RenderOptions, value: str | None) -> dict | None:
    if not (opts.chart_button and spec and value):
        return None
    return button("🖼 图片版图表" if ans.lang != "en" else "🖼 Chart as image", ACTION_CHART_PNG, value)


# --------------------------------------------------------------------------- footer
def _age_text(opts: RenderOptions, lang: str) -> str:
    if opts.fetched_at is None:
        return ""
    now = opts.now or dt.datetime.now(dt.UTC)
    seconds = max(0.0, (now - opts.fetched_at).total_seconds())
    if lang == "en":
        return "just read" if seconds < 60 else f"read {round(seconds / 60)} min ago"
    return "刚刚读取" if seconds < 60 else f"{round(seconds / 60)} 分钟前读取"


def footer_blocks(ans: Answer, opts: RenderOptions) -> list[dict]:
    """Warnings (data problems, stale copy, …) and a context line: source, age, rows left out."""
    out: list[dict] = []
    if ans.warnings:
        items = [f"⚠ {mrkdwn(w)}" for w in ans.warnings]
        block = list_section("", items, ans.lang, numbered=False)
        if block:
            block["text"]["text"] = block["text"]["text"].replace("• ⚠", "⚠")
            out.append(block)
    parts = []
    if ans.source:
        parts.append(("数据：" if ans.lang != "en" else "Data: ") + mrkdwn(ans.source))
    age = _age_text(opts, ans.lang)
    if age:
        parts.append(age)
    if ans.stale:
        parts.append("⚠ 缓存副本" if ans.lang != "en" else "⚠ cached copy")
    if ans.rows_skipped:
        parts.append(f"{ans.rows_skipped} 行未计入" if ans.lang != "en" else f"{ans.rows_skipped} row(s) left out")
    if parts:
        out.append(context(" · ".join(parts)))
    return out


# --------------------------------------------------------------------------- charts from answers
def _roi_points(value) -> float | None:
    return None if value is None else float(value) * 100


def channel_roi_chart(rows: list[dict], title: str, target_roi: float | None, lang: str,
                      name_key: str = "channel", value_key: str = "roi") -> ChartSpec | None:
    rows = [r for r in rows if _finite(r.get(value_key))]
    if not rows:
        return None
    rows = rows[:CHART_POINTS]
    return ChartSpec(kind="bar", title=title, categories=[str(r[name_key]) for r in rows],
                     series=[("ROI(%)", [_roi_points(r[value_key]) for r in rows])],
                     y_label="ROI (%)", x_label="渠道" if lang != "en" else "Channel",
                     target=None if target_roi is None else target_roi * 100, filename="channel_roi.png")


# --------------------------------------------------------------------------- tables from answers
def _channel_table(ans, rows: list[dict], lang: str) -> tuple[list[str], list[list[str]], list[str]]:
    L, s = labels(lang), ans.currency
    headers = [L["channel"], L["cost"], L["revenue"], L["roi"], L["roas"], L["ctr"], L["cvr"]]
    body = [[str(r["channel"]), money(r["cost"], s), money(r["revenue"], s),
             figure(r.get("roi"), "pct", s, (r.get("unavailable") or {}).get("roi")), r.get("roas_text") or DASH,
             pct(r.get("ctr")), pct(r.get("cvr"))] for r in rows]
    return headers, body, ["left"] + ["right"] * 6


def _cut_table(title: str, filename: str, headers: list[str], body: list[list[str]], align: list[str],
               lang: str, limit: int = SHOWN_ROWS) -> tuple[list[dict], Overflow | None]:
    """A table block with at most ``limit`` rows; beyond, "…还有 N 项" and the full table as an Overflow."""
    if not body:
        return [], None
    shown = body[:limit]
    blocks = [table_block(headers, shown, align)]
    overflow = None
    if len(body) > limit:
        overflow = Overflow(title, filename, headers, body, limit)
        tail = "（完整表格随后附上）" if lang != "en" else " (the full table follows)"
        blocks.append(context(more_text(len(body) - limit, lang) + tail))
    return blocks, overflow


def _suggestion_items(ans) -> list[str]:
    return [mrkdwn(s.text) for s in getattr(ans, "suggestions", [])]


# --------------------------------------------------------------------------- renderers
def _campaign(ans: CampaignReport, opts: RenderOptions) -> SlackMessage:
    L, s, f, why = labels(ans.lang), ans.currency, ans.figures, ans.unavailable
    period = f"{ans.start_date} ~ {ans.end_date}" if ans.start_date else ""
    blocks = [header(f"📊 {ans.campaign}")]
    matched = {"substring": "（按名称包含匹配）", "fuzzy": "（按相似名称匹配）"}.get(ans.matched_by, "")
    blocks.append(context(f"{period} · {mrkdwn(ans.basis_label)} · {L['target']} ROI {pct(ans.target_roi, 0)}"
                          + (matched if ans.lang != "en" else "")))
    roi_text = figure(f.get("roi"), "pct", s, why.get("roi"))
    if f.get("roi") is not None:
        roi_text += " ✅" if f["roi"] >= ans.target_roi else (" 🔻" if f["roi"] < 0 else " ⚠")
    pairs = [(L["cost"], money(f.get("cost"), s)), (L["revenue"], money(f.get("revenue"), s))]
    if f.get("gross_profit") is not None:
        pairs.append((L["gross_profit"], money(f["gross_profit"], s)))
    pairs += [("ROI", roi_text), (L["roas"], figure(ans.roas_text, "ratio", s, why.get("roas"))),
              (L["profit"], money(f.get("profit"), s)), (L["cac"], figure(f.get("cac"), "money", s, why.get("cac"))),
              (L["ctr"], figure(f.get("ctr"), "pct", s, why.get("ctr"))),
              (L["cvr"], figure(f.get("cvr"), "pct", s, why.get("cvr"))),
              (L["aov"], figure(f.get("aov"), "money", s, why.get("aov")))]
    blocks.append(fields_section(pairs))
    extra = []
    if f.get("impressions") or f.get("clicks") or f.get("conversions"):
        extra.append(f"*{L['funnel']}*：{L['impressions']} {count(f.get('impressions'))} → {L['clicks']} "
                     f"{count(f.get('clicks'))} → {L['conversions']} {count(f.get('conversions'))}"
                     f"（{L['new']} {count(f.get('new_customers'))}）")
    if f.get("participants"):
        extra.append(f"*{L['events']}*：{L['participants']} {count(f['participants'])}，{L['cpp']} "
                     f"{money(f.get('cost_per_participant'), s)}，{L['pcvr']} {pct(f.get('participant_cvr'))}，"
                     f"{L['mentions']} {count(f.get('social_mentions'))}")
    if extra:
        blocks.append(section("\n".join(extra)))
    chart = channel_roi_chart(ans.channels, f"{ans.campaign} 各渠道 ROI" if ans.lang != "en"
                              else f"{ans.campaign}: ROI by channel", ans.target_roi, ans.lang)
    if chart and opts.native_charts and len(ans.channels) > 1:
        blocks.append(chart_block(chart))
    headers, body, align = _channel_table(ans, ans.channels, ans.lang)
    table_blocks, overflow = _cut_table(f"{ans.campaign} 各渠道", "channels.csv", headers, body, align, ans.lang)
    blocks += table_blocks
    blocks.append(list_section(L["suggestions"], _suggestion_items(ans), ans.lang))
    month = str(ans.start_date)[:7] if ans.start_date else None
    blocks.append(actions([
        _query_button("📈 同月渠道排行" if ans.lang != "en" else "📈 Channels that month", "channels", ans.lang,
                      month=month),
        _query_button("💡 建议" if ans.lang != "en" else "💡 Advice", "advice", ans.lang, month=month),
        _sheet_button(opts, ans.lang),
    ], "roi_campaign_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, chart=None, kind=ans.kind)


def _channels(ans: ChannelRanking, opts: RenderOptions) -> SlackMessage:
    L, t = labels(ans.lang), ans.totals
    title = "渠道排行" if ans.lang != "en" else "Channel ranking"
    period = ans.month or L["all_time"]
    blocks = [header(f"📈 {title} {period}"),
              context(f"{mrkdwn(ans.basis_label)} · {L['target']} ROI {pct(ans.target_roi, 0)}"),
              fields_section([(L["cost"], money(t.get("cost"), ans.currency)),
                              (L["revenue"], money(t.get("revenue"), ans.currency)),
                              ("ROI", pct(t.get("roi"))),
                              (L["profit"], money(t.get("profit"), ans.currency))])]
    chart = channel_roi_chart(ans.channels, f"{title} {period}：ROI" if ans.lang != "en" else f"ROI by channel, {period}",
                              ans.target_roi, ans.lang)
    if chart and opts.native_charts:
        blocks.append(chart_block(chart))
    headers, body, align = _channel_table(ans, ans.channels, ans.lang)
    table_blocks, overflow = _cut_table(f"{title} {period}", f"channels_{ans.month or 'all'}.csv", headers, body,
                                        align, ans.lang)
    blocks += table_blocks
    blocks.append(list_section(L["suggestions"], _suggestion_items(ans), ans.lang))
    value = encode_query("channels", month=ans.month, lang=ans.lang)
    blocks.append(actions([
        _query_button("💡 建议与预算" if ans.lang != "en" else "💡 Advice", "advice", ans.lang, month=ans.month),
        _query_button("🔀 归因" if ans.lang != "en" else "🔀 Attribution", "attribution", ans.lang, month=ans.month),
        _chart_png_button(ans, chart, opts, value),
        _sheet_button(opts, ans.lang),
    ], "roi_channels_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, chart=chart, kind=ans.kind)


def _top(ans: TopList, opts: RenderOptions) -> SlackMessage:
    L, s = labels(ans.lang), ans.currency
    title = f"活动 ROI 排行 {ans.month or ''}".strip() if ans.lang != "en" else f"Campaigns by ROI {ans.month or ''}".strip()
    blocks = [header(f"🏆 {title}"),
              context((f"前 {ans.top_n}，共 {ans.total_campaigns} 个活动" if ans.lang != "en"
                       else f"top {ans.top_n} of {ans.total_campaigns}") + f" · {mrkdwn(ans.basis_label)}")]
    headers = [L["rank"], L["campaign"], L["cost"], L["revenue"], L["roi"], L["roas"]]
    body = [[str(r["rank"]), str(r["campaign"]), money(r["cost"], s), money(r["revenue"], s),
             figure(r["roi"], "pct", reason=(r.get("unavailable") or {}).get("roi")), r.get("roas_text") or DASH]
            for r in ans.campaigns]
    table_blocks, overflow = _cut_table(title, f"top_{len(body)}.csv", headers, body,
                                        ["right", "left", "right", "right", "right", "right"], ans.lang)
    blocks += table_blocks
    blocks.append(actions([
        _query_button("📈 渠道排行" if ans.lang != "en" else "📈 Channels", "channels", ans.lang, month=ans.month),
        _sheet_button(opts, ans.lang),
    ], "roi_top_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, kind=ans.kind)


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


def _advice(ans: AdviceAnswer, opts: RenderOptions) -> SlackMessage:
    L = labels(ans.lang)
    title = "建议" if ans.lang != "en" else "Advice"
    period = ans.month or L["all_time"]
    blocks = [header(f"💡 {title} {period}"),
              context(f"{mrkdwn(ans.basis_label)} · {L['target']} ROI {pct(ans.target_roi, 0)}")]
    items = _suggestion_items(ans)
    blocks.append(list_section(L["suggestions"], items, ans.lang) if items else
                  section("暂无建议：各渠道表现接近目标。" if ans.lang != "en" else "No suggestions."))
    overflow = None
    if ans.reallocation:
        blocks.append(section(f"*{L['realloc']}*"))
        headers, body, align = _realloc_rows(ans, with_roi=True)
        table_blocks, overflow = _cut_table(L["realloc"], "budget.csv", headers, body, align, ans.lang)
        blocks += table_blocks
        line = _expected_line(ans)
        if line:
            blocks.append(section(line))
    blocks.append(actions([
        _query_button("📈 渠道排行" if ans.lang != "en" else "📈 Channels", "channels", ans.lang, month=ans.month),
        _sheet_button(opts, ans.lang),
    ], "roi_advice_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", overflow=overflow, kind=ans.kind)


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


def _signed(value, points: bool = False) -> str:
    if value is None:
        return DASH
    return f"{'+' if value >= 0 else ''}{value * 100:.1f}{'个百分点' if points else '%'}"


def trend_chart(ans, limit: int = CHART_SERIES) -> ChartSpec | None:
    """The 12-month ROI trend of the channels with the most data (at most 6 series)."""
    months = list(getattr(ans, "trend_months", []) or [])
    trend = getattr(ans, "trend", {}) or {}
    if not months or not trend:
        return None
    ranked = sorted(trend.items(), key=lambda kv: -sum(1 for v in kv[1] if v is not None))
    series = [(str(ch), [_roi_points(v) for v in values]) for ch, values in ranked[:limit]
              if sum(1 for v in values if v is not None) >= 2]
    if not series:
        return None
    return ChartSpec(kind="line", title=f"近 {len(months)} 个月渠道 ROI" if ans.lang != "en" else "ROI by channel, 12 months",
                     categories=months, series=series, y_label="ROI (%)", x_label="月份" if ans.lang != "en" else "Month",
                     target=ans.target_roi * 100 if ans.target_roi is not None else None, filename="roi_trend.png")


def _line_chart_block(spec: ChartSpec) -> dict | None:
    """The native line chart of ``spec``. A line needs a value at every category, so it shows the
    most series (most complete first) that share at least half of the months; the PNG draws every
    series with its gaps."""
    series = spec.series  # already ranked by completeness (trend_chart)
    min_months = max(3, len(spec.categories) // 2)
    for k in range(len(series), 0, -1):
        chosen = series[:k]
        months = [i for i in range(len(spec.categories)) if all(_finite(v[i]) for _, v in chosen)]
        if len(months) >= min(min_months, len(spec.categories)):
            return chart_block(ChartSpec(
                kind="line", title=spec.title, categories=[spec.categories[i] for i in months],
                series=[(n, [v[i] for i in months]) for n, v in chosen], y_label=spec.y_label,
                x_label=spec.x_label))
    return None


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
    out += [(CampaignReport, _campaign), (ChannelRanking, _channels), (TopList, _top), (AdviceAnswer, _advice),
            (HelpAnswer, _help), (CandidatesAnswer, _candidates), (NoMatchAnswer, _no_match)]
    return out


RENDERERS = _renderers()


def fallback_text(ans: Answer) -> str:
    """The notification / accessibility text: the console's plain text, made inert for mrkdwn."""
    try:
        text = render_text(ans)
    except TypeError:
        text = type(ans).__name__
    return cut(mrkdwn(text), FALLBACK_TEXT)


def fit(blocks: list[dict | None]) -> list[dict]:
    """Drop empty blocks and keep within 50: when over, the last blocks (footer) are kept and the middle cut."""
    blocks = [b for b in blocks if b]
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    tail = blocks[-2:]
    head = blocks[: MAX_BLOCKS - 3]
    return head + [context(more_text(len(blocks) - len(head) - len(tail)))] + tail


def build_message(ans: Answer, opts: RenderOptions | None = None) -> SlackMessage:
    """The Slack message for ``ans``: blocks within Slack's limits, fallback text, and what follows it."""
    opts = opts or RenderOptions()
    for kind, render in RENDERERS:
        if isinstance(ans, kind):
            msg = render(ans, opts)
            break
    else:
        msg = _generic(ans, opts)
    msg.blocks = fit(msg.blocks)
    msg.text = fallback_text(ans)
    msg.lang = getattr(ans, "lang", "zh")
    return msg


def render_blocks(ans: Answer, opts: RenderOptions | None = None) -> tuple[list[dict], str]:
    """``(blocks, fallback_text)`` for ``ans``."""
    msg = build_message(ans, opts)
    return msg.blocks, msg.text


def error_message(message: str, hint: str | None = None, lang: str = "zh") -> SlackMessage:
    """A short, friendly error (ephemeral): the message and a hint, never a stack trace."""
    text = f"❌ {mrkdwn(message)}"
    if hint:
        text += f"\n💡 {'提示' if lang != 'en' else 'Hint'}：{mrkdwn(hint)}"
    plain = f"❌ {message}" + (f"（{hint}）" if hint else "")
    return SlackMessage(fit([section(text)]), cut(mrkdwn(plain), FALLBACK_TEXT), ephemeral=True, kind="error")


def notice_message(text: str, ephemeral: bool = True) -> SlackMessage:
    """A one-line message we wrote ourselves (may use mrkdwn; any sheet string in it must be escaped)."""
    return SlackMessage(fit([section(text)]), cut(text, FALLBACK_TEXT) or "…", ephemeral=ephemeral, kind="notice")


__all__ = [
    "ChartSpec", "Overflow", "RenderOptions", "SlackMessage", "build_message", "chart_block", "code_escape",
    "decode_query", "encode_query", "error_message", "fallback_text", "mrkdwn", "notice_message", "render_blocks",
    "table_block", "trend_chart",
]
