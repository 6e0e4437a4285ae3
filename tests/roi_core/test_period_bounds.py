"""A period in a question is bounded like a date cell (1900-01-01 … 2261-12-31): year 0 or 9999 is a typo,
answered in words, never a bug message."""

from __future__ import annotations

import datetime as dt

import pytest

from roi_core import QueryError, parse_query

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize("text, token", [
    ("渠道 0000-01", "0000-01"),     # dt.date refuses year 0: it used to escape as a ValueError
    ("Q3 9999", "q3 9999"),          # a quarter in 9999 used to reach pandas and fail there
    ("渠道 1899-12", "1899-12"),     # one month before the earliest day a sheet can hold
    ("月报 2262-01", "2262-01"),     # one month after the latest
])
def test_a_period_outside_the_sheets_dates_is_refused_in_chinese(text, token):
    with pytest.raises(QueryError) as err:
        parse_query(text, TODAY)
    assert err.value.message == f"时间「{token}」超出范围：日期要在 1900-01-01 到 2261-12-31 之间"


def test_english_questions_are_refused_in_english():
    with pytest.raises(QueryError) as err:
        parse_query("channels 0000-01", TODAY)
    assert err.value.message == "The period “0000-01” is out of range: dates run from 1900-01-01 to 2261-12-31"


@pytest.mark.parametrize("text, start, end", [
    ("渠道 1900-01", dt.date(1900, 1, 1), dt.date(1900, 1, 31)),    # the edges still answer
    ("渠道 2261-12", dt.date(2261, 12, 1), dt.date(2261, 12, 31)),
    ("渠道 2026-10", dt.date(2026, 10, 1), dt.date(2026, 10, 31)),
])
def test_periods_inside_the_bounds_are_read_as_before(text, start, end):
    query = parse_query(text, TODAY)
    assert (query.start, query.end) == (start, end)
