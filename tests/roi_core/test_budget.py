"""Budget advice on marginal return (roi_core.budget): curves recovered from known Hill data, a
saturated channel with the higher average ROI losing money to an unsaturated one, guardrails, a
budget asked, the linear fallback flagged, the credit basis, the JSON."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from roi_core import answer, answer_json, parse_query
from roi_core.answer import advice
from roi_core.budget import allocate, credit_basis, fit_curve, hill, hill_slope
from roi_core.metrics import group_metrics, prepare_rows
from tests.roi_core.helpers import sheet

TODAY = dt.date(2027, 1, 15)
PATTERN = (0.75, 1.25, 1.0, 0.8, 1.2, 0.9, 1.1, 1.0)  # spend around its mean (mean exactly 1)


def month_rows(channel: str, spends, returns, start: str = "2025-01") -> list[dict]:
    months = pd.period_range(start, periods=len(spends), freq="M")
    return [{"活动名称": f"{channel}{m}", "渠道": channel, "开始日期": str(m.start_time.date()),
             "结束日期": str(m.end_time.date()), "广告费用": float(x), "销售额": float(y)}
            for m, x, y in zip(months, spends, returns, strict=True)]


# A: higher average ROI, saturated (half-saturation 20k, spending 80k); B: lower average ROI, far from
# saturation (half-saturation 500k, spending 40k). Noise-free, 24 months each.
A_BETA, A_HALF, B_BETA, B_HALF = 300_000.0, 20_000.0, 1_000_000.0, 500_000.0


def saturated_sheet(**settings):
    a = np.array(PATTERN * 3) * 80_000
    b = np.array(PATTERN * 3) * 40_000
    rows = month_rows("A", a, hill(a, A_BETA, A_HALF, 1.0)) + month_rows("B", b, hill(b, B_BETA, B_HALF, 1.0))
    return sheet(*rows, settings=settings or None)


def test_known_hill_curves_give_back_their_marginal_roi_within_10_percent():
    rng = np.random.default_rng(7)
    truths = [(600_000.0, 50_000.0, 1.0), (250_000.0, 30_000.0, 0.8), (1_200_000.0, 200_000.0, 0.9)]
    for beta, half, shape in truths:
        spend = rng.uniform(0.5, 1.5, 36) * 60_000
        returns = hill(spend, beta, half, shape) * (1 + rng.normal(0, 0.03, 36))
        curve = fit_curve(spend, returns)
        at = 60_000.0
        true_mroi = float(hill_slope(at, beta, half, shape)) - 1
        # e.g. the first: 600k · 50k / 110k² − 1 = 1.479
        assert float(curve.slope(at)) - 1 == pytest.approx(true_mroi, rel=0.10)
        low, high = np.percentile(curve.slope_draws(at)[:, 0] - 1, [10, 90])
        assert low < high


def test_a_curve_needs_eight_periods_of_varying_spend():
    assert fit_curve([100.0] * 7 + [0.0], [150.0] * 7 + [0.0]) is None  # 7 periods with spend
    assert fit_curve([100.0] * 10, [150.0] * 10) is None  # spend never varies
    assert fit_curve(np.array(PATTERN) * 100, hill(np.array(PATTERN) * 100, 500.0, 200.0, 1.0)) is not None


def test_the_saturated_channel_with_the_higher_average_roi_gives_money_to_the_other():
    ans = advice(saturated_sheet(目标ROI="80%"))
    rows = {r["channel"]: r for r in ans.reallocation}
    a, b = rows["A"], rows["B"]
    # average ROI = Σ return / Σ spend − 1 over the 24 months: A 5,733.2k / 1,920k − 1 = 198.6 %,
    # B 1,774.4k / 960k − 1 = 84.8 %: A looks better on average
    assert a["roi"] == pytest.approx(1.98605, abs=1e-4) and b["roi"] == pytest.approx(0.84828, abs=1e-4)
    assert a["roi"] > b["roi"]
    # marginal ROI now: A 300k·20k/100k² − 1 = −40 %; B 1M·500k/540k² − 1 = 71.47 %
    assert a["marginal_roi"] == pytest.approx(-0.40, abs=0.01)
    assert b["marginal_roi"] == pytest.approx(0.7147, abs=0.01)
    assert ans.reallocation_method == "response_curve" and a["method"] == b["method"] == "response_curve"
    # B's next yuan beats A's all the way: B to its +50 % cap (60k); A down to where its next yuan just pays
    # for itself, 300k·20k/(x + 20k)² = 1 → x = √6e9 − 20k = 57,459.67 (the fitted curve's 57,459.44, to the
    # nearest yuan 57,459), not to 60k: the
    # yuan from 57,460 to 60k would each return less than they cost, so ¥120,000 − 117,459 = ¥2,541 stays
    # unallocated (issue 24: no yuan below break-even)
    assert a["current"] == pytest.approx(80_000) and b["current"] == pytest.approx(40_000)
    assert a["proposed"] == 57_459 and b["proposed"] == 60_000
    assert a["marginal_roi_proposed"] == pytest.approx(0.0, abs=1e-4)
    assert ans.budget["unallocated"] == 2_541 and ans.budget["total"] == 117_459
    # expected: A 300k·(57,459/77,459 − 80/100) = −17,460.3; B 1M·(60/560 − 40/540) = +33,068.8; total +15,608.5
    assert a["expected_change"]["value"] == pytest.approx(-17_460.3, rel=0.01)
    assert b["expected_change"]["value"] == pytest.approx(33_068.8, rel=0.01)
    assert ans.expected_return_change == pytest.approx(15_608.5, rel=0.01)
    assert ans.expected_return_low <= ans.expected_return_change <= ans.expected_return_high
    # the unallocated money is said first; B at its cap still earns 1M·500k/560k² − 1 = 59.4 % on the next
    # yuan, so a cap of (120,000 − 57,459.67) / 40,000 − 1 = 56.35 % → 57 % would place the rest
    assert ans.suggestions[0].kind == "budget" and ans.budget["unallocated_change_limit_needed"] == pytest.approx(0.57)
    assert ans.suggestions[1].kind == "raise" and ans.suggestions[1].channel == "B"
    assert ans.suggestions[1].text == ("加大「B」预算 +¥20,000（当前预算下边际 ROI 71.5%，已加到 +50% 上限）；"
                                       "从下一元回报较低的渠道调出：「A」-¥22,541（边际 ROI -40.0%）")
    # A's average ROI (198.6 %) would have it raised; the plan does not, so the average-ROI raise is gone
    assert not any(s.kind == "raise" and s.channel == "A" for s in ans.suggestions)


def test_the_change_limit_of_the_settings_bounds_every_channel():
    ans = advice(saturated_sheet(调整上限="20%"))
    rows = {r["channel"]: r for r in ans.reallocation}
    # B's cap is now 40k × 1.2 = 48k; A's floor 80k × 0.8 = 64k is above its break-even 57,460, so A sits on its
    # floor (its marginal ROI there 300k·20k/84k² − 1 = −15 % < 0) and the other 120k − 112k = 8k is unallocated
    assert rows["B"]["proposed"] == 48_000 and rows["A"]["proposed"] == 64_000
    assert ans.budget["unallocated"] == 8_000
    assert "±20%" in ans.reallocation_note


def test_a_budget_asked_is_split_whole_within_the_guardrails():
    data = saturated_sheet()
    ans = answer(parse_query("下个月预算 18万怎么分", TODAY), data, TODAY)
    assert ans.kind == "advice" and ans.budget_asked == 180_000
    rows = {r["channel"]: r for r in ans.reallocation}
    # ±50 % of today's 80k and 40k allows up to 120k + 60k = 180k, but A's next yuan pays for itself only up
    # to 57,459 (300k·20k/(x + 20k)² = 1): A 57,459, B at its 60k cap, ¥180,000 − 117,459 = ¥62,541 unallocated
    assert rows["A"]["proposed"] == 57_459 and rows["B"]["proposed"] == 60_000
    assert rows["B"]["at_limit"] == "upper" and ans.budget["unallocated"] == 62_541
    # against today's budgets: A 300k·(57,459/77,459 − 80/100) = −17,460.3; B 1M·(60/560 − 40/540) = +33,068.8
    assert ans.expected_return_change == pytest.approx(-17_460.3 + 33_068.8, rel=0.01)
    # B absorbs the rest at (60k + 62,541) / 40k − 1 = 206.4 % → 207 % (its break-even is √5e11 − 500k = 207,107)
    assert ans.budget["unallocated_change_limit_needed"] == pytest.approx(2.07)
    assert "加上少投的 ¥2,541（当前每月 ¥120,000）" in ans.reallocation_note
    en = answer(parse_query("budget 180k how to split", TODAY), data, TODAY)
    assert en.lang == "en" and en.budget_asked == 180_000 and en.budget["total"] == 117_459
    assert en.suggestions[0].text.startswith("¥62,541 of ¥180,000 left unallocated")


def test_a_budget_the_guardrails_cannot_reach_gives_the_closest_plan_and_says_why():
    data = saturated_sheet()
    ans = answer(parse_query("下个月预算 50万怎么分", TODAY), data, TODAY)
    # every channel at +50 % would be 180k of the 500k, but A pays for itself only to 57,459: 117,459 placed.
    # With no cap at all: A 57,459.67 + B's break-even 207,106.78 = 264,566 at most, so no 调整上限 places 500k
    assert ans.budget["total"] == 117_459 and ans.budget["asked"] == 500_000
    assert ans.budget["unreachable"] == "upper" and ans.budget["change_limit_needed"] is None
    assert ans.budget["unallocated"] == 382_541
    assert sum(r["proposed"] for r in ans.reallocation) == 117_459
    assert ans.suggestions[0].kind == "budget"
    assert ans.suggestions[0].text == ("¥500,000 中 ¥382,541 未分配：在每个渠道 ±50% 调整上限内，再多投的每一元边际 ROI "
                                       "都低于保本线（边际 ROI 0%），下表的 ¥117,459 是能投出的全部；「B」在 +50% 上限处"
                                       "下一元仍高于此线，但无论调整上限放到多宽，最多也只能投出 ¥264,566")
    low = answer(parse_query("下个月预算 5万怎么分", TODAY), data, TODAY)
    # every channel at −50 %: 40k + 20k = 60k at least
    assert low.budget["total"] == 60_000 and low.budget["unreachable"] == "lower"
    assert low.suggestions[0].text.startswith("¥50,000 低于调整下限：每个渠道最多 -50%，合计至少 ¥60,000")


def test_a_reachable_budget_sums_to_the_yuan():
    data = saturated_sheet()
    # below what can be placed at or above break-even (117,459), so all of it is placed: B at its 60k cap,
    # A the rest, 43,456.78 → whole yuan summing to 103,457
    ans = answer(parse_query("下个月预算 103456.78怎么分", TODAY), data, TODAY)
    proposed = [r["proposed"] for r in ans.reallocation]
    assert all(float(p).is_integer() for p in proposed) and sum(proposed) == 103_457
    assert ans.budget["unreachable"] is None and ans.budget["unallocated"] == 0


def test_short_history_keeps_the_linear_estimate_flagged():
    rows = month_rows("A", [1000, 1200, 800], [3000, 3600, 2400]) + month_rows("B", [1000, 1000, 1000],
                                                                                [1500, 1500, 1500])
    ans = advice(sheet(*rows))
    by = {r["channel"]: r for r in ans.reallocation}
    # 3 months each: linear; A earns 3 per yuan (ROI 200 %), B 1.5 (50 %): A +50 %, B −50 % of 1,000/month
    assert ans.reallocation_method == "linear" and by["A"]["method"] == "linear"
    assert by["A"]["marginal_roi"] == pytest.approx(2.0) and by["B"]["marginal_roi"] == pytest.approx(0.5)
    assert by["A"]["proposed"] == pytest.approx(1500) and by["B"]["proposed"] == pytest.approx(500)
    assert ans.expected_return_change == pytest.approx(500 * 3 - 500 * 1.5)
    assert "按各渠道当前每元收益线性估算" in ans.reallocation_note


def test_allocate_meets_the_total_within_bounds():
    responses = [lambda x: hill(x, 300.0, 100.0, 1.0), lambda x: hill(x, 200.0, 30.0, 1.0), lambda x: 1.2 * x]
    x = allocate(responses, np.array([50.0, 15.0, 20.0]), np.array([150.0, 45.0, 60.0]), 170.0)
    assert x.sum() == pytest.approx(170.0)
    # the linear channel (1.2 per yuan) goes to its cap; the two curves share the rest at equal slopes
    assert x[2] == pytest.approx(60.0)
    assert float(hill_slope(x[0], 300.0, 100.0, 1.0)) == pytest.approx(float(hill_slope(x[1], 200.0, 30.0, 1.0)),
                                                                        rel=0.01)


TOUCH_HEADERS = ["客户ID", "时间", "渠道", "是否转化", "订单金额"]


def test_the_credit_basis_follows_the_coverage_threshold():
    rows = month_rows("A", [100, 100], [300, 300], "2026-09") + month_rows("B", [100, 100], [100, 100], "2026-09")
    touches = [TOUCH_HEADERS, ["c1", "2026-10-02", "B", "是", 500], ["c2", "2026-10-03", "A", "是", 100]]
    data = sheet(*rows, touch_rows=touches, settings={"目标ROI": "100%"})
    table = group_metrics(prepare_rows(data.campaigns, data.settings), ["channel"], "revenue")
    basis = credit_basis(table, data.touchpoints, data.settings)
    # touches 600 of 800 revenue = 75 % ≥ 50 %: the model (markov) credits B 5/6 of the 800 return
    assert basis.name == "markov" and basis.coverage == pytest.approx(0.75)
    assert basis.scale["B"] == pytest.approx((800 * 5 / 6) / 200)
    # A: tab ROI (600 − 200)/200 = 200 % ≥ 100 %; by share (800/6 − 200)/200 = −33 %: opposite sides
    assert basis.conflicts == ["A", "B"]
    assert basis.model_roi["A"] == pytest.approx((800 / 6 - 200) / 200)
    ans = advice(data)
    assert ans.credit_basis == "markov" and ans.credit_basis_label == "马尔可夫归因"
    assert "两种口径方向相反（目标 ROI 100%；活动表 ROI / 马尔可夫归因份额 ROI）：「A」200.0% / -33.3%、「B」0.0% / 233.3%；以归因模型为准" in ans.warnings
    sample = sheet(*rows, touch_rows=touches, settings={"目标ROI": "100%", "归因覆盖阈值": "80%"})
    assert advice(sample).credit_basis == "campaign_tab"


def test_json_carries_method_basis_and_each_channel_with_its_interval():
    out = answer_json(advice(saturated_sheet()))
    assert out["reallocation_method"] == "response_curve" and out["credit_basis"] == "campaign_tab"
    plan = out["budget"]
    assert plan["reallocation_method"] == "response_curve" and plan["basis"] == "campaign_tab"
    for row in plan["channels"]:
        assert {"current", "proposed", "marginal_roi", "expected_change"} <= row.keys()
        change = row["expected_change"]
        assert change["low"] <= change["value"] <= change["high"]
        assert len(row["curve"]["spend"]) == len(row["curve"]["marginal_roi"]) == 11
