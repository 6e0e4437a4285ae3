"""Any :class:`roi_core.views.View` as a 飞书 card JSON 2.0: header, figures, notes, the chart component, tables
(the card's table component), lists, buttons whose callbacks ask the follow-up, and the footer.

Sheet strings are made inert wherever they land in markdown (:func:`md`); plain-text places (the header,
its subtitle, buttons, table cells, chart labels) keep them as typed. Every property used here is one
``render.contract.feishu_card`` knows from 飞书's pages.
"""

from __future__ import annotations

import math

from render.blocks.alerts import encode_mute
from render.blocks.kit import cut, more_text
from render.blocks.parts import encode_query, footer_parts
from roi_core.views.model import Action, Chart, Figure, ItemList, Note, Table, View
from roi_core.views.punct import bracket, colon

SHOWN_ROWS = 30  # rows of one table in a card (the rest: "…还有 N 项"); the card must stay under 30 KB
MAX_TABLES = 5  # 飞书: at most five table components per card
MAX_BUTTONS = 20  # buttons we put on one card (choices beyond: "…还有 N 项", type more of the name)
TITLE_CHARS = 100  # our own cut of a header line (飞书 documents no length; a header shows up to 4 lines)
HELP_HINT = {"zh": "在群里 @ROI助手 加下面的内容提问，私聊里直接发问题：",
             "en": "In a group, @ROI助手 followed by one of these; in a private chat, just the question:"}
_STATUS = {"good": " ✅", "bad": " 🔻", "weak": " ⚠"}
_TEMPLATE = {"alerts": "red", "error": "orange"}

# 飞书 markdown reads these: & < > start entities and tags (<at id=all></at> pings everyone), * _ ~ ` [ ]
# format or link. Sheet strings get the entity or the fullwidth form (NFKC folds it back, as for Slack).
_MD = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", "*": "＊", "_": "＿", "~": "～", "`": "｀",
                     "[": "［", "]": "］"})


def md(text: str) -> str:
    """``text`` (a sheet string, or a sentence quoting one) made inert for 飞书 markdown."""
    return str(text).translate(_MD)


def plain(text: str) -> dict:
    return {"tag": "plain_text", "content": text or " "}


def markdown(content: str, size: str | None = None) -> dict:
    el = {"tag": "markdown", "content": content}
    if size:
        el["text_size"] = size
    return el


def button(label: str, value: dict | None = None, url: str | None = None, primary: bool = False) -> dict:
    """A button asking the app back with ``value`` (callback) or opening ``url``."""
    behavior = {"type": "callback", "value": value} if url is None else {"type": "open_url", "default_url": url}
    return {"tag": "button", "text": plain(cut(label, 100)), "type": "primary" if primary else "default",
            "size": "small", "behaviors": [behavior]}


def query_value(payload: dict) -> dict:
    """A callback value that asks the question ``payload`` (a view action's: kind, lang, and the rest)."""
    rest = {k: v for k, v in payload.items() if k not in ("kind", "lang")}
    return {"q": encode_query(payload["kind"], lang=payload.get("lang", "zh"), **rest)}


def _figure(fig: Figure) -> dict:
    text = f"**{md(fig.label)}**\n{md(fig.value)}{_STATUS.get(fig.status, '')}"
    if fig.note:
        text += f"\n<font color='grey'>{md(fig.note)}</font>"
    return {"tag": "column", "width": "weighted", "weight": 1, "elements": [markdown(text)]}


def figures(figs: list[Figure]) -> dict | None:
    """The headline figures, two to a row (a column_set in bisect mode)."""
    if not figs:
        return None
    return {"tag": "column_set", "flex_mode": "bisect", "horizontal_spacing": "small",
            "columns": [_figure(f) for f in figs]}


def _note(note: Note, lang: str) -> str:
    return f"**{md(note.title)}**{colon(lang)}{md(note.text)}" + (bracket(md(note.detail), lang) if note.detail else "")


def _list(items: ItemList, lang: str) -> dict | None:
    if not items.items:
        return markdown(md(items.empty)) if items.empty else None
    lines = [f"{i}. {md(x)}" if items.numbered else f"- {md(x)}" for i, x in enumerate(items.items, 1)]
    head = f"**{md(items.title)}**\n" if items.title else ""
    return markdown(head + "\n".join(lines))


def _finite(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def chart(c: Chart) -> dict | None:
    """The view's chart as the card's chart component (a VChart spec); None when it has no finite point."""
    if c.kind not in ("bar", "line"):
        return None  # a heatmap is a picture only
    values = [{"x": cat, "y": round(float(v), 4), "s": name}
              for name, vals in c.series for cat, v in zip(c.categories, vals, strict=False) if _finite(v)]
    if not values:
        return None
    spec: dict = {"type": c.kind, "data": {"values": values}, "yField": "y", "seriesField": "s",
                  "xField": ["x", "s"] if c.kind == "bar" and len(c.series) > 1 else "x",
                  "legends": {"visible": len(c.series) > 1}}
    if c.title:
        spec["title"] = {"text": c.title}
    return {"tag": "chart", "aspect_ratio": "16:9", "chart_spec": spec}


def table(t: Table, lang: str, shown: int = SHOWN_ROWS) -> list[dict]:
    """A table component (strings as typed, each empty figure with its reason), and a line for rows cut."""
    if not t.rows:
        return []
    names = [f"c{j}" for j in range(len(t.columns))]
    columns = [{"name": n, "display_name": cut(col.name, 50) or " ", "data_type": "text",
                "horizontal_align": "left" if col.align == "left" else "right"} for n, col in zip(names, t.columns,
                                                                                                   strict=True)]
    body = t.cells(lang=lang)
    rows = [dict(zip(names, (str(c) for c in row), strict=False)) for row in body[:shown]]
    out = [markdown(f"**{md(t.heading or t.title)}**")] if (t.heading or t.title) else []
    out.append({"tag": "table", "page_size": 10, "row_height": "low", "freeze_first_column": True,
                "header_style": {"text_align": "left", "background_style": "grey", "bold": True},
                "columns": columns, "rows": rows})
    if len(body) > shown:
        out.append(markdown(md(more_text(len(body) - shown, lang)), "notation"))
    if t.summary:
        out.append(markdown(_note(t.summary, lang)))
    return out


def _buttons(view: View) -> list[dict]:
    out = []
    for action in view.actions:
        el = action_button(action)
        if el:
            out.append(el)
    for items in view.lists:
        if items.kind in ("choose", "recent"):  # campaigns the reader can pick
            out += [button(str(name), {"q": encode_query("campaign", text=str(name), lang=view.lang)})
                    for name in items.items[:MAX_BUTTONS]]
    return out[:MAX_BUTTONS]


def action_button(action: Action) -> dict | None:
    """A view action as a button: a question (callback), a mute, a link; None for what a card shows anyway."""
    p = action.payload
    if action.kind == "query":
        return button(action.label, query_value(p))
    if action.kind in ("open_sheet", "open_url"):
        return button(action.label, url=p["url"])
    if action.kind == "mute":
        return button(action.label, {"mute": encode_mute(p["campaign"], p["kinds"], p["date"], p["days"],
                                                         p.get("lang", "zh"))})
    if action.kind == "select":  # the attribution model: one button per other model
        return None
    return None  # chart_png: the card draws the chart itself


def _select_buttons(view: View) -> list[dict]:
    out = []
    for action in view.actions:
        if action.kind == "select":
            for label, question in action.payload["options"][:6]:
                if question.get("model") != action.payload.get("current"):
                    out.append(button(label, query_value(question)))
    return out


def footer(view: View) -> list[dict]:
    lang, foot = view.lang, view.footer
    out = []
    if foot.warnings:
        out.append(markdown("\n".join(f"⚠ {md(w)}" for w in foot.warnings)))
    parts = footer_parts(foot, lang, quote=md)
    if parts:
        out.append(markdown(" · ".join(parts), "notation"))
    return out


def card_of_view(view: View, *, shown: int = SHOWN_ROWS) -> dict:
    """The card JSON 2.0 of ``view`` (not yet checked: see :func:`render.feishu.build_card`)."""
    lang = view.lang
    elements: list[dict | None] = []
    if view.kind == "help" or not view.title:
        title = view.title or ("ROI Assistant" if lang == "en" else "ROI 助手")
        if view.kind == "help":
            # in 飞书 a question is "@ROI助手 <text>" in a group, or the text alone in a private chat
            lines = [f"`{md(cmd.replace('/roi ', '@ROI助手 ', 1))}`  {md(what)}" for t in view.tables
                     for cmd, what in t.rows]
            elements.append(markdown(HELP_HINT["en" if lang == "en" else "zh"] + "\n" + "\n".join(lines)))
        else:
            elements.append(markdown(md(view.lead) + (f"\n{view.hint}" if view.hint else "")))
        for items in view.lists:
            if items.kind not in ("choose", "recent", "questions") and items.items:
                elements.append(_list(items, lang))
    else:
        title = view.title
        elements.append(figures(view.figures))
        notes = [n for n in view.notes if n.rich]
        if notes:
            elements.append(markdown("\n".join(_note(n, lang) for n in notes)))
        elements += [_list(items, lang) for items in view.lists if items.inline]
        first = next((c for c in view.charts if c.inline), None)
        elements.append(chart(first) if first else None)
        for t in view.tables[:MAX_TABLES]:
            elements += table(t, lang, shown)
        elements += [_list(items, lang) for items in view.lists
                     if not items.inline and items.kind not in ("choose", "recent", "questions")]
    buttons = _buttons(view) + _select_buttons(view)
    if buttons:
        elements.append({"tag": "hr"})
        elements += buttons[:MAX_BUTTONS]
    elements += footer(view)
    subtitle = " · ".join(([view.when] if view.when else []) + list(view.context))
    header = {"title": plain(cut(title, TITLE_CHARS)), "template": _TEMPLATE.get(view.kind, "blue")}
    if subtitle:
        header["subtitle"] = plain(cut(subtitle, TITLE_CHARS * 2))
    return {"schema": "2.0", "config": {"update_multi": True, "width_mode": "fill"}, "header": header,
            "body": {"elements": [e for e in elements if e]}}

