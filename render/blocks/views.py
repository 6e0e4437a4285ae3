"""Any :class:`roi_core.views.View` as a Slack message: header, context, fields, charts, the table, lists,
buttons and the footer, within Slack's limits. Sheet strings are escaped here (:func:`mrkdwn`) wherever
they land in mrkdwn; plain-text places (header, buttons, table cells, chart labels) keep them as typed."""

from __future__ import annotations

from render.blocks.kit import (
    ACTION_CHART_PNG,
    ACTION_OPEN_SHEET,
    ChartSpec,
    Overflow,
    SlackMessage,
    actions,
    button,
    chart_block,
    context,
    fields_section,
    header,
    list_section,
    mrkdwn,
    section,
)
from render.blocks.parts import _cut_table, _query_button, encode_query, footer_view_blocks
from roi_core.views.model import Action, Chart, Figure, ItemList, Note, View

_STATUS = {"good": " ✅", "bad": " 🔻", "weak": " ⚠"}


def chart_spec(chart: Chart) -> ChartSpec:
    """The view's chart as the spec both the native block and the PNG are drawn from."""
    return ChartSpec(kind=chart.kind, title=chart.title, categories=list(chart.categories),
                     series=list(chart.series), y_label=chart.y_label, x_label=chart.x_label, target=chart.target,
                     filename=chart.filename)


def _field(fig: Figure) -> tuple[str, str]:
    return fig.label, fig.value + _STATUS.get(fig.status, "") + (f"\n{fig.note}" if fig.note else "")


def _note(note: Note) -> str:
    return f"*{note.title}*：{mrkdwn(note.text)}" + (f"（{mrkdwn(note.detail)}）" if note.detail else "")


def _list(items: ItemList, lang: str) -> dict | None:
    if not items.items:
        return section(items.empty) if items.empty else None
    return list_section(items.title, [mrkdwn(i) for i in items.items], lang, numbered=items.numbered)


def _button(action: Action) -> dict | None:
    p = action.payload
    if action.kind == "query":
        question = {k: v for k, v in p.items() if k not in ("kind", "lang")}
        return _query_button(action.label, p["kind"], p["lang"], **question)
    if action.kind == "chart_png":
        question = {k: v for k, v in p.items() if k not in ("kind", "lang")}
        return button(action.label, ACTION_CHART_PNG, encode_query(p["kind"], lang=p["lang"], **question))
    if action.kind == "open_sheet":
        return button(action.label, ACTION_OPEN_SHEET, url=p["url"])
    return None


def view_message(view: View) -> SlackMessage:
    """The message of ``view`` (blocks not yet fitted to 50; the fallback text is the caller's)."""
    lang = view.lang
    when = [view.when] if view.when is not None else []
    blocks: list[dict | None] = [header(view.title), context(" · ".join(when + [mrkdwn(c) for c in view.context]))]
    if view.figures:
        blocks.append(fields_section([_field(f) for f in view.figures]))
    if view.notes:
        blocks.append(section("\n".join(_note(n) for n in view.notes)))
    blocks += [_list(items, lang) for items in view.lists if items.inline]
    blocks += [chart_block(chart_spec(c)) for c in view.charts if c.inline]
    overflow: Overflow | None = None
    for table in view.tables:
        if table.heading:
            blocks.append(section(f"*{table.heading}*"))
        table_blocks, cut_off = _cut_table(table.title, table.filename, table.headers, table.cells(), table.align,
                                           lang, table.shown)
        blocks += table_blocks
        overflow = overflow or cut_off
        if table.summary:
            blocks.append(section(_note(table.summary)))
    blocks += [_list(items, lang) for items in view.lists if not items.inline]
    blocks.append(actions([_button(a) for a in view.actions], view.actions_id or None))
    png = next((chart_spec(c) for c in view.charts if c.png), None)
    return SlackMessage(blocks + footer_view_blocks(view.footer, lang), "", ephemeral=view.ephemeral,
                        overflow=overflow, chart=png, kind=view.kind)
