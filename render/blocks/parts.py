"""Parts shared by the Block Kit renderers: query buttons, the footer, charts and tables from answers."""

from __future__ import annotations

import datetime as dt
import json

from render.blocks.kit import (
    ACTION_OPEN_SHEET,
    ACTION_QUERY,
    BUTTON_VALUE,
    CHART_SERIES,
    SHOWN_ROWS,
    ChartSpec,
    Overflow,
    RenderOptions,
    _finite,
    button,
    chart_block,
    context,
    list_section,
    more_text,
    mrkdwn,
    table_block,
)
from roi_core import Answer, Query, RoiError
from roi_core.views.labels import phrase
from roi_core.views.model import Chart, Footer
from roi_core.views.monthly import trend_of
from roi_core.views.parts import channel_roi_chart as roi_chart
from roi_core.views.parts import footer_of


# --------------------------------------------------------------------------- queries on buttons
def encode_query(kind: str, *, text: str = "", month: str | None = None, model: str | None = None,
                 top_n: int | None = None, lang: str = "zh",
                 channel: str | None = None, metric: str | None = None, period: str | None = None) -> str:
    """A compact JSON value for a button that asks another question (see :func:`decode_query`)."""
    data: dict = {"k": kind}
    data.update(_customer_keys(channel, metric, period))  # customer value's channel, figure, period (below)
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
        if kind in CUSTOMER_BUTTON_KINDS:  # 客户价值 / 生命周期 / 同期群: their own keys (below)
            return _decode_customer_query(data)
        if kind not in ("help", "campaign", "channels", "attribution", "monthly", "advice", "top"):
            raise ValueError(kind)
        month = pd.Period(data["m"], freq="M") if data.get("m") else None
        return Query(kind, text=str(data.get("t", "")), month=month, model=data.get("o"),
                     top_n=int(data.get("n", 10)), lang=data.get("l", "zh"), raw=str(data.get("t", "")))
    except (ValueError, KeyError, TypeError) as err:
        raise RoiError("这个按钮已失效", "请重新输入 /roi 命令") from err


# customer value over time (roi_core/views/customers.py): these buttons carry the campaign's exact name ("t"), the
# channel ("c"), the figure asked ("f": payback | repurchase) and the period ("p": "YYYY-MM-DD~YYYY-MM-DD"), and are
# answered as they were asked (resolved: the name is not read again as a question)
CUSTOMER_BUTTON_KINDS = ("customer_value", "lifecycle", "cohort")


def _customer_keys(channel: str | None, metric: str | None, period: str | None) -> dict:
    keys = {"c": channel, "f": metric, "p": period}
    return {k: v for k, v in keys.items() if v}


def _decode_customer_query(data: dict) -> Query:
    from roi_core.query.model import METRICS

    metric = data.get("f")
    if metric is not None and metric not in METRICS:
        raise ValueError(metric)
    start = end = None
    if data.get("p"):
        first, last = str(data["p"]).split("~")
        start, end = dt.date.fromisoformat(first), dt.date.fromisoformat(last)
        if start > end:
            raise ValueError(data["p"])
    return Query(data["k"], text=str(data.get("t", "")), lang=data.get("l", "zh"), channel=data.get("c"),
                 metric=metric, start=start, end=end, resolved=True)


def _query_button(label: str, kind: str, lang: str, /, **kw) -> dict | None:
    value = encode_query(kind, lang=lang, **kw)
    if len(value) > BUTTON_VALUE:
        return None
    return button(label, f"{ACTION_QUERY}:{kind}", value)


def _sheet_button(opts: RenderOptions, lang: str) -> dict | None:
    if not opts.sheet_url:
        return None
    return button(phrase(lang, "btn_sheet"), ACTION_OPEN_SHEET, url=opts.sheet_url)


# --------------------------------------------------------------------------- footer
def footer_parts(foot: Footer, lang: str, quote=lambda text: text) -> list[str]:
    """The footer's line, in parts: 数据：<source> (``quote``d for the medium), the data's age, 缓存, rows left out."""
    parts = []
    if foot.source:
        parts.append(phrase(lang, "source_line", source=quote(foot.source)))
    age = age_text(foot.read_at, foot.now, lang)
    if age:
        parts.append(age)
    if foot.stale:
        parts.append(phrase(lang, "cached"))
    if foot.rows_left_out:
        parts.append(phrase(lang, "rows_left_out", n=foot.rows_left_out))
    return parts


def age_text(read_at: dt.datetime | None, now: dt.datetime | None, lang: str) -> str:
    """How long ago the data was read ("7 分钟前读取"); "" when unknown."""
    if read_at is None:
        return ""
    now = now or dt.datetime.now(dt.UTC)
    seconds = max(0.0, (now - read_at).total_seconds())
    return phrase(lang, "just_read") if seconds < 60 else phrase(lang, "read_ago", n=round(seconds / 60))


def footer_view_blocks(foot: Footer, lang: str) -> list[dict]:
    """Warnings (data problems, stale copy, …) and a context line: source, age, rows left out."""
    out: list[dict] = []
    if foot.warnings:
        items = [f"⚠ {mrkdwn(w)}" for w in foot.warnings]
        block = list_section("", items, lang, numbered=False)
        if block:
            block["text"]["text"] = block["text"]["text"].replace("• ⚠", "⚠")
            out.append(block)
    parts = footer_parts(foot, lang, quote=mrkdwn)
    if parts:
        out.append(context(" · ".join(parts)))
    return out


def footer_blocks(ans: Answer, opts: RenderOptions) -> list[dict]:
    """The footer of ``ans`` (see :func:`footer_view_blocks`)."""
    return footer_view_blocks(footer_of(ans, opts), ans.lang)


# --------------------------------------------------------------------------- charts from answers
def channel_roi_chart(rows: list[dict], title: str, target_roi: float | None, lang: str,
                      name_key: str = "channel", value_key: str = "roi") -> ChartSpec | None:
    """A bar chart of ROI (in %) by channel (see :func:`roi_core.views.parts.channel_roi_chart`)."""
    chart = roi_chart(rows, title, target_roi, lang, name_key, value_key)
    return chart_spec(chart) if chart else None


# --------------------------------------------------------------------------- tables from answers
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
        tail = phrase(lang, "full_table_follows")
        blocks.append(context(more_text(len(body) - limit, lang) + tail))
    return blocks, overflow


def chart_spec(chart: Chart) -> ChartSpec:
    """A view's chart as the spec both the native block and the PNG are drawn from."""
    return ChartSpec(kind=chart.kind, title=chart.title, categories=list(chart.categories),
                     series=list(chart.series), y_label=chart.y_label, x_label=chart.x_label, target=chart.target,
                     filename=chart.filename)


def trend_chart(ans, limit: int = CHART_SERIES) -> ChartSpec | None:
    """The 12-month ROI trend of the channels with the most data (at most 6 series)."""
    chart = trend_of(ans, limit)
    return chart_spec(chart) if chart else None


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


