"""What people add to a tab the assistant rewrites whole (预算建议, 数据校验) survives the next rewrite: their own
columns (aligned to the row's key, 渠道), a row whose channel left the plan (kept, marked), cell notes and
comments (their row never moves). The rule in sheets.rewrite, then the workbook (a temporary .xlsx, people's
edits made with openpyxl as Excel would) and Google (the loopback Sheets API, with Google's contract) the way
the monthly job writes: ``with sheet.batch() as w: w.replace_rows(BUDGET_ADVICE_TAB, headers, rows)``."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment

from roi_core.budget.answer import BUDGET_ADVICE_HEADERS
from roi_core.schema import BUDGET_ADVICE_TAB, DATA_CHECK_HEADERS, DATA_CHECK_TAB
from roi_runtime.config import AppConfig
from sheets.google import GoogleSource, forget_metadata
from sheets.google.budget_chart import BUDGET_CHART_TITLE
from sheets.rewrite import GONE_NOTES, KEEP, replace_keys, rewrite_grid
from sheets.xlsx import XlsxSource
from tests.fakes.sheets_api import fake_gspread_client

# the tab's first 14 columns as they were before issue 24 added seven (the rules here do not depend on which
# columns are ours): A 预算月份, B 渠道, C 当前预算, D 建议预算 … K 方法 … N 更新时间
HEADERS = [h for h in BUDGET_ADVICE_HEADERS if h not in (
    "预计利润变化", "利润变化下限(80%)", "利润变化上限(80%)", "回测误差MAPE(%)", "回测区间覆盖(%)", "未分配", "未分配原因")]
GONE = GONE_NOTES[BUDGET_ADVICE_TAB][1]
KEY = "1PeOpLeCoLuMnSkEpT0123456789abcdefghij"


def plan(month: str, channels: list[tuple[str, int, int]]) -> list[list]:
    """预算建议 rows: 调整 = 建议 − 当前; the other figures are placeholders the tests do not look at."""
    return [[month, name, now, proposed, proposed - now, 150.0, 140.0, 1000, 500, 1500, "响应曲线", "活动表收益",
             "上月 实际投放", f"{month}-01 09:00"] for name, now, proposed in channels]


# November: total 100,000 now and proposed (60,000 + 20,000 + 10,000 + 10,000 = 75,000 + 10,000 + 5,000 + 10,000)
NOVEMBER = plan("2026-11", [("抖音", 60000, 75000), ("微信", 20000, 10000), ("快手", 10000, 5000), ("百度", 10000, 10000)])
# December: 小红书 is new and first, 快手 and 百度 left the plan; 20,000 + 75,000 + 10,000 = 30,000 + 70,000 + 5,000
DECEMBER = plan("2026-12", [("小红书", 20000, 30000), ("抖音", 75000, 70000), ("微信", 10000, 5000)])


def applied(existing: list[list], cells: list[list]) -> list[list]:
    """The tab after a rewrite: ``cells`` laid over ``existing`` (KEEP leaves the cell as it was)."""
    out = []
    for i in range(max(len(existing), len(cells))):
        old = list(existing[i]) if i < len(existing) else []
        new = cells[i] if i < len(cells) else []
        width = max(len(old), len(new))
        row = [(old[c] if c < len(old) else None) if c >= len(new) or new[c] is KEEP else new[c] for c in range(width)]
        while row and row[-1] in (None, ""):
            row.pop()
        out.append(row)
    return out


# ------------------------------------------------------------------ the rule
def test_without_anything_of_a_person_it_is_the_old_rewrite():
    old = [HEADERS, *NOVEMBER]
    plan_ = rewrite_grid(old, HEADERS, DECEMBER, ["渠道"], tab=BUDGET_ADVICE_TAB)
    # header kept, December's three rows in order over November's first three, 百度's row (5) cleared
    assert applied(old, plan_.cells) == [HEADERS, *DECEMBER, []]
    assert plan_.kept == [] and plan_.layout == HEADERS and not plan_.stable  # rows take other channels
    again = rewrite_grid(applied(old, plan_.cells), HEADERS, DECEMBER, ["渠道"], tab=BUDGET_ADVICE_TAB)
    assert again.stable  # the same plan again: every channel already on its row, the 5th row already empty


def test_a_persons_column_follows_its_channel_and_a_gone_channel_keeps_its_row():
    old = [HEADERS + ["负责人", "备注"], *(r + [""] * 2 for r in NOVEMBER)]
    old[1][14], old[2][14], old[3][15] = "小李", "小王", "老板说先停"  # 抖音, 微信; 快手's note in 备注
    plan_ = rewrite_grid(old, HEADERS, DECEMBER, replace_keys(BUDGET_ADVICE_TAB, HEADERS), tab=BUDGET_ADVICE_TAB)
    grid = applied(old, plan_.cells)
    assert grid[0] == HEADERS + ["负责人", "备注"]
    assert grid[1] == DECEMBER[1] + ["小李"]  # 抖音 stays on row 2 with 小李
    assert grid[2] == DECEMBER[2] + ["小王"]  # 微信 on row 3 with 小王
    # 快手 left the plan: its row stays for the person's note, 渠道 kept, our other cells cleared, 方法 says why
    assert grid[3] == [None, "快手", None, None, None, None, None, None, None, None, GONE, None, None, None, "",
                       "老板说先停"]
    assert grid[4] == DECEMBER[0]  # 小红书 takes 百度's row: nobody wrote anything beside 百度
    assert len(grid) == 5 and plan_.kept == [3]


def test_a_note_holds_its_row_and_a_row_people_made_is_left_alone():
    old = [HEADERS, *NOVEMBER, [], [None] * 15 + ["十二月再议"]]  # row 7: typed by a person, no channel
    noted = {2}  # a note on 微信's row (0-based 2 = sheet row 3)
    plan_ = rewrite_grid(old, HEADERS, list(reversed(DECEMBER)), ["渠道"], noted, BUDGET_ADVICE_TAB)
    grid = applied(old, plan_.cells)
    # 微信 keeps row 3 (its note); the others fill the free rows in the plan's order: 抖音 row 2, 小红书 row 4
    assert [r[1] if len(r) > 1 else None for r in grid[1:5]] == ["抖音", "微信", "小红书", None]
    assert grid[6] == [None] * 15 + ["十二月再议"] and plan_.cells[6] == [KEEP] * 14
    # a note on an empty row below the plan (sheet row 3) keeps new rows off it: they go around it
    old = [HEADERS, NOVEMBER[0]]
    grid = applied(old, rewrite_grid(old, HEADERS, DECEMBER, ["渠道"], {2}, BUDGET_ADVICE_TAB).cells)
    assert [r[1] if r else None for r in grid[1:]] == ["小红书", None, "抖音", "微信"]


def test_data_check_rows_are_matched_by_tab_row_and_column():
    headers = list(DATA_CHECK_HEADERS)
    assert replace_keys(DATA_CHECK_TAB, headers) == ("标签页", "行号", "列")
    assert replace_keys("Data Check", headers) == ("标签页", "行号", "列")  # by its English name too
    old = [headers + ["处理人"], ["活动", 3, "销售额", "很多", "不是金额", "11-01", "小王"],
           ["活动", 4, "广告费用", "-", "不是金额", "11-01", "小李"]]
    new = [["活动", 4.0, "广告费用", "--", "不是金额", "11-02"]]  # row 3 fixed; 4.0 and 4 are one row number
    grid = applied(old, rewrite_grid(old, headers, new, replace_keys(DATA_CHECK_TAB, headers), tab=DATA_CHECK_TAB).cells)
    assert grid[2] == new[0] + ["小李"]
    assert grid[1] == ["活动", 3, "销售额", None, GONE_NOTES[DATA_CHECK_TAB][1], None, "小王"]


# ------------------------------------------------------------------ the workbook
@pytest.fixture
def book(tmp_path):
    path = tmp_path / "team.xlsx"
    wb = Workbook()
    wb.active.title = "活动"
    wb.active.append(["活动名称", "渠道", "开始日期", "销售额"])
    wb.save(path)
    return path


def _monthly_write(source, rows: list[list]) -> None:
    with source.batch() as writes:  # as scheduler.job writes the plan
        writes.replace_rows(BUDGET_ADVICE_TAB, HEADERS, rows)


def test_workbook_keeps_the_persons_columns_comment_and_the_row_of_a_gone_channel(book):
    _monthly_write(XlsxSource(book), NOVEMBER)
    wb = load_workbook(book)  # a person, in Excel: two columns, a comment, a line of their own
    ws = wb[BUDGET_ADVICE_TAB]
    ws["O1"], ws["O2"], ws["O3"] = "负责人", "小李", "小王"
    ws["P1"], ws["P4"], ws["P7"] = "备注", "老板说先停", "十二月再议"
    ws["D3"].comment = Comment("砍半是否太狠？", "小王")
    wb.save(book)

    _monthly_write(XlsxSource(book), DECEMBER)
    ws = load_workbook(book)[BUDGET_ADVICE_TAB]
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    assert grid[0] == HEADERS + ["负责人", "备注"]
    assert grid[1] == DECEMBER[1] + ["小李", None]
    assert grid[2] == DECEMBER[2] + ["小王", None]
    assert grid[3] == [None, "快手"] + [None] * 8 + [GONE, None, None, None, None, "老板说先停"]
    assert grid[4] == DECEMBER[0] + [None, None]  # 小红书 in 百度's row
    assert grid[5] == [None] * 16 and grid[6] == [None] * 15 + ["十二月再议"]
    assert ws["D3"].comment.text == "砍半是否太狠？" and ws["B3"].value == "微信"  # still beside 微信


# ------------------------------------------------------------------ Google
@pytest.fixture
def google(sheets_api):
    forget_metadata()
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": [["活动名称", "渠道"]]})
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    yield GoogleSource(KEY, config, sleep=lambda s: None)
    forget_metadata()


def test_google_keeps_the_persons_column_and_notes_and_one_chart(sheets_api, google):
    _monthly_write(google, NOVEMBER)
    person = fake_gspread_client(sheets_api).open_by_key(KEY).worksheet(BUDGET_ADVICE_TAB)
    person.update([["负责人"], ["小李"], ["小王"]], "O1:O3")  # a column of their own beside the plan
    person.update_notes({"D4": "快手下月暂停", "D3": "砍半是否太狠？"})  # 快手 has nothing else of theirs
    sheets_api.reset_calls()

    _monthly_write(google, DECEMBER)
    grid = sheets_api.grid(KEY, BUDGET_ADVICE_TAB)
    assert grid[0] == HEADERS + ["负责人"]
    assert grid[1] == DECEMBER[1] + ["小李"] and grid[2] == DECEMBER[2] + ["小王"]
    assert grid[3] == ["", "快手"] + [""] * 8 + [GONE]  # kept for its note, our other cells cleared
    assert grid[4] == DECEMBER[0] and len(grid) == 5  # 小红书 in 百度's row
    assert sheets_api.notes(KEY, BUDGET_ADVICE_TAB) == {"D3": "砍半是否太狠？", "D4": "快手下月暂停"}
    # read the values, read where the notes are, ONE write: nothing cleared, nothing structural
    assert [c["kind"] for c in sheets_api.calls() if c["kind"] != "token"] == [
        "values.get", "spreadsheets.get", "values.update"]
    write = sheets_api.calls("values.update")[0]["body"]["values"]
    assert write[1][14:] == [] and write[3][1] is None  # 负责人 is not in the write; 快手 (its key) left as it was
    charts = sheets_api.charts(KEY, BUDGET_ADVICE_TAB)
    assert [c["spec"]["title"] for c in charts] == [BUDGET_CHART_TITLE]


def test_google_rewriting_the_same_plan_again_does_not_look_for_notes(sheets_api, google):
    _monthly_write(google, NOVEMBER)
    person = fake_gspread_client(sheets_api).open_by_key(KEY).worksheet(BUDGET_ADVICE_TAB)
    person.update_notes({"D3": "砍半是否太狠？"})
    sheets_api.reset_calls()
    _monthly_write(google, NOVEMBER)  # a re-run of the month: every channel already on its row
    assert [c["kind"] for c in sheets_api.calls() if c["kind"] != "token"] == ["values.get", "values.update"]
    assert sheets_api.grid(KEY, BUDGET_ADVICE_TAB) == [HEADERS, *NOVEMBER]
    assert sheets_api.notes(KEY, BUDGET_ADVICE_TAB) == {"D3": "砍半是否太狠？"}


def test_google_chart_takes_the_columns_where_they_are_when_people_made_the_tab(sheets_api, google):
    sheets_api.add_tab(KEY, BUDGET_ADVICE_TAB, [["负责人"], ["小李"]])  # made by a person, before any plan
    _monthly_write(google, NOVEMBER[:2])
    grid = sheets_api.grid(KEY, BUDGET_ADVICE_TAB)
    assert grid[0] == ["负责人", *HEADERS]  # ours after theirs: 渠道 is column C (index 2)
    assert grid[1] == ["小李"] and grid[2] == ["", *NOVEMBER[0]] and grid[3] == ["", *NOVEMBER[1]]
    basic = sheets_api.charts(KEY, BUDGET_ADVICE_TAB)[0]["spec"]["basicChart"]
    domain = basic["domains"][0]["domain"]["sourceRange"]["sources"][0]["startColumnIndex"]
    series = [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in basic["series"]]
    assert grid[0][domain] == "渠道" and [grid[0][i] for i in series] == ["当前预算", "建议预算", "边际ROI(%)"]


def test_the_fake_answers_notes_only_for_the_ranges_asked_and_refuses_a_bad_one(sheets_api, google):
    _monthly_write(google, NOVEMBER)
    fake_gspread_client(sheets_api).open_by_key(KEY).worksheet(BUDGET_ADVICE_TAB).update_notes({"B3": "x"})
    http = google.http
    fields = "sheets(properties(title),data(startRow,rowData(values(note))))"
    raw = http.fetch_sheet_metadata(KEY, params={"ranges": f"'{BUDGET_ADVICE_TAB}'!2:5", "fields": fields})
    assert [s["properties"]["title"] for s in raw["sheets"]] == [BUDGET_ADVICE_TAB]
    # from row 2: row 2 has no note, row 3 has B3's (the cells before it empty)
    assert raw["sheets"][0]["data"] == [{"startRow": 1, "rowData": [{}, {"values": [{}, {"note": "x"}]}]}]
    with pytest.raises(Exception, match="Unable to parse range"):
        http.fetch_sheet_metadata(KEY, params={"ranges": "'没有这个标签页'!1:2", "fields": fields})
