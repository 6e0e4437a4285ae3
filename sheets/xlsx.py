"""A local .xlsx workbook through openpyxl: the embedded default when no Google Sheet is configured.

Reads take the values Excel last calculated (openpyxl, ``data_only``). Writes
touch only the assistant's tabs, under a file lock (``<file>.lock``), into a
temporary file in the same folder that replaces the workbook atomically, so a
crash never leaves a half-written workbook; the people's tabs (formulas, the
values last calculated for them, formatting, charts) come through byte for
byte, because only the assistant's worksheet part is rewritten
(:mod:`sheets.ooxml`).
"""

from __future__ import annotations

import os
import stat
import tempfile
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Sequence
from pathlib import Path

from filelock import FileLock, Timeout
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sheets.base import RawTabs, SheetSource, check_writable, resolve_tab, upsert_grid
from sheets.errors import SourceCorrupt, SourceLocked, SourceNotFound
from sheets.ooxml import Package, PackageError, Worksheet, add_bold_style, new_worksheet

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

    def _edit(self, tab: str, change, width: int) -> None:
        """Under the lock: find (or add) the assistant's tab, let ``change(ws)`` edit it, replace the file atomically.

        Only that worksheet part is rewritten (see :mod:`sheets.ooxml`); every other part of the
        workbook, the people's tabs with their formulas, cached values and formatting included,
        is copied byte for byte.
        """
        check_writable(tab)
        if not self.path.exists():
            raise SourceNotFound(f"找不到工作簿 {self.path}", "检查路径，或用 python -m sheets init 生成模板")
        target = self.path.resolve()  # a symlinked workbook stays a symlink
        try:
            with self.lock:
                self._edit_locked(target, tab, change, width)
        except Timeout:
            raise SourceLocked(f"{self.path.name} 正被另一个进程写入（等了 {self.lock.timeout:.0f} 秒）",
                               "稍后再试；如果没有其他进程在运行，删除同目录下的 .lock 文件") from None

    def _edit_locked(self, target: Path, tab: str, change, width: int) -> None:
        try:
            package = Package(target)
        except (zipfile.BadZipFile, OSError) as err:
            raise self._corrupt(err) from None
        with package:
            try:
                sheets = package.sheets()
                title = resolve_tab(tab, [t for t, _ in sheets])
                check_writable(title or tab)
                if title is None:
                    part, created = package.add_worksheet(tab, new_worksheet(width)), True
                else:
                    part, created = dict(sheets)[title], False
                ws = Worksheet(package.read(part), package.shared_strings)
                header_style = add_bold_style(package) if created else None
                change(ws, header_style)
                package.write(part, ws.render())
                if ws.formula_overwritten:
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

    def _corrupt(self, err: Exception) -> SourceCorrupt:
        return SourceCorrupt(f"{self.path.name} 不是可读的 .xlsx 工作簿（{type(err).__name__}）",
                             "请在 Excel 或 Google 表格中另存为 .xlsx 后再试")

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        def change(ws: Worksheet, header_style: str | None) -> None:
            existing = ws.grid()
            grid, changed, columns = upsert_grid(existing, headers, rows, key_columns)
            known = {c for c, h in enumerate(existing[0]) if h not in (None, "")} if existing else set()
            for i in sorted(changed):
                for c in columns:
                    if i == 0 and c in known:
                        continue  # a header already there stays exactly as people see it
                    value = grid[i][c] if c < len(grid[i]) else None
                    ws.put(i + 1, c + 1, value, header_style if i == 0 else None)

        self._edit(tab, change, len(headers))

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
        def change(ws: Worksheet, header_style: str | None) -> None:
            values = [list(headers), *[list(r) for r in rows]]
            ws.keep_only({(i, j) for i, row in enumerate(values, start=1) for j in range(1, len(row) + 1)})
            for i, row in enumerate(values, start=1):
                for j, value in enumerate(row, start=1):
                    ws.put(i, j, value, header_style if i == 1 else None)

        self._edit(tab, change, len(headers))
