"""The in-memory spreadsheets: ApiError (Google's error body), a tab (_Tab) and a spreadsheet (_Book)."""

from __future__ import annotations

import copy
import dataclasses
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from .cells import _is_empty


class ApiError(Exception):
    _STATUS = {
        400: "INVALID_ARGUMENT",
        401: "UNAUTHENTICATED",
        403: "PERMISSION_DENIED",
        404: "NOT_FOUND",
        408: "DEADLINE_EXCEEDED",
        409: "ABORTED",
        429: "RESOURCE_EXHAUSTED",
        500: "INTERNAL",
        502: "UNAVAILABLE",
        503: "UNAVAILABLE",
        504: "DEADLINE_EXCEEDED",
    }
    _MESSAGE = {
        401: "Request is missing required authentication credential. Expected OAuth 2 access token, "
        "login cookie or other valid authentication credential.",
        403: "The caller does not have permission",
        404: "Requested entity was not found.",
        429: "Quota exceeded for quota metric 'Read requests' and limit 'Read requests per minute per user' "
        "of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'.",
        500: "Internal error encountered.",
        502: "Bad gateway.",
        503: "The service is currently unavailable.",
        504: "The service is currently unavailable.",
    }

    def __init__(self, code: int, message: str | None = None, status: str | None = None,
                 details: list[dict] | None = None):
        super().__init__(message)
        self.code = code
        self.message = message or self._MESSAGE.get(code, "Error")
        self.status = status or self._STATUS.get(code, "UNKNOWN")
        self.details = details

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message, "status": self.status}
        if self.details:
            error["details"] = self.details
        return {"error": error}


@dataclass
class _Tab:
    props: dict  # sheetId, title, index, sheetType, gridProperties{rowCount, columnCount, ...}, ...
    rows: list[list[Any]] = field(default_factory=list)
    charts: list[dict] = field(default_factory=list)
    # set by addTable / updateCells / setDataValidation (tables.py); replaced, never changed in place
    tables: list[dict] = field(default_factory=list)
    notes: dict = field(default_factory=dict)  # (row, col) 0-based → note text
    formats: dict = field(default_factory=dict)  # (row, col) → userEnteredFormat
    validations: dict = field(default_factory=dict)  # (row, col) → DataValidationRule

    @property
    def sheet_id(self) -> int:
        return self.props["sheetId"]

    @property
    def title(self) -> str:
        return self.props["title"]

    @property
    def row_count(self) -> int:
        return self.props.get("gridProperties", {}).get("rowCount", 0)

    @row_count.setter
    def row_count(self, n: int) -> None:
        self.props.setdefault("gridProperties", {})["rowCount"] = n
        del self.rows[n:]

    @property
    def col_count(self) -> int:
        return self.props.get("gridProperties", {}).get("columnCount", 0)

    @col_count.setter
    def col_count(self, n: int) -> None:
        self.props.setdefault("gridProperties", {})["columnCount"] = n
        for r in self.rows:
            del r[n:]

    def get(self, r: int, c: int) -> Any:
        if r < len(self.rows) and c < len(self.rows[r]):
            return self.rows[r][c]
        return None

    def set(self, r: int, c: int, v: Any) -> None:
        while len(self.rows) <= r:
            self.rows.append([])
        row = self.rows[r]
        while len(row) <= c:
            row.append(None)
        row[c] = v

    def last_data_row(self, c0: int = 0, c1: int | None = None) -> int:
        """0-based index of the last row with a non-empty cell in [c0, c1), or -1."""
        for r in range(len(self.rows) - 1, -1, -1):
            if any(not _is_empty(v) for v in self.rows[r][c0:c1]):
                return r
        return -1


def _clone_book(book: _Book) -> _Book:
    """A working copy for an atomic request: rows copied as lists (cells are never changed in place),
    which is far cheaper than a deepcopy of a sheet with millions of cells."""
    clone = copy.copy(book)
    clone.props = copy.deepcopy(book.props)
    clone.tabs = [dataclasses.replace(t, props=copy.deepcopy(t.props), rows=[list(r) for r in t.rows],
                                      charts=copy.deepcopy(t.charts)) for t in book.tabs]
    return clone


@dataclass
class _Book:
    key: str
    props: dict  # title, locale, timeZone, autoRecalc
    tabs: list[_Tab]
    date_format: str = "%Y-%m-%d"
    datetime_format: str = "%Y-%m-%d %H:%M:%S"
    time_format: str = "%H:%M:%S"
    created: str = ""
    modified: str = ""
    next_sheet_id: int = 1_000_001
    next_chart_id: int = 2_000_001

    def reindex(self) -> None:
        self.tabs.sort(key=lambda t: t.props.get("index", 0))
        for i, t in enumerate(self.tabs):
            t.props["index"] = i

    def tab_by_title(self, title: str) -> _Tab | None:
        for t in self.tabs:
            if t.title == title:
                return t
        return None

    def tab_by_id(self, sheet_id: Any) -> _Tab | None:
        for t in self.tabs:
            if t.sheet_id == sheet_id:
                return t
        return None

    def first_grid(self) -> _Tab:
        for t in self.tabs:
            if t.props.get("sheetType", "GRID") == "GRID":
                return t
        raise ApiError(400, "No grid sheets in this spreadsheet")


def _now_rfc3339() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"
