"""Parsing the text after ``/roi`` (or an @mention) into a :class:`Query`.

Grammar (docs/grammar.md), Chinese or English:

==========================================  ===========
(empty), 帮助, help                          help
<活动名>                                      campaign
渠道 / channels [YYYY-MM]                    channels
归因 / attribution [模型] [YYYY-MM]          attribution
月报 / summary [YYYY-MM]                     monthly
建议 / advice [YYYY-MM]                      advice
排行 / top [N]                               top
==========================================  ===========
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from roi_core.errors import QueryError
from roi_core.parse import normalize_text

KEYWORDS = {
    "help": ("帮助", "help", "?", "？", "h", "usage", "用法"),
    "channels": ("渠道", "channels", "channel", "渠道排行"),
    "attribution": ("归因", "attribution", "attr"),
    "monthly": ("月报", "summary", "monthly", "月度汇总"),
    "advice": ("建议", "advice", "suggestions", "suggest"),
    "top": ("排行", "top", "排名", "榜单", "ranking"),
}
_KEYWORD_KIND = {normalize_text(word): kind for kind, words in KEYWORDS.items() for word in words}

# chat filler around a campaign name in an @mention: "双11怎么样？", "how is 618 doing"
_FILLER_SUFFIX = re.compile(r"(的)?(roi|投产比|效果|表现|数据)?(怎么样|如何|怎样|好不好|咋样)?[吗呢啊?？!！。.]*$", re.I)
_FILLER_PREFIX = re.compile(r"^(帮我|请)?(看看|看一下|查查|查一下|查询|分析一下|分析)?\s*")
_EN_FILLER = re.compile(r"^(how is|how was|how's|show me|show)\s+|\s+(doing|performing|roi)\??$", re.I)


@dataclass(frozen=True)
class Query:
    """What the user asked. ``lang`` is "zh" or "en" (answers follow the user's language)."""

    kind: str  # help | campaign | channels | attribution | monthly | advice | top
    text: str = ""  # the campaign name as typed
    month: pd.Period | None = None
    model: str | None = None
    top_n: int = 10
    lang: str = "zh"
    raw: str = ""


def detect_lang(text: str) -> str:
    """English when the text has Latin letters and no CJK characters; Chinese otherwise."""
    has_cjk = re.search(r"[\u3400-\u9fff]", text) is not None
    has_latin = re.search(r"[A-Za-z]{2,}", text) is not None
    return "en" if has_latin and not has_cjk else "zh"


def parse_month(token: str, today: dt.date) -> pd.Period | None:
    """``2026-10``, ``2026/10``, ``2026.10``, ``202610``, ``2026年10月``, ``10月`` (the latest past one),
    ``上月``/``last month``, ``本月``/``this month``. None when the token is no month."""
    t = normalize_text(token).replace(" ", "")
    this_month = pd.Period(today, freq="M")
    if t in ("上月", "上个月", "lastmonth"):
        return this_month - 1
    if t in ("本月", "这个月", "thismonth"):
        return this_month
    m = re.fullmatch(r"(\d{4})(?:[-/.]|年)?(\d{1,2})月?", t)
    if m and 1 <= int(m.group(2)) <= 12:
        return pd.Period(year=int(m.group(1)), month=int(m.group(2)), freq="M")
    if m:
        raise QueryError(f"月份「{token}」不存在", "请写成 2026-10 这样的格式")
    m = re.fullmatch(r"(\d{1,2})月(份)?", t)
    if m:
        month = int(m.group(1))
        if not 1 <= month <= 12:
            raise QueryError(f"月份「{token}」不存在", "请写成 2026-10 这样的格式")
        year = today.year if month <= today.month else today.year - 1
        return pd.Period(year=year, month=month, freq="M")
    return None


def _model_name(token: str) -> str | None:
    from roi_core.attribution import MODEL_ALIASES

    return MODEL_ALIASES.get(normalize_text(token)) or MODEL_ALIASES.get(token.strip())


MAX_QUESTION_CHARS = 500


def parse_query(text: str, today: dt.date) -> Query:
    """Turn the user's text into a Query. Raises QueryError for a malformed month or number."""
    raw = text or ""
    if len(raw) > MAX_QUESTION_CHARS:
        # every step below is linear or worse in the text's length: refuse before doing any of it
        lang = detect_lang(raw[:200])
        raise QueryError(f"问题太长（{len(raw):,} 个字符），最多 {MAX_QUESTION_CHARS} 个" if lang != "en" else
                         f"The question is too long ({len(raw):,} characters; at most {MAX_QUESTION_CHARS})",
                         "请只写活动名或一个简短的问题，例如 618活动、渠道 2026-10" if lang != "en" else
                         "Ask with a campaign name or a short question, e.g. 618, channels 2026-10")
    cleaned = re.sub(r"<@[A-Z0-9]+(\|[^>]*)?>", " ", raw)  # an @mention of the bot itself
    cleaned = cleaned.replace("\u3000", " ").strip()
    lang = detect_lang(cleaned)
    if not cleaned:
        return Query("help", lang=lang, raw=raw)
    tokens = cleaned.split()
    head = normalize_text(tokens[0])
    kind = _KEYWORD_KIND.get(head)
    # "渠道2026-10" or "top10": a keyword glued to its argument
    if kind is None:
        glued = re.fullmatch(r"(渠道|归因|月报|建议|排行|top|前)(.+)", head)
        if glued and (glued.group(1) != "前" or glued.group(2).isdigit()):
            kind = _KEYWORD_KIND.get(glued.group(1), "top")
            tokens = [glued.group(1), glued.group(2), *tokens[1:]]
    if kind is None:
        return Query("campaign", text=_strip_filler(cleaned), lang=lang, raw=raw)
    if kind == "help":
        return Query("help", lang=lang, raw=raw)

    month = None
    model = None
    top_n = 10
    rest = tokens[1:]
    i = 0
    while i < len(rest):
        token = rest[i]
        pair = f"{token}{rest[i + 1]}" if i + 1 < len(rest) else None
        if pair and normalize_text(pair) in ("lastmonth", "thismonth"):
            month = parse_month(pair, today)
            i += 2
            continue
        as_month = parse_month(token, today)
        if as_month is not None:
            month = as_month
        elif kind == "top" and re.fullmatch(r"\d+", normalize_text(token)):
            top_n = int(normalize_text(token))
            if not 1 <= top_n <= 500:
                raise QueryError(f"排行数量「{token}」应在 1-500 之间", "例：/roi 排行 10")
        elif kind == "attribution" and _model_name(token):
            model = _model_name(token)
        elif kind == "attribution":
            raise QueryError(f"不认识的归因模型「{token}」",
                             "可选：首次触点 末次触点 末次非直接 线性 时间衰减 位置 马尔可夫 沙普利")
        else:
            raise QueryError(f"看不懂「{token}」", "月份请写成 2026-10，例：/roi 渠道 2026-10")
        i += 1
    return Query(kind, month=month, model=model, top_n=top_n, lang=lang, raw=raw)


def _strip_filler(text: str) -> str:
    t = text.strip()
    t = _EN_FILLER.sub("", t)
    stripped = _FILLER_SUFFIX.sub("", t)
    stripped = _FILLER_PREFIX.sub("", stripped).strip()
    return stripped or t
