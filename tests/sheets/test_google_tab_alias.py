"""The Google adapter writes the assistant's rows into an existing tab under its English name
("Monthly Summary" for 月度汇总), as the workbook adapter does, instead of adding a second tab."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from roi_core import Problem
from roi_core.schema import CHANNEL_MONTHLY_TAB, DATA_CHECK_TAB, MONTHLY_SUMMARY_TAB
from roi_runtime.config import AppConfig
from sheets.google import GoogleSource

KEY = "1TabAliasTabAliasTabAlias0000000001"
CAMPAIGNS = [["活动名称", "渠道", "开始日期", "销售额"], ["国庆", "抖音", dt.date(2026, 10, 1), 3000]]


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def source(sheets_api):
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    return GoogleSource(KEY, config, sleep=lambda s: None)


def test_rows_go_into_the_english_named_tabs_people_already_have(sheets_api, source):
    sheets_api.add_spreadsheet(KEY, "Team ROI", {
        "活动": CAMPAIGNS,
        "Monthly Summary": [["月份", "总成本", "Note"], ["2026-09", 1, "kept"]],
        " channel monthly ": [["月份", "渠道", "总成本"]],
        "Data Check": [["old", "problem"], ["x", "y"]],
    })
    source.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本"], [["2026-09", 5.0], ["2026-10", 6.0]], ["月份"])
    source.upsert_rows(CHANNEL_MONTHLY_TAB, ["月份", "渠道", "总成本"], [["2026-10", "抖音", 6.0]], ["月份", "渠道"])
    source.write_problems([Problem("活动", 3, "销售额", "很多", "不是金额")], dt.datetime(2026, 11, 1, 9, 0))

    assert set(sheets_api.tab_titles(KEY)) == {"活动", "Monthly Summary", " channel monthly ", "Data Check"}
    assert sheets_api.grid(KEY, "Monthly Summary") == [["月份", "总成本", "Note"], ["2026-09", 5.0, "kept"],
                                                       ["2026-10", 6.0]]
    assert sheets_api.grid(KEY, " channel monthly ") == [["月份", "渠道", "总成本"], ["2026-10", "抖音", 6.0]]
    # old / problem are columns people made: kept with their row, the check's columns added beside them
    assert sheets_api.grid(KEY, "Data Check") == [["old", "problem", "标签页", "行号", "列", "值", "问题", "检查时间"],
                                                  ["x", "y"],
                                                  ["", "", "活动", 3, "销售额", "很多", "不是金额", "2026-11-01 09:00"]]


def test_the_chinese_title_wins_when_both_tabs_exist_and_a_missing_tab_is_created_in_chinese(sheets_api, source):
    sheets_api.add_spreadsheet(KEY, "Team ROI", {
        "活动": CAMPAIGNS,
        "Monthly Summary": [["月份", "总成本"], ["2026-09", 1]],
        MONTHLY_SUMMARY_TAB: [["月份", "总成本"]],
    })
    source.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本"], [["2026-10", 6.0]], ["月份"])
    source.write_problems([], dt.datetime(2026, 11, 1, 9, 0))
    assert sheets_api.grid(KEY, MONTHLY_SUMMARY_TAB) == [["月份", "总成本"], ["2026-10", 6.0]]
    assert sheets_api.grid(KEY, "Monthly Summary") == [["月份", "总成本"], ["2026-09", 1]]
    assert sheets_api.grid(KEY, DATA_CHECK_TAB) == [["标签页", "行号", "列", "值", "问题", "检查时间"]]
