"""HTML rendering of views: any :class:`roi_core.views.View` as a fragment for the web page and the sheet's sidebar.

``view_html(view)`` lays a view out as one ``<article class="roi-answer">``: the title and its context line,
figures as cards, notes, the first inline chart drawn as inline SVG (bars or lines with their labels; no script
needed), tables as ``<table>``, lists, buttons and the footer. ``answer_html(ans, options)`` is the view of an
answer, laid out (an answer kind without a view yet shows its console text in a ``<pre>``).

Buttons carry the same question a Slack button carries: ``data-q`` holds the value of
:func:`render.blocks.encode_query` (``{"k":"channels","m":"2026-10"}``), which the page sends back to the API as
``{"button": data-q}``; a model switch is a ``<select class="roi-select">`` whose options carry such values.

Escaping: every string goes through :func:`html.escape` (quotes too) before it lands in text or an attribute,
whether it came from the sheet or from us; the only markup we add to a string of ours is ``<code>`` around the
back-quoted commands of a hint. Links are kept only for http(s) URLs. Nothing here computes a number or does I/O.
"""

from __future__ import annotations

import math
import re
from html import escape

from render.blocks.parts import encode_query, footer_parts
from render.text import render_text
from roi_core import Answer
from roi_core.views import View, view_of
from roi_core.views.labels import phrase
from roi_core.views.model import Action, Chart, Figure, ItemList, Note, Table

# a web page can hold more than a Slack message; beyond this a table says how many rows it left out
WEB_ROWS = 200
# more values than this on a one-line chart: only the last point is labelled (the table below has them all)
LABELLED_POINTS = 12
# how long a category label may be before it is cut (the whole name stays in its tooltip): at most 8
# characters, fewer when the bars are narrow; a CJK character is about 22 units wide at the phone's font size
AXIS_LABEL = 8
CHAR_UNITS = 22
PALETTE = ("#2f6fde", "#e8772e", "#2a9d6f", "#c0417a", "#7a5bd0", "#8a8f98")


def _e(text) -> str:
    return escape(str(text), quote=True)


def _kind(text: str) -> str:
    """A view kind as a CSS class name part (letters, digits, _ and - only)."""
    return re.sub(r"[^a-z0-9_-]", "", str(text).lower()) or "answer"


def _hint(text: str) -> str:
    """Our hint text, escaped, with its `commands` in <code>."""
    return re.sub(r"`([^`]+)`", r"<code>\1</code>", _e(text))


def _lang(lang: str) -> str:
    return "en" if lang == "en" else "zh-CN"


# --------------------------------------------------------------------------- figures, notes, lists
def _figure(fig: Figure) -> str:
    status = f" roi-{_kind(fig.status)}" if fig.status else ""
    note = f'<div class="roi-card-note">{_e(fig.note)}</div>' if fig.note else ""
    return (f'<div class="roi-card{status}"><div class="roi-card-label">{_e(fig.label)}</div>'
            f'<div class="roi-card-value">{_e(fig.value)}</div>{note}</div>')


def _note(note: Note) -> str:
    detail = f"（{_e(note.detail)}）" if note.detail else ""
    return f'<p class="roi-note"><strong>{_e(note.title)}</strong>：{_e(note.text)}{detail}</p>'


def _choice_button(name: str, lang: str) -> str:
    value = encode_query("campaign", text=str(name), lang=lang)
    return f'<button type="button" class="roi-btn" data-q="{_e(value)}">{_e(name)}</button>'


def _list(items: ItemList, lang: str) -> str:
    """A titled list; campaigns to pick (kinds choose / recent) are buttons that ask about them."""
    title = f'<h3 class="roi-list-title">{_e(items.title)}</h3>' if items.title else ""
    if not items.items:
        return f'<p class="roi-empty">{_e(items.empty)}</p>' if items.empty else ""
    if items.kind in ("choose", "recent"):
        buttons = "".join(_choice_button(name, lang) for name in items.items)
        return f'<section class="roi-list roi-list-{_kind(items.kind)}">{title}<div class="roi-actions">{buttons}</div></section>'
    if items.kind == "questions":  # the questions are the view's own query buttons, which follow
        return f'<section class="roi-list roi-list-questions">{title}</section>' if title else ""
    tag = "ol" if items.numbered else "ul"
    body = "".join(f"<li>{_e(text)}</li>" for text in items.items)
    return f'<section class="roi-list roi-list-{_kind(items.kind)}">{title}<{tag}>{body}</{tag}></section>'


# --------------------------------------------------------------------------- tables
def _negative(text: str) -> bool:
    return text.lstrip().startswith(("-", "−")) and any(ch.isdigit() for ch in text)


def _cell(text: str, column, note: str | None) -> str:
    classes = [f"roi-{'left' if column.align == 'left' else 'num'}", f"roi-t-{_kind(column.type)}"]
    if column.align != "left" and _negative(text):
        classes.append("roi-neg")
    why = f'<span class="roi-cell-note">（{_e(note)}）</span>' if note else ""
    title = f' title="{_e(note)}"' if note else ""
    return f'<td class="{" ".join(classes)}"{title}>{_e(text)}{why}</td>'


def _table(table: Table, lang: str, limit: int = WEB_ROWS) -> str:
    """A view's table: a caption, a header row, up to ``limit`` rows; each empty figure with its reason."""
    if not table.columns:
        return ""
    head = "".join(f'<th scope="col" class="roi-{"left" if c.align == "left" else "num"}">{_e(c.name)}</th>'
                   for c in table.columns)
    rows = []
    for i, row in enumerate(table.rows[:limit]):
        cells = "".join(_cell(text, table.columns[j] if j < len(table.columns) else table.columns[-1],
                              table.notes.get((i, j))) for j, text in enumerate(row))
        rows.append(f"<tr>{cells}</tr>")
    more = (f'<p class="roi-more">{_e(phrase(lang, "more", n=len(table.rows) - limit))}</p>'
            if len(table.rows) > limit else "")
    # the heading is written for Slack (*bold*); a page shows it plainly, and not twice over its caption
    plain = re.sub(r"^\*(.+)\*$", r"\1", table.heading.strip())
    heading = f'<p class="roi-table-heading">{_e(plain)}</p>' if plain and plain != table.title else ""
    caption = f"<caption>{_e(table.title)}</caption>" if table.title else ""
    summary = _note(table.summary) if table.summary else ""
    return (f'<section class="roi-table">{heading}<div class="roi-table-wrap"><table>{caption}'
            f'<thead><tr>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table></div>{more}{summary}</section>')


def _help_table(table: Table) -> str:
    rows = "".join(f"<tr><td><code>{_e(row[0])}</code></td><td>{_e(' '.join(row[1:]))}</td></tr>"
                   for row in table.rows if row)
    return f'<div class="roi-table-wrap"><table class="roi-help"><tbody>{rows}</tbody></table></div>'


# --------------------------------------------------------------------------- charts (inline SVG)
def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _nice_step(span: float, ticks: int = 5) -> float:
    raw = span / max(1, ticks)
    power = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1.0
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)


def _num(v: float, unit: str) -> str:
    text = f"{v:,.1f}".rstrip("0").rstrip(".") if abs(v) < 1000 else f"{v:,.0f}"
    return ("−" + text[1:] if text.startswith("-") else text) + unit


def _axis_label(text: str, limit: int = AXIS_LABEL) -> str:
    return text if len(text) <= limit else text[: max(1, limit - 1)] + "…"


def chart_svg(chart: Chart, lang: str = "zh") -> str:
    """``chart`` as an inline SVG (bars or lines, value labels, the target as a dashed line); "" with no value."""
    values = [v for _, series in chart.series for v in series if _finite(v)]
    if not values or not chart.categories:
        return ""
    unit = "%" if "%" in chart.y_label else ""
    n = len(chart.categories)
    many = n > 6  # labels turn to fit
    width, height, left, right, top, bottom = 640, 320 if many else 290, 64, 16, 20, 64 if many else 34
    plot_w, plot_h = width - left - right, height - top - bottom
    lows = values + ([chart.target] if _finite(chart.target) else [])
    lo, hi = min(0.0, *lows), max(0.0, *lows)
    if hi == lo:
        hi = lo + 1.0
    step = _nice_step(hi - lo)
    lo, hi = math.floor(lo / step) * step, math.ceil(hi / step) * step

    def y(v: float) -> float:
        return top + plot_h * (hi - v) / (hi - lo)

    band = plot_w / n
    parts = [f'<svg class="roi-svg" viewBox="0 0 {width} {height}" role="img" aria-label="{_e(chart.title)}" '
             f'xmlns="http://www.w3.org/2000/svg"><title>{_e(chart.title)}</title>']
    tick = lo
    while tick <= hi + step / 2:
        ty = y(tick)
        parts.append(f'<line class="roi-grid{" roi-zero" if abs(tick) < step / 1e6 else ""}" x1="{left}" '
                     f'x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
                     f'<text class="roi-tick" x="{left - 6}" y="{ty + 4:.1f}" text-anchor="end">'
                     f'{_e(_num(tick, unit))}</text>')
        tick += step
    fits = AXIS_LABEL if many else max(2, min(AXIS_LABEL, int(band // CHAR_UNITS)))
    for i, cat in enumerate(chart.categories):
        cx = left + band * (i + 0.5)
        label = _e(_axis_label(str(cat), fits))
        if many:
            parts.append(f'<text class="roi-cat" x="{cx:.1f}" y="{top + plot_h + 14}" text-anchor="end" '
                         f'transform="rotate(-40 {cx:.1f} {top + plot_h + 14})"><title>{_e(cat)}</title>{label}</text>')
        else:
            parts.append(f'<text class="roi-cat" x="{cx:.1f}" y="{top + plot_h + 20}" text-anchor="middle">'
                         f'<title>{_e(cat)}</title>{label}</text>')
    zero = y(0.0)
    if chart.kind == "line":
        parts += _lines(chart, left, band, y, unit)
    else:
        k = len(chart.series)
        bar_w = band * 0.7 / k
        for s, (name, series) in enumerate(chart.series):
            color = PALETTE[s % len(PALETTE)]
            for i, v in enumerate(series[:n]):
                if not _finite(v):
                    continue
                x = left + band * i + band * 0.15 + bar_w * s
                y0, y1 = sorted((zero, y(v)))
                cls = "roi-bar roi-neg" if v < 0 else "roi-bar"
                parts.append(f'<rect class="{cls}" x="{x:.1f}" y="{y0:.1f}" width="{bar_w:.1f}" '
                             f'height="{max(y1 - y0, 0.5):.1f}" fill="{color if v >= 0 else "#d64545"}">'
                             f'<title>{_e(chart.categories[i])} {_e(name)}: {_e(_num(v, unit))}</title></rect>')
                ly = y(v) - 6 if v >= 0 else y(v) + 16
                parts.append(f'<text class="roi-val" x="{x + bar_w / 2:.1f}" y="{ly:.1f}" text-anchor="middle">'
                             f'{_e(_num(v, unit))}</text>')
    if _finite(chart.target):
        ty = y(chart.target)
        # lines end labelled at the right, so the target reads at the left; bars start at the left
        tx, anchor = (left + 4, "start") if chart.kind == "line" else (width - right, "end")
        parts.append(f'<line class="roi-target" x1="{left}" x2="{width - right}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
                     f'<text class="roi-target-label" x="{tx}" y="{ty - 5:.1f}" text-anchor="{anchor}">'
                     f'{_e(phrase(lang, "target"))} {_e(_num(chart.target, unit))}</text>')
    parts.append("</svg>")
    legend = ""
    if len(chart.series) > 1:
        legend = '<ul class="roi-legend">' + "".join(
            f'<li><span class="roi-swatch roi-c{s % len(PALETTE)}"></span>{_e(name)}</li>'
            for s, (name, _) in enumerate(chart.series)) + "</ul>"
    return (f'<figure class="roi-chart roi-chart-{_kind(chart.kind)}"><figcaption>{_e(chart.title)}</figcaption>'
            f'<div class="roi-chart-scroll">{"".join(parts)}</div>{legend}</figure>')


def _lines(chart: Chart, left: float, band: float, y, unit: str) -> list[str]:
    """Each series as a polyline per run of values (a missing month is a gap, not a zero) with its points."""
    out = []
    n = len(chart.categories)
    for s, (name, series) in enumerate(chart.series):
        color = PALETTE[s % len(PALETTE)]
        points = [(left + band * (i + 0.5), v) for i, v in enumerate(series[:n])]
        runs, run = [], []
        for x, v in points:
            if _finite(v):
                run.append((x, v))
            elif run:
                runs.append(run)
                run = []
        if run:
            runs.append(run)
        for r in runs:
            coords = " ".join(f"{x:.1f},{y(v):.1f}" for x, v in r)
            out.append(f'<polyline class="roi-line" points="{coords}" fill="none" stroke="{color}"/>')
        shown = [(x, v) for x, v in points if _finite(v)]
        for j, (x, v) in enumerate(shown):
            out.append(f'<circle class="roi-point" cx="{x:.1f}" cy="{y(v):.1f}" r="3.5" fill="{color}">'
                       f'<title>{_e(name)}: {_e(_num(v, unit))}</title></circle>')
            # one series: every value (up to 12); several: only each line's last, or the labels pile up
            if j == len(shown) - 1 or (len(chart.series) == 1 and len(shown) <= LABELLED_POINTS):
                out.append(f'<text class="roi-val" x="{x:.1f}" y="{y(v) - 8:.1f}" text-anchor="middle">'
                           f'{_e(_num(v, unit))}</text>')
    return out


# --------------------------------------------------------------------------- buttons and footer
def _action(action: Action) -> str:
    p = action.payload
    if action.kind == "query":
        rest = {k: v for k, v in p.items() if k not in ("kind", "lang")}
        value = encode_query(p["kind"], lang=p.get("lang", "zh"), **rest)
        return f'<button type="button" class="roi-btn" data-q="{_e(value)}">{_e(action.label)}</button>'
    if action.kind == "choose":
        return _choice_button(str(p.get("name") or action.label), p.get("lang", "zh"))
    if action.kind in ("open_sheet", "open_url") and str(p.get("url", "")).startswith(("https://", "http://")):
        return (f'<a class="roi-btn roi-link" href="{_e(p["url"])}" target="_blank" rel="noopener noreferrer">'
                f"{_e(action.label)}</a>")
    if action.kind == "select":
        options = []
        for label, question in p.get("options", []):
            rest = {k: v for k, v in question.items() if k not in ("kind", "lang")}
            value = encode_query(question["kind"], lang=question.get("lang", "zh"), **rest)
            selected = " selected" if rest.get("model") == p.get("current") else ""
            options.append(f'<option value="{_e(value)}"{selected}>{_e(label)}</option>')
        if options:
            return (f'<label class="roi-select-label">{_e(action.label)} '
                    f'<select class="roi-select">{"".join(options)}</select></label>')
    return ""  # chart_png: the page draws the chart already


def _actions(view: View) -> str:
    buttons = "".join(_action(a) for a in view.actions)
    return f'<div class="roi-actions">{buttons}</div>' if buttons else ""


def _footer(view: View) -> str:
    foot, lang = view.footer, view.lang
    warnings = "".join(f'<p class="roi-warning">⚠ {_e(w)}</p>' for w in foot.warnings)
    parts = footer_parts(foot, lang)
    line = f'<p class="roi-source">{_e(" · ".join(parts))}</p>' if parts else ""
    return f'<footer class="roi-footer">{warnings}{line}</footer>' if warnings or line else ""


# --------------------------------------------------------------------------- the view
def _chart(view: View) -> str:
    for chart in view.charts:
        if chart.inline:
            svg = chart_svg(chart, view.lang)
            if svg:
                return svg
    return ""


def _short(view: View) -> str:
    """Help, and replies without a title (choices, no match): a sentence, its hint, what to pick."""
    parts = [f'<h2 class="roi-title">{_e(view.title)}</h2>'] if view.title else []
    if view.lead:
        parts.append(f'<p class="roi-lead">{_e(view.lead)}</p>')
    if view.hint:
        parts.append(f'<p class="roi-hint">{_hint(view.hint)}</p>')
    if view.kind == "help":
        parts += [_help_table(t) for t in view.tables]
    else:
        parts += [_table(t, view.lang) for t in view.tables]
    parts += [_list(items, view.lang) for items in view.lists]
    return "".join(parts)


def view_html(view: View) -> str:
    """``view`` as an HTML fragment (one ``<article>``), every string escaped; no script, no external resource."""
    lang = view.lang
    head = f'<article class="roi-answer roi-kind-{_kind(view.kind)}" lang="{_lang(lang)}">'
    if view.kind == "help" or not view.title:
        return head + _short(view) + _actions(view) + _footer(view) + "</article>"
    context = " · ".join(([view.when] if view.when else []) + list(view.context))
    parts = [f'<header class="roi-head"><h2 class="roi-title">{_e(view.title)}</h2>'
             + (f'<p class="roi-subtitle">{_e(view.subtitle)}</p>' if view.subtitle else "")
             + (f'<p class="roi-context">{_e(context)}</p>' if context else "") + "</header>"]
    if view.lead:
        parts.append(f'<p class="roi-lead">{_e(view.lead)}</p>')
    if view.figures:
        parts.append('<div class="roi-figures">' + "".join(_figure(f) for f in view.figures) + "</div>")
    notes = [n for n in view.notes if n.rich]
    if notes:
        parts.append('<div class="roi-notes">' + "".join(_note(n) for n in notes) + "</div>")
    parts += [_list(items, lang) for items in view.lists if items.inline]
    parts.append(_chart(view))
    if view.tables:
        parts.append(_table(view.tables[0], lang))
    parts += [_list(items, lang) for items in view.lists if not items.inline]
    parts += [_table(t, lang) for t in view.tables[1:]]
    parts.append(_actions(view))
    parts.append(_footer(view))
    return head + "".join(parts) + "</article>"


def answer_html(ans: Answer, options=None) -> str:
    """The HTML fragment of ``ans``: its view laid out (``options``: a ViewOptions or the Slack RenderOptions,
    for the sheet's link and the data's age); an answer kind without a view shows its console text."""
    view = view_of(ans, options)
    if view is not None:
        return view_html(view)
    try:
        text = render_text(ans)
    except TypeError:
        text = type(ans).__name__
    lang = getattr(ans, "lang", "zh")
    return f'<article class="roi-answer roi-plain" lang="{_lang(lang)}"><pre>{_e(text)}</pre></article>'


def error_html(message: str, hint: str = "", lang: str = "zh") -> str:
    """A refusal (no such campaign, a sheet that cannot be read) as a fragment: the message and its hint."""
    hint_html = f'<p class="roi-hint">{_hint(hint)}</p>' if hint else ""
    return (f'<article class="roi-answer roi-error" lang="{_lang(lang)}" role="alert">'
            f'<p class="roi-lead">{_e(message)}</p>{hint_html}</article>')
