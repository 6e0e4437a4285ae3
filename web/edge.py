"""Bounds on everything a caller sends the plugin API, checked before any of it is parsed or computed.

A request body is JSON of at most ``API_BODY_LIMIT`` bytes (``web.api``); inside that, arrays and
objects nest at most :data:`MAX_JSON_DEPTH` levels (counted on the raw text, before ``json`` can
recurse), and every number is finite and within what a sheet cell accepts (|x| ≤ 1e15, the contract's
``roi_core.parse.MAX_MAGNITUDE``). A period, month or date asked lies inside the sheet's own date window
(设置 最早日期 / 最晚日期, by default 2000-01-01 .. 2100-12-31): the same window outside which a date cell is
a problem, so nothing outside it can have data, and pandas never sees a year it cannot hold. Text
parameters are at most :data:`MAX_PARAM` characters.

Every refusal is :class:`BadInput`: a 400 with one Chinese line naming the parameter and the value, and a
hint; never a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re

from roi_core.parse import MAX_MAGNITUDE

MAX_JSON_DEPTH = 20  # levels of arrays/objects in a body; a question is {"q": "..."}: one level
MAX_NUMBER = MAX_MAGNITUDE  # 1e15: the largest magnitude a sheet cell of the contract accepts
MAX_PARAM = 200  # characters of a campaign, channel or model name in a query string
_MAX_DIGITS = len(str(int(MAX_NUMBER)))  # 16: an integer literal longer than this is out of range
JSON_EXAMPLE = '例：{"q": "618活动"}'
PERIOD_EXAMPLE = "例：上个月、2026-10、Q3、近30天"

# a JSON string, escapes included, blanked before the brackets are counted so that "[[[" inside a question is
# not nesting. An unterminated string runs to the end of the text (which is not JSON then anyway): so every
# match attempt at a quote succeeds and the scan is linear. A pattern that must find the closing quote is
# retried from every later quote and takes seconds on 64 KiB of \" with none.
_STRING = re.compile(r'"[^"\\]*+(?:\\.[^"\\]*+)*+(?:"|\\?\Z)', re.S)
_BRACKET = re.compile(r"[\[\]{}]")


class BadInput(Exception):
    """A request the API refuses with 400: ``message`` names the parameter and its value, ``hint`` the fix."""

    status = 400

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.message, self.hint = message, hint


class NotJson(BadInput):
    """The text is not JSON at all (as opposed to JSON past the bounds)."""


def json_depth(text: str, limit: int = MAX_JSON_DEPTH) -> int:
    """How deep ``text``'s arrays and objects nest, without parsing it; the count stops at ``limit + 1``.

    Brackets inside strings do not count. For text that is not JSON the count is a bound only (the
    parser refuses such text anyway)."""
    depth = deepest = 0
    for match in _BRACKET.finditer(_STRING.sub('""', text)):
        if match[0] in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        else:
            depth -= 1
    return deepest


def _shown(literal: str) -> str:
    return literal if len(literal) <= 40 else literal[:37] + "…"


class _Numbers:
    """``json.loads`` hooks that refuse, naming ``what`` held it, a number a sheet cell cannot hold."""

    def __init__(self, what: str):
        self.what = what

    def refused(self, literal: str) -> BadInput:
        return BadInput(f"{self.what}里的数字「{_shown(literal)}」超出范围：绝对值应不超过 1,000 万亿（1e15），"
                        "且不能是 NaN 或 Infinity", JSON_EXAMPLE)

    def integer(self, literal: str) -> int:
        if len(literal.lstrip("-")) > _MAX_DIGITS:  # before int(): a 5,000-digit literal is refused, not converted
            raise self.refused(literal)
        value = int(literal)
        if abs(value) > MAX_NUMBER:
            raise self.refused(literal)
        return value

    def real(self, literal: str) -> float:
        value = float(literal)  # 1e400 reads as inf: refused below with the literal as written
        if not math.isfinite(value) or abs(value) > MAX_NUMBER:
            raise self.refused(literal)
        return value

    def constant(self, literal: str):
        raise BadInput(f"{self.what}里的「{literal}」不是数字：JSON 里不能有 NaN 或 Infinity", JSON_EXAMPLE)


def parse_json(raw: bytes | str, what: str = "请求体"):
    """``raw`` parsed as JSON within the bounds above, or :class:`BadInput`.

    Depth is checked on the text first, so a body nested 10,000 levels never reaches the recursive
    parser; numbers are checked as they are read."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise NotJson(f"{what}不是 UTF-8 编码的 JSON", JSON_EXAMPLE) from None
    if json_depth(raw) > MAX_JSON_DEPTH:
        raise BadInput(f"{what}的 JSON 嵌套太深：超过 {MAX_JSON_DEPTH} 层", JSON_EXAMPLE)
    try:
        hooks = _Numbers(what)
        return json.loads(raw, parse_int=hooks.integer, parse_float=hooks.real, parse_constant=hooks.constant)
    except (ValueError, RecursionError):  # not JSON; RecursionError cannot happen below the depth cap
        raise NotJson(f"{what}不是合法的 JSON", JSON_EXAMPLE) from None


def text_param(name: str, value: str | None, limit: int = MAX_PARAM) -> str | None:
    """A query-string parameter, stripped (None when absent or blank), at most ``limit`` characters."""
    text = (value or "").strip()
    if len(text) > limit:
        raise BadInput(f"参数 {name} 太长：{len(text)} 个字（最多 {limit} 个）", "写表格里的名称，例：618活动、抖音")
    return text or None


def date_window(settings) -> tuple[dt.date, dt.date]:
    """The days a period may cover: the sheet's 设置 最早日期 .. 最晚日期 (default 2000-01-01 .. 2100-12-31)."""
    return settings.earliest_date, settings.latest_date


def _outside(start: dt.date | None, end: dt.date | None, window: tuple[dt.date, dt.date]) -> bool:
    lo, hi = window
    return any(day is not None and not lo <= day <= hi for day in (start, end))


def _window_text(window: tuple[dt.date, dt.date]) -> str:
    return f"应在 {window[0]:%Y-%m-%d} 至 {window[1]:%Y-%m-%d} 之间"


WINDOW_HINT = "表格「设置」的 最早日期 / 最晚日期 可以放宽这个范围"


def check_period(name: str, value: str, start: dt.date | None, end: dt.date | None,
                 window: tuple[dt.date, dt.date]) -> None:
    """Refuse parameter ``name`` (its text ``value``) when the period it names leaves ``window``."""
    if _outside(start, end, window):
        raise BadInput(f"参数 {name} 的值「{_shown(value)}」超出范围：时间段{_window_text(window)}",
                       f"{PERIOD_EXAMPLE}；{WINDOW_HINT}")


def _month_outside(month, window: tuple[dt.date, dt.date]) -> bool:
    if not 1 <= month.year <= 9999:
        return True
    return not window[0].replace(day=1) <= dt.date(month.year, month.month, 1) <= window[1]


def check_month(name: str, value: str, month, window: tuple[dt.date, dt.date]) -> None:
    """Refuse parameter ``name`` when ``month`` (a pandas Period of freq M) leaves ``window``."""
    if _month_outside(month, window):
        raise BadInput(f"参数 {name} 的值「{_shown(value)}」超出范围：月份应在 {window[0]:%Y-%m} 至 {window[1]:%Y-%m} 之间",
                       f"写成 2026-10；{WINDOW_HINT}")


def check_query(query, window: tuple[dt.date, dt.date], *, zh: str, en: str) -> None:
    """Refuse a question whose period, month or compared sides leave ``window``: said in the question's
    language, ``zh``/``en`` naming where it came from (e.g. "问题 q" / "question q")."""
    from roi_core.query.model import period_label

    month = query.month
    if _outside(query.start, query.end, window) or (month is not None and _month_outside(month, window)):
        said = _shown(period_label(query) or (str(month) if month is not None else f"{query.start} ~ {query.end}"))
        if query.lang == "en":
            raise BadInput(f"The period {said} in {en} is out of range: it should be between {window[0]:%Y-%m-%d} "
                           f"and {window[1]:%Y-%m-%d}", "e.g. last month, 2026-10, Q3, last 30 days; the sheet's "
                           "设置 最早日期 / 最晚日期 can widen this range")
        raise BadInput(f"{zh} 里的时间「{said}」超出范围：时间段{_window_text(window)}", f"{PERIOD_EXAMPLE}；{WINDOW_HINT}")
    for side in query.sides:
        check_query(side, window, zh=zh, en=en)
