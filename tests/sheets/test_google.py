"""The Google adapter with real gspread and google-auth against the loopback Sheets API."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from roi_core.monthly import MONTHLY_SUMMARY_HEADERS
from roi_core.schema import DATA_CHECK_TAB, MONTHLY_SUMMARY_TAB
from roi_runtime.config import AppConfig
from sheets import SheetCache, open_source, read_sheet
from sheets.errors import NotConfigured, ProtectedTab, SourceNotFound, SourceUnavailable
from sheets.google import CHART_TITLE, GoogleSource, forget_metadata

KEY = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789"
CAMPAIGNS = [
    ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额", "备注"],
    ["618活动", "抖音", dt.date(2026, 6, 1), dt.date(2026, 6, 18), 50000, "￥23万", "主推"],
    ["618活动", "微信", 46174, 46191, "20,000", 86000],  # serial dates as Sheets keeps them
    ["=IMPORTXML(\"http://x\")", "微信", dt.date(2026, 7, 1), None, 100, "很多"],  # a formula-looking name, a bad row
]
SETTINGS = [["参数", "值"], ["目标ROI", "150%"]]


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def sheet(sheets_api):
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": CAMPAIGNS, "设置": SETTINGS, "Notes": [["随便写写"]]})
    return sheets_api


@pytest.fixture
def config(sheets_api):
    return AppConfig(source=f"https://docs.google.com/spreadsheets/d/{KEY}/edit#gid=0",
                     google_service_account_json=json.dumps(sheets_api.service_account_info()),
                     google_sheets_api_url=sheets_api.url, sheet_cache_ttl=60)


def source(config, **kw) -> GoogleSource:
    return GoogleSource(KEY, config, sleep=lambda s: None, **kw)


def test_one_batch_get_reads_every_tab_with_unformatted_values(sheet, config):
    src = source(config)
    data = src.read()
    gets = sheet.calls("values.batchGet")
    assert len(gets) == 1
    assert gets[0]["params"]["valueRenderOption"] in ("UNFORMATTED_VALUE", ["UNFORMATTED_VALUE"])
    assert gets[0]["params"]["dateTimeRenderOption"] in ("SERIAL_NUMBER", ["SERIAL_NUMBER"])
    assert data.settings.target_roi == 1.5
    assert data.campaigns["revenue"].tolist() == [230000.0, 86000.0]
    assert str(data.campaigns["start_date"].iloc[1].date()) == "2026-06-01"
    assert data.rows_skipped == 1 and data.problems[0].row == 4 and data.problems[0].value == "很多"
    assert sheet.calls("token"), "the service account's token_uri (the fake's /token) was used"
    # a second read from a new source object costs exactly one call: the titles are cached
    sheet.reset_calls()
    source(config).read()
    assert [c["kind"] for c in sheet.calls() if c["kind"] != "token"] == ["values.batchGet"]


def test_open_source_picks_google_from_a_url_and_honours_the_api_url(sheet, config):
    src = open_source(config.source, config)
    assert isinstance(src, GoogleSource) and src.key == KEY
    src.read()
    assert sheet.calls("values.batchGet")
    with pytest.raises(NotConfigured):
        open_source(config.source, AppConfig())


def test_429_twice_then_success_is_one_answer_from_three_calls(sheet, config):
    src = source(config)
    src.metadata()
    sheet.reset_calls()
    sheet.fail_next(2, status=429, kind="values.batchGet")
    data = src.read()
    assert len(data.campaigns) == 2
    assert len(sheet.calls("values.batchGet")) == 3


def test_500_past_the_retry_budget_is_a_clear_error_and_the_stale_copy_answers(sheet, config):
    cache = SheetCache()
    first = cache.get("k", lambda: source(config).read(), ttl=0)
    assert first.stale_seconds is None
    sheet.fail_next(20, status=500, kind="values.batchGet")
    with pytest.raises(SourceUnavailable, match="市场部 ROI"):
        source(config).read()
    stale = cache.get("k", lambda: source(config).read(), ttl=0)
    assert stale.stale_seconds is not None and len(stale.campaigns) == 2


def test_slower_than_the_deadline_is_reported_within_it(sheet, config):
    src = source(config, timeout=(5.0, 0.3), deadline=2.0)
    src.metadata()
    sheet.delay_next(20, seconds=3.0, kind="values.batchGet")
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="2 秒内没有完成.*迟迟没有答复") as caught:
        src.read()
    # every attempt's timeout was cut to the 2 s deadline: no 613 s wait, no attempt past it
    assert time.monotonic() - started < 2.6
    assert caught.value.retryable and len(sheet.calls("values.batchGet")) >= 2


def test_not_shared_and_missing_sheets_say_what_to_do(sheet, config):
    sheet.fail_next(1, status=403, kind="spreadsheets.get")
    with pytest.raises(SourceNotFound, match="共享"):
        source(config).read()
    with pytest.raises(SourceNotFound, match="找不到"):
        GoogleSource("1ZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZZ", config, sleep=lambda s: None).read()


def test_monthly_write_twice_gives_one_row_people_tabs_untouched_and_formulas_stay_text(sheet, config):
    src = source(config)
    before = {t: sheet.grid(KEY, t) for t in ("活动", "设置", "Notes")}
    row = ["2026-10", "按销售额", 1000.0, 3000.0, "", 3000.0, 2000.0, 200.0, 3.0] + [""] * 13
    sheet.reset_calls()
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [row], ["月份"])
    first_calls = [c["kind"] for c in sheet.calls() if c["kind"] != "token"]
    row2 = list(row)
    row2[2] = 1500.0
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [row2, ["=IMPORTXML(\"x\")"] + row[1:]],
                    ["月份"])
    grid = sheet.grid(KEY, MONTHLY_SUMMARY_TAB)
    assert [r[0] for r in grid] == ["月份", "2026-10", "=IMPORTXML(\"x\")"]
    assert grid[1][2] == 1500.0
    assert {t: sheet.grid(KEY, t) for t in ("活动", "设置", "Notes")} == before
    # first write: addSheet, values.batchUpdate, chart: bounded and stated
    assert first_calls.count("values.batchUpdate") == 1 and len(first_calls) <= 5, first_calls
    assert all(c["params"].get("valueInputOption") in (None, "RAW", ["RAW"]) and
               (c["body"] or {}).get("valueInputOption", "RAW") == "RAW" for c in sheet.calls("values."))
    charts = sheet.charts(KEY, MONTHLY_SUMMARY_TAB)
    assert len(charts) == 1 and charts[0]["spec"]["title"] == CHART_TITLE  # created once, not duplicated
    # the formula-looking name reads back as text
    forget_metadata()
    assert source(config)._values(MONTHLY_SUMMARY_TAB)[2][0] == "=IMPORTXML(\"x\")"


def test_user_columns_in_an_assistant_tab_survive(sheet, config):
    sheet.add_tab(KEY, MONTHLY_SUMMARY_TAB, [["备注", "月份", "总成本"], ["手写备注", "2026-09", 1]])
    forget_metadata()
    src = source(config)
    src.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本", "ROI(%)"], [["2026-09", 5.0, 10.0], ["2026-10", 6.0, 20.0]],
                    ["月份"])
    grid = sheet.grid(KEY, MONTHLY_SUMMARY_TAB)
    assert grid[0] == ["备注", "月份", "总成本", "ROI(%)"]
    assert grid[1] == ["手写备注", "2026-09", 5.0, 10.0]
    assert grid[2][1:] == ["2026-10", 6.0, 20.0]


def test_data_check_is_rewritten_and_people_tabs_are_refused(sheet, config):
    src = source(config)
    data = src.read()
    src.write_problems(list(data.problems), dt.datetime(2026, 11, 1, 9, 0))
    src.write_problems(list(data.problems), dt.datetime(2026, 11, 1, 9, 5))
    grid = sheet.grid(KEY, DATA_CHECK_TAB)
    assert len(grid) == 2 and grid[1][:5] == ["活动", 4, "销售额", "很多", "不是金额（例：12,345 或 ￥1.2万）"]
    with pytest.raises(ProtectedTab):
        src.upsert_rows(" campaigns ", ["x"], [[1]], ["x"])


def test_read_sheet_cache_makes_a_burst_one_read(sheet, config):
    from sheets import CACHE

    CACHE.clear()
    sheet.reset_calls()
    import threading

    results = []
    threads = [threading.Thread(target=lambda: results.append(read_sheet(config))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 8 and len(sheet.calls("values.batchGet")) == 1
    CACHE.clear()


def test_init_on_an_empty_google_sheet_and_refusal_on_data(sheets_api, config):
    from sheets.__main__ import init_google

    empty = "1EmptyEmptyEmptyEmptyEmptyEmpty000"
    sheets_api.add_spreadsheet(empty, "新表", {"Sheet1": []})
    created = init_google(empty, config)
    assert created == ["活动", "触点", "设置", "订单", "客户", "预算"]
    assert sheets_api.grid(empty, "活动")[0][:2] == ["活动名称", "渠道"]
    forget_metadata()
    data = GoogleSource(empty, config, sleep=lambda s: None).read()
    # the template's example rows are never counted, and reported until deleted (test_template_google.py)
    assert data.campaigns.empty and all(p.example for p in data.problems)
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": CAMPAIGNS})
    before = sheets_api.grid(KEY, "活动")
    from sheets.__main__ import TabHasData

    assert "活动" not in init_google(KEY, config)  # only the missing tabs are made
    assert sheets_api.grid(KEY, "活动") == before
    forget_metadata()
    with pytest.raises(TabHasData):  # nothing left to make
        init_google(KEY, config)
