"""A loopback fake of the Google Sheets v4 REST API (plus the bits of Drive v3 and
the OAuth2 token endpoint that gspread 6.2 touches), for tests that run the REAL
gspread / google-auth code with no internet.

Quick start::

    from tests.fakes.sheets_api import FakeSheetsAPI, fake_gspread_client

    with FakeSheetsAPI() as fake:
        key = fake.add_spreadsheet("KEY1", "ROI", {"活动": [["活动名称", "渠道"], ["双11", "抖音"]]})
        gc = fake_gspread_client(fake)                      # real gspread.Client
        ws = gc.open_by_key(key).worksheet("活动")
        assert ws.get_all_values()[1] == ["双11", "抖音"]
        ws.update([["=IMPORTXML(x)"]], "C1", raw=True)       # RAW keeps the text
        assert fake.grid(key, "活动")[0] == ["活动名称", "渠道", "=IMPORTXML(x)"]

URLs gspread 6.2 builds (gspread/urls.py; bound at import, so patching them does
not work - rewrite at the HTTP layer instead, see :class:`GoogleRewriteAdapter`):

* ``https://sheets.googleapis.com/v4/spreadsheets`` + ``/{id}``, ``/{id}:batchUpdate``,
  ``/{id}/values/{range}``, ``/{id}/values/{range}:append``, ``/{id}/values/{range}:clear``,
  ``/{id}/values:batchGet``, ``/{id}/values:batchUpdate``, ``/{id}/values:batchClear``,
  ``/{id}/sheets/{sheetId}:copyTo`` (the last one is not faked)
* ``https://www.googleapis.com/drive/v3/files`` (+ ``/{id}``, ``/{id}/permissions``,
  ``/{id}/export``, ``/{id}/copy``, ``/{id}/comments``) and
  ``https://www.googleapis.com/upload/drive/v2/files`` (import_csv) - only files list/get/
  create/delete are faked
* the token endpoint is NOT built by gspread: google-auth posts to the ``token_uri`` of
  the service-account JSON (normally ``https://oauth2.googleapis.com/token``), from its
  OWN requests session (not the gspread session), so point ``token_uri`` at
  ``fake.url + "/token"`` (see :meth:`FakeSheetsAPI.service_account_info`).

So a production setting such as ``GOOGLE_SHEETS_API_URL=http://127.0.0.1:PORT`` only
has to replace the scheme+host ``https://sheets.googleapis.com`` and
``https://www.googleapis.com`` with that base: this fake serves ``/v4/...``,
``/drive/v3/...`` and ``/token`` on one port.

Every Sheets request is first checked against Google's discovery document
(``google_discovery/sheets.v4.json``) and refused the way Google refuses it (400 INVALID_ARGUMENT
with field violations); refusals are recorded in ``contract_violations`` and fail a test that used
the ``sheets_api`` fixture unless it expected them (``expect_contract_violations()``).

Cell values are stored as Python objects: str, int, float, bool, None/"" (empty),
datetime.date / datetime.datetime / datetime.time (rendered as serial numbers or
strings, like real date cells), :class:`Formula` and :class:`Formatted`.
"""

from __future__ import annotations

import base64
import contextlib
import copy
import dataclasses
import functools
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as dtime
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

from requests.adapters import HTTPAdapter

from ._server import LoopbackServer, Request, Response
from .google_discovery import error_body, sheets_contract

__all__ = [
    "FakeSheetsAPI",
    "Formula",
    "Formatted",
    "GoogleRewriteAdapter",
    "GOOGLE_API_HOSTS",
    "mount_google_rewrite",
    "fake_gspread_client",
    "fake_service_account_client",
    "make_service_account_info",
    "to_serial",
    "col_letters",
]

#: scheme+host prefixes that must be redirected to the fake (see module docstring)
GOOGLE_API_HOSTS = (
    "https://sheets.googleapis.com",
    "https://www.googleapis.com",
    "https://oauth2.googleapis.com",
)

_SERIAL_EPOCH_DT = datetime(1899, 12, 30)
_SERIAL_EPOCH_D = date(1899, 12, 30)
JWT_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"


# ----------------------------------------------------------------------------------
# cell value types
# ----------------------------------------------------------------------------------
@dataclass
class Formula:
    """A formula cell. ``value`` is what the API returns as the evaluated value
    (FORMATTED_VALUE / UNFORMATTED_VALUE); ``formula`` comes back with FORMULA."""

    formula: str
    value: Any = "#FORMULA"


@dataclass
class Formatted:
    """A number (or date) with a display format: ``Formatted(12345.6, "¥12,345.60")``.
    FORMATTED_VALUE returns ``text``; UNFORMATTED_VALUE returns ``value``."""

    value: Any
    text: str


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v == "")


def to_serial(v: date | datetime | dtime) -> int | float:
    """Sheets serial number: days since 1899-12-30, fraction for the time of day."""
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)  # Sheets has no time zones in cells: wall time
        d = v - _SERIAL_EPOCH_DT
        s = d.days + (d.seconds + d.microseconds / 1e6) / 86400
    elif isinstance(v, date):
        s = (v - _SERIAL_EPOCH_D).days
    elif isinstance(v, dtime):
        s = (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    else:  # pragma: no cover
        raise TypeError(v)
    return int(s) if float(s).is_integer() else s


def _num(v: int | float | Decimal) -> int | float:
    if isinstance(v, Decimal):
        v = float(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _fmt_number(v: int | float | Decimal) -> str:
    v = _num(v)
    if isinstance(v, int):
        return str(v)
    return f"{v:.15g}"


def col_letters(n: int) -> str:
    """1 -> A, 26 -> Z, 27 -> AA."""
    s = ""
    while n > 0:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _col_index(letters: str) -> int:
    """A -> 0."""
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+|)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUM_RE = re.compile(_NUM)
_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_number(t: str) -> int | float | None:
    if not _NUM_RE.fullmatch(t) or not any(c.isdigit() for c in t):
        return None
    t = t.replace(",", "")
    if "." in t or "e" in t or "E" in t:
        return _num(float(t))
    return int(t)


def parse_user_entered(s: str) -> Any:
    """What the Sheets UI makes of a typed string (valueInputOption=USER_ENTERED).
    A subset: formulas, numbers (with thousands commas), percentages, $ amounts,
    TRUE/FALSE, ISO-ish dates and date-times, a leading apostrophe forces text."""
    if s.startswith("'"):
        return s[1:]
    if s.startswith("="):
        return Formula(s)
    t = s.strip()
    if t == "":
        return s
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE"
    n = _parse_number(t)
    if n is not None:
        return n
    if t.endswith("%"):
        n = _parse_number(t[:-1].strip())
        if n is not None:
            return Formatted(_num(n / 100), t)
    if t.startswith("$") or t.startswith("-$"):
        n = _parse_number(t.replace("$", "", 1))
        if n is not None:
            return Formatted(n, t)
    m = _DATE_RE.fullmatch(t)
    if m:
        y, mo, d, hh, mi, ss = m.groups()
        try:
            if hh is None:
                return date(int(y), int(mo), int(d))
            return datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
        except ValueError:
            return s
    return s


# ----------------------------------------------------------------------------------
# in-memory model
# ----------------------------------------------------------------------------------
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


def _quote_title(title: str) -> str:
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", title) and not re.fullmatch(r"[A-Za-z]{1,3}\d+", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class _Range:
    tab: _Tab
    r0: int
    c0: int
    r1: int | None  # exclusive; None = to the end of the grid
    c1: int | None
    single: bool  # a single cell such as A1: for writes it is only the anchor
    text: str  # as requested (decoded)

    @property
    def er1(self) -> int:
        return self.tab.row_count if self.r1 is None else self.r1

    @property
    def ec1(self) -> int:
        return self.tab.col_count if self.c1 is None else self.c1


def a1(tab: _Tab, r0: int, c0: int, r1: int, c1: int) -> str:
    """'title'!A1:C3 for 0-based [r0, r1) x [c0, c1)."""
    start = f"{col_letters(c0 + 1)}{r0 + 1}"
    end = f"{col_letters(max(c1, c0 + 1))}{max(r1, r0 + 1)}"
    cells = start if start == end else f"{start}:{end}"
    return f"{_quote_title(tab.title)}!{cells}"


_PART = r"([A-Za-z]{1,4})?([1-9]\d*)?"
_CELLS_RE = re.compile(rf"{_PART}(?::{_PART})?")


def _split_sheet(text: str) -> tuple[str | None, str | None]:
    """"'My ''tab'''!A1" -> ("My 'tab'", "A1"); "'tab'" -> ("tab", None); "A1" -> (None, "A1")."""
    if text.startswith("'"):
        name: list[str] = []
        i = 1
        while i < len(text):
            ch = text[i]
            if ch == "'":
                if text[i + 1 : i + 2] == "'":
                    name.append("'")
                    i += 2
                    continue
                rest = text[i + 1 :]
                if rest == "":
                    return "".join(name), None
                if rest.startswith("!") and len(rest) > 1:
                    return "".join(name), rest[1:]
                raise ApiError(400, f"Unable to parse range: {text}")
            name.append(ch)
            i += 1
        raise ApiError(400, f"Unable to parse range: {text}")
    if "!" in text:
        name_s, cells = text.split("!", 1)
        if not name_s or not cells:
            raise ApiError(400, f"Unable to parse range: {text}")
        return name_s, cells
    return None, text


def _parse_cells(cells: str) -> tuple[int, int, int | None, int | None, bool] | None:
    m = _CELLS_RE.fullmatch(cells)
    if not m or not cells:
        return None
    ca, ra, cb, rb = m.groups()
    if ":" not in cells:
        if not (ca and ra):
            return None
        r0, c0 = int(ra) - 1, _col_index(ca)
        return r0, c0, r0 + 1, c0 + 1, True
    if not (ca or ra) or not (cb or rb):
        return None
    c0 = _col_index(ca) if ca else 0
    r0 = int(ra) - 1 if ra else 0
    c1 = _col_index(cb) + 1 if cb else None
    r1 = int(rb) if rb else None
    if c1 is not None and c1 <= c0:
        c0, c1 = c1 - 1, c0 + 1
    if r1 is not None and r1 <= r0:
        r0, r1 = r1 - 1, r0 + 1
    return r0, c0, r1, c1, False


def parse_range(book: _Book, text: str) -> _Range:
    name, cells = _split_sheet(text)
    if name is None:
        assert cells is not None
        tab = book.tab_by_title(cells)
        if tab is not None:  # a bare tab name: the whole tab
            return _Range(tab, 0, 0, None, None, False, text)
        parsed = _parse_cells(cells)
        if parsed is None:
            raise ApiError(400, f"Unable to parse range: {text}")
        return _Range(book.first_grid(), *parsed, text)
    tab = book.tab_by_title(name)
    if tab is None:
        raise ApiError(400, f"Unable to parse range: {text}")
    if cells is None:
        return _Range(tab, 0, 0, None, None, False, text)
    parsed = _parse_cells(cells)
    if parsed is None:
        raise ApiError(400, f"Unable to parse range: {text}")
    return _Range(tab, *parsed, text)


def _check_grid(rng: _Range, r1: int, c1: int) -> None:
    tab = rng.tab
    if rng.r0 >= tab.row_count or rng.c0 >= tab.col_count or r1 > tab.row_count or c1 > tab.col_count:
        raise ApiError(
            400,
            f"Range ({rng.text}) exceeds grid limits. Max rows: {tab.row_count}, "
            f"max columns: {tab.col_count}",
        )


_VRO = ("FORMATTED_VALUE", "UNFORMATTED_VALUE", "FORMULA")
_DTRO = ("SERIAL_NUMBER", "FORMATTED_STRING")
_DIM = ("ROWS", "COLUMNS", "DIMENSION_UNSPECIFIED")
_VIO = ("RAW", "USER_ENTERED")


def _enum(value: Any, allowed: tuple[str, ...], name: str, default: str | None) -> str:
    if value is None or value == "":
        if default is None:
            raise ApiError(400, f"'{name}' is required but not specified")
        return default
    if value not in allowed:
        raise ApiError(400, f"Invalid value at '{name}' ({value})")
    return value


def _render(book: _Book, v: Any, vro: str, dtro: str) -> Any:
    if _is_empty(v):
        return ""
    if isinstance(v, Formula):
        if vro == "FORMULA":
            return v.formula
        return _render(book, v.value, vro, dtro)
    if isinstance(v, Formatted):
        if vro == "FORMATTED_VALUE":
            return v.text
        return _render(book, v.value, vro, dtro)
    is_dt = isinstance(v, (date, dtime))
    if vro == "FORMATTED_VALUE" or (is_dt and dtro == "FORMATTED_STRING"):
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, (int, float, Decimal)):
            return _fmt_number(v)
        if isinstance(v, datetime):
            return v.strftime(book.datetime_format)
        if isinstance(v, date):
            return v.strftime(book.date_format)
        if isinstance(v, dtime):
            return v.strftime(book.time_format)
        return str(v)
    # UNFORMATTED_VALUE, or FORMULA for a non-formula cell
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Decimal)):
        return _num(v)
    if is_dt:
        return to_serial(v)
    return str(v)


def _renderer(book: _Book, vro: str, dtro: str):
    """``_render`` for one read, with the common cell types dispatched on their exact type first
    (same results; a read of millions of cells spends its time here)."""
    formatted = vro == "FORMATTED_VALUE"
    serial = not formatted and dtro == "SERIAL_NUMBER"
    epoch = _SERIAL_EPOCH_DT

    def render(v: Any) -> Any:
        t = type(v)
        if t is str:
            return v
        if v is None:
            return ""
        if t is float:
            return _fmt_number(v) if formatted else _num(v)
        if t is int:
            return str(v) if formatted else v
        if t is datetime and serial and v.tzinfo is None:
            d = v - epoch
            s = d.days + (d.seconds + d.microseconds / 1e6) / 86400
            return int(s) if s.is_integer() else s
        return _render(book, v, vro, dtro)

    return render


def _trim(rows: list[list[Any]], copy: bool = True) -> list[list[Any]]:
    """Trailing empty cells and rows dropped. ``copy=False``: ``rows`` are fresh lists, trimmed in place."""
    out = []
    for row in rows:
        if copy:
            row = list(row)
        while row and row[-1] == "" and row[-1] is not False:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _transpose(rows: list[list[Any]], fill: Any) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[r[j] if j < len(r) else fill for r in rows] for j in range(width)]


def _now_rfc3339() -> str:
    now = datetime.now(UTC)
    return now.strftime("%Y-%m-%dT%H:%M:%S.") + f"{now.microsecond // 1000:03d}Z"


def _b64url_decode(s: str) -> bytes:
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


# ----------------------------------------------------------------------------------
# spreadsheets.batchUpdate request kinds
# ----------------------------------------------------------------------------------
# Request kinds the fake does not model (repeatCell, sortRange, findReplace, ...) are accepted as no-ops
# replying {} when Google's discovery document knows them; sortRange, copyPaste, ... do NOT change values.
_REQUEST_KINDS = frozenset(sheets_contract().schemas["Request"]["properties"])

# the discovery method behind each kind of call the fake serves (drive.*, token: no discovery document here)
_DISCOVERY_METHODS = {
    "spreadsheets.get": "sheets.spreadsheets.get",
    "spreadsheets.create": "sheets.spreadsheets.create",
    "spreadsheets.batchUpdate": "sheets.spreadsheets.batchUpdate",
    "values.get": "sheets.spreadsheets.values.get",
    "values.batchGet": "sheets.spreadsheets.values.batchGet",
    "values.update": "sheets.spreadsheets.values.update",
    "values.append": "sheets.spreadsheets.values.append",
    "values.clear": "sheets.spreadsheets.values.clear",
    "values.batchUpdate": "sheets.spreadsheets.values.batchUpdate",
    "values.batchClear": "sheets.spreadsheets.values.batchClear",
}


def _apply_fields(target: dict, source: dict, fields: str | None) -> None:
    if not fields:
        raise ApiError(400, "'fields' is required")
    if fields.strip() == "*":
        for k, v in source.items():
            target[k] = copy.deepcopy(v)
        return
    for path in fields.split(","):
        parts = re.split(r"[./]", path.strip())  # field masks use "." (gspread sends "/" too)
        src: Any = source
        dst = target
        for p in parts[:-1]:
            src = src.get(p, {}) if isinstance(src, dict) else {}
            dst = dst.setdefault(p, {})
        last = parts[-1]
        if isinstance(src, dict) and last in src:
            dst[last] = copy.deepcopy(src[last])
        else:
            dst.pop(last, None)


# ----------------------------------------------------------------------------------
# the fake server
# ----------------------------------------------------------------------------------
class FakeSheetsAPI(LoopbackServer):
    """Fake Sheets v4 + Drive v3 (files) + OAuth2 token endpoint on 127.0.0.1.

    :param require_auth: reject API calls without ``Authorization: Bearer ...`` (401).
    :param strict_tokens: only accept tokens this fake issued at ``/token`` plus
        ``accepted_tokens`` (default ``{"fake"}``); other tokens get 401.
    :param check_contract: refuse, like Google (400 INVALID_ARGUMENT), any Sheets request that
        does not fit Google's discovery document (``google_discovery/sheets.v4.json``), and record
        it in :attr:`contract_violations` (the ``sheets_api`` fixture then fails the test).
    """

    def __init__(
        self,
        *,
        require_auth: bool = True,
        strict_tokens: bool = False,
        accepted_tokens: tuple[str, ...] = ("fake",),
        check_contract: bool = True,
    ) -> None:
        super().__init__()
        self.require_auth = require_auth
        self.strict_tokens = strict_tokens
        self.check_contract = check_contract
        self._contract = sheets_contract()
        #: requests refused against the discovery document, oldest first: kind, method, path, params,
        #: messages (Google's texts), expected (inside expect_contract_violations / allowed)
        self.contract_violations: list[dict] = []
        self._expecting = 0
        self._allow_violations = False
        self._lock = threading.RLock()
        self._books: dict[str, _Book] = {}
        self._calls: list[dict] = []
        self._fail_rules: list[dict] = []
        self._delay_rules: list[dict] = []
        self._token_counter = itertools.count(1)
        self._issued: set[str] = set()
        self._revoked: set[str] = set()
        self._accepted = set(accepted_tokens)
        self._public_keys: dict[str, Any] = {}
        self._key_counter = itertools.count(1)

    # ------------------------------------------------------------------ test API: data
    def add_spreadsheet(
        self,
        key: str,
        title: str = "Fake spreadsheet",
        tabs: dict[str, list[list[Any]]] | None = None,
        *,
        rows: int = 1000,
        cols: int = 26,
        locale: str = "zh_CN",
        time_zone: str = "Asia/Shanghai",
        date_format: str = "%Y-%m-%d",
        datetime_format: str = "%Y-%m-%d %H:%M:%S",
    ) -> str:
        """Create (or replace) a spreadsheet. ``tabs`` maps tab title -> rows (list of
        lists of Python values; "=..." strings are stored as plain text, use
        :class:`Formula` for formulas). Each tab's grid is at least ``rows`` x ``cols``
        (grown to fit the data). With no tabs, one empty "Sheet1" is created."""
        now = _now_rfc3339()
        book = _Book(
            key=key,
            props={
                "title": title,
                "locale": locale,
                "autoRecalc": "ON_CHANGE",
                "timeZone": time_zone,
            },
            tabs=[],
            date_format=date_format,
            datetime_format=datetime_format,
            created=now,
            modified=now,
        )
        for title_, data in (tabs or {"Sheet1": []}).items():
            self._new_tab(book, title_, data, rows, cols, sheet_id=0 if not book.tabs else None)
        with self._lock:
            self._books[key] = book
        return key

    def add_tab(self, key: str, title: str, rows_data: list[list[Any]] | None = None, *,
                rows: int = 1000, cols: int = 26) -> int:
        """Add a tab behind the API's back; returns its sheetId."""
        with self._lock:
            tab = self._new_tab(self._book(key), title, rows_data or [], rows, cols)
            return tab.sheet_id

    def set_values(self, key: str, tab: str, rows_data: list[list[Any]]) -> None:
        """Replace a tab's content (as if people typed it; stored as given)."""
        with self._lock:
            t = self._tab(key, tab)
            t.rows = [list(r) for r in rows_data]
            gp = t.props["gridProperties"]
            gp["rowCount"] = max(gp["rowCount"], len(t.rows))
            gp["columnCount"] = max(gp["columnCount"], max((len(r) for r in t.rows), default=0))

    def remove_spreadsheet(self, key: str) -> None:
        with self._lock:
            self._books.pop(key, None)

    def spreadsheet_keys(self) -> list[str]:
        with self._lock:
            return list(self._books)

    def tab_titles(self, key: str) -> list[str]:
        with self._lock:
            return [t.title for t in self._book(key).tabs]

    def grid(self, key: str, tab: str) -> list[list[Any]]:
        """Stored cell values of a tab, trailing empty cells/rows trimmed, empty = "".
        Formula cells come back as :class:`Formula`, dates as date/datetime objects."""
        with self._lock:
            t = self._tab(key, tab)
            rows = [["" if _is_empty(v) else copy.deepcopy(v) for v in r] for r in t.rows]
        return _trim(rows)

    def values(
        self,
        key: str,
        tab: str,
        value_render: str = "FORMATTED_VALUE",
        date_time_render: str = "SERIAL_NUMBER",
    ) -> list[list[Any]]:
        """A tab's values rendered exactly as the API would return them."""
        with self._lock:
            book = self._book(key)
            t = self._tab(key, tab)
            rows = [[_render(book, v, value_render, date_time_render) for v in r] for r in t.rows]
        return _trim(rows)

    def sheet_properties(self, key: str, tab: str) -> dict:
        with self._lock:
            return copy.deepcopy(self._tab(key, tab).props)

    def charts(self, key: str, tab: str | None = None) -> list[dict]:
        """Charts stored by addChart (all tabs, or one tab)."""
        with self._lock:
            book = self._book(key)
            return [copy.deepcopy(c) for t in book.tabs if tab is None or t.title == tab for c in t.charts]

    def spreadsheet_title(self, key: str) -> str:
        with self._lock:
            return self._book(key).props["title"]

    # ------------------------------------------------------------------ test API: auth
    def service_account_info(self, client_email: str = "roi-bot@fake-project.iam.gserviceaccount.com") -> dict:
        """A service-account JSON (dict) whose token_uri is this fake's /token; the
        fake then verifies the JWT signature of assertions made with it."""
        info = make_service_account_info(self.url + "/token", client_email=client_email,
                                         private_key_id=f"fake-key-{next(self._key_counter)}")
        from cryptography.hazmat.primitives import serialization

        pub = serialization.load_pem_private_key(info["private_key"].encode(), password=None).public_key()
        with self._lock:
            self._public_keys[info["private_key_id"]] = pub
        return info

    def revoke_tokens(self) -> None:
        """Every token issued so far (and the accepted static ones) now gets 401;
        google-auth's AuthorizedSession then refreshes via /token and retries."""
        with self._lock:
            self._revoked |= self._issued | self._accepted

    def issued_tokens(self) -> list[str]:
        with self._lock:
            return sorted(self._issued)

    # ------------------------------------------------------------------ test API: recording/faults
    def calls(self, kind: str | None = None) -> list[dict]:
        """Recorded requests, oldest first. ``kind`` filters: spreadsheets.get,
        spreadsheets.create, spreadsheets.batchUpdate, values.get, values.update,
        values.append, values.clear, values.batchGet, values.batchUpdate,
        values.batchClear, drive.files.list, drive.files.get, drive.files.create,
        drive.files.delete, token, unknown. A kind ending in "." is a prefix
        ("values." = every values call).
        Each call: kind, method, path (decoded), spreadsheet_id, range, ranges,
        params (query; repeated keys as lists), body (parsed JSON / form dict),
        authorized (bool), status, time (epoch seconds), and for token: claims."""
        with self._lock:
            out = list(self._calls)
        if kind is None:
            return out
        if kind.endswith("."):
            return [c for c in out if c["kind"].startswith(kind)]
        return [c for c in out if c["kind"] == kind]

    def reset_calls(self) -> None:
        with self._lock:
            self._calls.clear()

    def fail_next(self, n: int = 1, status: int = 429, retry_after: float | None = None, *,
                  kind: str | None = None, message: str | None = None) -> None:
        """The next ``n`` API requests (of ``kind`` if given; /token only when
        kind="token") get an error ``status`` with the real error body shape, and a
        ``Retry-After`` header if ``retry_after`` is given. The request is NOT applied."""
        with self._lock:
            self._fail_rules.append({"n": n, "status": status, "retry_after": retry_after,
                                     "kind": kind, "message": message})

    def delay_next(self, n: int = 1, seconds: float = 1.0, *, kind: str | None = None) -> None:
        """The next ``n`` API requests (of ``kind`` if given) are answered after
        ``seconds``. The request IS applied after the delay (like a slow server:
        a client that timed out and retries may write twice)."""
        with self._lock:
            self._delay_rules.append({"n": n, "seconds": seconds, "kind": kind})

    def clear_faults(self) -> None:
        with self._lock:
            self._fail_rules.clear()
            self._delay_rules.clear()

    # ------------------------------------------------------------------ test API: the contract
    @contextlib.contextmanager
    def expect_contract_violations(self) -> Iterator[list[dict]]:
        """For a test that sends bad requests on purpose: refusals against the discovery document
        made inside the block are expected (the fixture will not fail the test for them). The block
        must cause at least one; the list it yields fills with their records."""
        with self._lock:
            start = len(self.contract_violations)
            self._expecting += 1
        seen: list[dict] = []
        try:
            yield seen
        finally:
            with self._lock:
                self._expecting -= 1
                seen.extend(v for v in self.contract_violations[start:] if v["expected"])
        if not seen:
            raise AssertionError("expected the Sheets fake to refuse a request against Google's discovery "
                                 "document inside expect_contract_violations(), but it refused none")

    def allow_contract_violations(self, allow: bool = True) -> None:
        """Opt a whole test out: refusals against the discovery document still happen (HTTP 400, as
        Google would answer) but do not fail the test at teardown."""
        with self._lock:
            self._allow_violations = allow

    def unexpected_contract_violations(self) -> list[dict]:
        """Refusals not covered by :meth:`expect_contract_violations` / :meth:`allow_contract_violations`."""
        with self._lock:
            return [v for v in self.contract_violations if not v["expected"]]

    # ------------------------------------------------------------------ internals
    def _book(self, key: str) -> _Book:
        try:
            return self._books[key]
        except KeyError:
            raise KeyError(f"no spreadsheet {key!r} in the fake") from None

    def _tab(self, key: str, title: str) -> _Tab:
        t = self._book(key).tab_by_title(title)
        if t is None:
            raise KeyError(f"no tab {title!r} in spreadsheet {key!r}")
        return t

    def _new_tab(self, book: _Book, title: str, data: list[list[Any]], rows: int, cols: int,
                 sheet_id: int | None = None, index: int | None = None) -> _Tab:
        if any(t.title.casefold() == title.casefold() for t in book.tabs):
            raise ApiError(400, f'A sheet with the name "{title}" already exists. Please enter another name.')
        if sheet_id is None:
            sheet_id = book.next_sheet_id
            book.next_sheet_id += 1
        elif book.tab_by_id(sheet_id) is not None:
            raise ApiError(400, f"Invalid sheetId: sheet with id {sheet_id} already exists")
        data = [list(r) for r in data]
        width = max((len(r) for r in data), default=0)
        tab = _Tab(
            props={
                "sheetId": sheet_id,
                "title": title,
                "index": len(book.tabs) if index is None else index - 0.5,
                "sheetType": "GRID",
                "gridProperties": {"rowCount": max(rows, len(data)), "columnCount": max(cols, width)},
            },
            rows=data,
        )
        book.tabs.append(tab)
        book.reindex()
        return tab

    def _take_rule(self, rules: list[dict], kind: str) -> dict | None:
        for rule in rules:
            rk = rule["kind"]
            if rk is None and kind == "token":
                continue
            if rk is not None and rk != kind and not (rk.endswith(".") and kind.startswith(rk)):
                continue
            if rule["n"] > 0:
                rule["n"] -= 1
                if rule["n"] == 0:
                    rules.remove(rule)
                return rule
        return None

    # ------------------------------------------------------------------ HTTP entry point
    def handle(self, request: Request) -> Response:
        path = request.raw_path
        kind, route = self._route(request.method, path)
        params: dict[str, Any] = {k: (v[0] if len(v) == 1 else v) for k, v in request.query.items()}
        call: dict[str, Any] = {
            "kind": kind,
            "method": request.method,
            "path": unquote(path),
            "spreadsheet_id": None,
            "range": None,
            "ranges": None,
            "params": params,
            "body": None,
            "authorized": False,
            "status": None,
            "time": time.time(),
        }
        ctype = request.headers.get("content-type", "")
        try:
            if "application/x-www-form-urlencoded" in ctype:
                call["body"] = {k: (v[0] if len(v) == 1 else v) for k, v in request.form().items()}
            elif request.body:
                call["body"] = request.json()
        except (ValueError, UnicodeDecodeError):
            call["body"] = request.body
        auth = request.headers.get("authorization", "")
        token = auth[7:].strip() if auth.lower().startswith("bearer ") else ""
        call["authorized"] = bool(token)
        with self._lock:
            self._calls.append(call)
            delay = self._take_rule(self._delay_rules, kind)
            fail = self._take_rule(self._fail_rules, kind)
        if delay:
            self._sleep(delay["seconds"])
        try:
            if fail:
                raise ApiError(fail["status"], fail["message"])
            if kind == "token":
                resp = self._token(request, call)
            else:
                if self.require_auth and kind != "unknown":
                    self._check_token(token)
                if self.check_contract and kind in _DISCOVERY_METHODS:
                    params = self._enforce_contract(kind, request, call, params)
                with self._lock:
                    result = route(request, params, call)
                resp = Response.json(result)
        except ApiError as e:
            headers = {}
            if fail and fail["retry_after"] is not None:
                headers["Retry-After"] = str(fail["retry_after"])
            resp = Response.json(e.body(), e.code, headers)
        call["status"] = resp.status
        return resp

    def _enforce_contract(self, kind: str, request: Request, call: dict, params: dict) -> dict:
        """Raise the 400 Google would send if the request does not fit the discovery document;
        otherwise keep its canonical body in ``call`` and return the query by canonical names
        (``value_input_option`` -> ``valueInputOption``) for the handlers."""
        method = _DISCOVERY_METHODS[kind]
        body_is_json = not isinstance(call["body"], bytes)
        violations = self._contract.check(method, request.query, call["body"], body_is_json=body_is_json)
        if not violations:
            call["canonical"] = self._contract.canonical(method, call["body"])
            return self._contract.canonical_query(method, params)
        error = error_body(violations)["error"]
        with self._lock:
            expected = self._expecting > 0 or self._allow_violations
            self.contract_violations.append({
                "kind": kind, "method": request.method, "path": call["path"], "params": call["params"],
                "messages": [v.description for v in violations], "expected": expected})
        call["contract_violations"] = [v.description for v in violations]
        raise ApiError(400, error["message"], details=error["details"])

    @staticmethod
    def _body(call: dict) -> Any:
        """The request body the handlers work on: the canonical form when the contract checked it."""
        return call.get("canonical", call["body"]) or {}

    def _check_token(self, token: str) -> None:
        if not token:
            raise ApiError(401)
        with self._lock:
            if token in self._revoked:
                raise ApiError(401, "Request had invalid authentication credentials. Expected OAuth 2 access "
                                    "token, login cookie or other valid authentication credential.")
            if self.strict_tokens and token not in self._issued and token not in self._accepted:
                raise ApiError(401, "Request had invalid authentication credentials.")

    def _route(self, method: str, path: str):  # -> (kind, callable)
        if path == "/token":
            return ("token", None) if method == "POST" else ("unknown", self._unknown)
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values/(.+?)(?::(append|clear))?", path)
        if m:
            sid, rng, op = unquote(m.group(1)), unquote(m.group(2)), m.group(3)
            if op == "append" and method == "POST":
                return "values.append", functools.partial(self._values_append, sid, rng)
            if op == "clear" and method == "POST":
                return "values.clear", functools.partial(self._values_clear, sid, rng)
            if op is None and method == "GET":
                return "values.get", functools.partial(self._values_get, sid, rng)
            if op is None and method == "PUT":
                return "values.update", functools.partial(self._values_update, sid, rng)
            return "unknown", self._unknown
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)/values:(batchGet|batchUpdate|batchClear)", path)
        if m:
            sid, op = unquote(m.group(1)), m.group(2)
            if op == "batchGet" and method == "GET":
                return "values.batchGet", functools.partial(self._values_batch_get, sid)
            if op == "batchUpdate" and method == "POST":
                return "values.batchUpdate", functools.partial(self._values_batch_update, sid)
            if op == "batchClear" and method == "POST":
                return "values.batchClear", functools.partial(self._values_batch_clear, sid)
            return "unknown", self._unknown
        m = re.fullmatch(r"/v4/spreadsheets/([^/:]+)(:batchUpdate)?", path)
        if m:
            sid = unquote(m.group(1))
            if m.group(2) and method == "POST":
                return "spreadsheets.batchUpdate", functools.partial(self._batch_update, sid)
            if not m.group(2) and method == "GET":
                return "spreadsheets.get", functools.partial(self._get_spreadsheet, sid)
            return "unknown", self._unknown
        if path == "/v4/spreadsheets" and method == "POST":
            return "spreadsheets.create", self._create_spreadsheet
        if path == "/drive/v3/files":
            if method == "GET":
                return "drive.files.list", self._drive_list
            if method == "POST":
                return "drive.files.create", self._drive_create
        m = re.fullmatch(r"/drive/v3/files/([^/]+)", path)
        if m:
            fid = unquote(m.group(1))
            if method == "GET":
                return "drive.files.get", functools.partial(self._drive_get, fid)
            if method == "DELETE":
                return "drive.files.delete", functools.partial(self._drive_delete, fid)
        return "unknown", self._unknown

    def _unknown(self, request: Request, params: dict, call: dict) -> dict:
        raise ApiError(404, f"The fake has no handler for {request.method} {unquote(request.raw_path)}")

    def _get(self, sid: str, call: dict) -> _Book:
        call["spreadsheet_id"] = sid
        book = self._books.get(sid)
        if book is None:
            raise ApiError(404)
        return book

    def _mutate(self, sid: str, call: dict, fn) -> Any:
        """Run ``fn(book_copy)`` and commit only if it did not raise (requests are atomic)."""
        book = self._get(sid, call)
        work = _clone_book(book)
        result = fn(work)
        work.modified = _now_rfc3339()
        self._books[sid] = work
        return result

    # ---------------------------------------------------------------- spreadsheets
    def _metadata(self, book: _Book) -> dict:
        sheets = []
        for t in book.tabs:
            s: dict[str, Any] = {"properties": copy.deepcopy(t.props)}
            if t.charts:  # like the real API: the key is absent when a sheet has no charts
                s["charts"] = copy.deepcopy(t.charts)
            sheets.append(s)
        return {
            "spreadsheetId": book.key,
            "properties": copy.deepcopy(book.props),
            "sheets": sheets,
            "spreadsheetUrl": f"https://docs.google.com/spreadsheets/d/{book.key}/edit",
        }

    def _get_spreadsheet(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        return self._metadata(self._get(sid, call))

    def _create_spreadsheet(self, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        key = body.get("spreadsheetId") or f"fake-{len(self._books) + 1}-{int(time.time() * 1000)}"
        title = body.get("properties", {}).get("title", "Untitled spreadsheet")
        tabs = {s["properties"]["title"]: [] for s in body.get("sheets", []) if "properties" in s} or None
        self.add_spreadsheet(key, title, tabs)
        call["spreadsheet_id"] = key
        return self._metadata(self._books[key])

    def _batch_update(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        reqs = body.get("requests")
        if not isinstance(reqs, list) or not reqs:
            raise ApiError(400, "Must specify at least one request.")

        def apply(book: _Book) -> dict:
            replies = []
            for i, req in enumerate(reqs):
                if not isinstance(req, dict) or len(req) != 1:
                    raise ApiError(400, f"Invalid requests[{i}]: exactly one kind of request must be set")
                (name, arg), = req.items()
                try:
                    replies.append(self._one_request(book, name, arg or {}))
                except ApiError as e:
                    if e.message.startswith("Invalid JSON payload"):
                        raise ApiError(400, e.message.replace("{i}", str(i))) from None
                    raise ApiError(e.code, f"Invalid requests[{i}].{name}: {e.message}") from None
            return {"spreadsheetId": sid, "replies": replies}

        return self._mutate(sid, call, apply)

    def _one_request(self, book: _Book, name: str, arg: dict) -> dict:
        def tab_of(sheet_id: Any) -> _Tab:
            t = book.tab_by_id(sheet_id if sheet_id is not None else 0)
            if t is None:
                raise ApiError(400, f"No grid with id: {sheet_id}")
            return t

        if name == "addSheet":
            p = copy.deepcopy(arg.get("properties") or {})
            title = p.get("title") or f"Sheet{len(book.tabs) + 1}"
            gp = p.get("gridProperties") or {}
            tab = self._new_tab(book, title, [], gp.get("rowCount", 1000), gp.get("columnCount", 26),
                                sheet_id=p.get("sheetId"), index=p.get("index"))
            tab.props["gridProperties"] = {**gp, "rowCount": gp.get("rowCount", 1000),
                                           "columnCount": gp.get("columnCount", 26)}
            for k, v in p.items():
                if k not in ("title", "sheetId", "index", "gridProperties"):
                    tab.props[k] = v
            return {"addSheet": {"properties": copy.deepcopy(tab.props)}}
        if name == "deleteSheet":
            tab = tab_of(arg.get("sheetId"))
            if len(book.tabs) == 1:
                raise ApiError(400, "You can't remove all the sheets in a document.")
            book.tabs.remove(tab)
            book.reindex()
            return {}
        if name == "duplicateSheet":
            src = tab_of(arg.get("sourceSheetId"))
            title = arg.get("newSheetName") or f"Copy of {src.title}"
            tab = self._new_tab(book, title, copy.deepcopy(src.rows), src.row_count, src.col_count,
                                sheet_id=arg.get("newSheetId"), index=arg.get("insertSheetIndex"))
            return {"duplicateSheet": {"properties": copy.deepcopy(tab.props)}}
        if name == "updateSheetProperties":
            p = arg.get("properties") or {}
            tab = tab_of(p.get("sheetId"))
            new = copy.deepcopy(tab.props)
            _apply_fields(new, p, arg.get("fields"))
            new["sheetId"] = tab.sheet_id
            if new.get("title") != tab.title:
                t = new.get("title") or ""
                if not t or any(o is not tab and o.title.casefold() == t.casefold() for o in book.tabs):
                    raise ApiError(400, f'A sheet with the name "{t}" already exists. Please enter another name.')
            old_index = tab.props["index"]
            tab.props = new
            gp = new.setdefault("gridProperties", {})
            tab.row_count = gp.get("rowCount", 0)
            tab.col_count = gp.get("columnCount", 0)
            if new.get("index", old_index) != old_index:
                # like the API: the index counts positions BEFORE the move
                tab.props["index"] = new["index"] - 0.5
                book.reindex()
            return {}
        if name == "updateSpreadsheetProperties":
            _apply_fields(book.props, arg.get("properties") or {}, arg.get("fields"))
            return {}
        if name == "appendDimension":
            tab = tab_of(arg.get("sheetId"))
            n = int(arg.get("length", 0))
            if arg.get("dimension") == "COLUMNS":
                tab.col_count = tab.col_count + n
            else:
                tab.row_count = tab.row_count + n
            return {}
        if name in ("insertDimension", "deleteDimension"):
            r = arg.get("range") or {}
            tab = tab_of(r.get("sheetId"))
            start, end = int(r.get("startIndex", 0)), int(r.get("endIndex", 0))
            n = max(0, end - start)
            cols = r.get("dimension") == "COLUMNS"
            if name == "insertDimension":
                if cols:
                    for row in tab.rows:
                        if len(row) > start:
                            row[start:start] = [None] * n
                    tab.col_count = tab.col_count + n
                else:
                    if len(tab.rows) > start:
                        tab.rows[start:start] = [[] for _ in range(n)]
                    tab.row_count = tab.row_count + n
            else:
                if cols:
                    for row in tab.rows:
                        del row[start:end]
                    tab.col_count = max(0, tab.col_count - n)
                else:
                    del tab.rows[start:end]
                    tab.row_count = max(0, tab.row_count - n)
            return {}
        if name == "addChart":
            chart = copy.deepcopy(arg.get("chart") or {})
            if not chart.get("spec"):
                raise ApiError(400, "The chart must have a spec.")
            chart_id = chart.get("chartId")
            if chart_id is None:
                chart_id = book.next_chart_id
                book.next_chart_id += 1
            chart["chartId"] = chart_id
            pos = chart.setdefault("position", {"newSheet": True})
            if "overlayPosition" in pos:
                tab = tab_of(pos["overlayPosition"].get("anchorCell", {}).get("sheetId"))
            elif "sheetId" in pos:
                tab = tab_of(pos["sheetId"])
            else:  # newSheet: a chart sheet (no grid)
                tab = self._new_tab(book, f"Chart{chart_id}", [], 0, 0)
                tab.props["sheetType"] = "OBJECT"
                tab.props.pop("gridProperties", None)
                pos.clear()
                pos["sheetId"] = tab.sheet_id
            tab.charts.append(chart)
            return {"addChart": {"chart": copy.deepcopy(chart)}}
        if name == "updateChartSpec":
            for t in book.tabs:
                for c in t.charts:
                    if c["chartId"] == arg.get("chartId"):
                        c["spec"] = copy.deepcopy(arg.get("spec") or {})
                        return {}
            raise ApiError(400, f"No chart with id: {arg.get('chartId')}")
        if name == "deleteEmbeddedObject":
            for t in book.tabs:
                for c in t.charts:
                    if c["chartId"] == arg.get("objectId"):
                        t.charts.remove(c)
                        return {}
            raise ApiError(400, f"No embedded object with id: {arg.get('objectId')}")
        if name in _REQUEST_KINDS:
            return {}
        raise ApiError(400, f"Invalid JSON payload received. Unknown name \"{name}\" at 'requests[{{i}}]': "
                            "Cannot find field.")

    # ---------------------------------------------------------------- values
    def _read_range(self, book: _Book, text: str, params: dict) -> dict:
        vro = _enum(params.get("valueRenderOption"), _VRO, "value_render_option", "FORMATTED_VALUE")
        dtro = _enum(params.get("dateTimeRenderOption"), _DTRO, "date_time_render_option", "SERIAL_NUMBER")
        major = _enum(params.get("majorDimension"), _DIM, "major_dimension", "ROWS")
        rng = parse_range(book, text)
        tab = rng.tab
        if tab.props.get("sheetType", "GRID") != "GRID":
            raise ApiError(400, f"Unable to parse range: {text}")
        r1, c1 = rng.er1, rng.ec1
        _check_grid(rng, r1, c1)
        render = _renderer(book, vro, dtro)
        c0 = rng.c0
        rows = [list(map(render, row[c0:c1])) for row in tab.rows[rng.r0:min(r1, len(tab.rows))]]
        if major == "COLUMNS":
            rows = _transpose(rows, "")
        out: dict[str, Any] = {"range": a1(tab, rng.r0, rng.c0, r1, c1), "majorDimension":
                               "COLUMNS" if major == "COLUMNS" else "ROWS"}
        values = _trim(rows, copy=False)
        if values:
            out["values"] = values
        return out

    def _values_get(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        return self._read_range(self._get(sid, call), text, params)

    def _values_batch_get(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        ranges = request.query.get("ranges", [])
        call["ranges"] = ranges
        book = self._get(sid, call)
        return {"spreadsheetId": sid, "valueRanges": [self._read_range(book, r, params) for r in ranges]}

    def _write(self, book: _Book, rng: _Range, values: Any, major: str | None, vio: str,
               append: bool = False) -> dict:
        if values is None:
            values = []
        if not isinstance(values, list) or any(not isinstance(r, list) for r in values):
            raise ApiError(400, "Invalid values: 'values' must be a list of lists")
        major = _enum(major, _DIM, "major_dimension", "ROWS")
        if major == "COLUMNS":
            values = _transpose(values, None)
        nrows = len(values)
        ncols = max((len(r) for r in values), default=0)
        tab = rng.tab
        if append:
            last = tab.last_data_row(rng.c0, rng.c1)
            r0 = max(last + 1, rng.r0)
            need_rows = r0 + nrows
            if need_rows > tab.row_count:
                tab.row_count = need_rows
            if rng.c0 + ncols > tab.col_count:
                tab.col_count = rng.c0 + ncols
        else:
            r0 = rng.r0
            if rng.single:
                _check_grid(rng, r0 + max(nrows, 1), rng.c0 + max(ncols, 1))
            else:
                _check_grid(rng, rng.er1, rng.ec1)
                if nrows > rng.er1 - r0:
                    raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                        f"to row [{r0 + nrows}]")
                if ncols > rng.ec1 - rng.c0:
                    raise ApiError(400, f"Requested writing within range [{rng.text}], but tried writing "
                                        f"to column [{col_letters(rng.c0 + ncols)}]")
        for i, row in enumerate(values):
            for j, v in enumerate(row):
                if v is None:  # null = leave the cell unchanged (like the real API)
                    continue
                if isinstance(v, (dict, list)):
                    raise ApiError(400, f"Invalid values[{i}][{j}]: list_value / struct_value")
                if vio == "USER_ENTERED" and isinstance(v, str):
                    v = parse_user_entered(v)
                tab.set(r0 + i, rng.c0 + j, v)
        return {
            "spreadsheetId": book.key,
            "updatedRange": a1(tab, r0, rng.c0, r0 + max(nrows, 1), rng.c0 + max(ncols, 1)),
            "updatedRows": nrows,
            "updatedColumns": ncols,
            "updatedCells": sum(len(r) for r in values),
        }

    def _with_values(self, book: _Book, res: dict, include: Any, vro: Any, dtro: Any) -> dict:
        if str(include).lower() == "true":
            res["updatedData"] = self._read_range(
                book, res["updatedRange"], {"valueRenderOption": vro, "dateTimeRenderOption": dtro}
            )
        return res

    def _values_update(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        vio = _enum(params.get("valueInputOption"), _VIO, "valueInputOption", None)
        body = self._body(call)

        def apply(book: _Book) -> dict:
            res = self._write(book, parse_range(book, text), body.get("values"), body.get("majorDimension"), vio)
            return self._with_values(book, res, params.get("includeValuesInResponse"),
                                     params.get("responseValueRenderOption"),
                                     params.get("responseDateTimeRenderOption"))

        return self._mutate(sid, call, apply)

    def _values_append(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        vio = _enum(params.get("valueInputOption"), _VIO, "valueInputOption", None)
        ido = params.get("insertDataOption") or "OVERWRITE"
        if ido not in ("OVERWRITE", "INSERT_ROWS"):
            raise ApiError(400, f"Invalid value at 'insert_data_option' ({ido})")
        body = self._body(call)

        def apply(book: _Book) -> dict:
            rng = parse_range(book, text)
            tab = rng.tab
            last = tab.last_data_row(rng.c0, rng.c1)
            table = a1(tab, rng.r0, rng.c0, last + 1, rng.ec1) if last >= rng.r0 else None
            if ido == "INSERT_ROWS":
                values = body.get("values") or []
                n = len(values) if (body.get("majorDimension") or "ROWS") != "COLUMNS" else \
                    max((len(r) for r in values), default=0)
                start = last + 1
                if start < len(tab.rows):
                    tab.rows[start:start] = [[] for _ in range(n)]
                tab.row_count = tab.row_count + n
            res = self._write(book, rng, body.get("values"), body.get("majorDimension"), vio, append=True)
            res = self._with_values(book, res, params.get("includeValuesInResponse"),
                                    params.get("responseValueRenderOption"),
                                    params.get("responseDateTimeRenderOption"))
            out = {"spreadsheetId": sid, "updates": res}
            if table:
                out["tableRange"] = table
            return out

        return self._mutate(sid, call, apply)

    def _clear(self, book: _Book, text: str) -> str:
        rng = parse_range(book, text)
        tab = rng.tab
        r1, c1 = rng.er1, rng.ec1
        _check_grid(rng, r1, c1)
        for r in range(rng.r0, min(r1, len(tab.rows))):
            row = tab.rows[r]
            for c in range(rng.c0, min(c1, len(row))):
                row[c] = None
        return a1(tab, rng.r0, rng.c0, r1, c1)

    def _values_clear(self, sid: str, text: str, request: Request, params: dict, call: dict) -> dict:
        call["range"] = text
        return self._mutate(sid, call, lambda book: {"spreadsheetId": sid, "clearedRange": self._clear(book, text)})

    def _values_batch_clear(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        ranges = self._body(call).get("ranges") or []
        call["ranges"] = ranges
        return self._mutate(sid, call, lambda book: {
            "spreadsheetId": sid, "clearedRanges": [self._clear(book, r) for r in ranges]})

    def _values_batch_update(self, sid: str, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        vio = _enum(body.get("valueInputOption"), _VIO, "valueInputOption", None)
        data = body.get("data") or []
        call["ranges"] = [d.get("range") for d in data]

        def apply(book: _Book) -> dict:
            responses = []
            for d in data:
                res = self._write(book, parse_range(book, d.get("range") or ""), d.get("values"),
                                  d.get("majorDimension"), vio)
                responses.append(self._with_values(book, res, body.get("includeValuesInResponse"),
                                                   body.get("responseValueRenderOption"),
                                                   body.get("responseDateTimeRenderOption")))
            return {
                "spreadsheetId": sid,
                "totalUpdatedRows": sum(r["updatedRows"] for r in responses),
                "totalUpdatedColumns": sum(r["updatedColumns"] for r in responses),
                "totalUpdatedCells": sum(r["updatedCells"] for r in responses),
                "totalUpdatedSheets": len({r["updatedRange"].rsplit("!", 1)[0] for r in responses}),
                "responses": responses,
            }

        return self._mutate(sid, call, apply)

    # ---------------------------------------------------------------- drive
    def _drive_file(self, book: _Book) -> dict:
        return {"kind": "drive#file", "id": book.key, "name": book.props["title"],
                "mimeType": "application/vnd.google-apps.spreadsheet",
                "createdTime": book.created, "modifiedTime": book.modified}

    def _drive_get(self, fid: str, request: Request, params: dict, call: dict) -> dict:
        call["spreadsheet_id"] = fid
        book = self._books.get(fid)
        if book is None:
            raise ApiError(404, f"File not found: {fid}.")
        return self._drive_file(book)

    def _drive_list(self, request: Request, params: dict, call: dict) -> dict:
        q = params.get("q") or ""
        m = re.search(r'name\s*=\s*"((?:[^"\\]|\\.)*)"', q) or re.search(r"name\s*=\s*'((?:[^'\\]|\\.)*)'", q)
        files = [self._drive_file(b) for b in self._books.values()
                 if m is None or b.props["title"] == m.group(1)]
        return {"kind": "drive#fileList", "incompleteSearch": False, "files": files}

    def _drive_create(self, request: Request, params: dict, call: dict) -> dict:
        body = self._body(call)
        key = f"fake-{len(self._books) + 1}-{int(time.time() * 1000)}"
        self.add_spreadsheet(key, body.get("name") or "Untitled spreadsheet")
        call["spreadsheet_id"] = key
        return self._drive_file(self._books[key])

    def _drive_delete(self, fid: str, request: Request, params: dict, call: dict) -> dict:
        call["spreadsheet_id"] = fid
        if self._books.pop(fid, None) is None:
            raise ApiError(404, f"File not found: {fid}.")
        return {}

    # ---------------------------------------------------------------- oauth2 token
    def _token(self, request: Request, call: dict) -> Response:
        form = call["body"] if isinstance(call["body"], dict) else {}
        grant = form.get("grant_type")

        def oauth_error(err: str, desc: str) -> Response:
            return Response.json({"error": err, "error_description": desc}, 400)

        if grant == JWT_GRANT:
            assertion = form.get("assertion") or ""
            parts = assertion.split(".")
            if len(parts) != 3:
                return oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                                                    "(60 minutes) and in a reasonable timeframe.")
            try:
                header = json.loads(_b64url_decode(parts[0]))
                claims = json.loads(_b64url_decode(parts[1]))
            except ValueError:
                return oauth_error("invalid_grant", "Invalid JWT: could not decode.")
            call["claims"] = claims
            call["body"] = {"grant_type": grant, "assertion": "<jwt>"}
            with self._lock:
                key = self._public_keys.get(header.get("kid"))
            if key is not None:
                from cryptography.exceptions import InvalidSignature
                from cryptography.hazmat.primitives import hashes
                from cryptography.hazmat.primitives.asymmetric import padding

                try:
                    key.verify(_b64url_decode(parts[2]), f"{parts[0]}.{parts[1]}".encode(),
                               padding.PKCS1v15(), hashes.SHA256())
                except InvalidSignature:
                    return oauth_error("invalid_grant", "Invalid JWT Signature.")
                call["verified"] = True
            now = time.time()
            if not claims.get("iss") or claims.get("exp", 0) < now - 60:
                return oauth_error("invalid_grant", "Invalid JWT: Token must be a short-lived token "
                                                    "(60 minutes) and in a reasonable timeframe.")
        elif grant == "refresh_token":
            if not form.get("refresh_token"):
                return oauth_error("invalid_request", "Missing required parameter: refresh_token")
        else:
            return oauth_error("unsupported_grant_type", f"Invalid grant_type: {grant}")
        token = f"fake-token-{next(self._token_counter)}"
        with self._lock:
            self._issued.add(token)
        return Response.json({"access_token": token, "expires_in": 3600, "token_type": "Bearer"})


# ----------------------------------------------------------------------------------
# service accounts and pointing real gspread at the fake
# ----------------------------------------------------------------------------------
@functools.lru_cache(maxsize=1)
def _private_key_pem() -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()


def make_service_account_info(
    token_uri: str,
    client_email: str = "roi-bot@fake-project.iam.gserviceaccount.com",
    private_key_id: str = "fake-key-id",
    project_id: str = "fake-project",
) -> dict:
    """A complete service-account JSON (as a dict) with a locally generated RSA key
    (one per process, cached) and ``token_uri`` pointing wherever you like - so
    ``google.oauth2.service_account.Credentials.from_service_account_info`` and
    ``gspread.service_account_from_dict`` run for real, offline."""
    return {
        "type": "service_account",
        "project_id": project_id,
        "private_key_id": private_key_id,
        "private_key": _private_key_pem(),
        "client_email": client_email,
        "client_id": "100000000000000000001",
        "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
        "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/"
        + client_email.replace("@", "%40"),
        "universe_domain": "googleapis.com",
    }


class GoogleRewriteAdapter(HTTPAdapter):
    """A requests adapter that rewrites ``https://sheets.googleapis.com``,
    ``https://www.googleapis.com`` and ``https://oauth2.googleapis.com`` to
    ``base_url`` (e.g. the fake's url) before sending. Mount it with
    :func:`mount_google_rewrite`."""

    def __init__(self, base_url: str, hosts: tuple[str, ...] = GOOGLE_API_HOSTS, **kw: Any) -> None:
        super().__init__(**kw)
        self.base_url = base_url.rstrip("/")
        self.hosts = hosts

    def send(self, request, *args, **kwargs):  # type: ignore[override]
        for host in self.hosts:
            if request.url.startswith(host + "/") or request.url == host:
                request.url = self.base_url + request.url[len(host):]
                break
        return super().send(request, *args, **kwargs)


def mount_google_rewrite(session, base_url: str) -> None:
    """Mount a :class:`GoogleRewriteAdapter` on a requests session (e.g.
    ``gc.http_client.session``) for every Google API host."""
    adapter = GoogleRewriteAdapter(base_url)
    for host in GOOGLE_API_HOSTS:
        session.mount(host, adapter)


def fake_gspread_client(fake: FakeSheetsAPI, http_client: Any = None, credentials: Any = None):
    """A REAL ``gspread.Client`` talking to ``fake``: ``Credentials(token="fake")``
    (never refreshes) unless ``credentials`` is given, and the rewriting adapter
    mounted on its session. ``http_client`` defaults to ``gspread.HTTPClient``."""
    import gspread
    from google.oauth2.credentials import Credentials

    creds = credentials if credentials is not None else Credentials(token="fake")
    client = gspread.Client(auth=creds, http_client=http_client or gspread.HTTPClient)
    mount_google_rewrite(client.http_client.session, fake.url)
    return client


def fake_service_account_client(fake: FakeSheetsAPI, http_client: Any = None):
    """A REAL gspread client built by ``gspread.service_account_from_dict`` from a
    fresh service-account JSON whose token_uri is ``fake.url + "/token"``; the first
    API call fetches a token from the fake through google-auth's JWT-bearer flow."""
    import gspread

    info = fake.service_account_info()
    kwargs = {"http_client": http_client} if http_client is not None else {}
    client = gspread.service_account_from_dict(info, **kwargs)
    mount_google_rewrite(client.http_client.session, fake.url)
    return client
