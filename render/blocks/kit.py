"""Block Kit building blocks: Slack's limits, escaping, the message dataclasses and block builders.

Slack's limits are kept here, in one place (see :mod:`render.blocks`). Nothing here knows an answer kind.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from roi_core.fmt import DASH
from roi_core.fmt import table as text_table
from roi_core.views.labels import phrase

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
ACTION_OPEN_REPORT = "roi:open_report"  # url button to a web report page; acked only
ACTION_ALERT_MUTE = "roi:alert_mute"  # 今天不再提醒 / 静音 7 天 on an alert (value: render.blocks.alerts.encode_mute)

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
    return phrase(lang, "more", n=n)


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
    """A chart to draw: the native block is built from it, and so is the PNG (render/charts.py)."""

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
    report_url: str | None = None  # "网页月报" button: the monthly report's signed web page


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


