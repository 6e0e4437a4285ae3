"""/roi 归因: month filtering, attributed ROI, comparison and clear errors."""

import pandas as pd
import pytest

from roi_core import DataError, answer, parse_query
from roi_core.attribution_report import attribution_report, touches_for_month
from tests.roi_core.helpers import sheet

TOUCH_HEADERS = ["客户ID", "时间", "渠道", "是否转化", "订单金额"]
TOUCHES = [
    TOUCH_HEADERS,
    # c1 converts in September: not an October journey
    ["c1", "2026-09-20 10:00", "微信", "否", None],
    ["c1", "2026-09-25 10:00", "抖音", "是", 100],
    # c1 again in October: 抖音 → 微信, converts for 300
    ["c1", "2026-10-02 10:00", "抖音", "否", None],
    ["c1", "2026-10-05 10:00", "微信", "是", 300],
    # c2 starts in late September (within the 30-day lookback), converts in October for 200
    ["c2", "2026-09-28 10:00", "小红书", "否", None],
    ["c2", "2026-10-03 10:00", "抖音", "是", 200],
    # c3 only touches in October, never converts
    ["c3", "2026-10-10 10:00", "小红书", "否", None],
]
CAMPAIGNS = (
    {"活动名称": "X", "渠道": "抖音", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 100, "销售额": 400},
    {"活动名称": "X", "渠道": "微信", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 100, "销售额": 100},
)
OCT = pd.Period("2026-10", freq="M")


def data():
    return sheet(*CAMPAIGNS, touch_rows=TOUCHES)


def test_month_keeps_journeys_converting_in_it():
    kept = touches_for_month(data().touchpoints, OCT, 30)
    # c1's September journey is gone; c2's late-September touch stays (lookback)
    assert sorted(zip(kept["customer_id"], kept["channel"], strict=True)) == [
        ("c1", "微信"), ("c1", "抖音"), ("c2", "小红书"), ("c2", "抖音"), ("c3", "小红书")]


def test_last_touch_in_october_with_roi_on_touch_revenue():
    ans = attribution_report(data(), "末次触点", OCT)
    assert ans.model == "last" and ans.model_label == "末次触点"
    # last touch: 微信 gets c1's 300, 抖音 gets c2's 200; 2 converting journeys of 3
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["微信"]["revenue"] == 300 and rows["抖音"]["revenue"] == 200 and rows["小红书"]["revenue"] == 0
    assert (ans.journeys, ans.converting_journeys, ans.revenue) == (3, 2, 500)
    # 触点 revenue 500 covers the period's 活动 revenue 500 fully → ROI on touch revenue
    assert ans.roi_basis == "touch_revenue"
    assert rows["微信"]["roi"] == pytest.approx((300 - 100) / 100)
    assert rows["小红书"]["roi_note"] == "无成本数据"


def test_linear_and_comparison_flags():
    ans = attribution_report(data(), "linear", OCT)
    rows = {r["channel"]: r for r in ans.channels}
    # c1: 抖音 150, 微信 150; c2: 小红书 100, 抖音 100
    assert rows["抖音"]["revenue"] == pytest.approx(250) and rows["微信"]["revenue"] == pytest.approx(150)
    assert rows["小红书"]["revenue"] == pytest.approx(100)
    assert {r["channel"] for r in ans.comparison} == {"抖音", "微信", "小红书"}
    assert all(f"{m}_rank" in ans.comparison[0] for m in ans.models)


def test_sample_touches_use_share_of_campaign_return():
    big = sheet({**CAMPAIGNS[0], "销售额": 40000}, CAMPAIGNS[1], touch_rows=TOUCHES)
    ans = attribution_report(big, "last", OCT)
    # touches hold 500 of 40,100 → a sample: 微信's share 300/500 of 40,100 = 24,060 against cost 100
    assert ans.roi_basis == "share_of_campaign_return"
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["微信"]["roi"] == pytest.approx((0.6 * 40100 - 100) / 100)
    assert any("按样本处理" in w for w in ans.warnings)


def test_grammar_and_errors():
    ans = answer(parse_query("attribution shapley 2026-10"), data())
    assert ans.kind == "attribution" and ans.model == "shapley" and ans.lang == "en"
    with pytest.raises(DataError, match="没有「触点」数据"):
        answer(parse_query("归因"), sheet(*CAMPAIGNS))
    no_conv = sheet(*CAMPAIGNS, touch_rows=[TOUCH_HEADERS, ["c1", "2026-10-01", "抖音", "否", None]])
    with pytest.raises(DataError, match="没有转化"):
        answer(parse_query("归因"), no_conv)


def test_a_month_with_no_conversion_before_it():
    touches = [TOUCH_HEADERS, ["c9", "2026-10-02 10:00", "抖音", "否", None], ["c9", "2026-10-05", "微信", "是", 50]]
    ans = attribution_report(sheet(*CAMPAIGNS, touch_rows=touches), "first", OCT)
    assert {r["channel"]: r["revenue"] for r in ans.channels} == {"抖音": 50.0, "微信": 0.0}
