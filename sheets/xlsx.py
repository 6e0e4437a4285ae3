"""A local .xlsx workbook through openpyxl: the embedded default when no Google Sheet is configured.

Reads take the values Excel last calculated. Writes touch only the
assistant's tabs, under a file lock, into a temporary file that replaces the
workbook atomically, so a crash never leaves a half-written workbook and the
people's tabs (with their formulas and formatting) come through unchanged.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from collections.abc import Sequence
from pathlib import Path

from filelock import FileLock, Timeout
from openpyxl import load_workbook
from openpyxl.styles import Font
from openpyxl.utils.exceptions import InvalidFileException

from sheets.base import RawTabs, SheetSource, check_writable, upsert_grid
from sheets.errors import SourceCorrupt, SourceLocked, SourceNotFound

LOCK_TIMEOUT = 10.0


class XlsxSource(SheetSource):
    """One .xlsx workbook on disk."""

    def __init__(self, path: str | Path, lock_timeout: float = LOCK_TIMEOUT):
        self.path = Path(path)
        self.display_name = self.path.name
        self.lock = FileLock(str(self.path) + ".lock", timeout=lock_timeout)

    def _load(self, **kwargs):
        if not self.path.exists():
            raise SourceNotFound(f"找不到工作簿 {self.path}", "检查路径，或用 python -m sheets init 生成模板")
        try:
            return load_workbook(self.path, **kwargs)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
            raise SourceCorrupt(f"{self.path.name} 不是可读的 .xlsx 工作簿（{type(err).__name__}）",
                                "请在 Excel 或 Google 表格中另存为 .xlsx 后再试") from None

    def read_tabs(self) -> RawTabs:
        book = self._load(read_only=True, data_only=True)
        try:
            return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
        finally:
            book.close()

    def _edit(self, tab: str, change) -> None:
        """Open the workbook for writing under the lock, let ``change(ws)`` edit one tab, save atomically."""
        check_writable(tab)
        try:
            with self.lock:
                book = self._load()
                ws = book[tab] if tab in book.sheetnames else book.create_sheet(tab)
                change(ws)
                fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".tmp", dir=self.path.parent)
                os.close(fd)
                try:
                    book.save(tmp)
                    os.replace(tmp, self.path)
                finally:
                    if os.path.exists(tmp):
                        os.unlink(tmp)
        except Timeout:
            raise SourceLocked(f"{self.path.name} 正被另一个进程写入（等了 {self.lock.timeout:.0f} 秒）",
                               "稍后再试；如果没有其他进程在运行，删除同目录下的 .lock 文件") from None

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        def change(ws):
            existing = [list(r) for r in ws.iter_rows(values_only=True)] if ws.max_row > 1 or ws["A1"].value else []
            grid, changed, columns = upsert_grid(existing, headers, rows, key_columns)
            for i in sorted(changed):
                for c in columns:
                    value = grid[i][c] if c < len(grid[i]) else None
                    if i == 0 and c < len(existing[0] if existing else []) and existing[0][c] not in (None, ""):
                        continue  # a header already there stays exactly as people see it
                    _set(ws.cell(row=i + 1, column=c + 1), value, bold=i == 0)

        self._edit(tab, change)

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
        def change(ws):
            ws.delete_rows(1, ws.max_row)
            for j, h in enumerate(headers, start=1):
                _set(ws.cell(row=1, column=j), h, bold=True)
            for i, row in enumerate(rows, start=2):
                for j, value in enumerate(row, start=1):
                    _set(ws.cell(row=i, column=j), value)

        self._edit(tab, change)


def _set(cell, value, bold: bool = False) -> None:
    """Write a value as data, never as a formula: a name like "=IMPORTXML(...)" stays text (RAW)."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
