"""Any :class:`roi_core.views.View` as a Slack message: header, context, fields, charts, the table, lists,
buttons and the footer, within Slack's limits. Sheet strings are escaped here (:func:`mrkdwn`) wherever
they land in mrkdwn; plain-text places (header, buttons, table cells, chart labels) keep them as typed."""

from __future__ import annotations

import json

from render.blocks.kit import (
    ACTION_CHART_PNG,
    ACTION_CHOOSE,
    ACTION_MODEL,
    ACTION_OPEN_REPORT,
    ACTION_OPEN_SHEET,
    BUTTON_VALUE,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    SHOWN_CANDIDATES,
    Overflow,
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
    _cut_table,
    _line_chart_block,
    _query_button,
    chart_spec,
    encode_query,
    footer_view_blocks,
)
from roi_core.fmt import table as text_table
from roi_core.views.labels import phrase
from roi_core.views.model import Action, Figure, ItemList, Note, Table, View
from roi_core.views.punct import bracket, colon

_STATUS = {"good": " ✅", "bad": " 🔻", "weak": " ⚠"}


def _field(fig: Figure) -> tuple[str, str]:
    return fig.label, mrkdwn(fig.value) + _STATUS.get(fig.status, "") + (f"\n{mrkdwn(fig.note)}" if fig.note else "")


def _note(note: Note, lang: str = "zh") -> str:
    return f"*{note.title}*{colon(lang)}{mrkdwn(note.text)}" + (bracket(mrkdwn(note.detail), lang) if note.detail else "")


def _list(items: ItemList, lang: str) -> dict | None:
    if not items.items:
        return section(items.empty) if items.empty else None
    return list_section(items.title, [mrkdwn(i) for i in items.items], lang, numbered=items.numbered)


def _question(payload: dict) -> tuple[str, str, dict]:
    return payload["kind"], payload["lang"], {k: v for k, v in payload.items() if k not in ("kind", "lang")}


def _select(action: Action) -> dict | None:
    options = []
    for label, question in action.payload["options"][:100]:
        kind, lang, rest = _question(question)
        value = encode_query(kind, lang=lang, **rest)
        if len(value) <= OPTION_VALUE:
            options.append({"text": {"type": "plain_text", "text": cut(label, OPTION_TEXT)}, "value": value})
    if not options:
        return None
    select = {"type": "static_select", "action_id": ACTION_MODEL, "options": options,
              "placeholder": {"type": "plain_text", "text": action.label}}
    current = [o for o in options if json.loads(o["value"]).get("o") == action.payload.get("current")]
    if current:
        select["initial_option"] = current[0]
    return select


def _button(action: Action) -> dict | None:
    p = action.payload
    if action.kind == "query":
        kind, lang, rest = _question(p)
        return _query_button(action.label, kind, lang, **rest)
    if action.kind == "chart_png":
        kind, lang, rest = _question(p)
        return button(action.label, ACTION_CHART_PNG, encode_query(kind, lang=lang, **rest))
    if action.kind == "open_sheet":
        return button(action.label, ACTION_OPEN_SHEET, url=p["url"])
    if action.kind == "open_url":
        return button(action.label, ACTION_OPEN_REPORT, url=p["url"])
    if action.kind == "select":
        return _select(action)
    if action.kind == "mute":  # an alert's 今天不再提醒 / 静音 7 天
        from render.blocks.alerts import mute_button

        return mute_button(action.label, p)
    return None


def _chart(view: View) -> dict | None:
    for chart in view.charts:
        if chart.inline:
            spec = chart_spec(chart)
            block = _line_chart_block(spec) if chart.kind == "line" else chart_block(spec)
            if block:
                return block
    return None


def _first_table(table: Table, lang: str) -> tuple[list[dict | None], Overflow | None]:
    """The message's one native table block (cut to ``shown`` rows, the rest as an Overflow)."""
    blocks: list[dict | None] = [section(table.heading)] if table.heading else []
    table_blocks, overflow = _cut_table(table.title, table.filename, table.headers, table.cells(lang=lang), table.align, lang,
                                        table.shown)
    blocks += table_blocks
    if table.summary:
        blocks.append(section(_note(table.summary, lang)))
    return blocks, overflow


def _text_table(table: Table, lang: str) -> dict | None:
    """A further table as aligned text in a code block (a message holds one table block)."""
    if not table.rows or len(table.columns) < 2:  # names alone say nothing the message does not
        return None
    shown = table.cells(lang=lang)[: table.shown]
    text = f"{table.heading}\n```{code_escape(text_table(table.headers, shown, table.align))}```"
    if len(table.rows) > len(shown):
        text += "\n" + more_text(len(table.rows) - len(shown), lang)
    if table.summary:
        text += "\n" + _note(table.summary, lang)
    if table.overlong == "count" and len(text) > SECTION_TEXT:
        text = f"{table.heading}\n" + more_text(len(table.rows), lang)
    return section(text)


def _choices(items: ItemList, lang: str) -> list[dict | None]:
    """Campaigns to pick, as buttons (the first 20; beyond, how many more and to type more of the name)."""
    if not items.items:
        return []
    blocks: list[dict | None] = [section(items.title)] if items.title else []
    if items.kind == "questions":  # questions to ask: the view's query buttons, which follow
        return blocks
    buttons = []
    for i, name in enumerate(items.items[:SHOWN_CANDIDATES]):
        value = encode_query("campaign", text=str(name), lang=lang)
        if len(value) <= BUTTON_VALUE:
            buttons.append(button(str(name), f"{ACTION_CHOOSE}:{i}", value))
    blocks.append(actions(buttons, f"roi_{items.kind}"))
    if len(items.items) > SHOWN_CANDIDATES:
        blocks.append(context(more_text(len(items.items) - SHOWN_CANDIDATES, lang) + phrase(lang, "type_more")))
    return blocks


def _buttons(view: View) -> list[dict | None]:
    """The view's buttons; an action_id seen before in the block gets the button's place (Slack wants them unique)."""
    out, seen = [], set()
    for i, element in enumerate(_button(a) for a in view.actions):
        if element and element.get("action_id") in seen:
            element["action_id"] = f"{element['action_id']}:{i}"
        if element:
            seen.add(element.get("action_id"))
        out.append(element)
    return out


def _short(view: View) -> list[dict | None]:
    """Help, and replies without a title (choices, no match): a sentence, then what to pick."""
    if view.kind == "help":
        lines = [f"`{code_escape(cmd)}`  {mrkdwn(what)}" for t in view.tables for cmd, what in t.rows]
        blocks = [header(view.title), section(view.hint + "\n".join(lines))]
    else:
        blocks = [section(mrkdwn(view.lead) + (f"\n{view.hint}" if view.hint else ""))]
    for items in view.lists:
        blocks += _choices(items, view.lang)
    return blocks


def view_message(view: View) -> SlackMessage:
    """The message of ``view`` (blocks not yet fitted to 50; the fallback text is the caller's)."""
    lang = view.lang
    if view.kind == "help" or not view.title:
        blocks = _short(view) + [actions(_buttons(view), view.actions_id or None)]
        return SlackMessage(blocks + footer_view_blocks(view.footer, lang), "", ephemeral=view.ephemeral,
                            kind=view.kind)
    when = [view.when] if view.when is not None else []
    blocks: list[dict | None] = [header(view.title), context(" · ".join(when + [mrkdwn(c) for c in view.context]))]
    if view.figures:
        blocks.append(fields_section([_field(f) for f in view.figures]))
    notes = [n for n in view.notes if n.rich]
    if notes:
        blocks.append(section("\n".join(_note(n, lang) for n in notes)))
    blocks += [_list(items, lang) for items in view.lists if items.inline]
    blocks.append(_chart(view))
    overflow: Overflow | None = None
    if view.tables:
        table_blocks, overflow = _first_table(view.tables[0], lang)
        blocks += table_blocks
    blocks += [_list(items, lang) for items in view.lists if not items.inline]
    blocks += [_text_table(t, lang) for t in view.tables[1:]]
    blocks.append(actions(_buttons(view), view.actions_id or None))
    png = next((chart_spec(c) for c in view.charts if c.png), None)
    return SlackMessage(blocks + footer_view_blocks(view.footer, lang), "", ephemeral=view.ephemeral,
                        overflow=overflow, chart=png, kind=view.kind)
