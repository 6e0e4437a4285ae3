"""spreadsheets.get and spreadsheets.create: the spreadsheet's metadata, and on request its grid data
(``ranges`` limit the answer to the sheets they touch; grid data is asked with a ``fields`` mask naming
``data``, or ``includeGridData=true``, which a mask overrides, as in the real API). The cells of grid data
carry only ``note``: the one CellData field the fake models in reads (values are read through values.*)."""

from __future__ import annotations

import copy
import re
import time
from typing import Any

from .._server import Request
from .model import _Book, _Tab
from .ranges import _check_grid, parse_range


def _wants_grid_data(request: Request) -> bool:
    fields = "".join(request.query.get("fields", []))
    if fields:
        return re.search(r"\bdata\b", fields) is not None
    flag = "".join(request.query.get("includeGridData", [])).strip().lower()
    return flag in ("true", "1")


def _grid_data(tab: _Tab, r0: int, c0: int, r1: int, c1: int) -> dict:
    """One GridData block: a row per row of the range up to its last note, a cell per cell up to the row's last."""
    noted = {(r, c): n for (r, c), n in tab.notes.items() if r0 <= r < r1 and c0 <= c < c1}
    rows: list[dict] = []
    for r in range(r0, max((r for r, _ in noted), default=r0 - 1) + 1):
        last = max((c for (rr, c) in noted if rr == r), default=None)
        rows.append({} if last is None else {"values": [{"note": noted[(r, c)]} if (r, c) in noted else {}
                                                        for c in range(c0, last + 1)]})
    block: dict[str, Any] = {}
    if r0:  # proto3 JSON leaves out a field at its default, as Google does
        block["startRow"] = r0
    if c0:
        block["startColumn"] = c0
    if rows:
        block["rowData"] = rows
    return block


class SpreadsheetHandlers:
    """spreadsheets.get / spreadsheets.create for :class:`FakeSheetsAPI` (uses its _get, _body, _books)."""

    def _metadata(self, book: _Book, grid: dict[int, list[dict]] | None = None) -> dict:
        sheets = []
        for t in book.tabs:
            if grid is not None and t.sheet_id not in grid:
                continue  # ranges given: only the sheets they touch
            s: dict[str, Any] = {"properties": copy.deepcopy(t.props)}
            if t.charts:  # like the real API: the key is absent when a sheet has no charts
                s["charts"] = copy.deepcopy(t.charts)
            if t.tables:
                s["tables"] = copy.deepcopy(t.tables)
            if grid is not None and grid[t.sheet_id]:
                s["data"] = grid[t.sheet_id]
            sheets.append(s)
        return {
            "spreadsheetId": book.key,
            "properties": copy.deepcopy(book.props),
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit",
        }

    def _get_spreadsheet(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        book = self._get(sid, call)
        ranges = request.query.get("ranges", [])
        call["ranges"] = ranges or None
        wanted = _wants_grid_data(request)
        if not ranges and not wanted:
            return self._metadata(book)
        grid: dict[int, list[dict]] = {}
        for text in ranges or [t.title for t in book.tabs]:
            rng = parse_range(book, text)
            r1, c1 = rng.er1, rng.ec1
            _check_grid(rng, r1, c1)
            blocks = grid.setdefault(rng.tab.sheet_id, [])
            if wanted:
                blocks.append(_grid_data(rng.tab, rng.r0, rng.c0, r1, c1))
        return self._metadata(book, grid)

    def _create_spreadsheet(self, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        key = body.get("spreadsheetId") or f"fake-{len(self._books) + 1}-{int(time.time() * 1000)}"
        title = body.get("properties", {}).get("title", "Untitled spreadsheet")
        tabs = {s["properties"]["title"]: [] for s in body.get("sheets", []) if "properties" in s} or None
        self.add_spreadsheet(key, title, tabs)
        call["spreadsheet_id"] = key
        return self._metadata(self._books[key])
