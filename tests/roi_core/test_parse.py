"""Every value form of sheet-contract.md, parsed or reported."""

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
