"""A button's value, read within bounds before it is decoded into a question or a mute.

A button's value comes back from Slack as we wrote it (``render.blocks.encode_query``,
``render.blocks.alerts.encode_mute``: one flat JSON object of short strings, small whole
numbers and, for a mute, one list of strings), but it is still text from outside: a value
carrying ``1e400`` (infinity once parsed, and ``int()`` of it raises OverflowError), ``NaN``,
a 5,000-digit integer or JSON nested a thousand deep (RecursionError) must end in a plain
sentence to the clicker, never a traceback or silence.

:func:`read_value` checks the text without recursion first (length, nesting depth), then parses
it with every number checked (finite, whole, within ±1e15) and every value's type checked;
:func:`query_of` and :func:`mute_of` decode the checked value and refuse what the decoders
let through but no button of ours carries (a ranking size outside 1..500).
"""

from __future__ import annotations

import json

from render.blocks import decode_query
from render.blocks.alerts import MuteRequest, decode_mute
from roi_core import Query, RoiError
from roi_core.query import MAX_TOP

MAX_VALUE_CHARS = 2000  # Slack's own limit for a button's value (a menu option's is 150)
MAX_DEPTH = 2  # an object of strings and numbers, holding at most flat lists of strings (a mute's kinds)
MAX_NUMBER = 10**15  # as a sheet cell: no button of ours carries more than a ranking size or a day count
MAX_KEYS = 16
MAX_ITEMS = 32
_SHOWN = 24  # characters of an offending number the reply repeats

QUERY_HINT = {"zh": "请重新输入 /roi 命令", "en": "Ask again with /roi"}
MUTE_HINT = {"zh": "等下一次预警消息再试", "en": "Use the buttons of the next alert message"}


class ButtonValueError(RoiError):
    """A button's value we did not write (or cannot have written): the reply says why, in a sentence
    in ``lang`` (the button's language when its value names one)."""

    def __init__(self, message: str, hint: str | None = None, lang: str = "zh"):
        super().__init__(message, hint)
        self.lang = lang


def _lang(raw: str) -> str:
    # the value names its language when it is not Chinese; a broken value is still answered in it if it says so
    return "en" if '"l":"en"' in raw.replace(" ", "") else "zh"


def _invalid(why_zh: str, why_en: str, lang: str, hints: dict) -> ButtonValueError:
    if lang == "en":
        return ButtonValueError(f"This button no longer works ({why_en})", hints["en"], "en")
    return ButtonValueError(f"这个按钮已失效（{why_zh}）", hints["zh"])


def _depth(raw: str) -> int:
    """The deepest nesting of ``[`` / ``{`` outside strings, in one pass and no recursion."""
    depth = deepest = 0
    in_string = escaped = False
    for ch in raw:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


class _BadNumber(ValueError):
    def __init__(self, text: str):
        super().__init__(text)
        self.text = text


def _number(text: str) -> int:
    """A JSON number of a button: a whole number within ±MAX_NUMBER, else _BadNumber."""
    if len(text) > 20:  # more digits than 1e15 has: refused before int() (which would take 4,300)
        raise _BadNumber(text)
    try:
        value = float(text)
    except ValueError:
        raise _BadNumber(text) from None
    if value != value or value in (float("inf"), float("-inf")) or abs(value) > MAX_NUMBER \
            or value != int(value):
        raise _BadNumber(text)
    return int(value)


def _refuse_constant(text: str):
    raise _BadNumber(text)  # NaN, Infinity, -Infinity: Python's json reads them, JSON has none


def _checked_item(value, lang: str, hints: dict) -> None:
    if isinstance(value, list):
        if len(value) > MAX_ITEMS or not all(isinstance(v, str) for v in value):
            raise _invalid("列表内容不对", "a list holds something else", lang, hints)
    elif value is not None and not isinstance(value, (str, int)):  # bool is an int: harmless here
        raise _invalid("含有不认识的数据", "it holds data of an unknown kind", lang, hints)


def read_value(raw, hints: dict = QUERY_HINT) -> dict:
    """The JSON object a button's value holds, every part checked; ButtonValueError (a Chinese sentence,
    English when the value says ``"l":"en"``) for anything no button of ours carries: not text, over
    2,000 characters, nested deeper than a list in an object, a number that is not whole or beyond
    ±1e15 (1e400, NaN, Infinity), or not an object of strings, whole numbers and lists of strings."""
    raw = raw if isinstance(raw, str) else ""
    lang = _lang(raw[:MAX_VALUE_CHARS])
    if not raw.strip():
        raise _invalid("没有内容", "it is empty", lang, hints)
    if len(raw) > MAX_VALUE_CHARS:
        raise _invalid(f"内容过长：{len(raw):,} 个字符，最多 {MAX_VALUE_CHARS:,}",
                       f"{len(raw):,} characters, at most {MAX_VALUE_CHARS:,}", lang, hints)
    if _depth(raw) > MAX_DEPTH:
        raise _invalid(f"数据嵌套过深，最多 {MAX_DEPTH} 层", f"nested deeper than {MAX_DEPTH} levels", lang, hints)
    try:
        data = json.loads(raw, parse_int=_number, parse_float=_number, parse_constant=_refuse_constant)
    except _BadNumber as err:
        shown = err.text if len(err.text) <= _SHOWN else err.text[:_SHOWN] + "…"
        raise _invalid(f"数字「{shown}」不是 ±1,000 万亿以内的整数",
                       f"the number 「{shown}」 is not a whole number within ±1e15", lang, hints) from None
    except (ValueError, RecursionError):
        raise _invalid("不是按钮写下的数据", "it is not what the button was given", lang, hints) from None
    if not isinstance(data, dict) or len(data) > MAX_KEYS:
        raise _invalid("不是按钮写下的数据", "it is not what the button was given", lang, hints)
    for value in data.values():
        _checked_item(value, lang, hints)
    return data


def query_of(raw) -> Query:
    """The question a query button stands for; ButtonValueError / RoiError with the reason otherwise."""
    data = read_value(raw, QUERY_HINT)
    lang = "en" if data.get("l") == "en" else "zh"
    try:
        query = decode_query(raw)
    except RoiError:
        raise
    except Exception:  # anything else the decoder did not expect: the same plain sentence
        raise _invalid("不是按钮写下的数据", "it is not what the button was given", lang, QUERY_HINT) from None
    if query.top_n is not None and not 1 <= query.top_n <= MAX_TOP:
        raise _invalid(f"排行数量 {query.top_n} 不在 1-{MAX_TOP} 之间", f"a ranking of {query.top_n}, not 1-{MAX_TOP}",
                       lang, QUERY_HINT)
    return query


def mute_of(raw) -> MuteRequest:
    """The mute an alert's button stands for; ButtonValueError / RoiError with the reason otherwise."""
    data = read_value(raw, MUTE_HINT)
    try:
        return decode_mute(raw)
    except RoiError:
        raise
    except Exception:
        lang = "en" if data.get("l") == "en" else "zh"
        raise _invalid("不是按钮写下的数据", "it is not what the button was given", lang, MUTE_HINT) from None
