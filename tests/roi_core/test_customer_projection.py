"""Projected ROIs kept out of the customer-value headline (issue 24, part 4), on a small sheet worked by hand.

活动: 夏促 on 抖音, 2026-06-01 … 06-10, 广告 2,000, 销售额 3,000 (no 毛利: 按销售额), 新客户数 40 (or 6).
客户: C1 … C4 acquired 06-02 … 06-05 by 夏促. 订单: C1 100 on 06-02 and 100 on 07-01 (29 days after: inside the
30-day window); C2 200 on 06-03; C3 300 on 06-04; C4 400 on 06-05. Today 2026-11-30.

Measured from the sample (whatever the coverage): 4 new customers; LTV 30 = LTV 90 = (200 + 200 + 300 + 400) / 4 =
275; repurchase 1 / 4 (C1); campaign ROI from 活动 (3,000 − 2,000) / 2,000 = 50 %.

新客户数 40 → coverage 4 / 40 = 10 % < 设置 归因覆盖阈值 50 %: 订单 is a sample. CAC 2,000 / 40 = 50; LTV:CAC
275 / 50 = 5.5. Projected: first orders (100 + 200 + 300 + 400) / 4 × 40 = 10,000 → (10,000 − 2,000) / 2,000 =
400 %; all orders 1,100 / 4 × 40 = 11,000 → 450 %. Payback: per new customer the sample has 100 / 4 = 25 by 06-02,
75 by 06-03 ≥ CAC 50 → 2 days after 06-01.

The 80 % interval, worked exactly: a bootstrap mean of 4 draws from the first orders {100, 200, 300, 400} is 25 × S,
S the sum of 4 draws from {1, 2, 3, 4}; projected ROI = (25 S × 40 − 2,000) / 2,000 = S / 2 − 1. Ways S ≤ 6:
1 + 4 + 10 = 15 of 256 (5.9 %), S ≤ 7: 35 of 256 (13.7 %) → 10th percentile S = 7 → 250 %; by symmetry the 90th is
S = 13 → 550 %. All orders {200, 200, 300, 400}: 25 × T, T = 8 + X, X the sum of 4 draws from {0, 0, 1, 2}
(coefficients of (2 + z + z²)⁴ / 256: 16, 32, 56, 56, 49, 28, 14, 4, 1): P(X ≤ 0) 6.3 %, P(X ≤ 1) 18.8 % → X = 1,
T = 9 → 350 %; P(X ≤ 4) 81.6 %, P(X ≤ 5) 92.6 % → X = 5, T = 13 → 550 %. With 2,000 seeded draws the empirical
percentiles land on those atoms.

新客户数 6 → coverage 4 / 6 = 66.7 % ≥ 50 %: measured, not projected: first-order ROI (1,000 − 2,000) / 2,000 = −50 %,
with repurchase (1,100 − 2,000) / 2,000 = −45 %, in the headline as before; no projection.
"""

import datetime as dt

import numpy as np
import pytest

from render.text import render_text
from roi_core import answer, load_sheet, parse_query
from roi_core.answer import answer_json
from roi_core.customers import customer_value
from roi_core.customers.projection import bootstrap_means, draws_for, roi_interval

TODAY = dt.date(2026, 11, 30)
CUSTOMERS = [["客户ID", "获客日期", "获客渠道", "获客活动"],
             ["C1", "2026-06-02", "抖音", "夏促"], ["C2", "2026-06-03", "抖音", "夏促"],
             ["C3", "2026-06-04", "抖音", "夏促"], ["C4", "2026-06-05", "抖音", "夏促"]]
ORDERS = [["订单号", "客户ID", "下单日期", "订单金额"],
          ["O1", "C1", "2026-06-02", 100], ["O2", "C1", "2026-07-01", 100], ["O3", "C2", "2026-06-03", 200],
          ["O4", "C3", "2026-06-04", 300], ["O5", "C4", "2026-06-05", 400]]


def sheet(reported: int, name: str = "夏促", **settings):
    customers = [row[:3] + [name if row[3] == "夏促" else row[3]] for row in CUSTOMERS]
    tabs = {"活动": [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额", "新客户数"],
                     [name, "抖音", "2026-06-01", "2026-06-10", 2000, 3000, reported]],
            "客户": customers, "订单": ORDERS}
    if settings:
        tabs["设置"] = [["参数", "值"]] + [[k, v] for k, v in settings.items()]
    return load_sheet(tabs, source="test")


def ask(text, data):
    return answer(parse_query(text, TODAY), data, TODAY)


def test_below_the_threshold_the_core_projects_with_an_80_percent_interval():
    v = customer_value(sheet(40), "夏促", asof=TODAY)
    assert (v.new_customers, v.reported_new_customers, v.coverage, v.projected) == (4, 40.0, 0.1, True)
    assert v.first_order_roi == pytest.approx(4.0) and v.roi_with_repurchase == pytest.approx(4.5)
    assert v.campaign_roi == pytest.approx(0.5)
    # the exact bootstrap quantiles worked out in the module docstring
    assert (v.first_order_roi_low, v.first_order_roi_high) == (pytest.approx(2.5), pytest.approx(5.5))
    assert (v.roi_with_repurchase_low, v.roi_with_repurchase_high) == (pytest.approx(3.5), pytest.approx(5.5))
    assert v.first_order_roi_low <= v.first_order_roi <= v.first_order_roi_high
    assert v.roi_with_repurchase_low <= v.roi_with_repurchase <= v.roi_with_repurchase_high


def test_the_interval_is_reproducible_and_moves_each_customer_as_a_whole():
    values = np.array([[100.0, 200.0], [200.0, 200.0], [300.0, 300.0], [400.0, 400.0]])
    assert np.array_equal(bootstrap_means(values), bootstrap_means(values))  # seeded: same answer every time
    means = bootstrap_means(values)
    # the same customers in both columns of a draw: a draw's total mean is its first mean + 100 × (C1 picks) / 4,
    # so total − first is a multiple of 25, never negative
    gap = means[:, 1] - means[:, 0]
    assert (gap >= 0).all() and np.allclose(gap / 25, np.round(gap / 25))
    assert roi_interval(values, 40.0, 2000.0) == [(pytest.approx(2.5), pytest.approx(5.5)),
                                                  (pytest.approx(3.5), pytest.approx(5.5))]


def test_below_the_threshold_the_json_nulls_the_headline_rois_and_gives_the_projection():
    out = answer_json(ask("夏促 客户价值", sheet(40)))
    assert out["projected"] is True and out["coverage"] == pytest.approx(0.1)
    assert out["first_order_roi"] is None and out["roi_with_repurchase"] is None
    assert out["campaign_roi"] == pytest.approx(0.5)  # (3,000 − 2,000) / 2,000
    assert out["projection"] == {
        "first_order_roi": pytest.approx(4.0), "first_order_roi_low": pytest.approx(2.5),
        "first_order_roi_high": pytest.approx(5.5), "roi_with_repurchase": pytest.approx(4.5),
        "roi_with_repurchase_low": pytest.approx(3.5), "roi_with_repurchase_high": pytest.approx(5.5),
        "level": 0.8, "coverage": pytest.approx(0.1),
        # the payback's cumulative return is projected too: 1,100 / 4 × 40 = 11,000, ÷ cost 2,000 = 550 % recovered
        # (= the sample's 275 per new customer ÷ CAC 50); null at the top, the sample's own 1,100 stays there
        "returned": pytest.approx(11_000.0), "recovered": pytest.approx(5.5)}
    assert out["returned"] is None and out["recovered"] is None
    assert out["sample_returned"] == pytest.approx(1_100.0)
    # what the sample measures stays at the top: LTV 275, repurchase 1 / 4, CAC 2,000 / 40, LTV:CAC 5.5, payback 2 days
    assert out["ltv"]["30"] == pytest.approx(275) and out["ltv"]["90"] == pytest.approx(275)
    assert out["repurchase_rate"] == pytest.approx(0.25)
    assert (out["cac"], out["cac_source"]) == (pytest.approx(50), "活动")
    assert out["ltv_cac"] == pytest.approx(5.5) and out["ltv_cac_window"] == 90
    assert out["payback_days"] == 2 and out["payback_date"] == "2026-06-03"


def test_below_the_threshold_the_text_leads_with_measured_figures_and_labels_the_projection():
    text = render_text(ask("夏促 客户价值", sheet(40)))
    lines = text.splitlines()
    assert "回本周期 2 天（2026-06-03 回本）（样本每位新客累计收益对比获客成本）   复购率 25.0%（1 / 4）" in lines
    assert "新客户 4（获客 4）   获客成本 ¥50（按「活动」新客户数 40）   LTV:CAC 5.50（90 天）" in lines
    assert "活动ROI 50.0%（按「活动」）" in lines
    assert ("推算：首单ROI 400.0%（80% 区间 250.0% ~ 550.0%） · 含复购ROI 450.0%（80% 区间 350.0% ~ 550.0%）："
            "按订单样本推算（覆盖 10.0%），样本外的新客未必一样，对外引用请用活动ROI") in lines
    # per new customer so far 1,100 / 4 = 275 against CAC 50
    assert ("回本周期：订单样本 4 位新客，每位累计收益（按销售额）至今 ¥275，获客成本 ¥50（「活动」成本 ¥2,000 ÷ "
            "新客户数 40），首次覆盖获客成本那天即回本") in lines
    headline = text.split("订单覆盖")[0]
    assert "首单ROI" not in headline and "含复购ROI" not in headline


def test_english_labels_the_projection_projected():
    # an English question (an English campaign name: a Chinese one would make the question read as Chinese)
    text = render_text(ask("Summer customer value", sheet(40, name="Summer")))
    assert "Campaign ROI 50.0% (from 活动)" in text
    assert ("Projected: first-order ROI 400.0% (80% interval 250.0% to 550.0%) · ROI with repurchase 450.0% "
            "(80% interval 350.0% to 550.0%)") in text
    assert "First-order ROI" not in text.split("Orders coverage")[0]


def test_at_or_above_the_threshold_the_rois_are_measured_and_stay_in_the_headline():
    ans = ask("夏促 客户价值", sheet(6))
    out = answer_json(ans)
    assert out["projected"] is False and out["coverage"] == pytest.approx(4 / 6) and out["projection"] is None
    # measured: (1,000 − 2,000) / 2,000 = −50 %; (1,100 − 2,000) / 2,000 = −45 %
    assert out["first_order_roi"] == pytest.approx(-0.5) and out["roi_with_repurchase"] == pytest.approx(-0.45)
    text = render_text(ans)
    assert "首单ROI -50.0%   含复购ROI -45.0%" in text and "推算" not in text and "活动ROI" not in text


def test_the_setting_decides_a_lower_threshold_makes_the_same_sample_measured():
    # 设置 归因覆盖阈值 5 %: coverage 10 % is at or above it → the sample's own sums, not projected
    out = answer_json(ask("夏促 客户价值", sheet(40, 归因覆盖阈值="5%")))
    assert out["projected"] is False and out["projection"] is None
    assert out["first_order_roi"] == pytest.approx(-0.5) and out["roi_with_repurchase"] == pytest.approx(-0.45)


def test_the_campaign_answer_carries_the_same_rule():
    ans = ask("夏促", sheet(40))
    cv = ans.customer_value
    assert cv["first_order_roi"] is None and cv["projection"]["first_order_roi"] == pytest.approx(4.0)
    text = render_text(ans)
    # per-customer figures, measured: the line names the coverage, not a projection
    assert "客户价值：回本周期 2 天（2026-06-03 回本） · LTV 90 天 ¥275 · 复购率 25.0% · LTV:CAC 5.50（订单覆盖 10.0%）" in text
    assert "推算" not in text


def test_a_large_sample_gets_fewer_draws_so_the_answer_stays_quick():
    # 20,000,000 cells in all: 27 customers → the full 2,000 draws; 20,000 → 1,000; 100,000 → 200 (the floor)
    assert (draws_for(27), draws_for(20_000), draws_for(100_000), draws_for(1_000_000)) == (2000, 1000, 200, 200)


def test_a_projected_campaign_not_yet_paid_back_says_its_share_from_the_projection():
    from roi_core.answer.customer_value import CustomerValueAnswer
    from roi_core.views.customers import campaign_value_notes, payback_text

    # not paid back: the sample's 20 per new customer against CAC 50 = 40 % of the cost back (the projected
    # 800 ÷ 2,000 under projection is the same share); the top-level recovered is null, the text still says it
    ans = CustomerValueAnswer(kind="customer_value", campaign="夏促", cost=2_000.0, new_customers=4, projected=True,
                              coverage=0.1, payback_days=None, returned=None, recovered=None,
                              projection={"returned": 800.0, "recovered": 0.4, "level": 0.8, "coverage": 0.1,
                                          "first_order_roi": None, "roi_with_repurchase": None})
    assert payback_text(ans) == "未回本，已收回 40.0%"
    campaign = type("A", (), {"lang": "zh", "currency": "¥", "customer_value": {
        "has_orders": True, "new_customers": 4, "payback_days": None, "recovered": None, "projected": True,
        "coverage": 0.1, "ltv": {"90": 20.0}, "repurchase_rate": 0.25, "ltv_cac": 0.4,
        "projection": {"recovered": 0.4}}})()
    (line,) = campaign_value_notes(campaign)
    assert line.text.startswith("未回本，已收回 40.0%")
