"""The fake server: FakeSheetsAPI (test API, fault injection, routing) over the handler mixins
(values.*, batchUpdate, spreadsheets.get/create, Drive, /token, the discovery-document contract)."""

from __future__ import annotations

import copy
import functools
import itertools
import re
import threading
import time
from typing import Any
from urllib.parse import unquote

from .._server import LoopbackServer, Request, Response
from ..google_discovery import sheets_contract
from .auth import TokenEndpoint, make_service_account_info
from .batch_update import BatchUpdateHandlers
from .cells import _is_empty, _render, _trim
from .contract import _DISCOVERY_METHODS, ContractChecks
from .drive import DriveHandlers
from .model import ApiError, _Book, _clone_book, _now_rfc3339, _Tab
from .ranges import col_letters
from .spreadsheets import SpreadsheetHandlers
from .values import ValuesHandlers


class FakeSheetsAPI(ValuesHandlers, BatchUpdateHandlers, SpreadsheetHandlers, DriveHandlers, TokenEndpoint,
                    ContractChecks, LoopbackServer):
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

    def tables(self, key: str, tab: str) -> list[dict]:
        """Tables stored by addTable on one tab (as spreadsheets.get returns them)."""
        with self._lock:
            return copy.deepcopy(self._tab(key, tab).tables)

    def notes(self, key: str, tab: str) -> dict[str, str]:
        """Cell notes of one tab by A1 cell (``{"A1": "活动名称（必填）…"}``)."""
        with self._lock:
            return {f"{col_letters(c + 1)}{r + 1}": n for (r, c), n in sorted(self._tab(key, tab).notes.items())}

    def validations(self, key: str, tab: str) -> dict[str, dict]:
        """Data validation rules of one tab by A1 cell (setDataValidation, or dataValidation in updateCells)."""
        with self._lock:
            return {f"{col_letters(c + 1)}{r + 1}": copy.deepcopy(v)
                    for (r, c), v in sorted(self._tab(key, tab).validations.items())}

    def cell_formats(self, key: str, tab: str) -> dict[str, dict]:
        """userEnteredFormat of one tab's cells by A1 cell (updateCells)."""
        with self._lock:
            return {f"{col_letters(c + 1)}{r + 1}": copy.deepcopy(v)
                    for (r, c), v in sorted(self._tab(key, tab).formats.items())}

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

    @staticmethod
    def _body(call: dict) -> Any:
        """The request body the handlers work on: the canonical form when the contract checked it."""
        return call.get("canonical", call["body"]) or {}

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
