"""The 预算建议 tab (roi_core.budget.answer.budget_sheet_rows): the expected change in profit with its 80 %
interval, each curve's backtest and the plan's 未分配 with its reason, worked by hand."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from roi_core.budget.answer import BUDGET_ADVICE_HEADERS, budget_sheet_rows

REASON = "¥30,000 中 ¥3,000 未分配：……"


def plan_answer(unallocated: float) -> SimpleNamespace:
    return SimpleNamespace(month="2026-10", budget={
        "basis_label": "活动表收益", "unallocated": unallocated,
        "unallocated_reason": REASON if unallocated else None,
        "channels": [
            {"channel": "抖音", "method": "response_curve", "fallback": False, "current": 10_000.0,
             "proposed": 15_000.0, "marginal_roi": 0.5, "marginal_roi_proposed": 0.2,
             "expected_change": {"value": 6_000.0, "low": 4_500.0, "high": 7_200.0},
             "holdout": {"mape": 0.1234, "covered": 2, "months": 3, "linear_mape": 0.15}},
            {"channel": "微信", "method": "linear", "fallback": True, "current": 8_000.0, "proposed": 4_000.0,
             "marginal_roi": -0.5, "marginal_roi_proposed": -0.5,
             "expected_change": {"value": -2_000.0, "low": -2_600.0, "high": -1_500.0},
             "holdout": None}]})


def test_each_row_gives_its_profit_change_its_backtest_and_the_plans_unallocated_money_once():
    headers, rows = budget_sheet_rows(plan_answer(3_000.4), "2026-11-01 09:00")
    assert headers == list(BUDGET_ADVICE_HEADERS)
    col = {h: i for i, h in enumerate(headers)}
    douyin, weixin = rows
    # 抖音: +¥5,000 buys +¥6,000 of return (80 % ¥4,500 ~ ¥7,200): profit 6,000 − 5,000 = +1,000
    # (4,500 − 5,000 = −500 ~ 7,200 − 5,000 = 2,200); backtest 12.34 % → 12.3, 2 of 3 months → 66.7 %
    assert [douyin[col[h]] for h in ("调整", "预计收益变化", "预计利润变化", "利润变化下限(80%)", "利润变化上限(80%)",
                                     "回测误差MAPE(%)", "回测区间覆盖(%)", "方法")] == [
        5_000, 6_000, 1_000, -500, 2_200, 12.3, 66.7, "响应曲线"]
    # 微信: ¥4,000 less loses ¥2,000 of return (−2,600 ~ −1,500) and saves the ¥4,000: profit +2,000
    # (1,400 ~ 2,500); its curve fell back to linear after the backtest, which it says; no figures of its own
    assert [weixin[col[h]] for h in ("调整", "预计利润变化", "利润变化下限(80%)", "利润变化上限(80%)",
                                     "回测误差MAPE(%)", "回测区间覆盖(%)", "方法")] == [
        -4_000, 2_000, 1_400, 2_500, "", "", "线性估算（曲线回测不如平均ROI）"]
    # the plan's ¥3,000 unallocated, whole yuan, on the first row only (the column sums to the plan's figure)
    assert (douyin[col["未分配"]], douyin[col["未分配原因"]]) == (3_000, REASON)
    assert (weixin[col["未分配"]], weixin[col["未分配原因"]]) == ("", "")
    assert douyin[col["依据"]] == "2026-10 实际投放" and douyin[col["更新时间"]] == "2026-11-01 09:00"
    assert all(len(r) == len(headers) for r in rows)


def test_a_plan_that_places_everything_leaves_the_unallocated_columns_blank():
    headers, rows = budget_sheet_rows(plan_answer(0.0), "t")
    assert [r[headers.index("未分配")] for r in rows] == ["", ""]
    assert [r[headers.index("未分配原因")] for r in rows] == ["", ""]


def test_on_the_demo_the_profit_column_adds_up_to_the_plans_profit_change():
    from pathlib import Path

    from roi_core.monthly import monthly_summary
    from sheets import open_source

    demo = open_source(str(Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx")).read()
    summary = monthly_summary(demo, pd.Period("2026-10", freq="M"))
    headers, rows = budget_sheet_rows(summary, "t")
    profit = summary.budget["expected_profit_change"]["value"]
    # the same total as October's spend: profit change = return change, each row rounded to the yuan
    assert sum(r[headers.index("预计利润变化")] for r in rows) == pytest.approx(profit, abs=len(rows))
    assert summary.budget["extra_spend"] == pytest.approx(0.0, abs=0.5)
    assert all(r[headers.index("未分配")] == "" for r in rows)
