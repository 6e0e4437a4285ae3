"""A question's dates against the sheet's own date window (设置 最早日期 … 最晚日期).

The parser reads any date the calendar can hold; whether the sheet can hold it is known only with the
sheet's settings, so the answer checks it here, before any figure is computed (a period in year 9999 would
otherwise reach pandas, whose dates end in 2262)."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core.errors import QueryError
from roi_core.query.model import Query, period_label


def _month_days(month: pd.Period) -> tuple[dt.date, dt.date]:
    return dt.date(month.year, month.month, 1), dt.date(month.year, month.month, month.days_in_month)


def _outside(query: Query, earliest: dt.date, latest: dt.date) -> bool:
    days = [query.start, query.end]
    if query.month is not None:
        days += list(_month_days(query.month))
    return any(day is not None and not earliest <= day <= latest for day in days)


def check_window(query: Query, earliest: dt.date, latest: dt.date) -> None:
    """Raise :class:`QueryError` when the query's period, month or a compared side leaves
    ``earliest`` … ``latest``, naming the period as the answer would and the window, in the query's language.

    >>> q = Query(kind="channels", start=dt.date(9999, 7, 1), end=dt.date(9999, 9, 30), lang="zh")
    >>> try:
    ...     check_window(q, dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    ... except QueryError as err:
    ...     print(err.message)
    时间「9999-07-01 ~ 9999-09-30」超出范围：表格的日期应在 2000-01-01 至 2100-12-31 之间
    """
    for side in (query, *query.sides):
        if not _outside(side, earliest, latest):
            continue
        said = period_label(side) or (str(side.month) if side.month is not None else f"{side.start} ~ {side.end}")
        if query.lang == "en":
            raise QueryError(f"The period {said} is out of range: the sheet's dates run from {earliest} to {latest}",
                             "the sheet's 设置 最早日期 / 最晚日期 can widen this range")
        raise QueryError(f"时间「{said}」超出范围：表格的日期应在 {earliest} 至 {latest} 之间",
                         "表格「设置」的 最早日期 / 最晚日期 可以放宽这个范围")
