"""Block Kit layouts of each answer kind (``build_message`` in :mod:`render.blocks` dispatches here)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from render.blocks.kit import (
    ACTION_CHOOSE,
    BUTTON_VALUE,
    MAX_BLOCKS,
    SECTION_TEXT,
    SHOWN_CANDIDATES,
    RenderOptions,
    SlackMessage,
    actions,
    button,
    code_escape,
    context,
    cut,
    header,
    more_text,
    mrkdwn,
    section,
)
from render.blocks.parts import (
    _sheet_button,
    encode_query,
    footer_blocks,
)
from render.text import render_text
from roi_core import (
    Answer,
    CandidatesAnswer,
    HelpAnswer,
    NoMatchAnswer,
)


# --------------------------------------------------------------------------- renderers
def _choice_buttons(names: Sequence[str], lang: str) -> list[dict]:
    out = []
    for i, name in enumerate(names[:SHOWN_CANDIDATES]):
        value = encode_query("campaign", text=str(name), lang=lang)
        if len(value) <= BUTTON_VALUE:
            out.append(button(str(name), f"{ACTION_CHOOSE}:{i}", value))
    return out


def _candidates(ans: CandidatesAnswer, opts: RenderOptions) -> SlackMessage:
    head = (f"「{mrkdwn(ans.query)}」匹配到 {len(ans.candidates)} 个活动，请选一个：" if ans.lang != "en"
            else f"'{mrkdwn(ans.query)}' matches {len(ans.candidates)} campaigns; pick one:")
    blocks = [section(head), actions(_choice_buttons(ans.candidates, ans.lang), "roi_choose")]
    if len(ans.candidates) > SHOWN_CANDIDATES:
        blocks.append(context(more_text(len(ans.candidates) - SHOWN_CANDIDATES, ans.lang)
                              + ("，请输入更完整的名称" if ans.lang != "en" else "; type more of the name")))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


def _no_match(ans: NoMatchAnswer, opts: RenderOptions) -> SlackMessage:
    if ans.lang == "en":
        head = f"No campaign called '{mrkdwn(ans.query)}'."
        hint = "Closest:" if ans.closest else "Type `/roi top` to list campaigns."
    else:
        head = f"没有找到活动「{mrkdwn(ans.query)}」。"
        hint = "最接近的是下面这些，点一下即可查看：" if ans.closest else "输入 `/roi 排行` 查看所有活动。"
    blocks = [section(f"🔍 {head}\n{hint}"), actions(_choice_buttons(ans.closest, ans.lang), "roi_choose")]
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


def _help(ans: HelpAnswer, opts: RenderOptions) -> SlackMessage:
    title = "ROI 助手用法" if ans.lang != "en" else "ROI assistant"
    lines = [f"`{code_escape(cmd)}`  {mrkdwn(what)}" for cmd, what in ans.examples]
    blocks = [header(f"👋 {title}"),
              section(("在任意频道输入 `/roi` 加下面的内容，或 @ROI助手 提问：\n" if ans.lang != "en"
                       else "Type `/roi` followed by one of these, or mention the app:\n") + "\n".join(lines))]
    if ans.campaigns:
        blocks.append(section("*最近的活动*（点一下即可查看）" if ans.lang != "en" else "*Recent campaigns*"))
        blocks.append(actions(_choice_buttons(ans.campaigns, ans.lang), "roi_recent"))
    blocks.append(actions([_sheet_button(opts, ans.lang)], "roi_help_actions"))
    return SlackMessage(blocks + footer_blocks(ans, opts), "", ephemeral=True, kind=ans.kind)


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


def _renderers() -> list[tuple[type, Callable[[Answer, RenderOptions], SlackMessage]]]:
    out: list = []
    out += [(HelpAnswer, _help), (CandidatesAnswer, _candidates), (NoMatchAnswer, _no_match)]
    return out


RENDERERS = _renderers()
