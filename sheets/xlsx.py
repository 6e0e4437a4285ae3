"""A local .xlsx workbook through openpyxl: the embedded default when no Google Sheet is configured."""

from __future__ import annotations

import zipfile
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from sheets.base import RawTabs, SheetSource
from sheets.errors import SourceCorrupt, SourceNotFound


class XlsxSource(SheetSource):
    """Reads every tab of a workbook with the values Excel last calculated (formulas → their values)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.display_name = self.path.name

    def read_tabs(self) -> RawTabs:
        if not self.path.exists():
            raise SourceNotFound(f"找不到工作簿 {self.path}", "检查路径，或用 python -m sheets init 生成模板")
        try:
            book = load_workbook(self.path, read_only=True, data_only=True)
        except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError) as err:
            raise SourceCorrupt(f"{self.path.name} 不是可读的 .xlsx 工作簿（{type(err).__name__}）",
                                "请在 Excel 或 Google 表格中另存为 .xlsx 后再试") from None
        try:
            return {ws.title: [list(row) for row in ws.iter_rows(values_only=True)] for ws in book.worksheets}
        finally:
            book.close()
