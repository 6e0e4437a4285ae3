"""sheets.ooxml on its own: formulas saved without a value, and parts copied without re-compressing."""

from __future__ import annotations

import zipfile
from pathlib import Path

from sheets.ooxml import Package, UnreadCell
from tests.sheets import excel_like

MAIN = excel_like.MAIN


def _book(tmp_path: Path, sheet_xml: str) -> Path:
    parts = dict(excel_like.PARTS)
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    path = tmp_path / "book.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, text.encode("utf-8"))
    return path


def _unread(path: Path) -> list[UnreadCell]:
    with Package(path) as package:
        return package.unread_cells("xl/worksheets/sheet1.xml")


def test_only_formulas_without_a_saved_value_are_found(tmp_path):
    rows = (
        '<row r="1"><c r="A1"><f>1+1</f><v>2</v></c>'  # saved
        '<c r="B1" t="str"><f>IF(A1&gt;5,"","x")</f><v></v></c>'  # saved: an empty text result
        '<c r="C1"><f>A1*3</f><v/></c>'  # openpyxl: no value
        '<c r="D1"><f>SUM(A1:C1)</f></c>'  # no <v> at all
        '<c r="E1" t="str"><f>A1&amp;"元"</f></c></row>'
        '<row r="2"><c r="A2"><f t="shared" ref="A2:A3" si="4">B2*2</f></c>'
        '<c r="F2"><f t="array" ref="F2">SUM(A1:A2*2)</f><v>9</v></c></row>'
        '<row r="3"><c r="A3"><f t="shared" si="4"/></c><c r="B3"><v>7</v></c>'
        '<c r="C3">\n  <f>B3</f>\n  <v>7</v>\n</c></row>')  # pretty-printed, saved
    path = _book(tmp_path, f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>')
    assert _unread(path) == [
        UnreadCell(1, 3, "C1", "=A1*3", "formula"),
        UnreadCell(1, 4, "D1", "=SUM(A1:C1)", "formula"),
        UnreadCell(1, 5, "E1", '=A1&"元"', "formula"),
        UnreadCell(2, 1, "A2", "=B2*2", "formula"),
        UnreadCell(3, 1, "A3", "=B2*2", "formula"),  # a shared formula's later cell: the first cell's text
    ]


def test_error_results_are_found_with_their_error(tmp_path):
    rows = ('<row r="2"><c r="A2" t="e"><f>1/0</f><v>#DIV/0!</v></c><c r="B2" s="3" t="e"><v>#N/A</v></c>'
            '<c r="C2" t="e"><f>NA()</f></c><c r="D2" t="e"/><c r="E2"><v>1</v></c></row>')
    path = _book(tmp_path, f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>')
    assert _unread(path) == [
        UnreadCell(2, 1, "A2", "#DIV/0!", "error"),
        UnreadCell(2, 2, "B2", "#N/A", "error"),
        UnreadCell(2, 3, "C2", "=NA()", "formula"),  # no saved result at all
    ]


def test_a_prefixed_worksheet_is_scanned_too(tmp_path):
    xml = (f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="AB12"><x:f>1/0</x:f></x:c>'
           '<x:c r="AC12"><x:f>2</x:f><x:v>2</x:v></x:c></x:row></x:sheetData></x:worksheet>')
    assert _unread(_book(tmp_path, xml)) == [UnreadCell(12, 28, "AB12", "=1/0", "formula")]


def test_unchanged_parts_are_copied_compressed_as_they_were(tmp_path):
    path = excel_like.build(tmp_path / "excel.xlsx")
    with Package(path) as package:
        package.write("xl/worksheets/sheet3.xml", package.read("xl/worksheets/sheet3.xml").replace(b"2</v>", b"3</v>"))
        package.save(tmp_path / "out.xlsx")
    with zipfile.ZipFile(path) as a, zipfile.ZipFile(tmp_path / "out.xlsx") as b:
        assert b.testzip() is None
        assert [i.filename for i in a.infolist()] == [i.filename for i in b.infolist()]
        for old, new in zip(a.infolist(), b.infolist(), strict=True):
            if old.filename == "xl/worksheets/sheet3.xml":
                assert b.read(new) != a.read(old)
                continue
            assert (new.CRC, new.compress_size, new.file_size, new.date_time) == \
                   (old.CRC, old.compress_size, old.file_size, old.date_time)
            assert b.read(new) == a.read(old)
