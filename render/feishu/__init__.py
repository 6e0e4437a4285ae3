"""飞书 rendering: pure functions from ``roi_core`` answers to 飞书 messages (card JSON 2.0, plain-text fallback).

``build_card(answer, opts)`` returns a :class:`FeishuMessage`: the card (from the answer's view, the same view
the Slack and console renderers read), the plain text, and the chart to upload as a picture where the card
cannot draw it. ``message.payload()`` is what im/v1/messages sends — ``("interactive", card JSON string)``
when 飞书 would take the card (``render.contract.feishu_card``), else ``("text", {"text": …})`` with a note,
so a person never gets nothing. Nothing here does I/O.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field

from render.blocks.kit import RenderOptions
from render.blocks.parts import chart_spec
from render.contract.feishu_card import CONTENT_BYTES, check_card
from render.feishu.card import SHOWN_ROWS, card_of_view, markdown, md, plain
from render.text import render_text, render_view
from roi_core import Answer
from roi_core.views import view_of
from roi_core.views.labels import phrase
from roi_core.views.model import View
from roi_core.views.punct import bracket, colon

log = logging.getLogger(__name__)

TEXT_BYTES = 150 * 1024  # 飞书: "文本消息请求体最大不能超过150KB" (im/v1 message API, error 230025)
PLAIN_NOTE = {"zh": "（卡片排版未能通过飞书的检查，先以纯文本显示）",
              "en": "(the card layout did not pass 飞书's checks; shown as plain text)"}


@dataclass
class FeishuMessage:
    """A card and its plain text. ``png``: a chart spec to upload and show as an image (None: none)."""

    card: dict | None
    text: str
    lang: str = "zh"
    kind: str = ""
    png: object | None = None
    reasons: list[str] = field(default_factory=list)  # why the card would be refused (empty: it would not)

    @property
    def plain(self) -> bool:
        return self.card is None

    def content(self) -> str:
        """The card as the JSON string im/v1/messages takes (the console prints this)."""
        return json.dumps(self.card, ensure_ascii=False, separators=(",", ":"), allow_nan=False)

    def payload(self) -> tuple[str, str]:
        """``(msg_type, content)`` to send: the card when it passed the contract, else the plain text."""
        if self.card is not None and not self.reasons:
            return "interactive", self.content()
        return "text", text_content(self.text, self.lang, note=self.card is not None)


def text_content(text: str, lang: str = "zh", *, note: bool = False) -> str:
    """A ``text`` message's content, within 150 KB; ``note``: say the card was refused."""
    body = (text or "…") + (f"\n{PLAIN_NOTE['en' if lang == 'en' else 'zh']}" if note else "")
    while len(json.dumps({"text": body}, ensure_ascii=False).encode()) > TEXT_BYTES:
        body = body[: int(len(body) * 0.9)] + "…"
    return json.dumps({"text": body}, ensure_ascii=False)


def checked(card: dict, text: str, lang: str, kind: str, png=None) -> FeishuMessage:
    """``card`` checked against the contract; its reasons are kept (and logged) so :meth:`payload` falls back."""
    reasons = check_card(card)
    size = len(json.dumps(card, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()) \
        if not any("JSON number" in r for r in reasons) else 0
    if size > CONTENT_BYTES:
        reasons.append(f"content: is {size} bytes; a card message holds at most {CONTENT_BYTES}")
    if reasons:
        log.warning("a %s card would be refused by 飞书: sent as plain text; %s", kind or "?", "; ".join(reasons[:5]))
    return FeishuMessage(card, text, lang, kind, png, reasons)


def card_message(view: View, text: str) -> FeishuMessage:
    """The message of ``view``: its card, cut to fewer table rows until it fits 30 KB, checked."""
    shown = SHOWN_ROWS
    card = card_of_view(view, shown=shown)
    while shown > 5 and len(json.dumps(card, ensure_ascii=False, separators=(",", ":")).encode()) > CONTENT_BYTES:
        shown //= 2
        card = card_of_view(view, shown=shown)
    png = next((chart_spec(c) for c in view.charts if c.png and not c.inline), None)
    return checked(card, text, view.lang, view.kind, png)


def build_card(ans: Answer, opts: RenderOptions | None = None) -> FeishuMessage:
    """The 飞书 message for ``ans`` (see the module docstring)."""
    view = view_of(ans, opts or RenderOptions(native_charts=True))
    text = _text(ans)
    if view is None:  # a kind without a view: its text in a markdown element
        card = {"schema": "2.0", "config": {"update_multi": True}, "header": {"title": plain(type(ans).__name__)},
                "body": {"elements": [markdown(md(text))]}}
        return checked(card, text, getattr(ans, "lang", "zh"), getattr(ans, "kind", ""))
    return card_message(view, text)


def view_card(view: View) -> FeishuMessage:
    """The message of a view built outside an answer (an alert's view)."""
    return card_message(view, render_view(view))


def error_card(message: str, hint: str | None = None, lang: str = "zh") -> FeishuMessage:
    """A short, friendly error: the message and a hint, never a stack trace."""
    content = f"❌ {md(message)}" + (f"\n💡 {phrase(lang, 'hint')}{colon(lang)}{md(hint)}" if hint else "")
    text = f"❌ {message}" + (bracket(hint, lang) if hint else "")
    card = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": [markdown(content)]}}
    return checked(card, text, lang, "error")


def notice_card(text: str, lang: str = "zh") -> FeishuMessage:
    """A one-line message of ours (``text`` already safe for markdown)."""
    card = {"schema": "2.0", "config": {"update_multi": True}, "body": {"elements": [markdown(text)]}}
    return checked(card, text, lang, "notice")


def _text(ans: Answer) -> str:
    try:
        return render_text(ans)
    except TypeError:
        return type(ans).__name__


__all__ = ["FeishuMessage", "build_card", "card_message", "checked", "error_card", "notice_card", "text_content",
           "view_card"]
