"""Normalising tabs: aliases, unknown columns, problems with sheet row numbers, settings."""

import datetime as dt

import pandas as pd
import pytest

from roi_core import DataError, answer, answer_json, load_sheet, parse_query
from roi_core.answer import campaign_report


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
    # 活动 has one row: an empty 活动 is a problem of its own (test_new_tab_checks.py)
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"], ["A", "抖音", "2026-06-01", 100]],
                       "Settings": [["参数", "值"], ["目标ROI", "150%"], ["毛利率", "40"], ["回溯天数", "abc"],
                                    ["月报时间", "8:30"], ["不认识的参数", "x"], ["时区", "UTC"]]})
    s = data.settings
    assert (s.target_roi, s.gross_margin, s.lookback_days, s.report_time, s.timezone) == (1.5, 0.4, 30, "08:30", "UTC")
    assert [p.row for p in data.problems] == [4]


def test_touchpoints_tab_parsed():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"], ["A", "抖音", "2026-06-01", 100]],
                       "触点": [["客户ID", "时间", "渠道", "是否转化", "订单金额"],
                                ["C1", "2026-06-01 10:00", "抖音", "否", None],
                                ["C1", "2026-06-02 11:00", "微信", "是", "￥399"],
                                ["C2", "2026-06-02", "微信", "也许", None]]})
    tp = data.touchpoints
    assert tp["converted"].tolist() == [False, True]
    assert tp["revenue"].tolist() == [0.0, 399.0]
    assert data.problems[0].row == 4 and data.problems[0].column == "是否转化"


# --- implausible cells, unusable tabs --------------------------------------------------------------


TOO_LARGE = "数值超出合理范围（绝对值应不超过 1,000 万亿），检查单位或小数点"
HEAD = ["活动名称", "渠道", "开始日期", "销售额", "广告费用", "促销费用", "人员费用"]
ONE_ROW = [HEAD, ["A", "抖音", "2026-06-01", 100]]  # 活动 with a row, so only 设置's problems are listed


def test_huge_and_tiny_money_rows_are_left_out_and_the_rest_answer():
    data = load_sheet({"活动": [
        HEAD,
        ["A", "抖音", "2026-06-01", 1e308, 1000],        # row 2: 1e308 is past 1e15
        ["A", "微信", "2026-06-02", 1e308, 1000],        # row 3: the same again (the sum would be inf)
        ["A", "小红书", "2026-06-03", "1e400", 1000],    # row 4: inf once parsed
        ["A", "短信", "2026-06-04", 5000, 1e-300],      # row 5: a cost under one 分
        ["A", "百度", "2026-06-05", 3000, 1000],        # row 6: fine
    ]})
    assert data.rows_skipped == 4
    got = [(p.row, p.column, p.value, p.reason) for p in data.problems]
    assert got == [(2, "销售额", "1e+308", TOO_LARGE), (3, "销售额", "1e+308", TOO_LARGE),
                   (4, "销售额", "1e400", TOO_LARGE),
                   (5, "广告费用", "1e-300", "金额不足 0.01（1 分），填 0 或检查单位和小数点")]
    report = answer_json(answer(parse_query("A", dt.date(2026, 7, 1)), data, dt.date(2026, 7, 1)))
    # only row 6: cost 1000, revenue 3000 → ROI (3000 - 1000) / 1000 = 2.0, ROAS 3.0
    assert (report["cost"], report["revenue"], report["roi"], report["roas"]) == (1000.0, 3000.0, 2.0, 3.0)
    assert report["rows_skipped"] == 4


def test_costs_cancelling_to_float_dust_are_zero_not_a_huge_roi():
    # 0.1 + 0.2 - 0.3 is 5.55e-17 in floating point: before, ROI was 1e15 / 5.55e-17 ≈ 1.8e31
    data = load_sheet({"活动": [HEAD, ["A", "抖音", "2026-06-01", 1e15, 0.1, 0.2, -0.3]]})
    assert data.problems == ()
    report = campaign_report("A", data)
    assert report.figures["cost"] == 0.0 and report.figures["roi"] is None and report.figures["roas"] is None
    assert report.unavailable["roi"] == "无法计算 (成本为0)"


def test_dates_out_of_range_are_problems_and_settings_can_widen_them():
    rows = [HEAD,
            ["A", "抖音", "1900-01-01", 100, 10],            # row 2
            ["A", "抖音", "2026-06-01", 100, 10],            # row 3: fine
            ["A", "抖音", dt.date(9999, 1, 1), 100, 10],     # row 4: a pandas traceback before
            ["A", "抖音", "2300-06-01", 100, 10],            # row 5
            ["A", "抖音", 1e9, 100, 10],                     # row 6: a serial of no date
            ["A", "抖音", "1995-03-01", 100, 10]]            # row 7
    data = load_sheet({"活动": rows})
    assert sorted(p.row for p in data.problems) == [2, 4, 5, 6, 7]
    assert all(p.column == "开始日期" for p in data.problems)
    assert data.campaigns["row"].tolist() == [3]

    wider = load_sheet({"活动": rows, "设置": [["参数", "值"], ["最早日期", "1990-01-01"], ["最晚日期", "2300-12-31"]]})
    # 最晚日期 past 2261-12-31 is refused (default kept), 最早日期 1990-01-01 lets row 7 in
    assert wider.settings.earliest_date == dt.date(1990, 1, 1)
    assert wider.settings.latest_date == dt.date(2100, 12, 31)
    assert wider.campaigns["row"].tolist() == [3, 7]
    assert [p.row for p in wider.problems if p.tab == "设置"] == [3]


def test_date_settings_as_a_google_serial_and_in_the_wrong_order():
    # a Google date cell read unformatted is a serial: 32874 = 1990-01-01 (36526 - 3652 days of 1990..1999)
    data = load_sheet({"活动": ONE_ROW, "设置": [["参数", "值"], ["最早日期", 32874]]})
    assert data.settings.earliest_date == dt.date(1990, 1, 1)
    swapped = load_sheet({"活动": ONE_ROW, "设置": [["参数", "值"], ["最早日期", "2030-01-01"], ["最晚日期", "2020-01-01"]]})
    assert (swapped.settings.earliest_date, swapped.settings.latest_date) == (dt.date(2000, 1, 1), dt.date(2100, 12, 31))
    assert [(p.row, p.reason) for p in swapped.problems] == [(3, "最晚日期早于最早日期 2030-01-01，两者都已用默认值")]


@pytest.mark.parametrize("name, value, reason", [
    ("回溯天数", "1e15", "回溯天数：回溯天数应在 1-3650 之间，已用默认值 30"),
    ("回溯天数", "7.5", "回溯天数：应为整数，已用默认值 30"),
    ("时间衰减半衰期", "5000", "时间衰减半衰期：半衰期应在 0.01-3650 天之间，已用默认值 7.0"),
    ("时间衰减半衰期", "1e308", f"时间衰减半衰期：{TOO_LARGE}，已用默认值 7.0"),
    ("目标ROI", "1e6", "目标ROI：目标ROI应在 -100% 至 10000% 之间，已用默认值 1.0"),  # 1e6 → 1e6 % = 1e4
    ("目标ROI", "1e400", "目标ROI：不是百分比，已用默认值 1.0"),
    ("毛利率", 6.6e-282, "毛利率：毛利率不足 0.01%（填 0 或检查小数点），已忽略此项"),
    ("毛利率", "140%", "毛利率：毛利率应在 0%-100% 之间，已忽略此项"),
])
def test_implausible_settings_fall_back_to_defaults(name, value, reason):
    data = load_sheet({"活动": ONE_ROW, "设置": [["参数", "值"], [name, value]]})
    assert [(p.row, p.reason) for p in data.problems] == [(2, reason)]
    s = data.settings
    assert (s.lookback_days, s.half_life_days, s.target_roi, s.gross_margin) == (30, 7.0, 1.0, None)


def test_two_columns_for_one_field_block_the_tab_naming_both():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "收入", "销售额"], ["A", "抖音", "2026-06-01", 100, 200]]})
    why = "「收入」和「销售额」都表示「销售额」，只能保留一列：删除或改名其中一列"
    assert [(p.tab, p.row, p.column, p.reason, p.blocking) for p in data.problems] == [("活动", None, "销售额", why, True)]
    assert data.missing == ("「活动」：" + why,)
    assert data.campaigns.empty
    with pytest.raises(DataError, match="「收入」和「销售额」"):
        answer(parse_query("A", dt.date(2026, 11, 30)), data, dt.date(2026, 11, 30))


def test_two_columns_for_one_field_in_touchpoints_and_settings():
    data = load_sheet({"活动": [HEAD, ["A", "抖音", "2026-06-01", 100, 10]],
                       "触点": [["客户ID", "时间", "日期", "渠道", "是否转化"], ["C1", "2026-06-01", "2026-06-02", "抖音", 1]],
                       "设置": [["参数", "名称", "值"], ["目标ROI", "x", "150%"]]})
    assert [(p.tab, p.column) for p in data.blocking_problems] == [("设置", "名称"), ("触点", "日期")]
    assert data.touchpoints.empty
    assert data.settings.target_roi == 1.0
    # an unreadable 设置 stops campaign answers (目标ROI and 毛利率 change them); 触点 only empties attribution
    assert data.missing == ("「设置」：「参数」和「名称」都表示「参数」，只能保留一列：删除或改名其中一列",)


def test_missing_campaign_tab_is_a_blocking_problem_for_sheets_check():
    data = load_sheet({"Sheet1": [["a"], [1]], "设置": [["参数", "值"]]})
    (problem,) = data.problems
    assert (problem.tab, problem.row, problem.blocking) == ("活动", None, True)
    assert "python -m sheets init" in problem.reason
    assert data.blocking_problems == (problem,)
    assert problem.describe().startswith("「活动」：缺少「活动」标签页（必需）")


def test_a_fine_sheet_has_no_blocking_problems():
    data = load_sheet({"活动": [HEAD, ["A", "抖音", "2026-06-01", "abc", 10]]})
    assert len(data.problems) == 1 and data.blocking_problems == ()


def test_a_time_zone_that_is_a_folder_or_too_long_is_a_problem_not_a_crash():
    from roi_core import load_sheet

    for bad in ("America", "9" * 300):
        data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "广告费用", "销售额"], ["A", "抖音", "2026-01-01", 1, 2]],
                           "设置": [["参数", "值"], ["时区", bad]]})
        assert data.settings.timezone == "Asia/Shanghai"
        assert any("不是有效的时区" in p.reason for p in data.problems)
