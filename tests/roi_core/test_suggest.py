"""Suggestions for a high-ROI, a low-CTR, a low-CVR and a negative-ROI channel; next month's budget."""

import pytest

from roi_core import advice, campaign_report
from tests.roi_core.helpers import sheet

ROWS = (
    # 抖音: cost 1000, revenue 4000 → ROI 300%; CTR 5%, CVR 10%
    {"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "广告费用": 1000, "销售额": 4000, "曝光量": 10000,
     "点击量": 500, "转化数": 50, "新客户数": 25},
    # 微信: cost 1000, revenue 1500 → ROI 50%; CTR 5%, CVR 2% (low: median CVR is 10%)
    {"活动名称": "A", "渠道": "微信", "开始日期": "2026-06-01", "广告费用": 1000, "销售额": 1500, "曝光量": 10000,
     "点击量": 500, "转化数": 10, "新客户数": 25},
    # 小红书: cost 1000, revenue 1800 → ROI 80%; CTR 1% (low: median CTR is 5%), CVR 10%
    {"活动名称": "A", "渠道": "小红书", "开始日期": "2026-06-01", "广告费用": 1000, "销售额": 1800, "曝光量": 10000,
     "点击量": 100, "转化数": 10, "新客户数": 25},
    # 百度: cost 2000, revenue 1000 → ROI -50%, loss 1000; CTR 5%, CVR 10%
    {"活动名称": "A", "渠道": "百度", "开始日期": "2026-06-01", "广告费用": 2000, "销售额": 1000, "曝光量": 10000,
     "点击量": 500, "转化数": 50, "新客户数": 25},
)


def suggestions():
    return campaign_report("A", sheet(*ROWS)).suggestions


def by(kind, channel):
    return [s for s in suggestions() if s.kind == kind and s.channel == channel]


def test_raise_budget_on_the_best_channel_from_the_worst():
    (s,) = by("raise", "抖音")
    assert "ROI 300.0%" in s.text and "目标 100%" in s.text
    # from 百度 (ROI -50% < 0): 50% of its cost 2000 = 1000
    assert "「百度」" in s.text and "¥1,000" in s.text
    assert s.figures["amount"] == pytest.approx(1000)


def test_low_cvr_gets_landing_page_advice():
    (s,) = by("diagnose", "微信")
    assert "转化率 2.0% 低于中位数 10.0%" in s.text and "落地页" in s.text


def test_low_ctr_gets_creative_advice():
    (s,) = by("diagnose", "小红书")
    assert "点击率 1.0% 低于中位数 5.0%" in s.text and "素材" in s.text


def test_negative_roi_gets_pause_with_money_lost():
    (s,) = by("pause", "百度")
    assert "ROI -50.0%" in s.text and "亏损 ¥1,000" in s.text
    assert s.figures["loss"] == pytest.approx(1000)


def test_next_months_budget_keeps_the_total():
    ans = advice(sheet(*ROWS))
    change = {r["channel"]: r["change"] for r in ans.reallocation}
    assert sum(r["proposed"] for r in ans.reallocation) == 5000 and sum(change.values()) == 0
    # one day of history each: linear, at today's return per yuan (抖音 4.0, 小红书 1.8, 微信 1.5, 百度 0.5), each
    # channel within ±50 %: 抖音 and 小红书 to their caps (+500 each), 百度 to its floor (−1,000), 微信 unchanged
    assert ans.reallocation_method == "linear"
    assert change == {"抖音": 500, "小红书": 500, "微信": 0, "百度": -1000}
    # expected change: +500 × 4.0 + 500 × 1.8 − 1,000 × 0.5
    assert ans.expected_return_change == pytest.approx(500 * 4.0 + 500 * 1.8 - 1000 * 0.5)


def test_an_event_without_counted_conversions_has_no_nan_in_its_figures():
    import math

    # 线下会: cost 3,000 for 150 participants → ¥20 each; no 转化数, so no participants' conversion rate
    rows = [{"活动名称": "线下会", "渠道": "线下", "开始日期": "2026-06-01", "广告费用": 3000, "销售额": 2000,
             "参与人数": 150}]
    events = [s for s in campaign_report("线下会", sheet(*rows)).suggestions if s.kind == "event"]
    assert events and events[0].figures["cost_per_participant"] == pytest.approx(20.0)
    assert events[0].figures["participant_cvr"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in events[0].figures.values())
