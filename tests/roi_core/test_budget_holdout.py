"""The holdout check of a response curve (roi_core.budget.holdout): refit on all but the last three
months, predict those at their spend; an exactly known curve predicts them (MAPE ≈ 0, 3/3 inside the
band), a jump in the last three months is missed (large MAPE, worse than the linear estimate), a
channel with too few months says so; the check reaches the plan and the budget JSON."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from roi_core.budget import hill, plan_budget
from roi_core.budget.answer import plan_json, plan_note
from roi_core.budget.basis import CreditBasis
from roi_core.budget.history import Series
from roi_core.budget.holdout import NO_RETURN, TOO_FEW, holdout_check
from roi_core.views.budget import holdout_note

# The curve: beta 300 000, half-saturation 100 000, shape 1: return(x) = 300 000 · x / (x + 100 000), so
#   x =  50 000 → 300 000 · 50/150  = 100 000
#   x = 100 000 → 300 000 · 100/200 = 150 000
#   x = 150 000 → 300 000 · 150/250 = 180 000
#   x = 200 000 → 300 000 · 200/300 = 200 000
#   x = 300 000 → 300 000 · 300/400 = 225 000
BETA, HALF = 300_000.0, 100_000.0
FIT_SPEND = [50_000, 100_000, 150_000, 200_000] * 2  # 8 months, the least a curve needs
# over the fit months: spend 2 × 500 000 = 1 000 000, return 2 × (100 + 150 + 180 + 200) k = 1 260 000,
# so the linear estimate earns 1.26 per yuan


def series(spend, returns, grain: str = "M") -> Series:
    periods = pd.period_range("2026-01", periods=len(spend), freq="M")
    return Series("抖音", grain, periods, np.asarray(spend, dtype="float64"), np.asarray(returns, dtype="float64"))


def test_an_exactly_known_curve_predicts_its_last_three_months():
    spend = FIT_SPEND + [100_000, 200_000, 50_000]
    check = holdout_check(series(spend, hill(np.array(spend, dtype="float64"), BETA, HALF, 1.0)))
    # holdout actual 150 000, 200 000, 100 000: the refitted curve is the true one, so MAPE ≈ 0
    assert check.reason == "" and check.months == 3
    assert check.mape == pytest.approx(0.0, abs=1e-4)
    assert check.covered == 3  # a noise-free fit's band collapses onto the point, which is the truth
    # linear: 1.26 × (100k, 200k, 50k) = 126k, 252k, 63k against 150k, 200k, 100k:
    # |126 − 150|/150 = 0.16, |252 − 200|/200 = 0.26, |63 − 100|/100 = 0.37 → mean 0.79/3 = 0.263333
    assert check.linear_mape == pytest.approx(0.79 / 3, abs=1e-9)
    assert not check.curve_worse
    assert check.to_json() == {"mape": check.mape, "covered": 3, "months": 3, "linear_mape": check.linear_mape,
                               "linear_fit_mape": check.linear_fit_mape}


def test_a_jump_in_the_last_three_months_is_missed_and_the_linear_estimate_wins():
    spend = FIT_SPEND + [300_000] * 3
    fit_returns = hill(np.array(FIT_SPEND, dtype="float64"), BETA, HALF, 1.0)
    returns = np.concatenate([fit_returns, [600_000.0] * 3])  # the last three earn 2 per yuan
    check = holdout_check(series(spend, returns))
    # curve: 225 000 each against 600 000: |225 − 600|/600 = 0.625, every month
    assert check.mape == pytest.approx(0.625, abs=1e-4)
    # linear: 1.26 × 300 000 = 378 000 against 600 000: 222/600 = 0.37
    assert check.linear_mape == pytest.approx(0.37, abs=1e-9)
    assert check.covered == 0  # the band sits on 225 000 (an exact fit), far below 600 000
    assert check.curve_worse


def test_too_few_months_for_a_holdout_says_so():
    # 10 months: 7 before the holdout, one fewer than a curve needs (8)
    spend = FIT_SPEND[:7] + [100_000, 200_000, 50_000]
    check = holdout_check(series(spend, hill(np.array(spend, dtype="float64"), BETA, HALF, 1.0)))
    assert (check.reason, check.mape, check.covered, check.to_json()) == (TOO_FEW, None, 0, None)
    # three months or fewer: nothing before the holdout at all
    assert holdout_check(series([1.0, 2.0, 3.0], [1.0, 2.0, 3.0])).reason == TOO_FEW


def test_holdout_months_without_return_have_no_percentage_error():
    spend = FIT_SPEND + [100_000, 200_000, 50_000]
    returns = np.concatenate([hill(np.array(FIT_SPEND, dtype="float64"), BETA, HALF, 1.0), [0.0] * 3])
    check = holdout_check(series(spend, returns))
    assert check.reason == NO_RETURN and check.to_json() is None


def test_the_plan_carries_each_channels_check():
    # two channels on the exact curve, 11 months each (2026-01 … 2026-11); the window is 2026-11
    spend = np.array(FIT_SPEND + [100_000, 200_000, 50_000], dtype="float64")
    months = pd.period_range("2026-01", periods=11, freq="M")
    rows = pd.DataFrame([{"channel": ch, "start_date": m.start_time, "end_date": m.end_time.normalize(),
                          "cost": x, "revenue": hill(np.array([x]), BETA, HALF, 1.0)[0]}
                         for ch in ("A", "B") for m, x in zip(months, spend, strict=True)])
    window = rows[rows["start_date"] >= pd.Timestamp("2026-11-01")]
    plan = plan_budget(rows, window, "revenue", CreditBasis("campaign_tab", "", None, 0.0), limit=0.3, months=1)
    for c in plan.channels:
        assert c.holdout["covered"] == 3 and c.holdout["months"] == 3
        assert c.holdout["mape"] == pytest.approx(0.0, abs=1e-4)
        assert c.holdout_reason == "" and not c.fallback


def test_a_channel_whose_curve_misses_its_jump_falls_back_to_linear_and_says_why():
    # A on the exact curve (checked above: MAPE ≈ 0, keeps its curve); B on it for 8 months, then 300 000 a
    # month earning 600 000 (the jump test: curve error 0.625 > linear 0.37), so B is planned linear
    months = pd.period_range("2026-01", periods=11, freq="M")
    a = np.array(FIT_SPEND + [100_000, 200_000, 50_000], dtype="float64")
    b = np.array(FIT_SPEND + [300_000] * 3, dtype="float64")
    b_ret = np.concatenate([hill(np.array(FIT_SPEND, dtype="float64"), BETA, HALF, 1.0), [600_000.0] * 3])
    rows = pd.DataFrame([{"channel": ch, "start_date": m.start_time, "end_date": m.end_time.normalize(),
                          "cost": x, "revenue": y}
                         for ch, xs, ys in (("A", a, hill(a, BETA, HALF, 1.0)), ("B", b, b_ret))
                         for m, x, y in zip(months, xs, ys, strict=True)])
    window = rows[rows["start_date"] >= pd.Timestamp("2026-11-01")]
    plan = plan_budget(rows, window, "revenue", CreditBasis("campaign_tab", "", None, 0.0), limit=0.3, months=1)
    by = {c.channel: c for c in plan.channels}
    assert (by["A"].method, by["A"].fallback) == ("response_curve", False)
    assert (by["B"].method, by["B"].fallback) == ("linear", True)
    assert by["B"].holdout["mape"] == pytest.approx(0.625, abs=1e-4)
    assert by["B"].holdout["linear_mape"] == pytest.approx(0.37, abs=1e-9)
    # linear at B's November return per yuan: 600 000 / 300 000 = 2, so marginal ROI 2 − 1 = 100 %
    assert by["B"].marginal_roi == pytest.approx(1.0)
    assert plan.fallback_channels == ["B"] and plan.linear_channels == ["B"]
    body = plan_json(plan, "zh")
    assert body["fallback_channels"] == ["B"]
    assert [c["holdout"]["covered"] for c in body["channels"] if c["channel"] == "A"] == [3]
    assert "曲线回测最近 3 个月不如平均 ROI、改按线性估算：B" in plan_note(plan, "¥", "zh")
    assert "历史不足" not in plan_note(plan, "¥", "zh")  # B had history enough; it fell back for the check


def _ans(lang: str):
    channels = [{"channel": "抖音", "method": "linear", "fallback": True,
                 "holdout": {"mape": 0.625, "covered": 0, "months": 3, "linear_mape": 0.37}},
                {"channel": "微信", "method": "response_curve", "fallback": False,
                 "holdout": {"mape": 0.1249, "covered": 2, "months": 3, "linear_mape": 0.2}},
                {"channel": "短信", "method": "response_curve", "fallback": False, "holdout": None},
                {"channel": "线下", "method": "linear", "fallback": False, "holdout": None}]
    return SimpleNamespace(lang=lang, budget={"channels": channels})


def test_the_backtest_line_names_errors_coverage_fallbacks_and_short_channels():
    note = holdout_note(_ans("zh"))
    assert note.title == "曲线回测（最近 3 个月）"
    # 0.625 → 62%… as a whole percent: 62% (round half to even of 62.5); 0.1249 → 12%; 0.37 → 37%
    assert note.text == ("抖音 误差 62%，0/3 在 80% 区间内，不如平均 ROI 直线估算（误差 37%），改按线性估算；"
                         "微信 误差 12%，2/3 在 80% 区间内；短信 月数不足，未回测")  # 线下 has no curve at all
    en = holdout_note(_ans("en"))
    assert en.title == "Curve backtest (last 3 months)"
    assert en.text.startswith("抖音 error 62%, 0/3 inside the 80% band, worse than a straight line at its "
                              "average ROI (error 37%), so planned linear; 微信 error 12%, 2/3 inside")
    assert holdout_note(SimpleNamespace(lang="zh", budget={"channels": []})) is None
