"""Parts of a period: 11月前两周, 10月后10天, 上半月 / 下半月, 今年上半年 / 去年下半年.

A part word right after a period (only spaces or 的 between) narrows it: the first or last N days or weeks
of it, its first half (days 1–15 of a month, January–June of a year) or second half. Without a period before
it, 上半年 / 下半年 are today's year's and 上半月 / 下半月 today's month's; 前N天 alone keeps its old meaning
(the last N days, read by the period rules), and 后N天 alone is refused rather than read as a ranking.
Nothing is dropped silently: a part that cannot apply is a QueryError naming it.
"""

from __future__ import annotations

import datetime as dt
import re

from roi_core.errors import QueryError
from roi_core.query.period_words import NUM, _month_end, _Span, cn_number

# 前两周 / 后10天 / 头3天 / 最后一周 / 上半月 / 下半年 / 上旬 …
PART = re.compile(rf"(前|后|头|最后|末)\s*{NUM}\s*(天|日|周|个?星期|个?礼拜)|(上|下|前|后)半个?(月|年)|(上|中|下)旬"
                  r"|\b(first|second) half\b|\b(first|last) (\d{1,3}) (days?|weeks?)\b", re.ASCII)
_GLUE = re.compile(r"[\s的]*")
_OF = re.compile(r"\s*(?:of|in)?\s*(?:the\s+)?", re.ASCII)


def _cut(span_start: dt.date, span_end: dt.date, m: re.Match, words: str) -> tuple[dt.date, dt.date]:
    if m[1] or m[8]:  # first / last N days or weeks
        first = (m[1] or m[8]) in ("前", "头", "first")
        n = cn_number(m[2] or m[9])
        unit = m[3] or m[10]
        days = (n or 0) * (7 if unit[0] in "周星礼w" else 1)
        if days < 1:
            raise QueryError(f"时间段「{words}」看不懂", "例：11月前两周、10月后10天")
        length = (span_end - span_start).days + 1
        if days > length:
            raise QueryError(f"「{words}」比这段时间（{length} 天）还长", "例：11月前两周、10月后10天")
        if first:
            return span_start, span_start + dt.timedelta(days=days - 1)
        return span_end - dt.timedelta(days=days - 1), span_end
    if m[6]:  # 上旬 1–10, 中旬 11–20, 下旬 21–end, of the month
        begin = {"上": 1, "中": 11, "下": 21}[m[6]]
        start = span_start.replace(day=begin)
        return start, (span_end if m[6] == "下" else start + dt.timedelta(days=9))
    first = (m[4] or "") in ("上", "前") or (m[7] or "") == "first"
    if (m[5] or "") == "年" or (m[7] and (span_end - span_start).days > 62):
        year = span_start.year
        return (dt.date(year, 1, 1), dt.date(year, 6, 30)) if first else (dt.date(year, 7, 1), dt.date(year, 12, 31))
    start = span_start
    return (start, start.replace(day=15)) if first else (start.replace(day=16), _month_end(start.year, start.month))


def _whole(kind: str, span: _Span | None) -> bool:
    """The span a part applies to is of the right size: 上半年 of a year, 上半月 / 旬 of a month."""
    if span is None or span.start is None:
        return False
    if kind == "year":
        return span.start.month == 1 and span.start.day == 1 and span.end == dt.date(span.start.year, 12, 31)
    return span.start.day == 1 and span.end == _month_end(span.start.year, span.start.month)


def apply_parts(text, spans: list[_Span], today: dt.date) -> list[_Span]:
    """``spans`` with each part word of the unread ``text`` applied to the period just before it (masked once
    read). Raises QueryError for a part that cannot apply (后N天 with no period, 上半年 of a month)."""
    view = text.view()
    out = list(spans)
    for m in PART.finditer(view):
        words = m[0].strip()
        before = next((s for s in reversed(out) if s.to <= m.start() and _GLUE.fullmatch(view[s.to:m.start()])),
                      None)
        kind = "year" if (m[5] == "年") else "month" if (m[5] == "月" or m[6]) else "any"
        if before is None and (m[7] or m[8]):  # "first half of this year", "first 10 days of 2026-10"
            before = next((s for s in out if s.at >= m.end() and _OF.fullmatch(view[m.end():s.at])), None)
        if before is None:
            if m[1] == "前" or m[8] == "last":
                continue  # 前7天 alone: the last 7 days (the period rules read it); "last 7 days" likewise
            if kind == "year":
                before = _Span(m.start(), m.start(), dt.date(today.year, 1, 1), dt.date(today.year, 12, 31))
            elif kind == "month":
                before = _Span(m.start(), m.start(), today.replace(day=1), _month_end(today.year, today.month))
            else:
                raise QueryError(f"「{words}」是哪段时间的？", "请在前面写上月份，例：11月后10天、10月最后一周")
        elif kind != "any" and not _whole(kind, before) and not (kind == "month" and m[7]):
            raise QueryError(f"「{before.words}{words}」看不懂", "例：11月上半月、今年上半年、10月下旬")
        if before.start is None:
            raise QueryError(f"「{before.words}{words}」还没有到，没有数据", "问已经过去的时间，例：上个月前两周")
        start, end = _cut(before.start, before.end, m, before.words + words)
        if before in out:
            out.remove(before)
        at, to = min(before.at, m.start()) if before.to > before.at else m.start(), max(before.to, m.end())
        out.append(_Span(at, to, start, end, None, f"{before.words}{words}"))
        text.take(m.start(), m.end())
    return sorted(out, key=lambda s: s.at)


def absorb_rolling(text, spans: list[_Span]) -> list[_Span]:
    """A rolling "前N天/周" the period rules read right after another period is a part of it (11月前两周):
    the two become the first N days or weeks of that period."""
    out: list[_Span] = []
    view = text.low
    for span in spans:
        prev = out[-1] if out else None
        if span.rolling and span.words.startswith("前") and prev is not None and prev.start is not None \
                and _GLUE.fullmatch(view[prev.to:span.at]):
            m = PART.fullmatch(span.words)
            if m is not None and m[1]:
                start, end = _cut(prev.start, prev.end, m, prev.words + span.words)
                out[-1] = _Span(prev.at, span.to, start, end, None, prev.words + span.words)
                continue
        out.append(span)
    # "last 10 days of October": the rolling "last 10 days" is the end of the period after it
    for i, span in enumerate(out[:-1]):
        after = out[i + 1]
        m = PART.fullmatch(span.words)
        if span.rolling and m is not None and m[8] and after.start is not None \
                and _OF.fullmatch(view[span.to:after.at]):
            start, end = _cut(after.start, after.end, m, span.words + " of " + after.words)
            out[i:i + 2] = [_Span(span.at, after.to, start, end, None, f"{span.words} of {after.words}")]
            break
    return out
