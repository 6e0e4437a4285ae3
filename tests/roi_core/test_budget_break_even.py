"""No yuan of a budget plan where the next one earns less than it costs (issue 24, part 1).

Two channels with known, noise-free Hill curves (shape 1), 24 months each around their mean spend:

- A: return(x) = 200k·x/(x + 50k), today 50k a month. Its marginal return 200k·50k/(x + 50k)² is
  exactly 1 at 50k: marginal ROI 0 % today, so every yuan above 50k loses money.
- B: return(x) = 600k·x/(x + 100k), today 40k a month: marginal return 600k·100k/140k² = 3.061
  (ROI 206.1 %); at its +50 % cap of 60k still 600k·100k/160k² = 2.344 (ROI 134.4 %).

Today's total is 90k; the caps allow A 75k + B 60k = 135k. Asked for 12万, the old plan put B at its cap
and the other 60k in A, whose 50k…60k returned 200k·(60/110 − 50/100) = ¥9,091 for ¥10,000: a loss of
¥909 on purpose. Now A keeps 50k (break-even), B 60k, and ¥10,000 stays 未分配.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from roi_core import answer, load_sheet, parse_query
from roi_core.budget import hill
from roi_core.budget.plan import break_even_spend
from tests.roi_core.helpers import sheet
from tests.roi_core.test_budget import PATTERN, month_rows

TODAY = dt.date(2027, 1, 15)
A_BETA, A_HALF, B_BETA, B_HALF = 200_000.0, 50_000.0, 600_000.0, 100_000.0


def two_channels(**settings):
    a = np.array(PATTERN * 3) * 50_000
    b = np.array(PATTERN * 3) * 40_000
    rows = month_rows("A", a, hill(a, A_BETA, A_HALF, 1.0)) + month_rows("B", b, hill(b, B_BETA, B_HALF, 1.0))
    return sheet(*rows, settings=settings or None)


def ask(text, data=None):
    return answer(parse_query(text, TODAY), data or two_channels(), TODAY)


def test_no_yuan_goes_where_the_marginal_roi_is_below_zero():
    ans = ask("下个月预算 12万怎么分")
    rows = {r["channel"]: r for r in ans.reallocation}
    a, b = rows["A"], rows["B"]
    assert a["current"] == 50_000 and b["current"] == 40_000
    # A already at break-even (marginal ROI 0 %): not one yuan more; B to its +50 % cap
    assert a["proposed"] == 50_000 and b["proposed"] == 60_000
    assert a["marginal_roi_proposed"] == pytest.approx(0.0, abs=1e-3)
    # B at 60k: 600k·100k/160k² − 1 = 134.4 %
    assert b["marginal_roi_proposed"] == pytest.approx(1.34375, abs=1e-3)
    assert all(r["marginal_roi_proposed"] >= -1e-3 for r in ans.reallocation)
    # 120,000 − (50,000 + 60,000) = 10,000 unallocated, the plan's total what is placed
    assert ans.budget["total"] == 110_000 and ans.budget["unallocated"] == 10_000
    assert ans.budget["unreachable"] is None and ans.budget["capped_channels"] == ["B"]
    # B would take the rest at 70k: 70/40 − 1 = 75 % (its own break-even is √6e10 − 100k = 144,949)
    assert ans.budget["unallocated_change_limit_needed"] == pytest.approx(0.75)


def test_the_unallocated_money_is_said_first_with_its_reason_and_the_cap_that_would_place_it():
    ans = ask("下个月预算 12万怎么分")
    first = ans.suggestions[0]
    assert first.kind == "budget" and first.figures["unallocated"] == 10_000
    assert first.text == ("¥120,000 中 ¥10,000 未分配：在每个渠道 ±50% 调整上限内，再多投的每一元边际 ROI 都低于保本线"
                          "（边际 ROI 0%），下表的 ¥110,000 是能投出的全部；「B」在 +50% 上限处下一元仍高于此线，"
                          "把「设置」调整上限提高到 75% 可把余下的也投出去（超出历史投放的预算，曲线只能外推）")
    assert ans.budget["unallocated_reason"] == first.text
    en = ask("budget 120k how to split")
    assert en.suggestions[0].text.startswith("¥10,000 of ¥120,000 left unallocated: within the ±50% change limit "
                                             "every further yuan would earn a marginal ROI below break-even")


def test_the_table_shows_the_unallocated_row():
    from render.text import render_text

    text = render_text(ask("下个月预算 12万怎么分"))
    assert "下月预算分配（¥120,000 中 ¥10,000 未分配）" in text
    assert any(line.startswith("未分配") and "¥10,000" in line for line in text.splitlines())


def test_beyond_the_caps_the_unallocated_money_covers_both_reasons():
    ans = ask("下个月预算 15万怎么分")
    # the caps reach 135k, but only 110k is placed at or above break-even: 40,000 unallocated; B takes it at
    # 100k, 100/40 − 1 = 150 %
    assert ans.budget["unreachable"] == "upper" and ans.budget["unallocated"] == 40_000
    assert ans.budget["change_limit_needed"] == pytest.approx(1.5)
    assert sum(r["proposed"] for r in ans.reallocation) == 110_000


def test_a_total_that_can_be_placed_profitably_is_placed_in_full():
    ans = ask("下个月预算 10万怎么分")
    rows = {r["channel"]: r for r in ans.reallocation}
    # B's next yuan beats A's all the way: B 60k (ROI 134.4 % there), A 40k (200k·50k/90k² − 1 = 23.5 %)
    assert rows["B"]["proposed"] == 60_000 and rows["A"]["proposed"] == 40_000
    assert ans.budget["unallocated"] == 0 and ans.budget["unallocated_reason"] is None
    assert rows["A"]["marginal_roi_proposed"] == pytest.approx(200_000 * 50_000 / 90_000 ** 2 - 1, abs=1e-3)
    assert ans.suggestions[0].kind == "raise"


def test_the_setting_raises_the_line():
    data = two_channels(新增预算最低ROI="20%")
    assert data.settings.budget_min_roi == pytest.approx(0.2)
    ans = ask("下个月预算 12万怎么分", data)
    rows = {r["channel"]: r for r in ans.reallocation}
    # A's next yuan must return 1.2: 200k·50k/(x + 50k)² = 1.2 → x = √(1e10 / 1.2) − 50k = 41,287.09 → 41,287
    assert rows["A"]["proposed"] == 41_287 and rows["B"]["proposed"] == 60_000
    assert rows["A"]["marginal_roi_proposed"] == pytest.approx(0.2, abs=1e-3)
    assert ans.budget["unallocated"] == 120_000 - 101_287 and ans.budget["min_marginal_roi"] == pytest.approx(0.2)
    assert "低于「设置」新增预算最低ROI 20.0%" in ans.suggestions[0].text


@pytest.mark.parametrize("value, reason", [
    ("很多", "新增预算最低ROI：不是百分比，已用默认值 0.0"),
    ("-150%", "新增预算最低ROI：新增预算最低ROI应在 -100% 至 10000% 之间，已用默认值 0.0"),
])
def test_a_bad_setting_is_a_problem_on_its_row_and_the_default_is_kept(value, reason):
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "广告费用", "销售额"], ["x", "A", "2026-01-01", 100, 200]],
                       "设置": [["参数", "值"], ["新增预算最低ROI", value]]})
    assert [(p.tab, p.row, p.column, p.value, p.reason) for p in data.problems] == [("设置", 2, "值", value, reason)]
    assert data.settings.budget_min_roi == 0.0


def test_break_even_spend_by_hand():
    from roi_core.budget.curves import Curve
    from roi_core.budget.plan import _Response

    curve = Curve(A_BETA, A_HALF, 1.0, 0.0, 24, 1.0, np.array([[A_BETA, A_HALF, 1.0]]))
    hilly = _Response(None, curve, 0.0, np.zeros(1))
    linear_good = _Response(None, None, 1.5, np.full(1, 1.5))
    linear_bad = _Response(None, None, 0.8, np.full(1, 0.8))
    got = break_even_spend([hilly, linear_good, linear_bad], np.array([10_000.0, 1_000.0, 1_000.0]), 1.0)
    # Hill: (x + 50k)² = 1e10 → 50,000; a linear channel earning 1.5 per yuan has no end; one earning 0.8 stays
    # on its floor
    assert got[0] == pytest.approx(50_000, abs=0.01) and np.isinf(got[1]) and got[2] == 1_000.0
