"""Block Kit rendering: pure functions from ``roi_core`` answers to Slack messages.

``render_blocks(answer)`` returns ``(blocks, fallback_text)``; ``build_message``
returns the same plus what is sent after the message (the full table when a
list was cut, the chart to draw as a PNG). The answer's view
(:func:`roi_core.views.view_of`) brings every word and formatted figure;
:mod:`render.blocks.views` lays any view out, :mod:`render.blocks.kit` holds
the building blocks and limits. Nothing here computes a number or does I/O.

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

from render.blocks.fallback import RENDERERS, _generic
from render.blocks.kit import (
    ACTION_ALERT_MUTE,
    ACTION_CHART_PNG,
    ACTION_CHOOSE,
    ACTION_MODEL,
    ACTION_OPEN_REPORT,
    ACTION_OPEN_SHEET,
    ACTION_QUERY,
    ACTIONS_ELEMENTS,
    BUTTON_TEXT,
    BUTTON_VALUE,
    CHART_LABEL,
    CHART_POINTS,
    CHART_SERIES,
    CHART_TITLE,
    CONTEXT_ELEMENTS,
    FALLBACK_TEXT,
    FIELD_TEXT,
    HEADER_TEXT,
    MAX_BLOCKS,
    MAX_FIELDS,
    OPTION_TEXT,
    OPTION_VALUE,
    SECTION_TEXT,
    SHOWN_CANDIDATES,
    SHOWN_ROWS,
    TABLE_CELLS,
    TABLE_ROWS,
    ChartSpec,
    Overflow,
    RenderOptions,
    SlackMessage,
    actions,
    button,
    chart_block,
    code_escape,
    context,
    csv_safe,
    cut,
    fields_section,
    header,
    list_section,
    more_text,
    mrkdwn,
    section,
    table_block,
    unique_labels,
)
from render.blocks.parts import (
    channel_roi_chart,
    decode_query,
    encode_query,
    footer_blocks,
    trend_chart,
)
from render.blocks.views import view_message
from render.text import render_text
from roi_core import Answer
from roi_core.views import view_of
from roi_core.views.labels import phrase
from roi_core.views.punct import bracket, colon


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
    view = view_of(ans, opts)
    if view is not None:
        msg = view_message(view)
    else:
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
        text += f"\n💡 {phrase(lang, 'hint')}{colon(lang)}{mrkdwn(hint)}"
    plain = f"❌ {message}" + (bracket(hint, lang) if hint else "")
    return SlackMessage(fit([section(text)]), cut(mrkdwn(plain), FALLBACK_TEXT), ephemeral=True, kind="error")


def notice_message(text: str, ephemeral: bool = True) -> SlackMessage:
    """A one-line message we wrote ourselves (may use mrkdwn; any sheet string in it must be escaped)."""
    return SlackMessage(fit([section(text)]), cut(text, FALLBACK_TEXT) or "…", ephemeral=ephemeral, kind="notice")


__all__ = [
    "ACTION_ALERT_MUTE",
    "ACTIONS_ELEMENTS",
    "ACTION_CHART_PNG",
    "ACTION_CHOOSE",
    "ACTION_MODEL",
    "ACTION_OPEN_REPORT",
    "ACTION_OPEN_SHEET",
    "ACTION_QUERY",
    "BUTTON_TEXT",
    "BUTTON_VALUE",
    "CHART_LABEL",
    "CHART_POINTS",
    "CHART_SERIES",
    "CHART_TITLE",
    "CONTEXT_ELEMENTS",
    "ChartSpec",
    "FALLBACK_TEXT",
    "FIELD_TEXT",
    "HEADER_TEXT",
    "MAX_BLOCKS",
    "MAX_FIELDS",
    "OPTION_TEXT",
    "OPTION_VALUE",
    "Overflow",
    "RENDERERS",
    "RenderOptions",
    "SECTION_TEXT",
    "SHOWN_CANDIDATES",
    "SHOWN_ROWS",
    "SlackMessage",
    "TABLE_CELLS",
    "TABLE_ROWS",
    "actions",
    "build_message",
    "button",
    "channel_roi_chart",
    "chart_block",
    "code_escape",
    "context",
    "csv_safe",
    "cut",
    "decode_query",
    "encode_query",
    "error_message",
    "fallback_text",
    "fields_section",
    "fit",
    "footer_blocks",
    "header",
    "list_section",
    "more_text",
    "mrkdwn",
    "notice_message",
    "render_blocks",
    "section",
    "table_block",
    "trend_chart",
    "unique_labels",
]
