"""A sheet source held in memory, for tests that only need to feed the core or see what was written.

``MemorySource({"活动": rows, "设置": rows})`` behaves like the real adapters at the port
(``sheets.base.SheetSource``): ``read()`` hands the tabs to ``roi_core.load_sheet``; writes go
only to the assistant's tabs (a people tab raises ProtectedTab), are matched to an existing tab
by name or alias, and are merged with the same ``upsert_grid`` the adapters use. Tests that are
about the workbook itself (locking, formats, saving) use the xlsx adapter instead.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence

from sheets.base import RawTabs, SheetSource, check_writable, resolve_tab, upsert_grid


class MemorySource(SheetSource):
    """Tabs (title → rows, header first) in a dict; ``tabs`` is the current content, writes included."""

    def __init__(self, tabs: RawTabs | None = None, display_name: str = "memory") -> None:
        self.tabs: RawTabs = copy.deepcopy(dict(tabs or {}))
        self.display_name = display_name
        self.reads = 0

    def read_tabs(self) -> RawTabs:
        """A copy of every tab, so a caller that edits what it read does not edit the source."""
        self.reads += 1
        return copy.deepcopy(self.tabs)

    def _title(self, tab: str) -> str:
        check_writable(tab)
        return resolve_tab(tab, list(self.tabs)) or tab

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        title = self._title(tab)
        grid, _, _ = upsert_grid(self.tabs.get(title, []), headers, rows, key_columns)
        self.tabs[title] = grid

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
        self.tabs[self._title(tab)] = [list(headers), *(list(r) for r in rows)]
