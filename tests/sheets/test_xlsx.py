"""The local workbook: the same behaviour as Google, atomic and locked writes, clear errors."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import time
import zipfile
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import load_workbook
from openpyxl.styles import Font

from roi_core.schema import CHANNEL_MONTHLY_TAB, DATA_CHECK_HEADERS, DATA_CHECK_TAB, MONTHLY_SUMMARY_TAB
from roi_runtime.config import DEMO_WORKBOOK
from sheets import open_source
from sheets.__main__ import main as sheets_main
from sheets.base import is_people_tab
from sheets.errors import ProtectedTab, SourceCorrupt, SourceLocked
from sheets.ooxml import Package
from sheets.xlsx import XlsxSource
from tests.sheets import excel_like


@pytest.fixture
def demo(tmp_path) -> Path:
    return Path(shutil.copy(DEMO_WORKBOOK, tmp_path / "demo.xlsx"))


@pytest.fixture
def small(tmp_path) -> Path:
    """A small team workbook: the write tests need the shape of the demo, not its size."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "销售额"])
    ws.append(["618活动", "抖音", "2026-06-01", "￥1.2万"])
    ws["A1"].font = Font(bold=True)
    ws.freeze_panes = "A2"
    book.create_sheet("触点").append(["客户ID", "时间", "渠道", "是否转化"])
    settings = book.create_sheet("设置")
    settings.append(["参数", "值"])
    settings.append(["目标ROI", "120%"])
    path = tmp_path / "team.xlsx"
    book.save(path)
    return path


def cells(path: Path, title: str, formulas: bool = True) -> list[list]:
    book = load_workbook(path, data_only=not formulas)
    return [list(r) for r in book[title].iter_rows(values_only=True)]


def test_write_back_twice_one_row_people_tabs_identical_formula_name_stays_text(small):
    demo = small
    src = XlsxSource(demo)
    people = {t: cells(demo, t) for t in ("活动", "触点", "设置")}
    src.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本"], [["2026-10", 1.0]], ["月份"])
    src.upsert_rows(MONTHLY_SUMMARY_TAB, ["月份", "总成本"], [["2026-10", 2.0], ["=IMPORTXML(\"x\")", 3.0]], ["月份"])
    grid = cells(demo, MONTHLY_SUMMARY_TAB)
    assert grid == [["月份", "总成本"], ["2026-10", 2.0], ["=IMPORTXML(\"x\")", 3.0]]
    assert load_workbook(demo)[MONTHLY_SUMMARY_TAB]["A3"].data_type == "s"  # text, not a formula
    assert {t: cells(demo, t) for t in ("活动", "触点", "设置")} == people
    assert src.read_tabs()[MONTHLY_SUMMARY_TAB][2][0] == "=IMPORTXML(\"x\")"


def test_other_tabs_keep_formulas_and_formatting(small):
    demo = small
    book = load_workbook(demo)
    book["设置"]["D2"] = "=1+1"
    book.save(demo)
    bold_before = load_workbook(demo)["活动"]["A1"].font.bold
    XlsxSource(demo).upsert_rows(MONTHLY_SUMMARY_TAB, ["月份"], [["2026-10"]], ["月份"])
    after = load_workbook(demo)
    assert after["设置"]["D2"].value == "=1+1" and after["活动"]["A1"].font.bold == bold_before
    assert after["活动"].freeze_panes == "A2"


def test_people_tabs_are_refused(small):
    with pytest.raises(ProtectedTab):
        XlsxSource(small).replace_rows("Campaigns", ["x"], [])


def test_locked_file_is_a_clear_error(small):
    with FileLock(str(small) + ".lock"):
        with pytest.raises(SourceLocked, match="正被另一个进程写入"):
            XlsxSource(small, lock_timeout=0.2).upsert_rows(MONTHLY_SUMMARY_TAB, ["月份"], [["2026-10"]], ["月份"])


def test_corrupt_file_is_a_clear_error_and_stays_as_it_was(tmp_path):
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not a zip")
    with pytest.raises(SourceCorrupt, match="bad.xlsx 不是可读的 .xlsx 工作簿"):
        XlsxSource(bad).read()
    with pytest.raises(SourceCorrupt):
        XlsxSource(bad).upsert_rows(MONTHLY_SUMMARY_TAB, ["月份"], [["2026-10"]], ["月份"])
    assert bad.read_bytes() == b"not a zip"


def test_check_lists_the_demo_bad_row_and_rewrites_data_check(demo, capsys):
    code = sheets_main(["check", "--source", str(demo)])
    out = capsys.readouterr().out
    assert code == 1
    assert "「活动」第19行「销售额」 = '待补充'" in out
    grid = cells(demo, DATA_CHECK_TAB)
    assert grid[1][:4] == ["活动", 19, "销售额", "待补充"]
    sheets_main(["check", "--source", str(demo)])
    assert len(cells(demo, DATA_CHECK_TAB)) == 2  # rewritten, not appended


def test_init_creates_the_template_and_refuses_a_sheet_with_data(tmp_path, demo, capsys):
    new = tmp_path / "new.xlsx"
    assert sheets_main(["init", "--source", str(new)]) == 0
    data = open_source(str(new)).read()
    # the template's example rows are never counted, and reported until deleted (test_template_*.py)
    assert data.campaigns.empty and data.touchpoints.empty and all(p.example for p in data.problems)
    assert cells(new, "活动")[0][:3] == ["活动名称", "渠道", "开始日期"]
    before = demo.read_bytes()
    assert sheets_main(["init", "--source", str(demo)]) == 2
    assert "已经有数据" in capsys.readouterr().err
    assert demo.read_bytes() == before


def test_data_check_rows(demo):
    src = XlsxSource(demo)
    data = src.read()
    src.write_problems(list(data.problems), dt.datetime(2026, 11, 1, 9, 0))
    assert cells(demo, DATA_CHECK_TAB)[1][5] == "2026-11-01 09:00"


# ------------------------------------------------------------------ people's parts byte for byte, one save
MONTH_HEADERS = ["月份", "总成本"]
CHANNEL_HEADERS = ["月份", "渠道", "总成本"]
CHECK_HEADERS = ["标签页", "行", "列", "值", "问题", "检查时间"]


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None  # every CRC still right
        return {n: z.read(n) for n in z.namelist()}


def _assistant_parts(path: Path) -> set[str]:
    with Package(path) as package:
        return {part for title, part in package.sheets() if not is_people_tab(title)}


@pytest.fixture
def openpyxl_made(small) -> Path:
    """The small workbook with what people add in Excel: a comment, a chart, a formula (no cached value)."""
    from openpyxl.chart import BarChart, Reference
    from openpyxl.comments import Comment

    book = load_workbook(small)
    ws = book["活动"]
    ws["A2"].comment = Comment("去年的 618", "小王")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=4, min_row=1, max_row=2), titles_from_data=True)
    ws.add_chart(chart, "F2")
    book["设置"]["D2"] = "=1+1"
    book.save(small)
    return small


def _write_three(path: Path, batched: bool) -> None:
    source = XlsxSource(path)
    month = [["2026-10", 350.0]]
    channels = [["2026-10", "抖音", 100.0], ["2026-10", "天猫", 250.0]]
    problems = [["活动", 19, "销售额", "待补充", "不是金额", "2026-11-01 09:00"]]
    if batched:
        with source.batch() as w:
            w.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, month, ["月份"])
            w.upsert_rows(CHANNEL_MONTHLY_TAB, CHANNEL_HEADERS, channels, ["月份", "渠道"])
            w.replace_rows(DATA_CHECK_TAB, CHECK_HEADERS, problems)
    else:
        source.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, month, ["月份"])
        source.upsert_rows(CHANNEL_MONTHLY_TAB, CHANNEL_HEADERS, channels, ["月份", "渠道"])
        source.replace_rows(DATA_CHECK_TAB, CHECK_HEADERS, problems)


@pytest.mark.parametrize("batched", [True, False], ids=["batch", "one-by-one"])
@pytest.mark.parametrize("kind", ["excel", "openpyxl"])
def test_writes_leave_every_part_of_the_people_tabs_byte_for_byte(tmp_path, openpyxl_made, kind, batched):
    path = excel_like.build(tmp_path / "excel.xlsx") if kind == "excel" else openpyxl_made
    before = _parts(path)
    people = {n for n in before if n.startswith("xl/worksheets/sheet")} - _assistant_parts(path)
    assert len(people) == 3  # 活动, 触点, 设置
    _write_three(path, batched)
    after = _parts(path)
    # what a write may change: the assistant's worksheets, and the workbook's list of tabs (渠道月度 is new)
    ours = _assistant_parts(path) | {"xl/workbook.xml", "xl/_rels/workbook.xml.rels", "[Content_Types].xml"}
    # Excel's calculation chain lists 数据校验!B2, a formula the rewrite removes: Excel rebuilds the chain
    dropped = {"xl/calcChain.xml"} if kind == "excel" else set()
    kept = set(before) - ours - dropped
    assert kept >= people | {"xl/styles.xml"}
    assert {n for n in kept if "drawing" in n or "comments" in n or "chart" in n}  # there is something to keep
    assert {n: after.get(n) for n in kept} == {n: before[n] for n in kept}
    assert set(after) == set(before) - dropped | (set(after) & ours)


def test_the_three_writes_land_in_the_assistant_tabs(tmp_path):
    path = excel_like.build(tmp_path / "excel.xlsx")
    _write_three(path, batched=True)
    assert cells(path, "Monthly Summary") == [["备注", "月份", "总成本"], ["手写备注", "2026-09", 1],
                                              [None, "2026-10", 350]]
    assert cells(path, CHANNEL_MONTHLY_TAB) == [CHANNEL_HEADERS, ["2026-10", "抖音", 100], ["2026-10", "天猫", 250]]
    assert cells(path, DATA_CHECK_TAB) == [CHECK_HEADERS, ["活动", 19, "销售额", "待补充", "不是金额", "2026-11-01 09:00"]]
    assert load_workbook(path)[CHANNEL_MONTHLY_TAB]["A1"].font.bold  # the workbook's own bold format, reused


def test_a_618_whose_revenue_cells_are_formulas_keeps_its_total_after_writes(tmp_path):
    from render.text import render_text
    from roi_core import answer, parse_query

    path = excel_like.build(tmp_path / "excel.xlsx")
    _write_three(path, batched=True)
    data = XlsxSource(path).read()
    assert data.problems == ()
    rows = data.campaigns[data.campaigns["campaign"] == "618活动"]
    # 销售额 = E2 (=D2*3, cached 300) + E3 (the shared formula, cached 750) = 1,050; 总成本 = 100 + 250 = 350
    assert rows["revenue"].sum() == 1050.0
    text = render_text(answer(parse_query("618活动", dt.date(2026, 11, 30)), data, dt.date(2026, 11, 30)))
    assert "总成本 ¥350" in text and "销售额 ¥1,050" in text and "ROI 200.0%" in text  # (1050 - 350) / 350


def test_a_failing_batch_writes_nothing(tmp_path):
    path = excel_like.build(tmp_path / "excel.xlsx")
    before = path.read_bytes()
    source = XlsxSource(path)
    with pytest.raises(ProtectedTab):
        with source.batch() as w:
            w.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, [["2026-10", 1.0]], ["月份"])
            w.replace_rows("设置", ["参数"], [])  # refused before anything is written
    with pytest.raises(RuntimeError):
        with source.batch() as w:
            w.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, [["2026-10", 1.0]], ["月份"])
            raise RuntimeError("the job failed half way")
    assert path.read_bytes() == before


def test_two_writes_to_one_tab_in_a_batch_apply_in_order(tmp_path):
    path = excel_like.build(tmp_path / "excel.xlsx")
    with XlsxSource(path).batch() as w:
        w.upsert_rows(CHANNEL_MONTHLY_TAB, CHANNEL_HEADERS, [["2026-10", "抖音", 1.0]], ["月份", "渠道"])
        w.upsert_rows(CHANNEL_MONTHLY_TAB, CHANNEL_HEADERS, [["2026-10", "抖音", 2.0], ["2026-10", "天猫", 3.0]],
                      ["月份", "渠道"])
    assert cells(path, CHANNEL_MONTHLY_TAB) == [CHANNEL_HEADERS, ["2026-10", "抖音", 2], ["2026-10", "天猫", 3]]


def test_a_killed_writers_temp_files_are_removed_at_the_next_write(small):
    old = small.parent / f".{small.name}.k1ll3d.tmp"
    old.write_bytes(b"half a workbook")
    os.utime(old, (time.time() - 3600, time.time() - 3600))
    fresh = small.parent / f".{small.name}.fr3sh.tmp"  # any age: with the lock held no writer of ours is mid-save
    fresh.write_bytes(b"")
    other = small.parent / ".other.xlsx.abc.tmp"
    other.write_bytes(b"")
    XlsxSource(small).upsert_rows(MONTHLY_SUMMARY_TAB, ["月份"], [["2026-10"]], ["月份"])
    assert not old.exists() and not fresh.exists() and other.exists()
    assert sorted(p.name for p in small.parent.iterdir()) == [".other.xlsx.abc.tmp", "team.xlsx", "team.xlsx.lock"]


# ------------------------------------------------------------------ formulas saved without a value
def test_formulas_saved_without_values_are_named_with_cell_and_fix(small):
    book = load_workbook(small)
    ws = book["活动"]
    ws.append(["双11", "抖音", "2026-11-11", "=D2*3"])  # 销售额 (required): a formula openpyxl saves with no value
    ws["E1"] = "广告费用"
    ws["E2"] = "=100+50"  # optional money: would silently count as 0
    book.save(small)
    data = XlsxSource(small).read()
    by_cell = {(p.row, p.column): p for p in data.problems}
    revenue = by_cell[(3, "销售额")]
    assert revenue.tab == "活动" and revenue.value == "=D2*3"
    assert "D3" in revenue.reason and "没有保存它的计算结果" in revenue.reason and "保存一次" in revenue.reason
    spend = by_cell[(2, "广告费用")]
    assert spend.value == "=100+50" and "E2" in spend.reason
    assert not any("必填项为空" in p.reason for p in data.problems)
    assert data.rows_skipped == 2 and len(data.campaigns) == 0  # neither row counted with a made-up 0
    assert "「活动」第3行「销售额」 = '=D2*3'：单元格 D3 是公式" in revenue.describe()


def test_check_lists_an_unsaved_formula_and_the_fix(small, capsys):
    book = load_workbook(small)
    book["活动"]["D2"] = "=1.2*10000"
    book.save(small)
    assert sheets_main(["check", "--source", str(small)]) == 1
    out = capsys.readouterr().out
    assert "「活动」第2行「销售额」 = '=1.2*10000'：单元格 D2 是公式" in out and "Excel、WPS 或 Google 表格" in out


def test_error_results_are_reported_not_read_as_blank_or_zero(tmp_path):
    parts = dict(excel_like.PARTS)
    sheet = parts["xl/worksheets/sheet1.xml"]
    sheet = sheet.replace('<c r="E3"><f t="shared" si="0"/><v>750</v></c>',
                          '<c r="E3" t="e"><f t="shared" si="0"/><v>#DIV/0!</v></c>')
    sheet = sheet.replace('<c r="D2"><v>100</v></c>', '<c r="D2" t="e"><v>#N/A</v></c>')
    parts["xl/worksheets/sheet1.xml"] = sheet
    path = tmp_path / "errors.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in parts.items():
            z.writestr(name, text)
    data = XlsxSource(path).read()
    assert [p.describe() for p in data.problems] == [
        "「活动」第2行「广告费用」 = '#N/A'：单元格 D2 是错误值 #N/A，这一行没有计入：改正这个公式（或它引用的单元格）后再试",
        "「活动」第3行「销售额」 = '#DIV/0!'：单元格 E3 是错误值 #DIV/0!，这一行没有计入：改正这个公式（或它引用的单元格）后再试",
    ]
    assert data.rows_skipped == 2 and len(data.campaigns) == 0


# ------------------------------------------------------------------ the port's default batch (Google)
def test_a_google_batch_writes_one_by_one_and_nothing_when_the_block_fails(sheets_api):
    import json

    from roi_runtime.config import AppConfig
    from sheets.google import GoogleSource, forget_metadata

    key = "1BatchBatchBatchBatchBatchBatch0001"
    sheets_api.add_spreadsheet(key, "市场部 ROI", {"活动": [["活动名称", "渠道", "开始日期", "销售额"]]})
    forget_metadata()
    config = AppConfig(source=key, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    source = GoogleSource(key, config, sleep=lambda s: None)
    try:
        with pytest.raises(RuntimeError), source.batch() as w:
            w.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, [["2026-10", 1.0]], ["月份"])
            raise RuntimeError("the job failed half way")
        assert sheets_api.tab_titles(key) == ["活动"]
        with source.batch() as w:
            w.upsert_rows(MONTHLY_SUMMARY_TAB, MONTH_HEADERS, [["2026-10", 350.0]], ["月份"])
            w.upsert_rows(CHANNEL_MONTHLY_TAB, CHANNEL_HEADERS, [["2026-10", "抖音", 100.0]], ["月份", "渠道"])
            w.write_problems([], dt.datetime(2026, 11, 1, 9, 0))
        assert sheets_api.grid(key, MONTHLY_SUMMARY_TAB) == [MONTH_HEADERS, ["2026-10", 350]]
        assert sheets_api.grid(key, CHANNEL_MONTHLY_TAB) == [CHANNEL_HEADERS, ["2026-10", "抖音", 100]]
        assert sheets_api.grid(key, DATA_CHECK_TAB) == [list(DATA_CHECK_HEADERS)]  # no problems: the header alone
    finally:
        forget_metadata()
