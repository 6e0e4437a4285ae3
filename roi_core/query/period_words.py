"""Period words: the closed set of Chinese and English forms of a date, month, quarter, year or
rolling window (上个月, Q3, 年初至今, 近30天, 2026-10, last month), read by ordered regex rules."""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import pandas as pd

from roi_core.errors import QueryError
from roi_core.query.normalize import _Text

# --------------------------------------------------------------------------- numbers and dates
_CN_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
NUM = r"(\d{1,4}|[零一二两三四五六七八九十]{1,3})"


def cn_number(token: str) -> int | None:
    """``"12"``, ``"十二"``, ``"二十"``, ``"三"`` → the integer; None for anything else."""
    if token.isdigit():
        return int(token)
    if not token or any(c not in _CN_DIGITS and c != "十" for c in token):
        return None
    if "十" not in token:
        return _CN_DIGITS[token] if len(token) == 1 else None
    tens, _, ones = token.partition("十")
    if len(tens) > 1 or len(ones) > 1:
        return None
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[ones] if ones else 0)


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def _month_span(year: int, month: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, month, 1), _month_end(year, month)


def _add_months(year: int, month: int, k: int) -> tuple[int, int]:
    index = year * 12 + month - 1 + k
    return index // 12, index % 12 + 1


def _quarter_span(year: int, q: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 3 * q - 2, 1), _month_end(year, 3 * q)


def _minus_months(day: dt.date, k: int) -> dt.date:
    year, month = _add_months(day.year, day.month, -k)
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


_EN_MONTHS = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
              "nov": 11, "dec": 12}
_EN_MONTH = (r"\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?"
             r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b")


@dataclass(frozen=True)
class _Span:
    """A period found in the text: where (``at``..``to`` in the text), which dates, and whether it
    names a whole year (then, next to a campaign, it picks the edition)."""

    at: int
    to: int
    start: dt.date
    end: dt.date
    year: int | None = None
    words: str = ""
    rolling: bool = False  # "近30天": not a named month even when its dates are one


def _bad_month(token: str) -> QueryError:
    return QueryError(f"月份「{token}」不存在", "请写成 2026-10 这样的格式")


def _latest_month(month: int, today: dt.date) -> int:
    """The year of the latest ``month`` that has begun (10月 in November 2026 → 2026; 12月 → 2025)."""
    return today.year if month <= today.month else today.year - 1


def _date(year: int, month: int, day: int, token: str) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise QueryError(f"日期「{token}」不存在", "请写成 2026-10-15 这样的格式") from None


# Each rule: a pattern and a function (match, today) -> (start, end[, year]). Tried in order; a
# match masks its characters, so a later, shorter rule cannot read the same words again.
def _rules() -> list[tuple[re.Pattern, object]]:
    def date_full(m, today):
        d = _date(int(m[1]), int(m[2]), int(m[3]), m[0])
        return d, d

    def date_md(m, today):
        month, day = cn_number(m[1]), cn_number(m[2])
        if month is None or day is None or not 1 <= month <= 12:
            raise _bad_month(m[0])
        year = today.year if (month, day) <= (today.month, today.day) else today.year - 1
        d = _date(year, month, day, m[0])
        return d, d

    def year_month(m, today):
        month = cn_number(m[2])
        if month is None or not 1 <= month <= 12:
            raise _bad_month(m[0].strip())
        return _month_span(int(m[1]), month)

    def compact_month(m, today):
        if not 1 <= int(m[2]) <= 12:
            raise _bad_month(m[0])
        return _month_span(int(m[1]), int(m[2]))

    def month_only(m, today):
        month = cn_number(m[1])
        if month is None or not 1 <= month <= 12:
            raise _bad_month(m[0].strip())
        return _month_span(_latest_month(month, today), month)

    def en_month(m, today):
        month = _EN_MONTHS[m[1][:3]]
        year = int(m[2]) if m[2] else _latest_month(month, today)
        return _month_span(year, month)

    def quarter_of(year_text, q_text, today):
        q = cn_number(q_text)
        if year_text:
            return _quarter_span(int(year_text), q)
        this_q = (today.month - 1) // 3 + 1
        return _quarter_span(today.year if q <= this_q else today.year - 1, q)

    def relative_quarter(k):
        def rule(m, today):
            year, month = _add_months(today.year, (today.month - 1) // 3 * 3 + 1, -3 * k)
            return _quarter_span(year, (month - 1) // 3 + 1)
        return rule

    def relative_month(k):
        def rule(m, today):
            return _month_span(*_add_months(today.year, today.month, -k))
        return rule

    def relative_year(k):
        def rule(m, today):
            year = today.year - k
            return dt.date(year, 1, 1), dt.date(year, 12, 31), year
        return rule

    def relative_week(k):
        def rule(m, today):
            monday = today - dt.timedelta(days=today.weekday() + 7 * k)
            return monday, monday + dt.timedelta(days=6)
        return rule

    def relative_day(k):
        def rule(m, today):
            d = today - dt.timedelta(days=k)
            return d, d
        return rule

    def last_n(m, today):
        n = cn_number(m[1])
        unit = m[2]
        if n is None or n < 1 or n > 3660:
            raise QueryError(f"时间段「{m[0].strip()}」看不懂", "例：近30天、最近3个月")
        if unit[0] in "天日d":
            start = today - dt.timedelta(days=n - 1)
        elif unit[0] in "周星礼w":
            start = today - dt.timedelta(days=7 * n - 1)
        else:
            start = _minus_months(today, 12 * n if unit[0] in "年y" else n) + dt.timedelta(days=1)
        return start, today, None, "rolling"

    def ytd(m, today):
        return dt.date(today.year, 1, 1), today, None, "rolling"

    def mtd(m, today):
        return dt.date(today.year, today.month, 1), today, None, "rolling"

    def whole_year(m, today):
        year = int(m[1])
        return dt.date(year, 1, 1), dt.date(year, 12, 31), year

    def half_year(m, today):  # H1 / H2 (2026): the first or second six months of the year (default: this one)
        year = int(m[2]) if m[2] else today.year
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if m[1] == "1" else (dt.date(year, 7, 1), dt.date(year, 12, 31))

    def future(m, today):
        return None, None  # 下个月: the plan's month for advice, no data for anything else

    cn_unit = r"(天|日|周|个?星期|个?礼拜|个?月|年)"
    en_unit = r"(days?|weeks?|months?|years?)"
    rules = [
        (r"(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?", date_full),
        (rf"(?<![\d年])(\d{{1,2}}|[一二三四五六七八九十]{{1,3}})\s*月\s*{NUM}\s*[日号]", date_md),
        (r"(?<!\d)(\d{4})\s*(?:年|[-/.])\s*(\d{1,2}|[一二三四五六七八九十]{1,3})(?![\d.])\s*(?:月份|月)?", year_month),
        (r"(?<!\d)(20\d{2})(\d{2})(?!\d)", compact_month),
        (r"(?<!\d)(\d{4})\s*年?\s*(?:q|第)\s*([1-4一二三四])\s*(?:季度|季)?", lambda m, t: quarter_of(m[1], m[2], t)),
        (r"\bq([1-4])\b(?:\s*,?\s*(\d{4})\b)?", lambda m, t: quarter_of(m[2], m[1], t)),
        (r"上上(?:个|一)?季度", relative_quarter(2)),
        (r"上(?:个|一)?季度|上季|\b(?:last|previous) quarter\b", relative_quarter(1)),
        (r"本季度|这个?季度|本季|当季|\b(?:this|current) quarter\b|\bqtd\b", relative_quarter(0)),
        (r"第?([1-4一二三四])\s*季度", lambda m, t: quarter_of(None, m[1], t)),
        (r"(?:近|最近|过去|这)\s*半\s*年(?:内|以来|里|来)?", lambda m, t: last_n(("", "6", "月"), t)),  # 近半年
        (rf"(?:近|最近|过去|前)\s*{NUM}\s*{cn_unit}(?:内|以来|里)?", last_n),
        (rf"\b(?:last|past|previous)\s+(\d{{1,4}})\s+{en_unit}\b", last_n),
        (r"(?:最近|近)一周|\b(?:the )?past week\b", lambda m, t: (t - dt.timedelta(days=6), t, None, "rolling")),
        (r"(?:目前|现在|今天|当前)为止|截[至止]到?(?:目前|现在|今天|今日)", relative_day(0)),  # 11月到目前为止
        (r"年初至今|年初到(?:现在|今天|今)|今年(?:以来|到现在)|\bytd\b|\byear[- ]to[- ]date\b", ytd),
        (r"\bmtd\b|\bmonth[- ]to[- ]date\b|本月至今", mtd),
        (r"上上(?:一个|个|一)?月|\bmonth before last\b", relative_month(2)),
        (r"上(?:一个|个|一)?月份?|\b(?:last|previous) month\b", relative_month(1)),
        (r"本月份?|这(?:一个|个|一)?月|当月|\b(?:this|current) month\b", relative_month(0)),
        (r"上上周|上上(?:个)?星期", relative_week(2)),
        (r"上(?:个|一)?(?:周|星期|礼拜)|\blast week\b", relative_week(1)),
        (r"本周|这(?:个|一)?(?:周|星期|礼拜)|\bthis week\b", relative_week(0)),
        (r"昨天|\byesterday\b", relative_day(1)),
        (r"今天|今日|\btoday\b", relative_day(0)),
        (r"前年|\byear before last\b", relative_year(2)),
        (r"去年|上一年|\blast year\b", relative_year(1)),
        (r"今年|本年度?|\bthis year\b", relative_year(0)),
        (r"下(?:个|一)?月(?!报)|下(?:个|一)?季度|下(?:个|一)?(?:周|星期)|明年|明天|\bnext (?:month|quarter|week|year)\b",
         future),
        (r"\bh([12])\b(?:\s*,?\s*(\d{4})\b)?", half_year),
        (rf"{_EN_MONTH}(?:\s*,?\s*(\d{{4}})\b)?", en_month),
        (r"(?<![\d.])(20\d{2})\s*(?:年|全年)", whole_year),
        (r"(?<![\d.q/年])(\d{1,2}|[一二三四五六七八九十]{1,3})\s*月份?", month_only),
        (r"(?<![\d.\-/])(20\d{2})(?![\d.\-/%])", whole_year),
    ]
    return [(re.compile(p, re.ASCII), f) for p, f in rules]


_PERIOD_RULES = _rules()
_RANGE_JOIN = re.compile(r"\s*(?:到|至|~|-|—|–|\bto\b|\buntil\b|\btill\b|\bthrough\b|\bthru\b|\band\b)\s*", re.ASCII)
_RANGE_FROM = re.compile(r"(?:从|由|\bfrom\b|\bbetween\b)\s*$", re.ASCII)


def _as_month(start: dt.date, end: dt.date) -> pd.Period | None:
    if start.day == 1 and end == _month_end(start.year, start.month):
        return pd.Period(year=start.year, month=start.month, freq="M")
    return None


def parse_month(token: str, today: dt.date) -> pd.Period | None:
    """``2026-10``, ``2026/10``, ``2026.10``, ``202610``, ``2026年10月``, ``10月`` (the latest past one),
    ``上月``/``last month``, ``本月``/``this month``. None when the token is no month."""
    text = _Text(unicodedata.normalize("NFKC", token or "").strip())
    for pattern, rule in _PERIOD_RULES:
        m = pattern.fullmatch(text.low)
        if m:
            result = rule(m, today)
            return _as_month(result[0], result[1])
    return None
