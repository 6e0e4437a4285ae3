"""A budget amount in an advice question, read only beside a budget word."""

import datetime as dt

import pytest

from roi_core import parse_query

TODAY = dt.date(2026, 11, 30)
NAMES = {"known_campaigns": ["618活动", "2025双11大促"], "known_channels": ["抖音", "微信"]}


@pytest.mark.parametrize(("text", "amount", "lang"), [
    ("下个月预算 50万怎么分", 500_000, "zh"),
    ("下个月预算1.5万怎么分", 15_000, "zh"),
    ("预算 ¥500,000", 500_000, "zh"),
    ("budget 500k how to split", 500_000, "en"),
    ("budget $20,000", 20_000, "en"),
])
def test_the_amount_is_the_budget_to_split(text, amount, lang):
    q = parse_query(text, TODAY, **NAMES)
    assert (q.kind, q.budget, q.lang, q.text) == ("advice", amount, lang, "")


def test_no_amount_and_no_budget_word_read_as_before():
    assert parse_query("下个月预算怎么分", TODAY, **NAMES).budget is None
    q = parse_query("预算 50万 2026-10", TODAY, **NAMES)
    assert (q.budget, str(q.month)) == (500_000, "2026-10")  # the month is a month, the amount the budget
    assert parse_query("budget 2026-10", TODAY, **NAMES).budget is None
    top = parse_query("排行 10", TODAY, **NAMES)
    assert (top.kind, top.top_n, top.budget) == ("top", 10, None)
