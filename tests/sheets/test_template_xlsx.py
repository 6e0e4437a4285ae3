"""sheets init on a new .xlsx: an Excel table per tab, validation per column, a comment on every header and
typed grey example rows, read back with openpyxl; the assistant's writes keep them."""

from __future__ import annotations

import datetime as dt

import pytest
from openpyxl import load_workbook

from sheets import open_source
from sheets.__main__ import main as sheets_main
from sheets.template import COMMON_CHANNELS, TABLE_ROWS


@pytest.fixture
def book(tmp_path, monkeypatch):
    monkeypatch.delenv("ROI_SOURCE", raising=False)
    path = tmp_path / "team.xlsx"
    assert sheets_main(["init", "--source", str(path)]) == 0
    return path


def _rules(ws) -> dict[str, object]:
    """Each validated column's rule by the first cell of its range (C2:C201 → C2)."""
    return {str(dv.sqref).split(":")[0]: dv for dv in ws.data_validations.dataValidation}


def test_a_table_per_tab_over_the_header_and_the_rows_people_fill(book):
    wb = load_workbook(book)
    assert wb.sheetnames == ["活动", "触点", "设置", "订单", "客户", "预算"]
    last = 1 + TABLE_ROWS
    assert {name: ref for name, ref in wb["活动"].tables.items()} == {"活动表": f"A1:T{last}"}
    assert {name: ref for name, ref in wb["触点"].tables.items()} == {"触点表": f"A1:G{last}"}
    assert [c.name for c in wb["活动"].tables["活动表"].tableColumns][:3] == ["活动名称", "渠道", "开始日期"]
    assert wb["活动"].freeze_panes == "A2"


def test_validation_per_column(book):
    ws = load_workbook(book)["活动"]
    rules = _rules(ws)
    last = 1 + TABLE_ROWS
    channel = rules["B2"]
    assert channel.type == "list" and channel.formula1 == '"' + ",".join(COMMON_CHANNELS) + '"'
    assert channel.errorStyle == "warning"  # other channels are allowed after a warning
    start = rules["C2"]
    assert (start.type, start.operator, start.formula1, start.formula2) == ("date", "between", "36526", "73415")
    assert str(start.sqref) == f"C2:C{last}" and start.errorStyle == "stop"
    ad = rules["E2"]
    assert (ad.type, ad.operator, ad.formula1, ad.errorStyle) == ("decimal", "greaterThanOrEqual", "0", "stop")
    assert (rules["K2"].type, rules["K2"].formula1) == ("whole", "0")  # 新客户数
    assert (rules["S2"].type, rules["S2"].formula1, rules["S2"].formula2) == ("decimal", "0", "5")  # 满意度
    assert "A2" not in rules and "T2" not in rules  # names and 备注 are free text
    converted = _rules(load_workbook(book)["触点"])["E2"]
    assert converted.type == "list" and converted.formula1 == '"是,否"' and converted.errorStyle == "stop"


def test_a_comment_on_every_header(book):
    wb = load_workbook(book)
    for title in wb.sheetnames:
        ws = wb[title]
        assert all(cell.comment is not None and cell.comment.text for cell in ws[1]), title
    ws = wb["活动"]
    assert ws["A1"].comment.text.splitlines() == [
        "活动名称（必填）", "活动的名字。同一个活动投了几个渠道就填几行，名字写得一样", "例：示例·618活动"]
    assert ws["I1"].comment.text.startswith("销售额（必填）") and "例：230,000" in ws["I1"].comment.text
    assert ws["H1"].comment.text.startswith("其他费用（选填，空着 = 0）")


def test_examples_are_typed_and_grey(book):
    ws = load_workbook(book)["活动"]
    assert [c.value for c in ws[2]][:9] == ["示例·618活动", "抖音", dt.datetime(2026, 6, 1), dt.datetime(2026, 6, 18),
                                         50000, 10000, 8000, None, 230000]
    assert ws["E2"].number_format == "¥#,##0.00" and ws["C2"].number_format == "yyyy-mm-dd"
    assert ws["E50"].number_format == "¥#,##0.00"  # rows people type get the format too
    assert ws["A2"].fill.fgColor.rgb == "00EEEEEE" and ws["A4"].fill.fgColor.rgb != "00EEEEEE"
    touch = load_workbook(book)["触点"]["B2"]
    assert touch.value == dt.datetime(2026, 6, 1, 10, 0) and touch.number_format == "yyyy-mm-dd hh:mm"


def test_the_assistant_writes_keep_the_tables_and_rules(book):
    assert sheets_main(["check", "--source", str(book)]) == 1  # the examples are still there
    wb = load_workbook(book)
    assert "数据校验" in wb.sheetnames and "活动表" in wb["活动"].tables
    assert len(wb["活动"].data_validations.dataValidation) == len(_rules(wb["活动"]))
    assert wb["活动"]["A1"].comment is not None
    check = [[c.value for c in r] for r in wb["数据校验"].iter_rows()]
    assert check[1][:5] == ["活动", 2, "活动名称", "示例·618活动", "第2–3行是模板示例，未计入；确认后删除这些行"]
    data = open_source(str(book)).read()
    assert data.campaigns.empty and data.settings.target_roi == 1.0 and data.settings.lookback_days == 30
