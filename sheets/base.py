"""The port every sheet source fills: read all tabs once, hand SheetData to the core.

Two real adapters implement it: ``sheets.xlsx.XlsxSource`` (a local workbook,
the embedded default) and the Google Sheets adapter. Both return the same raw
shape (tab title → rows, header first, cells unformatted: numbers as numbers,
dates as date cells or serial numbers) and let ``roi_core.load_sheet`` do the
parsing, so the two can never disagree about what a cell means.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod

from roi_core import SheetData, load_sheet

RawTabs = dict[str, list[list]]


class SheetSource(ABC):
    """A place the team's sheet lives."""

    #: what to call the source in messages (a file name or the sheet's title)
    display_name: str = ""

    @abstractmethod
    def read_tabs(self) -> RawTabs:
        """Every tab's values in one go: title → rows (header row first)."""

    def read(self) -> SheetData:
        """Read and clean the sheet (one read of every tab)."""
        tabs = self.read_tabs()
        return load_sheet(tabs, source=self.display_name, fetched_at=dt.datetime.now(dt.UTC))
