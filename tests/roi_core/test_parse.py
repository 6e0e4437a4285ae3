"""Every value form of docs/sheet-contract.md, parsed or reported."""

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from roi_core.parse import parse_bool, parse_count, parse_date, parse_number, parse_percent, parse_score


def col(*values):
    return pd.Series(list(values), dtype=object)


@pytest.mark.parametrize("typed, expected", [
    ("12345.6", 12345.6),
    ("12,345.60", 12345.6),
    ("¥12,345", 12345.0),
    ("￥1.2万", 12000.0),
    ("3亿", 300_000_000.0),
    ("12,345元", 12345.0),
    ("RMB 100", 100.0),
    ("rmb100", 100.0),
    ("(1,000)", -1000.0),
    ("１２，３４５", 12345.0),  # full-width digits and comma
    ("￥１.５万元", 15000.0),
    ("-200", -200.0),
    (12345.6, 12345.6),  # a number cell as Sheets returns it
    (42, 42.0),
])
def test_money_forms(typed, expected):
    parsed = parse_number(col(typed))
    assert parsed.values.iloc[0] == pytest.approx(expected)
    assert not parsed.bad.iloc[0]


def test_money_blank_and_bad():
    parsed = parse_number(col(None, "  ", np.nan, "待补充", "12abc"))
    assert parsed.blank.tolist() == [True, True, True, False, False]
    assert parsed.bad.tolist() == [False, False, False, True, True]
    assert "金额" in parsed.reason.iloc[3]


def test_counts_reject_negative_and_text():
    parsed = parse_count(col("1,234", 56, "-3", "三个", "1.2万"))
    assert parsed.values.iloc[0] == 1234 and parsed.values.iloc[1] == 56 and parsed.values.iloc[4] == 12000
    assert parsed.reason.iloc[2] == "不能为负数"
    assert parsed.reason.iloc[3] == "不是数字"


@pytest.mark.parametrize("typed, expected", [("12.5%", 0.125), ("0.125", 0.125), ("12.5％", 0.125), (0.3, 0.3),
                                             ("８０％", 0.8)])
def test_percent_forms(typed, expected):
    assert parse_percent(col(typed)).values.iloc[0] == pytest.approx(expected)


def test_percent_bad():
    assert parse_percent(col("很多")).bad.iloc[0]


@pytest.mark.parametrize("typed, expected", [
    ("1", True), ("0", False), (1, True), (0, False), ("是", True), ("否", False), ("TRUE", True),
    ("false", False), ("Y", True), ("n", False), ("Ｙ", True), (True, True), (False, False),
])
def test_yes_no(typed, expected):
    parsed = parse_bool(col(typed))
    assert parsed.values.iloc[0] is np.bool_(expected) or parsed.values.iloc[0] == expected
    assert not parsed.bad.iloc[0]


def test_yes_no_bad():
    assert parse_bool(col("也许")).bad.iloc[0]


@pytest.mark.parametrize("typed", ["2026-06-18", "2026/6/18", "2026.6.18", "2026年6月18日", "２０２６-０６-１８",
                                   46191, 46191.0, dt.datetime(2026, 6, 18), dt.date(2026, 6, 18),
                                   pd.Timestamp("2026-06-18")])
def test_date_forms(typed):
    # 46191 = days from 1899-12-30 to 2026-06-18 (Sheets serial number)
    parsed = parse_date(col(typed))
    assert parsed.values.iloc[0] == pd.Timestamp("2026-06-18")
    assert not parsed.bad.iloc[0]


def test_date_times_and_serial_fraction():
    parsed = parse_date(col("2026-06-18 10:30", 46191.75, "2026/6/18 9:05:30"))
    assert parsed.values.tolist() == [pd.Timestamp("2026-06-18 10:30"), pd.Timestamp("2026-06-18 18:00"),
                                      pd.Timestamp("2026-06-18 09:05:30")]


def test_date_without_year_is_a_problem_not_a_guess():
    parsed = parse_date(col("6月18日", "6/18"))
    assert parsed.values.isna().all()
    assert parsed.reason.tolist() == ["日期缺少年份（请写成 2026-06-18）"] * 2


def test_bad_dates():
    parsed = parse_date(col("2026-02-30", "下周", 12))
    assert parsed.reason.iloc[0] == "日期不存在（检查月份和日）"
    assert parsed.reason.iloc[1].startswith("不是日期")
    assert parsed.reason.iloc[2].startswith("不是日期")


def test_satisfaction_score_or_percent():
    parsed = parse_score(col("4.5", "90%", 6))
    assert parsed.values.iloc[0] == 4.5 and parsed.values.iloc[1] == pytest.approx(4.5)
    assert parsed.bad.iloc[2]


# --- plausible values only -------------------------------------------------------------------------

TOO_LARGE = "数值超出合理范围（绝对值应不超过 1,000 万亿），检查单位或小数点"
TOO_SMALL = "金额不足 0.01（1 分），填 0 或检查单位和小数点"
OUTSIDE = ("日期超出范围（应在 2000-01-01 至 2100-12-31 之间；"
           "确有更早或更晚的日期，在「设置」填写 最早日期 / 最晚日期）")


def test_money_beyond_plausible_is_a_problem_not_a_number():
    # 1e308 and "1e400" (inf once parsed) are past 1e15; "10000001亿" = 1,000,000,100,000,000 > 1e15;
    # 1e-300 and 0.009 are non-zero amounts under one 分
    parsed = parse_number(col(1e308, "1e400", "10000001亿", 1e-300, "0.009", -0.009, 10**400))
    assert parsed.values.isna().all()
    assert parsed.reason.tolist() == [TOO_LARGE] * 3 + [TOO_SMALL] * 3 + [TOO_LARGE]


def test_money_at_the_edges_is_kept():
    # 1e15 exactly, "10000000亿" = 1e7 x 1e8 = 1e15, one 分, a refund of one 分, and zero
    parsed = parse_number(col(1e15, "10000000亿", "0.01", "(0.01)", 0, "0.00"))
    assert parsed.values.tolist() == [1e15, 1e15, 0.01, -0.01, 0.0, 0.0]
    assert not parsed.bad.any()


def test_inf_and_nan_typed_as_text_are_not_amounts():
    parsed = parse_number(col("inf", "-Infinity", "nan", float("inf")))
    assert parsed.values.isna().all()
    assert parsed.reason.tolist() == ["不是金额（例：12,345 或 ￥1.2万）"] * 4


def test_counts_are_whole_numbers_up_to_1e15():
    parsed = parse_count(col(1.5, "1.23456万", 1e16, True, "1.2万", 0, 1e15))
    # 1.23456万 = 12345.6 clicks: not whole; a checkbox is not a count
    assert parsed.reason.tolist()[:4] == ["应为整数", "应为整数", TOO_LARGE, "不是数字"]
    assert parsed.values.tolist()[4:] == [12000.0, 0.0, 1e15]


@pytest.mark.parametrize("cell, reason", [
    ("1999-12-31", OUTSIDE), ("1900-01-01", OUTSIDE), ("2101-01-01", OUTSIDE), ("2300-06-01", OUTSIDE),
    ("9999-12-31", OUTSIDE), ("0000-00-00", OUTSIDE), (dt.date(9999, 1, 1), OUTSIDE),
    (dt.datetime(1900, 1, 1), OUTSIDE), (pd.Timestamp("2262-01-01"), OUTSIDE), (np.datetime64("2500-01-01"), OUTSIDE),
    (np.datetime64(10**17, "D"), OUTSIDE),  # no timestamp of any unit can hold this one
    (dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-5))), OUTSIDE),
    # serials: 36525 = 1999-12-31 and 73416 = 2101-01-01 are dates out of range; 1e9, -5, inf are no dates
    (36525, OUTSIDE), (73416, OUTSIDE), (1e9, "不是日期（数字超出日期范围）"), (-5, "不是日期（数字超出日期范围）"),
    (float("inf"), "不是日期（数字超出日期范围）"),
    ("2026-06-01 25:00", "时间不存在（时 0-23，分和秒 0-59）"), ("2026-06-01 10:60", "时间不存在（时 0-23，分和秒 0-59）"),
])
def test_dates_outside_the_window_are_problems_and_never_raise(cell, reason):
    parsed = parse_date(col(cell), tz="Asia/Shanghai")
    assert parsed.values.isna().all()
    assert parsed.reason.tolist() == [reason]


def test_date_window_edges():
    # 2000-01-01 is serial 36526; 2000-01-01 + 101 years (25 leap days: 2000..2096, not 2100) = 73416 days
    # after the epoch is 2101-01-01, so 73415 is 2100-12-31 and 73415.99 its last minutes
    parsed = parse_date(col("2000-01-01", 36526, "2100-12-31 23:59", 73415, 73415.5))
    assert parsed.values.tolist() == [pd.Timestamp("2000-01-01"), pd.Timestamp("2000-01-01"),
                                      pd.Timestamp("2100-12-31 23:59"), pd.Timestamp("2100-12-31"),
                                      pd.Timestamp("2100-12-31 12:00")]


def test_an_offset_that_crosses_the_last_day_is_out_of_range():
    # 2100-12-31 20:00 UTC is 2101-01-01 04:00 in Shanghai
    parsed = parse_date(col("2100-12-31T20:00Z"), tz="Asia/Shanghai")
    assert parsed.reason.tolist() == [OUTSIDE]


def test_a_wider_window_from_settings():
    # 1990-06-01; serial 20000 = 1954-10-03 (1899-12-30 + 20000 days)
    parsed = parse_date(col("1990-06-01", 20000, "1899-12-31"), earliest="1950-01-01", latest="2261-12-31")
    assert parsed.values.tolist()[:2] == [pd.Timestamp("1990-06-01"), pd.Timestamp("1954-10-03")]
    assert parsed.reason.iloc[2].startswith("日期超出范围（应在 1950-01-01 至 2261-12-31 之间")


def test_a_window_is_never_wider_than_nanoseconds_allow():
    parsed = parse_date(col("1800-01-01", "2262-01-01", "2261-12-31"), earliest="1000-01-01", latest="9999-12-31")
    assert parsed.reason.iloc[0].startswith("日期超出范围（应在 1900-01-01 至 2261-12-31 之间")
    assert parsed.reason.iloc[1] == parsed.reason.iloc[0]
    assert parsed.values.iloc[2] == pd.Timestamp("2261-12-31")
