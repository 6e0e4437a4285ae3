"""Metrics worked out by hand."""

import pandas as pd
import pytest

from roi_core import campaign_report, group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.sheetdata import Settings
from tests.roi_core.helpers import sheet


def report(data, name="A"):
    return campaign_report(name, data)


def test_every_metric_of_one_campaign():
    data = sheet(
        {"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "广告费用": 800, "促销费用": 100, "人员费用": 50,
         "其他费用": 50, "销售额": 5000, "新客户数": 20, "曝光量": 10000, "点击量": 400, "转化数": 40},
    )
    f = report(data).figures
    # cost = 800+100+50+50 = 1000; ROI = (5000-1000)/1000 = 4.0; ROAS = 5
    assert f["cost"] == 1000 and f["roi"] == pytest.approx(4.0) and f["roas"] == pytest.approx(5.0)
    assert f["cac"] == pytest.approx(1000 / 20)      # 50
    assert f["ctr"] == pytest.approx(400 / 10000)    # 4%
    assert f["cvr"] == pytest.approx(40 / 400)       # 10%
    assert f["cpc"] == pytest.approx(1000 / 400)     # 2.5
    assert f["cpa"] == pytest.approx(1000 / 40)      # 25
    assert f["aov"] == pytest.approx(5000 / 40)      # 125
    assert report(data).roas_text == "1:5.0"


def test_zero_cost_gives_no_number_and_a_reason():
    data = sheet({"活动名称": "A", "渠道": "私域", "开始日期": "2026-06-01", "销售额": 1000})
    r = report(data)
    assert r.figures["roi"] is None and r.figures["roas"] is None
    assert r.unavailable["roi"] == "无法计算 (成本为0)"
    assert r.figures["cac"] is None and r.unavailable["cac"] == "无新客户数数据"
    assert r.roas_text is None


def test_margin_basis_from_setting_and_column():
    rows = ({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "广告费用": 2000, "销售额": 10000},
            {"活动名称": "A", "渠道": "微信", "开始日期": "2026-06-01", "广告费用": 1000, "销售额": 5000, "毛利": 3000})
    with_margin = report(sheet(*rows, settings={"毛利率": "40%"}))
    # 毛利 = 10000*0.4 + 3000 = 7000; ROI = (7000-3000)/3000
    assert with_margin.basis == "gross_profit" and with_margin.basis_label == "按毛利"
    assert with_margin.figures["gross_profit"] == 7000
    assert with_margin.figures["roi"] == pytest.approx(4000 / 3000)
    # without 毛利率 one row lacks 毛利 → the whole answer falls back to 销售额: (15000-3000)/3000 = 4
    without = report(sheet(*rows))
    assert without.basis == "revenue" and without.figures["gross_profit"] is None
    assert without.figures["roi"] == pytest.approx(4.0)
    assert any("按销售额" in w for w in without.warnings)


def test_group_roi_is_sum_based_not_an_average_of_rows():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "广告费用": 100, "销售额": 300},
                 {"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-02", "广告费用": 900, "销售额": 900})
    # row ROIs are 200% and 0% (average 100%); the channel's ROI is (1200-1000)/1000 = 20%
    channel = report(data).channels[0]
    assert channel["roi"] == pytest.approx(0.2)


def test_ratio_uses_rows_that_know_both_parts():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "销售额": 1, "曝光量": 1000, "点击量": 50},
                 {"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "销售额": 1, "点击量": 30})
    assert report(data).figures["ctr"] == pytest.approx(50 / 1000)


def test_event_metrics():
    data = sheet({"活动名称": "品鉴会", "渠道": "线下", "开始日期": "2026-04-18", "促销费用": 20000, "销售额": 30000,
                  "转化数": 30, "参与人数": 200})
    f = report(data, "品鉴会").figures
    assert f["cost_per_participant"] == pytest.approx(100)  # 20000/200
    assert f["participant_cvr"] == pytest.approx(0.15)       # 30/200
    assert f["cvr"] == pytest.approx(0.15)                   # events: 转化数/参与人数


def test_month_spreading_across_a_month_end():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-01-25", "结束日期": "2026-02-03",
                  "广告费用": 1000, "销售额": 5000})
    rows = prepare_rows(data.campaigns, Settings())
    spread = spread_by_month(rows)
    # 10 days: 7 in January (25..31), 3 in February (1..3)
    assert [str(m) for m in spread["month"]] == ["2026-01", "2026-02"]
    assert spread["cost"].tolist() == pytest.approx([700, 300])
    assert spread["revenue"].tolist() == pytest.approx([3500, 1500])
    by_month = group_metrics(spread, ["month"], return_basis(spread))
    assert by_month["roi"].tolist() == pytest.approx([4.0, 4.0])


def test_spreading_over_three_months_and_leap_february():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2028-01-31", "结束日期": "2028-03-01",
                  "广告费用": 3100, "销售额": 0})
    spread = spread_by_month(prepare_rows(data.campaigns, Settings()))
    # 31 days: Jan 31 (1), Feb 2028 (29, leap year), Mar 1 (1)
    assert spread["cost"].tolist() == pytest.approx([100, 2900, 100])


def test_no_nan_or_inf_reaches_the_answer():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-06-01", "销售额": 0, "曝光量": 0, "点击量": 0,
                  "转化数": 0})
    import json

    from roi_core import answer_json

    text = json.dumps(answer_json(report(data)), allow_nan=False)
    assert "NaN" not in text and "Infinity" not in text
    assert pd.isna(group_metrics(prepare_rows(data.campaigns, Settings()), None, "revenue")["ctr"].iloc[0])


def test_a_utc_time_lands_in_the_teams_month():
    # 2026-10-31 20:00 UTC is 2026-11-01 04:00 in Shanghai (the default 时区): November's cost
    row = {"活动名称": "A", "渠道": "抖音", "开始日期": "2026-10-31T20:00:00Z", "广告费用": 100, "销售额": 300}
    shanghai = spread_by_month(prepare_rows(sheet(row).campaigns, Settings()))
    assert [str(m) for m in shanghai["month"]] == ["2026-11"]
    utc = spread_by_month(prepare_rows(sheet(row, settings={"时区": "UTC"}).campaigns, Settings()))
    assert [str(m) for m in utc["month"]] == ["2026-10"]


def test_bad_timezone_setting_is_reported():
    data = sheet({"活动名称": "A", "渠道": "抖音", "开始日期": "2026-10-01", "销售额": 1}, settings={"时区": "Mars/Base"})
    assert data.settings.timezone == "Asia/Shanghai"
    assert "不是有效的时区" in data.problems[0].reason
