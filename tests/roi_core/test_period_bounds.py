"""A period in a question is bounded: a date no calendar holds (year 0) is refused by the parser, and a
period outside the sheet's own window (设置 最早日期 … 最晚日期, default 2000-01-01 … 2100-12-31) by the
answer, in words, before any figure is computed; never the bug message."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pandas as pd
import pytest

from roi_core import DataError, QueryError, answer, parse_query
from roi_core.sheetdata import load_sheet

TODAY = dt.date(2026, 11, 30)
HEADERS = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]


@pytest.fixture(scope="module")
def data():
    return load_sheet({"活动": [HEADERS, ["国庆", "抖音", "2026-10-01", "2026-10-07", 1000, 3000]]})


def test_year_zero_is_refused_by_the_parser_in_either_language():
    with pytest.raises(QueryError) as err:
        parse_query("渠道 0000-01", TODAY)  # dt.date refuses year 0: it used to escape as a ValueError
    assert err.value.message == "时间「0000-01」不是日历上的日期"
    with pytest.raises(QueryError) as err:
        parse_query("channels 0000-01", TODAY)
    assert err.value.message == "The period “0000-01” is not a date of the calendar"


@pytest.mark.parametrize("text, said", [
    ("Q3 9999", "9999-07-01 ~ 9999-09-30"),  # used to reach pandas (dates end in 2262) and fail there
    ("渠道 9999-12", "9999-12"),
    ("渠道 1999-12", "1999-12"),                # one month before the default window
    ("月报 2101-01", "2101-01"),                # one month after it
    ("渠道 2026-10-01到9999-12-31", "2026-10-01 ~ 9999-12-31"),
])
def test_a_period_outside_the_sheets_window_is_refused_by_the_answer(data, text, said):
    with pytest.raises(QueryError) as err:
        answer(parse_query(text, TODAY), data, TODAY)
    assert err.value.message == f"时间「{said}」超出范围：表格的日期应在 2000-01-01 至 2100-12-31 之间"
    assert err.value.hint == "表格「设置」的 最早日期 / 最晚日期 可以放宽这个范围"


def test_english_questions_are_refused_in_english(data):
    with pytest.raises(QueryError) as err:
        answer(parse_query("channels 1999-12", TODAY), data, TODAY)
    assert err.value.message == "The period 1999-12 is out of range: the sheet's dates run from 2000-01-01 to 2100-12-31"


def test_the_sheets_own_window_decides(data):
    wide = replace(data, settings=replace(data.settings, earliest_date=dt.date(1990, 1, 1)))
    with pytest.raises(DataError) as err:  # inside the widened window: read, and told there is nothing there
        answer(parse_query("渠道 1999-12", TODAY), wide, TODAY)
    assert err.value.message == "1999-12 没有活动数据"


def test_a_period_inside_the_window_answers_as_before(data):
    ans = answer(parse_query("渠道 2026-10", TODAY), data, TODAY)
    (row,) = ans.channels
    assert row["channel"] == "抖音" and row["roi"] == pytest.approx(2.0)  # (3,000 − 1,000) / 1,000
    assert pd.Period("2026-10", freq="M") == parse_query("渠道 2026-10", TODAY).month
