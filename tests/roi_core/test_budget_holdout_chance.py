"""The holdout fallback is not decided by chance (roi_core.budget.holdout): a curve that predicts its last
three months a little worse than the linear estimate, but within the error the linear estimate makes on
the months it was fitted on, keeps planning; a jump the curve misses by more still falls back."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from roi_core.budget import hill
from roi_core.budget.history import Series
from roi_core.budget.holdout import holdout_check

# The curve: return(x) = 300 000 · x / (x + 100 000); fit months 50k, 100k, 150k, 200k (twice) on it exactly:
# returns 100 000, 150 000, 180 000, 200 000. Spend 1 000 000, return 1 260 000: the line earns 1.26 per yuan,
# so on the fit months it predicts 63k, 126k, 189k, 252k: errors 37/100, 24/150, 9/180, 52/200 = 0.37, 0.16,
# 0.05, 0.26 → its MAPE there is 0.84 / 4 = 0.21.
BETA, HALF = 300_000.0, 100_000.0
FIT_SPEND = [50_000.0, 100_000.0, 150_000.0, 200_000.0] * 2


def series(spend, returns) -> Series:
    periods = pd.period_range("2026-01", periods=len(spend), freq="M")
    return Series("抖音", "M", periods, np.asarray(spend, dtype="float64"), np.asarray(returns, dtype="float64"))


def fit_returns() -> np.ndarray:
    return hill(np.array(FIT_SPEND), BETA, HALF, 1.0)


def test_a_curve_losing_three_months_by_a_hair_keeps_planning():
    # holdout: 140 000 a month returning 177 000. Curve 300 000 · 140/240 = 175 000 (miss 2 000 / 177 000 =
    # 1.13 %), line 1.26 × 140 000 = 176 400 (600 / 177 000 = 0.34 %): the curve loses, by less than the 21 %
    # the line misses its own fit months by, so it is not worse beyond chance
    spend = FIT_SPEND + [140_000.0] * 3
    check = holdout_check(series(spend, np.concatenate([fit_returns(), [177_000.0] * 3])))
    assert check.mape == pytest.approx(2_000 / 177_000, abs=1e-4)
    assert check.linear_mape == pytest.approx(600 / 177_000, abs=1e-9)
    assert check.linear_fit_mape == pytest.approx(0.21, abs=1e-9)
    assert check.mape > check.linear_mape and not check.curve_worse
    assert check.to_json()["linear_fit_mape"] == pytest.approx(0.21)  # the answer says why the curve is kept


def test_a_jump_missed_by_more_than_the_lines_own_error_still_falls_back():
    # the last three months at 300 000 earn 600 000: curve 225 000 (0.625 off), line 378 000 (0.37 off);
    # 0.625 > 0.37 and > 0.21, so the curve is worse beyond chance
    spend = FIT_SPEND + [300_000.0] * 3
    check = holdout_check(series(spend, np.concatenate([fit_returns(), [600_000.0] * 3])))
    assert (check.mape, check.linear_mape, check.linear_fit_mape) == pytest.approx((0.625, 0.37, 0.21), abs=1e-4)
    assert check.curve_worse
