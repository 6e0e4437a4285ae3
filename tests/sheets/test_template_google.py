"""sheets init on a Google Sheet: typed Tables, notes, validation and marked examples, through real gspread
against the contract-checked Sheets fake; tabs holding data are never touched."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from roi_runtime.config import AppConfig
from sheets.__main__ import TabHasData, init_google
from sheets.errors import SheetsError
from sheets.google import GoogleSource, forget_metadata
from sheets.template import COMMON_CHANNELS, TABLE_ROWS

EMPTY = "1TemplateTemplateTemplateTemplate00"
BUSY = "1BusyBusyBusyBusyBusyBusyBusyBusy000"


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def config(sheets_api):
    return AppConfig(google_service_account_json=json.dumps(sheets_api.service_account_info()),
                     google_sheets_api_url=sheets_api.url, sheet_cache_ttl=60)


@pytest.fixture
def made(sheets_api, config):
    sheets_api.add_spreadsheet(EMPTY, "新表", {"Sheet1": []})
    created = init_google(EMPTY, config)
    return sheets_api, created


def test_one_batch_update_makes_a_typed_table_per_tab(made):
    fake, created = made
    assert created == ["活动", "触点", "设置", "订单", "客户", "预算"] and created.kept == []
    updates = fake.calls("spreadsheets.batchUpdate")
    assert len(updates) == 1, "the whole template is one atomic batchUpdate"
    kinds = [next(iter(r)) for r in updates[0]["body"]["requests"]]
    assert kinds.count("addSheet") == 6 and kinds.count("addTable") == 6 and kinds.count("updateCells") == 6

    (table,) = fake.tables(EMPTY, "活动")
    assert table["name"] == "活动表"
    assert table["range"]["startRowIndex"] == 0 and table["range"]["endRowIndex"] == 1 + TABLE_ROWS
    assert table["range"]["endColumnIndex"] == 20  # 19 contract columns + 备注
    types = {c["columnName"]: c["columnType"] for c in table["columnProperties"]}
    assert types["活动名称"] == "TEXT" and types["开始日期"] == "DATE" and types["广告费用"] == "CURRENCY"
    assert types["销售额"] == "CURRENCY" and types["点击量"] == "DOUBLE" and types["满意度"] == "DOUBLE"
    # 渠道 is free text with a suggested list (a Table dropdown would refuse the team's own channels)
    assert types["渠道"] == "TEXT" and types["备注"] == "TEXT"

    (touches,) = fake.tables(EMPTY, "触点")
    columns = {c["columnName"]: c for c in touches["columnProperties"]}
    assert columns["时间"]["columnType"] == "DATE_TIME"
    assert columns["是否转化"]["columnType"] == "DROPDOWN"
    assert columns["是否转化"]["dataValidationRule"]["condition"] == {
        "type": "ONE_OF_LIST", "values": [{"userEnteredValue": "是"}, {"userEnteredValue": "否"}]}
    assert "dataValidationRule" not in columns["渠道"]


def test_every_header_has_a_note_saying_meaning_example_and_whether_required(made):
    fake, _ = made
    notes = fake.notes(EMPTY, "活动")
    header = fake.grid(EMPTY, "活动")[0]
    assert len(notes) == len(header) == 20 and all(f"{c}1" in notes for c in "ABCDEFGHIJKLMNOPQRST")
    assert notes["A1"].startswith("活动名称（必填）") and "例：示例·618活动" in notes["A1"]
    assert notes["E1"].startswith("广告费用（选填，空着 = 0）") and "例：50,000" in notes["E1"]
    assert notes["C1"].startswith("开始日期（必填）") and "例：2026-06-01" in notes["C1"]
    assert notes["T1"].startswith("备注（选填）")
    assert fake.notes(EMPTY, "触点")["E1"].startswith("是否转化（必填）")
    assert fake.notes(EMPTY, "设置")["A1"].startswith("参数（必填）")


def test_validation_rules_per_column(made):
    fake, _ = made
    rules = fake.validations(EMPTY, "活动")
    channel = rules["B2"]
    assert channel["condition"]["type"] == "ONE_OF_LIST"
    assert [v["userEnteredValue"] for v in channel["condition"]["values"]] == list(COMMON_CHANNELS)
    assert channel["strict"] is False and channel["showCustomUi"] is True  # offered, not imposed
    assert rules["C2"]["condition"] == {"type": "DATE_BETWEEN", "values": [{"userEnteredValue": "2000-01-01"},
                                                                          {"userEnteredValue": "2100-12-31"}]}
    assert rules["E2"]["condition"] == {"type": "NUMBER_GREATER_THAN_EQ", "values": [{"userEnteredValue": "0"}]}
    assert rules["E2"]["strict"] is True
    # 新客户数 (K): a whole number ≥ 0, as a formula relative to the rule's first cell
    assert rules["K2"]["condition"] == {"type": "CUSTOM_FORMULA",
                                        "values": [{"userEnteredValue": "=AND(ISNUMBER(K2),K2>=0,K2=INT(K2))"}]}
    assert rules["S2"]["condition"]["type"] == "NUMBER_BETWEEN"  # 满意度 0–5
    # the rules cover every row of the table, and no header or free-text cell
    assert f"E{1 + TABLE_ROWS}" in rules and "E1" not in rules and f"E{2 + TABLE_ROWS}" not in rules
    assert not any(cell.startswith("A") or cell.startswith("T") for cell in rules)
    # 是否转化's list is the Table's own (DROPDOWN): no second rule on its cells
    assert "E2" not in fake.validations(EMPTY, "触点")


def test_examples_are_typed_grey_marked_and_never_counted(made, config):
    fake, _ = made
    grid = fake.grid(EMPTY, "活动")
    assert grid[1][:9] == ["示例·618活动", "抖音", 46174, 46191, 50000, 10000, 8000, "", 230000]
    assert grid[2][0] == "示例·618活动" and grid[1][19].startswith("示例行")
    formats = fake.cell_formats(EMPTY, "活动")
    assert formats["E2"]["numberFormat"] == {"type": "CURRENCY", "pattern": "¥#,##0.00"}
    assert formats["C2"]["numberFormat"] == {"type": "DATE", "pattern": "yyyy-mm-dd"}
    assert formats["A2"]["backgroundColorStyle"]["rgbColor"]["red"] == pytest.approx(0xEE / 255)
    touch = fake.grid(EMPTY, "触点")[1]
    assert touch[1] == pytest.approx(46174 + 10 / 24)  # 2026-06-01 10:00 as a serial with its time

    data = GoogleSource(EMPTY, config, sleep=lambda s: None).read()
    assert data.campaigns.empty and data.touchpoints.empty and data.orders.empty
    assert data.example_rows == {"活动": (2, 3), "触点": (2, 3), "订单": (2, 3), "客户": (2, 3), "预算": (2, 3)}
    assert [p.describe() for p in data.problems][0] == "「活动」第2–3行是模板示例，未计入；确认后删除这些行"
    assert all(p.example for p in data.problems) and data.settings.target_roi == 1.0


def test_a_tab_with_data_is_left_alone_and_only_missing_tabs_are_made(sheets_api, config):
    campaigns = [["活动名称", "渠道", "开始日期", "销售额"], ["618活动", "抖音", dt.date(2026, 6, 1), 1000]]
    sheets_api.add_spreadsheet(BUSY, "市场部", {"Campaigns": campaigns, "设置": []})
    before = sheets_api.grid(BUSY, "Campaigns")
    created = init_google(BUSY, config)
    assert created == ["触点", "设置", "订单", "客户", "预算"] and created.kept == ["Campaigns"]
    assert sheets_api.grid(BUSY, "Campaigns") == before
    assert sheets_api.tables(BUSY, "Campaigns") == [] and sheets_api.notes(BUSY, "Campaigns") == {}
    assert sheets_api.tab_titles(BUSY).count("设置") == 1  # the empty 设置 was filled, not doubled
    assert sheets_api.grid(BUSY, "设置")[1][0] == "目标ROI"
    # a second run has nothing left to make: it refuses and changes nothing
    forget_metadata()
    sheets_api.reset_calls()
    with pytest.raises(TabHasData):
        init_google(BUSY, config)
    assert sheets_api.calls("spreadsheets.batchUpdate") == []


def test_the_fake_refuses_what_google_refuses_for_tables(made, config):
    fake, _ = made
    source = GoogleSource(EMPTY, config, sleep=lambda s: None)
    sheet_id = fake.sheet_properties(EMPTY, "活动")["sheetId"]
    bad = [
        {"addTable": {"table": {"name": "活动表", "range": {"sheetId": sheet_id, "startRowIndex": 250,
                                                              "endRowIndex": 260, "startColumnIndex": 0,
                                                              "endColumnIndex": 2}}}},  # name taken
        {"addTable": {"table": {"name": "x", "range": {"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 3,
                                                         "startColumnIndex": 0, "endColumnIndex": 2}}}},  # overlap
        {"addTable": {"table": {"name": "y", "range": {"sheetId": sheet_id, "startRowIndex": 250, "endRowIndex": 260,
                                                         "startColumnIndex": 0, "endColumnIndex": 1},
                                "columnProperties": [{"columnIndex": 0, "columnType": "DROPDOWN"}]}}},
    ]
    for request, why in zip(bad, ("already exists", "cannot overlap", "ONE_OF_LIST"), strict=True):
        with pytest.raises(SheetsError, match=why):
            source.client.http_client.batch_update(EMPTY, {"requests": [request]})
    assert len(fake.tables(EMPTY, "活动")) == 1
