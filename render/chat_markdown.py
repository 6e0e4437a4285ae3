"""A view as one markdown message for 企业微信 and 钉钉 group robots (push only: the monthly summary and alerts).

The robots' markdown has no tables and no buttons, so the view becomes: the title as a heading, the dates and
basis as a quote, each figure on its line, the notes, the first table as one line per row (at most
:data:`ROWS`), the lists, and the footer; a link to the sheet or the web report where the view has one.

Sheet strings are made inert: ``< >`` (企业微信's ``<font>`` and mention tags, HTML in 钉钉) and the markdown
characters ``* _ ~ ` [ ] #`` become their fullwidth forms (NFKC folds them back). The message is cut to
``limit`` bytes of UTF-8 at a line, ending in "…还有 N 行".
"""

from __future__ import annotations

from render.blocks.kit import more_text
from render.blocks.parts import footer_parts
from roi_core.views.model import View
from roi_core.views.punct import bracket, colon

ROWS = 15  # table rows in a robot message (a phone screen); the rest are counted
_INERT = str.maketrans({"<": "＜", ">": "＞", "*": "＊", "_": "＿", "~": "～", "`": "｀", "[": "［", "]": "］",
                        "#": "＃"})


def inert(text: str) -> str:
    """``text`` (a sheet string, or a sentence quoting one) made inert for the robots' markdown."""
    return str(text).translate(_INERT)


def markdown_of_view(view: View, limit: int) -> str:
    """The view as one markdown message of at most ``limit`` bytes (see the module docstring)."""
    lang = view.lang
    lines = [f"### {inert(view.title or view.heading or 'ROI 助手')}"]
    context = " · ".join(([view.when] if view.when else []) + [inert(c) for c in view.context])
    if context:
        lines.append(f"> {context}")
    if view.lead:
        lines.append(inert(view.lead))
    for fig in view.figures:
        lines.append(f"**{inert(fig.label)}**{colon(lang)}{inert(fig.value)}"
                     + (bracket(inert(fig.note), lang) if fig.note else ""))
    for note in view.notes:
        if note.rich:
            lines.append(f"**{inert(note.title)}**{colon(lang)}{inert(note.text)}"
                         + (bracket(inert(note.detail), lang) if note.detail else ""))
    for table in view.tables[:1]:
        if table.rows:
            lines += ["", f"**{inert(table.heading or table.title)}**", " · ".join(inert(h) for h in table.headers)]
            body = table.cells(lang=lang)
            lines += ["- " + " · ".join(inert(c) for c in row) for row in body[:ROWS]]
            if len(body) > ROWS:
                lines.append(inert(more_text(len(body) - ROWS, lang)))
    for items in view.lists:
        if items.items and items.kind not in ("choose", "recent", "questions"):
            lines += ["", f"**{inert(items.title)}**"] if items.title else [""]
            lines += [f"{i}. {inert(x)}" if items.numbered else f"- {inert(x)}" for i, x in enumerate(items.items, 1)]
    links = [(a.label, a.payload["url"]) for a in view.actions if a.kind in ("open_sheet", "open_url")]
    if links:
        lines += ["", " · ".join(f"[{inert(label)}]({url})" for label, url in links)]
    foot = footer_parts(view.footer, lang, quote=inert)
    lines += [f"⚠ {inert(w)}" for w in view.footer.warnings]
    if foot:
        lines.append(f"> {' · '.join(foot)}")
    return fit("\n".join(lines), limit, lang)


def fit(text: str, limit: int, lang: str = "zh") -> str:
    """``text`` cut at a line so that it and a "…还有 N 行" note fit ``limit`` bytes of UTF-8."""
    if len(text.encode()) <= limit:
        return text
    lines = text.split("\n")
    kept = list(lines)
    while kept:
        kept.pop()
        tail = more_text(len(lines) - len(kept), lang)
        candidate = "\n".join(kept + [tail])
        if len(candidate.encode()) <= limit:
            return candidate
    return text.encode()[: max(0, limit - 3)].decode(errors="ignore") + "…"
