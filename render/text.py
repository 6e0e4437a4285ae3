"""Plain-text rendering of views: what the console prints and Slack's fallback text.

``render_view`` lays out any :class:`roi_core.views.View`; ``render_text(answer)`` is the view of the
answer, laid out. Nothing here computes a number or chooses a word: both come in the view.
"""

from __future__ import annotations

from roi_core import Answer
from roi_core.fmt import DASH, money, pad, pct, table
from roi_core.views import View, view_of
from roi_core.views.labels import labels, phrase
from roi_core.views.punct import bracket, colon, title_colon


def channel_table(rows: list[dict], symbol: str, lang: str, name_key: str = "channel") -> str:
    """Channels (or campaigns, with ``name_key``) as an aligned text table: cost, revenue, ROI, ROAS, CTR, CVR."""
    L = labels(lang)
    headers = [L[name_key], L["cost"], L["revenue"], L["roi"], L["roas"], L["ctr"], L["cvr"]]
    body = [[str(r[name_key]), money(r["cost"], symbol), money(r["revenue"], symbol), pct(r["roi"]),
             r.get("roas_text") or DASH, pct(r.get("ctr")), pct(r.get("cvr"))] for r in rows]
    return table(headers, body)


def _note(note, lang: str = "zh") -> str:
    return f"{note.title}{colon(lang)}{note.text}" + (bracket(note.detail, lang) if note.detail is not None else "")


def _items(items) -> list[str]:
    if items.numbered:
        return [f"{i}. {text}" for i, text in enumerate(items.items, 1)]
    return [f"{items.bullet} {text}" if items.bullet else text for text in items.items]


def _table(t, lang: str = "zh") -> list[str]:
    lines = [""] + ([t.brief_heading] if t.brief_heading else [])
    lines.append(table(t.brief_headers, t.cells(t.notes_in_brief, lang), t.align))
    return lines + ([_note(t.summary, lang)] if t.summary else [])


def _footer_lines(view: View) -> list[str]:
    foot = view.footer
    tail = [f"⚠ {w}" for w in foot.warnings]
    if foot.source:
        tail.append(phrase(view.lang, "source_line", source=foot.source))
    return tail


def _list_lines(items) -> list[str]:
    if items.joiner is not None:
        return [(items.brief_title or "") + items.joiner.join(items.items)] if items.items else []
    return _items(items)


def _reply(view: View) -> str:
    """A short reply (choices, no match): its sentence, hint, the names, the footer; no blank lines."""
    lines = [view.brief_lead or view.lead] + ([view.brief_hint] if view.brief_hint else [])
    for items in view.lists:
        lines += _list_lines(items)
    return "\n".join(lines + _footer_lines(view))


def _help(view: View) -> str:
    lines = [view.brief_lead] + [f"  {pad(cmd, 34)} {what}" for t in view.tables for cmd, what in t.rows]
    for items in view.lists:
        lines += _list_lines(items)
    return "\n".join(lines + _footer_lines(view)).rstrip()


def render_view(view: View) -> str:
    """A view as the console's plain text: the heading, figures by line, details, the first table, lists,
    further tables, footer. Help lists its commands; a reply without a title (choices, no match) is short."""
    if view.kind == "help":
        return _help(view)
    if not view.title:
        return _reply(view)
    lines = [view.heading] + ([view.subtitle] if view.subtitle else [])
    for items in view.lists:
        if items.inline:
            lines += _items(items)
    groups: dict[int, list[str]] = {}
    for fig in view.figures:
        if fig.line is not None:
            groups.setdefault(fig.line, []).append(f"{fig.label} {fig.value}" + (bracket(fig.note, view.lang) if fig.note else ""))
    lines += ["   ".join(group) for _, group in sorted(groups.items())]
    lines += [_note(n, view.lang) for n in view.notes if n.brief]
    for t in view.tables[:1]:
        lines += _table(t, view.lang)
    for items in view.lists:
        if not items.inline and items.items:
            lines += ["", title_colon(items.title if items.brief_title is None else items.brief_title, view.lang)]
            lines += _items(items)
    for t in view.tables[1:]:
        lines += _table(t, view.lang)
    return "\n".join(lines + [""] + _footer_lines(view)).rstrip()


def render_text(ans: Answer) -> str:
    """The whole answer as readable text (console output, Slack fallback)."""
    view = view_of(ans)
    if view is None:
        raise TypeError(f"no text renderer for {type(ans).__name__}")
    return render_view(view)
