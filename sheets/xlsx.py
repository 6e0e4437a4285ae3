"""A local .xlsx workbook: the embedded default when no Google Sheet is configured.

Reads take the values Excel (or Google, WPS, LibreOffice) last calculated, through
python-calamine (a Rust reader: about ten times faster than openpyxl's read-only
mode on a 200,000-row 活动 tab, at less memory). A formula saved with no
calculated value (files written by tools that do not calculate, openpyxl
among them), or an error result (``#DIV/0!``), is not read as a blank (a blank
money cell counts as 0): the formula or the error stands in the cell, and the
problem names the tab, the row, the column, the cell and the fix.

Writes touch only the assistant's tabs, under a file lock (``<file>.lock``,
next to the real file when the path is a symlink), into a temporary file in the
same folder that replaces the workbook atomically, so a crash never leaves a
half-written workbook; the people's tabs (formulas, the values last calculated
for them, formatting, charts) come through byte for byte, because only the
assistant's worksheet parts are rewritten (:mod:`sheets.ooxml`). Several writes
(``write_many``, ``batch()``) share one lock, one load and one save.
"""

from __future__ import annotations

import datetime as dt
import glob
import os
import stat
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from filelock import FileLock, Timeout
from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum

from roi_core import Problem, SheetData, load_sheet
from roi_core.parse import normalize_text
from sheets.base import RawTabs, SheetSource, Write, check_writable, is_people_tab, resolve_tab, upsert_grid
from sheets.errors import SourceCorrupt, SourceLocked, SourceNotFound
from sheets.ooxml import Package, PackageError, UnreadCell, Worksheet, bold_style, new_worksheet
from sheets.rewrite import KEEP, rewrite_grid

LOCK_TIMEOUT = 10.0

Unread = dict[str, list[UnreadCell]]  # tab title → its cells whose value reads as blank


def unread_reason(cell: UnreadCell) -> str:
    """The 数据校验 reason for a formula saved without its result, or an error result."""
    if cell.kind == "error":
        return f"单元格 {cell.ref} 是错误值 {cell.text}，这一行没有计入：改正这个公式（或它引用的单元格）后再试"
    return (f"单元格 {cell.ref} 是公式，但文件里没有保存它的计算结果（保存这个文件的程序不计算公式），"
            "这一行没有计入：用 Excel、WPS 或 Google 表格打开这个文件，保存一次，再试")


class XlsxSource(SheetSource):
    """One .xlsx workbook on disk."""

    def __init__(self, path: str | Path, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self.display_name = self.path.name
        # one lock per real file: two paths to it (a symlink) must not write at the same time
        self.lock = FileLock(str(self.path.resolve()) + ".lock", timeout=lock_timeout)

    # ------------------------------------------------------------------------------------- reading
    def _missing(self) -> SourceNotFound:
        return SourceNotFound(f"找不到工作簿 {self.path}", "检查路径，或用 python -m sheets init 生成模板")

    def _corrupt(self, err: Exception) -> SourceCorrupt:
        return SourceCorrupt(f"{self.path.name} 不是可读的 .xlsx 工作簿（{type(err).__name__}）",
                             "请在 Excel 或 Google 表格中另存为 .xlsx 后再试")

    def read_tabs(self) -> RawTabs:
        """Every worksheet's values: calculated values; a formula saved without one as its text, an error as ``#N/A``."""
        return self._read()[0]

    def read(self, *, deadline: float | None = None) -> SheetData:
        """Read and clean the workbook; formulas saved without a result, and error results, are problems that say so.

        ``deadline`` is for sources behind a network service; a local file ignores it.
        """
        tabs, unread = self._read()
        data = load_sheet(tabs, source=self.display_name, fetched_at=dt.datetime.now(dt.UTC))
        return explain_unread(data, tabs, unread) if unread else data

    def _read(self) -> tuple[RawTabs, Unread]:
        try:
            # one open file for both readers: a writer replacing the workbook meanwhile cannot mix two versions
            with open(self.path, "rb") as file:
                tabs = self._values(file)
                file.seek(0)
                return tabs, self._unread(file, tabs)
        except FileNotFoundError:
            raise self._missing() from None
        except OSError as err:
            raise self._corrupt(err) from None

    def _values(self, file) -> RawTabs:
        try:
            book = CalamineWorkbook.from_filelike(file)
        except (CalamineError, ValueError) as err:
            raise self._corrupt(err) from None
        try:
            titles = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            # from A1, so a row's index is its row number as people see it
            return {t: book.get_sheet_by_name(t).to_python(skip_empty_area=False) for t in titles}
        except (CalamineError, ValueError) as err:
            raise self._corrupt(err) from None
        finally:
            book.close()

    def _unread(self, file, tabs: RawTabs) -> Unread:
        """Formulas saved without a result and error results in the people's tabs, shown in ``tabs``."""
        unread: Unread = {}
        try:
            with Package(file) as package:
                for title, part in package.sheets():
                    if title in tabs and is_people_tab(title):
                        cells = package.unread_cells(part)
                        if cells:
                            unread[title] = cells
                            _show_unread(tabs[title], cells)
        except (zipfile.BadZipFile, PackageError, KeyError, ValueError) as err:
            raise self._corrupt(err) from None
        return unread

    # ------------------------------------------------------------------------------------- writing
    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        self.write_many([Write.upsert(tab, headers, rows, key_columns)])

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                     key_columns: Sequence[str] | None = None) -> None:
        self.write_many([Write.replace(tab, headers, rows, key_columns)])

    def write_many(self, writes: Sequence[Write]) -> None:
        """Apply ``writes`` in order with one lock, one load and one save of the workbook.

        All or nothing: a write that fails leaves the file as it was. Only the assistant's
        worksheet parts are rewritten (see :mod:`sheets.ooxml`); every other part, the people's
        tabs with their formulas, cached values and formatting included, is copied byte for byte.
        """
        for w in writes:
            check_writable(w.tab)
        if not writes:
            return
        if not self.path.exists():
            raise self._missing()
        target = self.path.resolve()  # a symlinked workbook stays a symlink
        try:
            with self.lock:
                self._write_locked(target, writes)
        except Timeout:
            raise SourceLocked(f"{self.path.name} 正被另一个进程写入（等了 {self.lock.timeout:.0f} 秒）",
                               "稍后再试；如果没有其他进程在运行，删除同目录下的 .lock 文件") from None

    def _write_locked(self, target: Path, writes: Sequence[Write]) -> None:
        remove_stale_temp_files(target)
        try:
            package = Package(target)
        except (zipfile.BadZipFile, OSError) as err:
            raise self._corrupt(err) from None
        with package:
            try:
                open_sheets: dict[str, tuple[Worksheet, str | None]] = {}
                for w in writes:
                    sheets = package.sheets()
                    title = resolve_tab(w.tab, [t for t, _ in sheets])
                    check_writable(title or w.tab)
                    if title is None:
                        part = package.add_worksheet(w.tab, new_worksheet(len(w.headers)))
                        open_sheets[part] = (Worksheet(package.read(part), package.shared_strings),
                                             bold_style(package))
                    else:
                        part = dict(sheets)[title]
                        if part not in open_sheets:
                            open_sheets[part] = (Worksheet(package.read(part), package.shared_strings), None)
                    ws, header_style = open_sheets[part]
                    if w.kind == "upsert":
                        _upsert(ws, w, header_style)
                    else:  # a comment anchors its row: that row stays where it is (sheets.rewrite)
                        _replace(ws, w, header_style, {r - 1 for r, _ in package.noted_cells(part)})
                for part, (ws, _) in open_sheets.items():
                    package.write(part, ws.render())
                if any(ws.formula_overwritten for ws, _ in open_sheets.values()):
                    package.drop_calc_chain()
            except (PackageError, ET.ParseError, KeyError, ValueError, UnicodeDecodeError) as err:
                raise self._corrupt(err) from None
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
            os.close(fd)
            try:
                package.save(tmp)
            except BaseException:
                os.unlink(tmp)
                raise
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(target).st_mode))  # mkstemp made it 0600
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)


def remove_stale_temp_files(target: Path) -> list[Path]:
    """Delete the ``.<name>.*.tmp`` files a killed writer of ``target`` left behind; the paths deleted.

    Called with the workbook's lock held: no writer of ours is between its temporary file and
    the rename, so every such file is an orphan, whatever its age.
    """
    removed = []
    for name in glob.glob(glob.escape(str(target.parent / f".{target.name}.")) + "*.tmp"):
        try:
            os.unlink(name)
            removed.append(Path(name))
        except FileNotFoundError:
            pass
    return removed


def _upsert(ws: Worksheet, w: Write, header_style: str | None) -> None:
    existing = ws.grid()
    grid, changed, columns = upsert_grid(existing, w.headers, w.rows, w.key_columns)
    known = {c for c, h in enumerate(existing[0]) if h not in (None, "")} if existing else set()
    for i in sorted(changed):
        for c in columns:
            if i == 0 and c in known:
                continue  # a header already there stays exactly as people see it
            value = grid[i][c] if c < len(grid[i]) else None
            ws.put(i + 1, c + 1, value, header_style if i == 0 else None)


def _replace(ws: Worksheet, w: Write, header_style: str | None, noted: set[int]) -> None:
    """The assistant's columns rewritten to ``w.rows``; people's columns, rows and comments kept (sheets.rewrite)."""
    plan = rewrite_grid(ws.grid(), w.headers, w.rows, w.key_columns, noted, w.tab)
    for i, line in enumerate(plan.cells):
        for c, value in enumerate(line):
            if value is not KEEP:
                ws.put(i + 1, c + 1, value, header_style if i == 0 else None)


def _show_unread(grid: list[list], cells: list[UnreadCell]) -> None:
    """Put each unread cell's formula or error where its value would be: not blank, so never silently 0."""
    for cell in cells:
        while len(grid) < cell.row:
            grid.append([])
        row = grid[cell.row - 1]
        if len(row) < cell.column:
            row.extend([""] * (cell.column - len(row)))
        row[cell.column - 1] = cell.text


def explain_unread(data: SheetData, tabs: RawTabs, unread: Unread) -> SheetData:
    """``data`` with each formula saved without a result, and each error result, reported as such.

    A problem the core already found at that cell (a formula or ``#N/A`` is no 金额 or 日期)
    gets the precise reason; a cell the core took as text gets a problem of its own.
    """
    reasons: dict[tuple[str, int, str], tuple[UnreadCell, str]] = {}
    for title, cells in unread.items():
        header = tabs[title][0] if tabs[title] else []
        for cell in cells:
            column = header[cell.column - 1] if cell.column <= len(header) else ""
            column = "" if column is None else str(column)
            reasons[(normalize_text(title), cell.row, normalize_text(column))] = (cell, column)
    problems, explained = [], set()
    for p in data.problems:
        key = (normalize_text(p.tab), p.row, normalize_text(p.column))
        if p.row is not None and key in reasons:
            problems.append(replace(p, reason=unread_reason(reasons[key][0])))
            explained.add(key)
        else:
            problems.append(p)
    for key, (cell, column) in reasons.items():
        if key not in explained:
            title = next(t for t in unread if normalize_text(t) == key[0])
            problems.append(Problem(title, cell.row, column or cell.ref, cell.text, unread_reason(cell)))
    return data.with_source(problems=tuple(problems))
