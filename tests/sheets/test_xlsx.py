"""The local workbook: the same behaviour as Google, atomic and locked writes, clear errors."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from filelock import FileLock
from openpyxl import load_workbook
from openpyxl.styles import Font

from roi_core.config import DEMO_WORKBOOK
from roi_core.schema import DATA_CHECK_TAB, MONTHLY_SUMMARY_TAB
from sheets import open_source
from sheets.__main__ import main as sheets_main
from sheets.errors import ProtectedTab, SourceCorrupt, SourceLocked
from sheets.xlsx import XlsxSource


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
    assert data.problems == () and len(data.campaigns) == 2 and len(data.touchpoints) == 2
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
