"""Suggestions for a high-ROI, a low-CTR, a low-CVR and a negative-ROI channel; reallocation."""

import pytest

from roi_core import campaign_report, group_metrics, prepare_rows, reallocate
from roi_core.sheetdata import Settings
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


def test_reallocation_keeps_the_total():
    rows = prepare_rows(sheet(*ROWS).campaigns, Settings())
    table = group_metrics(rows, ["channel"], "revenue")
    plan = reallocate(table, target_roi=1.0)
    assert plan.rows["proposed"].sum() == pytest.approx(5000)
    assert plan.rows["change"].sum() == pytest.approx(0, abs=1e-6)
    # donors: 微信 and 小红书 give 20% (200 each), 百度 gives 50% (1000) → 1400; 抖音 can take at most +50% = 500
    change = dict(zip(plan.rows["channel"], plan.rows["change"], strict=True))
    assert change["抖音"] == pytest.approx(500)
    # the 900 nobody can absorb stays with the donors pro rata: each gives 500/1400 of its share
    assert change["百度"] == pytest.approx(-1000 * 500 / 1400)
    # expected change: +500 x 4.0 (抖音 return per yuan) − (1000x0.5 + 200x1.5 + 200x1.8) x 500/1400
    expected = 500 * 4.0 - (1000 * 0.5 + 200 * 1.5 + 200 * 1.8) * 500 / 1400
    assert plan.expected_return_change == pytest.approx(expected)


def test_an_event_without_counted_conversions_has_no_nan_in_its_figures():
    import math

    # 线下会: cost 3,000 for 150 participants → ¥20 each; no 转化数, so no participants' conversion rate
    rows = [{"活动名称": "线下会", "渠道": "线下", "开始日期": "2026-06-01", "广告费用": 3000, "销售额": 2000,
             "参与人数": 150}]
    events = [s for s in campaign_report("线下会", sheet(*rows)).suggestions if s.kind == "event"]
    assert events and events[0].figures["cost_per_participant"] == pytest.approx(20.0)
    assert events[0].figures["participant_cvr"] is None
    assert not any(isinstance(v, float) and math.isnan(v) for v in events[0].figures.values())
