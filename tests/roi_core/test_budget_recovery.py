"""The budget method recovers known curves (benchmarks/budget_recovery.py): 4 channels, spend ±40 %
around a level, return a Hill curve of adstocked spend with noise, run through the bot's advice; each
channel's marginal ROI at its current budget against the true curve's, and the direction of every
proposed move against the plan of the true curves. Seeded; relative error |fitted − true| / max(|true|, 0.10).

By month the carry-over is simulated as it happens: by day (the month's spend spread over its days, a
daily geometric adstock with the weekly decays given, summed back into months), and the core fits it as
that (roi_core.budget.curves.adstock per_month). Where the 15 % bound is met and where it is not (see
docs/formulas.md): noise-free monthly rows within 15 % (worst 1.6 % on seed 2024, 9.2 % over five seeds;
before the core fitted adstock by month, 短视频 was 103 % off and held instead of raised); with noise the
36 monthly points, not the carry-over, set the error: the marginal ROI fitted from them has a spread of
about 8 percentage points at 5 % noise, twice the 3.9 points 15 % of 线下's −25.7 % allows, so at 5 %
only the directions are asserted (all right), and 线下, which has no adstock, is exactly as far off as
with no adstock anywhere.

By week, the Robyn-style set (208 weeks, spend ±70 %) is within 15 % at 3 % and 5 % noise on the benchmark
seed (5.9 %, 7.3 %); over seeds 2024–2033 on 8 and 6 of 10 (python benchmarks/budget_recovery.py --seeds 10).
The worst miss there was the holdout fallback to linear on a right curve that lost its last three months
by a hair (seed 2027: 480 % off, two directions wrong); a curve now falls back only when it also misses
them by more than the linear estimate misses its own fit months (24.7 %, all directions right)."""

from __future__ import annotations

import numpy as np
import pytest

from benchmarks.budget_recovery import ROBYN_SWING, ROBYN_WEEKS, SEED, TRUTHS, recovery
from roi_core.budget.curves import DAYS_PER_MONTH, adstock, month_carry

pytestmark = pytest.mark.slow  # each case runs the advice on a simulated sheet (about 5 s CPU in all)

ON_GRID = (0.2, 0.4, 0.2, 0.0)  # adstock decays per week the core's grid (0, 0.05, …, 0.8) holds
LONG = (0.6, 0.8, 0.5, 0.0)  # long carry-over: 短视频 passes 63 % of a month's effect on to later months


def test_the_true_curves_are_the_ones_described():
    # 搜索: at 50 000 a month the next yuan returns 1.8: beta · 150 000 / (50 000 + 150 000)² = 1.8
    # → beta = 1.8 × 200 000² / 150 000 = 480 000; 线下: beta · 30 000 / 90 000² = 0.75 → beta = 202 500
    assert TRUTHS[0].beta == pytest.approx(480_000.0)
    assert TRUTHS[3].beta == pytest.approx(202_500.0)
    assert TRUTHS[0].marginal_roi(50_000.0) == pytest.approx(0.80)


def test_a_month_carries_what_a_daily_adstock_summed_into_months_carries():
    # daily decay d = 0.5 (weekly 0.5**7), months of 2 days, 1 yuan in month 0 (0.5 a day):
    # day 1 0.5·0.5 = 0.25, day 2 0.5·0.5 + 0.5·0.25 = 0.375 → month 0 keeps 0.625, S = 0.375
    # = d(1 − d²)/(2(1 − d)) = 0.5·0.75/1; days 3, 4: 0.1875 + 0.09375 = 0.28125 = S(1 − r), r = d² = 0.25;
    # days 5, 6: 0.046875 + 0.0234375 = 0.0703125 = 0.28125 · 0.25
    carry, fade = month_carry(0.5 ** 7, days=2)
    assert (carry, fade) == pytest.approx((0.375, 0.25))
    # by calendar month (30.44 days) the filter gives the impulse response 1 − S, S(1 − r), S(1 − r) r
    carry, fade = month_carry(0.4)
    d = 0.4 ** (1 / 7)
    assert carry == pytest.approx(d * (1 - d ** DAYS_PER_MONTH) / (DAYS_PER_MONTH * (1 - d)))
    # d = 0.4**(1/7) = 0.8773, d**30.44 = 0.0186: S = 0.8773 × 0.9814 / (30.44 × 0.1227) = 0.2305
    assert carry == pytest.approx(0.2305, abs=0.0005)
    got = adstock(np.array([1.0, 0.0, 0.0, 0.0]), 0.4, per_month=True)
    assert got == pytest.approx([1 - carry, carry * (1 - fade), carry * (1 - fade) * fade,
                                 carry * (1 - fade) * fade ** 2])
    assert adstock(np.full(6, 100.0), 0.4, per_month=True)[-1] == pytest.approx(100.0, rel=1e-6)  # steady stays


def test_noise_free_monthly_rows_with_daily_carry_over_give_back_every_marginal_roi_within_15_percent():
    results = recovery(SEED, "M", ON_GRID, 0.0)
    assert [r["method"] for r in results] == ["response_curve"] * 4
    # seed 2024: 搜索 83.8 % vs 84.4 %, 短视频 46.1 % vs 46.9 %, 信息流 −43.1 % vs −43.0 %, 线下 −25.7 % vs −25.7 %
    # (without adstock by month: 57.5 %, −1.3 % (a hold where the truth raises), −51.8 %, −25.7 %)
    assert max(r["rel_error"] for r in results) == pytest.approx(0.016, abs=0.003)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results] == ["up", "up", "down", "down"]


@pytest.mark.parametrize("seed, decays", [(SEED + 1, ON_GRID), (SEED, LONG), (SEED + 1, LONG)])
def test_other_seeds_and_a_long_carry_over_stay_within_15_percent(seed, decays):
    # worst: seed 2025 短视频 40.1 % vs 36.7 % (9.2 %); long carry 信息流 −40.1 % vs −43.0 % (6.7 %)
    # (without adstock by month the long carry put 短视频 at −66.7 % against 46.9 %, a cut where the truth raises)
    results = recovery(seed, "M", decays, 0.0)
    assert all(r["rel_error"] <= 0.15 for r in results), results
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results]


def test_monthly_rows_with_5_percent_noise_move_every_channel_the_right_way():
    results = recovery(SEED, "M", ON_GRID, 0.05)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results] == ["up", "up", "down", "down"]
    by = {r["channel"]: r for r in results}
    # 线下 has no carry-over: −46.9 % against −25.7 % here and with no adstock anywhere (the same data);
    # that 21-point miss is the noise of 36 monthly points, which no adstock fit can take out
    plain = {r["channel"]: r for r in recovery(SEED, "M", (0.0, 0.0, 0.0, 0.0), 0.05)}
    assert by["线下"]["fitted_mroi"] == pytest.approx(plain["线下"]["fitted_mroi"])
    assert by["线下"]["fitted_mroi"] == pytest.approx(-0.469, abs=0.002)


def test_weekly_curves_with_2_percent_noise_give_back_every_marginal_roi_within_15_percent():
    results = recovery(SEED, "W", ON_GRID, 0.02)
    assert [r["method"] for r in results] == ["response_curve"] * 4
    # seed 2024: 搜索 82.8 % vs 87.1 %, 短视频 46.0 % vs 43.4 %, 信息流 −38.5 % vs −38.4 %, 线下 −25.8 % vs −23.9 %
    for r in results:
        assert r["rel_error"] <= 0.15, r
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results] == ["up", "up", "down", "down"]


def test_weekly_curves_off_the_old_grid_are_found_on_the_finer_one():
    # decays 0.3 and 0.5 a week fell between the old grid's steps (0.2, 0.4, …): 短视频 was 31.3 % off;
    # on the 0.05 grid the worst is 信息流, −41.7 % vs −38.4 %: 3.3 / 38.4 = 8.4 %
    results = recovery(SEED, "W", (0.3, 0.5, 0.1, 0.0), 0.02)
    assert max(r["rel_error"] for r in results) == pytest.approx(0.084, abs=0.003)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results]


def test_weekly_curves_with_5_percent_noise_stay_within_20_percent_and_move_the_right_way():
    results = recovery(SEED, "W", ON_GRID, 0.05)
    # the worst: 线下, true −23.9 % against fitted −28.7 %: 4.8 / 23.9 = 19.8 % (over the 15 % asked)
    worst = max(results, key=lambda r: r["rel_error"])
    assert worst["channel"] == "线下" and worst["rel_error"] == pytest.approx(0.198, abs=0.005)
    assert all(r["rel_error"] <= 0.20 for r in results)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results]


def test_noise_free_monthly_curves_without_adstock_are_recovered_exactly():
    for r in recovery(SEED, "M", (0.0, 0.0, 0.0, 0.0), 0.0):
        assert r["rel_error"] < 1e-3, r


# Robyn-style weekly set: 208 weeks (the length of Robyn's own dt_simulated_weekly), weekly spend × uniform(0.3, 1.7)
# (coefficient of variation 0.70 / √3 = 0.40; PyMC-Marketing's example x1 has 0.77), same truths and decays.


def test_robyn_style_weekly_set_at_3_percent_noise_gives_back_every_marginal_roi_within_15_percent():
    results = recovery(SEED, "W", ON_GRID, 0.03, weeks=ROBYN_WEEKS, swing=ROBYN_SWING)
    assert [r["method"] for r in results] == ["response_curve"] * 4
    # seed 2024: 搜索 84.9 % vs 85.4 %, 短视频 35.1 % vs 36.1 %, 信息流 −41.5 % vs −44.1 % (2.6 / 44.1 = 5.9 %),
    # 线下 −29.9 % vs −31.3 % (4.4 %); over seeds 2024–2033 the worst is within 15 % in 8 of 10 (max 15.9 %)
    worst = max(results, key=lambda r: r["rel_error"])
    assert worst["channel"] == "信息流" and worst["rel_error"] == pytest.approx(0.059, abs=0.003)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results] == ["up", "up", "down", "down"]


def test_robyn_style_weekly_set_at_5_percent_noise_within_15_percent_on_the_benchmark_seed():
    results = recovery(SEED, "W", ON_GRID, 0.05, weeks=ROBYN_WEEKS, swing=ROBYN_SWING)
    # worst: 线下 −29.0 % vs −31.3 %: 2.3 / 31.3 = 7.3 % (the same weeks at ±40 % spend: 17.2 %, see below)
    worst = max(results, key=lambda r: r["rel_error"])
    assert worst["channel"] == "线下" and worst["rel_error"] == pytest.approx(0.073, abs=0.003)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results]


def test_more_weeks_help_but_a_narrow_spend_swing_still_misses_15_percent_at_5_percent_noise():
    # ±40 % spend: 157 weeks 19.8 % (test above); 208 weeks 线下 −23.6 % vs −28.6 %: 4.9 / 28.6 = 17.2 %. The
    # error falls about as √(157 / 208) = 0.87 (19.8 × 0.87 = 17.2): 15 % needs the wider spend swing
    results = recovery(SEED, "W", ON_GRID, 0.05, weeks=ROBYN_WEEKS)
    worst = max(results, key=lambda r: r["rel_error"])
    assert worst["channel"] == "线下" and worst["rel_error"] == pytest.approx(0.172, abs=0.005)
    assert [r["direction"] for r in results] == [r["true_direction"] for r in results]


def test_a_right_curve_that_loses_its_holdout_by_a_hair_keeps_planning():
    # seed 2027 at 5 % noise: 线下's curve predicts its last 3 months with MAPE 3.1 %, the linear estimate with
    # 2.9 %. Before, that fell back to linear: the average ROI +111.3 % taken as the marginal one against a true
    # −29.3 % (479.7 % off), money moved into 线下 (up where the truth cuts) and out of 短视频 (down where it
    # raises). The linear estimate misses the fit months by 8.6 %, far more than 3.1 %: the loss is chance, the
    # curve stays: −22.1 % against −29.3 % (7.2 / 29.3 = 24.7 %, over 15 % but every direction right)
    results = {r["channel"]: r for r in recovery(SEED + 3, "W", ON_GRID, 0.05, weeks=ROBYN_WEEKS, swing=ROBYN_SWING)}
    assert all(r["method"] == "response_curve" for r in results.values())
    assert results["线下"]["holdout_mape"] == pytest.approx(0.031, abs=0.001)
    assert results["线下"]["rel_error"] == pytest.approx(0.247, abs=0.005)
    assert all(r["rel_error"] <= 0.07 for c, r in results.items() if c != "线下")
    assert [r["direction"] for r in results.values()] == [r["true_direction"] for r in results.values()]
