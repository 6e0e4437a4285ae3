"""Profit said as profit, and intervals that hold their point (issue 24, parts 2 and 3).

The two channels of test_budget_break_even (A: 200k·x/(x + 50k) at 50k a month, B: 600k·x/(x + 100k) at
40k a month, today 90k in all).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from render.text import render_text
from roi_core import answer, parse_query
from roi_core.budget import hill
from roi_core.budget.plan import _spread
from tests.roi_core.helpers import sheet
from tests.roi_core.test_budget import PATTERN, month_rows
from tests.roi_core.test_budget_break_even import A_BETA, A_HALF, B_BETA, B_HALF, ask

TODAY = dt.date(2027, 1, 15)


def test_profit_change_is_return_change_less_the_extra_money_exactly():
    ans = ask("下个月预算 12万怎么分")
    plan = ans.budget
    # A stays at 50k (break-even), B 40k → 60k: return +600k·(60/160 − 40/140) = +53,571.43;
    # the plan spends 110,000 − 90,000 = 20,000 more, so profit +33,571.43
    assert plan["expected_change"]["value"] == pytest.approx(53_571.43, rel=1e-3)
    assert plan["extra_spend"] == 20_000
    profit = plan["expected_profit_change"]
    for key in ("value", "low", "high"):  # exactly, interval ends too: the extra money is certain
        assert profit[key] == plan["expected_change"][key] - 20_000
    assert profit["value"] == pytest.approx(33_571.43, rel=1e-3)


def test_the_text_leads_with_profit_then_gives_the_return():
    text = render_text(ask("下个月预算 12万怎么分"))
    line = next(x for x in text.splitlines() if x.startswith("预计利润变化"))
    assert line.startswith("预计利润变化：+¥33,571（80% 区间 ")
    assert "；预计收益变化 +¥53,571（80% 区间 " in line and "减去多投的 ¥20,000（当前每月 ¥90,000）" in line
    en = render_text(ask("budget 120k how to split"))
    assert "expected change in profit: +¥33,571 (80% interval " in en
    assert "expected change in return +¥53,571" in en and "less the extra ¥20,000 against today's ¥90,000" in en


def test_same_total_says_profit_is_the_return_change():
    ans = ask("建议")
    rows = {r["channel"]: r for r in ans.reallocation}
    # same 90k: B to its 60k cap (2.344 per yuan there beats A's 200k·50k/80k² = 1.5625 at 30k), A 30k:
    # A 200k·(30/80 − 50/100) = −25,000, B +53,571.43: +28,571.43 in return and, nothing spent extra, in profit
    assert rows["B"]["proposed"] == 60_000 and rows["A"]["proposed"] == 30_000
    assert ans.budget["expected_profit_change"]["value"] == pytest.approx(28_571.43, rel=1e-3)
    assert ans.budget["expected_profit_change"] == ans.budget["expected_change"]
    assert "总额不变，预计收益变化即利润变化" in ans.reallocation_note
    assert "预计利润变化：+¥28,571" in render_text(ans)


def noisy(seed: int = 11):
    """The two channels with 5 % multiplicative noise: the curves are fitted, not given."""
    rng = np.random.default_rng(seed)
    a = np.array(PATTERN * 3) * 50_000
    b = np.array(PATTERN * 3) * 40_000
    ya = hill(a, A_BETA, A_HALF, 1.0) * (1 + rng.normal(0, 0.05, a.size))
    yb = hill(b, B_BETA, B_HALF, 1.0) * (1 + rng.normal(0, 0.05, b.size))
    return sheet(*month_rows("A", a, ya), *month_rows("B", b, yb))


@pytest.mark.parametrize("question", ["建议", "下个月预算 12万怎么分", "下个月预算 15万怎么分"])
def test_every_interval_holds_its_point(question):
    ans = answer(parse_query(question, TODAY), noisy(), TODAY)
    for field in ("expected_change", "expected_profit_change"):
        change = ans.budget[field]
        assert change["low"] < change["value"] < change["high"], (field, change)
    for row in ans.reallocation:
        change = row["expected_change"]
        assert change["low"] <= change["value"] <= change["high"], (row["channel"], change)


def test_the_interval_is_the_replicates_spread_placed_at_the_point():
    # draws 0, 1, …, 100: 10th percentile 10, median 50, 90th 90 → the point −40 … +40
    assert _spread(np.arange(101.0)).tolist() == [-40.0, 40.0]
    # replicates all below the point (a shape refitted at its bound can only bend one way): the old
    # clipped interval ended at the point; this one still holds it, with the same width (80)
    draws = np.arange(101.0) - 500.0
    point = 0.0
    low, high = point + _spread(draws)
    assert low < point < high and high - low == 80.0


def test_caps_pinning_the_plan_are_said():
    ans = ask("下个月预算 12万怎么分")
    # B sits on its +50 % cap: its budget is the cap's, not the curves'
    assert "「B」停在 +50% 上限，预算由上限而非曲线决定，区间是同一方案在重抽样曲线上的结果" in ans.reallocation_note
