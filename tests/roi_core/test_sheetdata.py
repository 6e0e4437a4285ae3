"""Normalising tabs: aliases, unknown columns, problems with sheet row numbers, settings."""

import pandas as pd

from roi_core import load_sheet


def test_aliases_after_nfkc_trim_casefold_and_any_order():
    tabs = {" Campaigns ": [[" Channel", "ＣＡＭＰＡＩＧＮ", "revenue", "start_date", "Ad_Spend", "备注"],
                            ["抖音", "618", "1,000", "2026-06-01", "200", "note"]]}
    data = load_sheet(tabs)
    assert data.tab_titles["campaigns"] == " Campaigns "
    row = data.campaigns.iloc[0]
    assert (row["campaign"], row["channel"], row["revenue"], row["cost"]) == ("618", "抖音", 1000.0, 200.0)
    assert row["end_date"] == pd.Timestamp("2026-06-01")  # defaults to 开始日期
    assert row["备注"] == "note"  # unknown columns kept
    assert data.problems == ()


def test_problems_name_tab_row_column_value_and_row_is_left_out():
    tabs = {"活动": [
        ["活动名称", "渠道", "开始日期", "结束日期", "销售额", "曝光量", "点击量", "新客户数"],
        ["A", "抖音", "2026-06-01", "2026-06-03", "100", 1000, 10, 1],   # row 2 fine
        [None, None, None, None, None, None, None, None],              # row 3 blank: skipped silently
        ["B", "微信", "2026-06-05", "2026-06-01", "100", None, None, 1],  # row 4 end before start
        ["C", "微信", "6月5日", None, "待补充", None, None, 1],            # row 5 two problems
        ["D", "微信", "2026-06-05", None, "100", 10, 20, -1],             # row 6 clicks > impressions, negative
        ["", "微信", "2026-06-05", None, "100"],                           # row 7 missing required name
    ]}
    data = load_sheet(tabs)
    assert list(data.campaigns["campaign"]) == ["A"]
    assert data.rows_skipped == 4  # rows 4, 5, 6, 7
    got = {(p.row, p.column, p.value, p.reason) for p in data.problems}
    assert (4, "结束日期", "2026-06-01", "结束日期早于开始日期") in got
    assert (5, "开始日期", "6月5日", "日期缺少年份（请写成 2026-06-18）") in got
    assert (5, "销售额", "待补充", "不是金额（例：12,345 或 ￥1.2万）") in got
    assert (6, "点击量", "20", "点击量大于曝光量") in got
    assert (6, "新客户数", "-1", "不能为负数") in got
    assert (7, "活动名称", "", "必填项为空") in got
    assert all(p.tab == "活动" for p in data.problems)
    assert "「活动」第4行「结束日期」" in next(p for p in data.problems if p.row == 4).describe()


def test_missing_required_column_is_one_problem_not_a_crash():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期"], ["A", "抖音", "2026-06-01"]]})
    assert data.campaigns.empty
    assert data.missing == ("「活动」缺少必填列「销售额」",)
    assert [p.reason for p in data.problems] == ["缺少必填列「销售额」"]


def test_missing_campaign_tab():
    data = load_sheet({"Sheet1": [["a"], [1]]})
    assert data.missing == ("缺少「活动」标签页",)


def test_header_row_below_blank_rows_keeps_sheet_row_numbers():
    data = load_sheet({"活动": [[], [None], ["活动名称", "渠道", "开始日期", "销售额"], ["A", "抖音", "x", 1]]})
    assert data.problems[0].row == 4


def test_settings_parsed_with_defaults_and_bad_values_reported():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"]],
                       "Settings": [["参数", "值"], ["目标ROI", "150%"], ["毛利率", "40"], ["回溯天数", "abc"],
                                    ["月报时间", "8:30"], ["不认识的参数", "x"], ["时区", "UTC"]]})
    s = data.settings
    assert (s.target_roi, s.gross_margin, s.lookback_days, s.report_time, s.timezone) == (1.5, 0.4, 30, "08:30", "UTC")
    assert [p.row for p in data.problems] == [4]


def test_touchpoints_tab_parsed():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"]],
                       "触点": [["客户ID", "时间", "渠道", "是否转化", "订单金额"],
                                ["C1", "2026-06-01 10:00", "抖音", "否", None],
                                ["C1", "2026-06-02 11:00", "微信", "是", "￥399"],
                                ["C2", "2026-06-02", "微信", "也许", None]]})
    tp = data.touchpoints
    assert tp["converted"].tolist() == [False, True]
    assert tp["revenue"].tolist() == [0.0, 399.0]
    assert data.problems[0].row == 4 and data.problems[0].column == "是否转化"
