"""Block Kit for an answer without a view: its plain text in code-block sections."""

from __future__ import annotations

from collections.abc import Callable

from render.blocks.kit import (
    MAX_BLOCKS,
    SECTION_TEXT,
    RenderOptions,
    SlackMessage,
    code_escape,
    cut,
    section,
)
from render.blocks.parts import footer_blocks
from render.text import render_text
from roi_core import Answer


# --------------------------------------------------------------------------- renderers
def _generic(ans: Answer, opts: RenderOptions) -> SlackMessage:
    """An answer kind this renderer does not know yet: its plain text, in code-block sections."""
    try:
        text = render_text(ans)
    except TypeError:
        text = f"{type(ans).__name__}"
    blocks = [section(f"```{code_escape(chunk)}```") for chunk in _chunk_lines(text.splitlines())]
    return SlackMessage(blocks[: MAX_BLOCKS - 2] + footer_blocks(Answer(source=ans.source, lang=ans.lang), opts),
                        "", kind=getattr(ans, "kind", ""))


def _chunk_lines(lines: list[str], limit: int = SECTION_TEXT - 100) -> list[str]:
    chunks, current, size = [], [], 0
    for line in lines:
        line = cut(line, limit)
        if current and size + len(line) + 1 > limit:
            chunks.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        chunks.append("\n".join(current))
    return chunks


# answer kinds laid out here rather than from a view (none: every kind has a view; kept for new kinds)
RENDERERS: list[tuple[type, Callable[[Answer, RenderOptions], SlackMessage]]] = []
