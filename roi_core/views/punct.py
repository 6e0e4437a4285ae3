"""The punctuation a view glues around words, in the answer's language.

Chinese answers use full-width marks with no spaces ("标题：正文（说明）"); English answers use ASCII
marks with spaces ("Title: text (note)"). The Chinese forms here are exactly what the views wrote before,
so Chinese answers are unchanged.
"""

from __future__ import annotations

# the basis a money figure is on, as an English answer says it (Chinese: the answer's own basis_label)
BASIS_EN = {"gross_profit": "gross profit", "revenue": "revenue"}


def reason_bracket(reason: str, lang: str) -> str:
    """Why a figure shows —, in brackets, worded in ``lang`` (views.labels.reason_words)."""
    from roi_core.views.labels import reason_words

    return bracket(reason_words(lang, reason), lang)


def bracket(text: str, lang: str) -> str:
    """``text`` in brackets, to follow a word: "（text）" in Chinese, " (text)" in English."""
    return f" ({text})" if lang == "en" else f"（{text}）"


def colon(lang: str) -> str:
    """What follows a title before its text: "：" in Chinese, ": " in English."""
    return ": " if lang == "en" else "："


def title_colon(title: str, lang: str) -> str:
    """A title introducing lines below it: "标题：" in Chinese, "Title:" in English."""
    return f"{title}:" if lang == "en" else f"{title}："


def comma(lang: str) -> str:
    """The list comma: "，" in Chinese, ", " in English."""
    return ", " if lang == "en" else "，"


def basis_word(ans) -> str:
    """The basis of the answer's money figures in its language ("按毛利" / "gross profit")."""
    if getattr(ans, "lang", "zh") == "en":
        return BASIS_EN.get(getattr(ans, "basis", None), ans.basis_label)
    return ans.basis_label
