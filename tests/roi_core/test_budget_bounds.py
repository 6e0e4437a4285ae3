"""A budget asked in a question obeys the sheet's bounds: more than 0 (at least one 分) and at most 1e15 yuan.

Outside them the question is refused with the amount as typed and the bound, in the asker's language;
inside, the amount is read exactly (no float rounding of the bound check: Decimal).
"""

from __future__ import annotations

import datetime as dt

import pytest

from roi_core import QueryError, parse_query
from roi_core.query.budget_words import MAX_BUDGET

TODAY = dt.date(2026, 11, 30)


@pytest.mark.parametrize("text, budget", [
    ("下个月预算 25万怎么分", 250_000.0),  # 25 x 1万 = 250,000
    ("预算 ¥500,000", 500_000.0),  # commas read as thousands
    ("budget 500k how to split", 500_000.0),  # 500 x 1k
    ("预算 1.5万", 15_000.0),  # 1.5 x 10,000
    ("预算 3e5", 300_000.0),  # 3 x 10^5
    ("预算 10000000亿", 1e15),  # 10^7 x 10^8 = 10^15: the bound itself is allowed
    ("预算 0.01元", 0.01),  # one 分: the smallest amount a sheet cell may hold
    ("预算 1000000000000000元", 1e15),  # 10^15 written out
])
def test_amounts_within_the_bounds_are_read(text, budget):
    q = parse_query(text, TODAY)
    assert q.kind == "advice" and q.budget == budget


def _refusal(text: str) -> QueryError:
    with pytest.raises(QueryError) as err:
        parse_query(text, TODAY)
    return err.value


def test_the_reported_question_is_refused_naming_the_value_and_the_bound():
    err = _refusal("/roi 下个月预算 100000000000000000000元怎么分")  # 10^20 > 10^15
    assert err.message == "预算「100000000000000000000元」超过上限 1,000,000,000,000,000 元（1,000 万亿）"
    assert err.hint == "请检查单位和位数，例：/roi 下个月预算 50万怎么分"


@pytest.mark.parametrize("text, message", [
    # 10^16 = ten times the bound, written three ways
    ("预算 10000000000000000元", "预算「10000000000000000元」超过上限 1,000,000,000,000,000 元（1,000 万亿）"),
    ("预算 1e16", "预算「1e16」超过上限 1,000,000,000,000,000 元（1,000 万亿）"),
    # 10,000,001 x 10^8 = 1,000,000,100,000,000: one 亿 over; the yuan figure is spelled out as the unit made it
    ("预算 10000001亿", "预算「10000001亿」（即 1,000,000,100,000,000 元）超过上限 1,000,000,000,000,000 元（1,000 万亿）"),
    # one 分 over the bound: no float rounding hides it (10^15 + 0.01 is not a float)
    ("预算 1000000000000000.01元", "预算「1000000000000000.01元」超过上限 1,000,000,000,000,000 元（1,000 万亿）"),
    # 1e400 is inf as a float: refused, never split
    ("预算 1e400", "预算「1e400」超过上限 1,000,000,000,000,000 元（1,000 万亿）"),
    ("下个月预算 0元怎么分", "预算「0元」应大于 0"),
    ("预算 -5万怎么分", "预算「-5万」（即 -50,000 元）应大于 0"),  # -5 x 10,000
    ("预算 负5万", "预算「负5万」（即 -50,000 元）应大于 0"),
    ("预算 0.001元", "预算「0.001元」不足 0.01 元（1 分）"),
])
def test_amounts_outside_the_bounds_are_refused_in_chinese(text, message):
    assert _refusal(text).message == message


@pytest.mark.parametrize("text, message", [
    ("budget 10000000000000000 how to split",
     "The budget 「10000000000000000」 is over the limit of 1,000,000,000,000,000 yuan (1e15)"),
    ("budget 0 yuan how to split", "The budget 「0 yuan」 must be more than 0"),
    ("budget -5k", "The budget 「-5k」 (= -5,000 yuan) must be more than 0"),  # -5 x 1,000
])
def test_an_english_question_is_refused_in_english(text, message):
    err = _refusal(text)
    assert err.message == message and err.hint.endswith("e.g. budget 500k how to split")


def test_a_very_long_amount_is_shown_cut():
    err = _refusal("预算 " + "9" * 300 + "元")
    assert err.message.startswith("预算「" + "9" * 40 + "…」超过上限") and len(err.message) < 100


def test_a_minus_between_numbers_is_no_sign():
    # 9月-10月 is a range of months, not a budget of -10; the budget is 5万 = 50,000
    q = parse_query("9月-10月 预算 5万", TODAY)
    assert q.budget == 50_000.0


def test_the_bound_is_the_sheets():
    from roi_core.parse import MAX_MAGNITUDE

    assert MAX_BUDGET == MAX_MAGNITUDE == 1e15
