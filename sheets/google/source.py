"""GoogleSource: the people's tabs read in one batchGet, the assistant's tabs written with RAW, only
the assistant's cells (what people add to those tabs, cell notes included, stays)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import gspread
import requests
from google.auth.transport.requests import AuthorizedSession
from gspread.utils import rowcol_to_a1

from roi_core.schema import BUDGET_ADVICE_TAB, IMPORTS, MAPPING, MONTHLY_SUMMARY_TAB, PEOPLE_TABS, find_tab
from sheets.base import RawTabs, SheetSource, check_writable, resolve_tab, upsert_grid
from sheets.errors import NotConfigured, SheetsError
from sheets.google.client import _GoogleHTTPClient, _RangeGone
from sheets.google.http import (
    CONNECT_TIMEOUT,
    INTERACTIVE_DEADLINE,
    JOB_DEADLINE,
    READ_TIMEOUT,
    SAFE_RETRY,
    DeadlineAdapter,
    _TokenRequest,
)
from sheets.google.metadata import _TITLES, _TITLES_LOCK
from sheets.google.settings import _credentials, api_url, service_account_info
from sheets.google.structure import _Structure
from sheets.rewrite import KEEP, replace_keys, rewrite_grid
from sheets.settings import SheetSettings


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class GoogleSource(SheetSource, _Structure):
    """One Google Sheet, by key.

    ``deadline`` bounds each read (default 20 s, for a person waiting), ``write_deadline`` each write
    (default 120 s, for the monthly job); ``read(deadline=...)`` overrides per call. ``sleep`` and
    ``clock`` are injectable so tests of retries and deadlines do not wait.
    """

    def __init__(self, key: str, config: SheetSettings, *, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None, deadline: float = INTERACTIVE_DEADLINE,
                 write_deadline: float = JOB_DEADLINE,
                 timeout: float | tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)):
        if not config.google_service_account_json:
            raise NotConfigured("没有配置 Google 服务账号", "设置 GOOGLE_SERVICE_ACCOUNT_JSON（见 README 的 Google 设置）")
        self.key = key
        self.display_name = f"Google 表格 {key[:8]}…"
        self.deadline = deadline
        self.write_deadline = write_deadline
        endpoint = api_url(config.google_sheets_api_url)
        info = service_account_info(config.google_service_account_json)
        credentials = _credentials(info)
        self.client_email = info["client_email"]
        # the token fetch goes through its own session, with the same deadline-cut timeouts and safe retries
        token_session = requests.Session()
        token_session.mount("https://", DeadlineAdapter(lambda method, url: SAFE_RETRY))
        token_session.mount("http://", DeadlineAdapter(lambda method, url: SAFE_RETRY))
        session = AuthorizedSession(credentials, auth_request=_TokenRequest(token_session))
        session.mount("https://", DeadlineAdapter())
        session.mount("http://", DeadlineAdapter())
        self.client = gspread.Client(auth=credentials, session=session, http_client=_GoogleHTTPClient)
        self.http: _GoogleHTTPClient = self.client.http_client
        self.http.api_url = endpoint
        self.http.sheet_name = f"{key[:8]}…"
        self.http.client_email = self.client_email
        self.http.default_deadline = deadline
        self.http.set_timeout(timeout)
        if sleep is not None:
            self.http.sleep = sleep
        if clock is not None:
            self.http.clock = clock

    # ---------------------------------------------------------------- metadata
    def metadata(self, refresh: bool = False) -> dict:
        """The spreadsheet's title and tabs (title → properties, charts), cached per process."""
        with _TITLES_LOCK:
            cached = _TITLES.get(self.key)
        if cached is not None and not refresh:
            self._name(cached["title"])
            return cached
        raw = self.http.fetch_sheet_metadata(self.key, params={
            "fields": "properties.title,sheets(properties(sheetId,title,index,gridProperties),charts(chartId,spec.title))"})
        meta = {"title": raw.get("properties", {}).get("title", self.key),
                "sheets": {s["properties"]["title"]: s for s in raw.get("sheets", [])}}
        with _TITLES_LOCK:
            _TITLES[self.key] = meta
        self._name(meta["title"])
        return meta

    def _name(self, title: str) -> None:
        self.display_name = f"Google 表格「{title}」"
        self.http.sheet_name = title

    # ---------------------------------------------------------------- reading
    def read(self, *, deadline: float | None = None):
        """Read and clean the sheet within ``deadline`` seconds (default: this source's ``deadline``).
        Raises SourceUnavailable (retryable) when Google is slow or failing past it."""
        with self.http.budget(deadline or self.deadline):
            return super().read()

    def read_tabs(self) -> RawTabs:
        with self.http.budget(self.deadline):
            meta = self.metadata()
            wanted = self._people_tabs(meta)
            if not wanted:
                return {t: [] for t in meta["sheets"]}
            try:
                ranges = self._batch_get(wanted)
            except _RangeGone:
                # a tab renamed or deleted since the titles were cached: ask again once
                meta = self.metadata(refresh=True)
                wanted = self._people_tabs(meta)
                ranges = self._batch_get(wanted)
            tabs: RawTabs = {t: [] for t in meta["sheets"]}
            for title, value_range in zip(wanted, ranges, strict=True):
                tabs[title] = value_range.get("values", [])
            return tabs

    def _people_tabs(self, meta: dict) -> list[str]:
        titles = list(meta["sheets"])
        # 导入 (the platforms' rows) and 映射 are read with the people's tabs: every answer uses them beside 活动
        return [t for t in (find_tab(spec, titles) for spec in (*PEOPLE_TABS, IMPORTS, MAPPING)) if t is not None]

    def _batch_get(self, titles: list[str]) -> list[dict]:
        response = self.http.values_batch_get(self.key, [_quote(t) for t in titles], params={
            "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS"})
        return response.get("valueRanges", [])

    def _values(self, title: str) -> list[list]:
        response = self.http.values_get(self.key, _quote(title), params={
            "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})
        return response.get("values", [])

    # ---------------------------------------------------------------- writing
    def _assistant_title(self, tab: str) -> str:
        """The sheet's own title for assistant tab ``tab`` (a "Monthly Summary" tab people already have
        takes 月度汇总's rows, as in a workbook: :func:`sheets.base.resolve_tab`), or ``tab`` to create."""
        return resolve_tab(tab, list(self.metadata()["sheets"])) or tab

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        """Read the tab (1 values.get) and write only our cells of the changed rows (1 values.batchUpdate).
        One more spreadsheets.batchUpdate when the tab must be created (with its chart) or grown."""
        check_writable(tab)
        with self.http.budget(self.write_deadline):
            title = self._assistant_title(tab)
            exists = title in self.metadata()["sheets"]
            existing = self._values(title) if exists else []
            grid, changed, columns = upsert_grid(existing, headers, rows, key_columns)
            layout = [""] * (max(columns) + 1)  # the chart takes its columns where they are in the tab
            for h, c in zip(headers, columns, strict=True):
                layout[c] = h
            self._ensure_structure(title, len(grid), len(layout), layout if tab == MONTHLY_SUMMARY_TAB else None)
            header_known = {i for i, h in enumerate(existing[0]) if h not in (None, "")} if existing else set()
            data = []
            for i in sorted(changed):
                for start, end in _runs(columns):
                    cells = [grid[i][c] if c < len(grid[i]) else None for c in range(start, end + 1)]
                    if i == 0:  # a header already there stays exactly as people see it (null = leave the cell)
                        cells = [None if c in header_known else v
                                 for c, v in zip(range(start, end + 1), cells, strict=True)]
                    else:
                        cells = ["" if v is None else v for v in cells]
                    data.append({"range": f"{_quote(title)}!{rowcol_to_a1(i + 1, start + 1)}:{rowcol_to_a1(i + 1, end + 1)}",
                                 "values": [cells]})
            if data:
                self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                     key_columns: Sequence[str] | None = None) -> None:
        """Rewrite the assistant's columns of the tab to ``rows``; columns, rows and cell notes people added stay
        (:mod:`sheets.rewrite`). Reads the tab (1 values.get) and, when a row would take another key or be
        cleared, where its notes are (1 spreadsheets.get); then ONE values.update to an explicit range, whose
        cells that are not ours are null (Google leaves those as they are), so nothing is cleared first and a
        refused write (403) destroys nothing. +1 spreadsheets.batchUpdate to create or grow the tab (and 预算建议's chart)."""
        check_writable(tab)
        keys = replace_keys(tab, headers, key_columns)
        with self.http.budget(self.write_deadline):
            title = self._assistant_title(tab)
            existed = title in self.metadata()["sheets"]
            existing = self._values(title) if existed else []
            plan = rewrite_grid(existing, headers, rows, keys, (), tab)
            chart = tab == BUDGET_ADVICE_TAB  # 预算建议 has a chart, on the columns where they are
            self._ensure_structure(title, plan.height, plan.width, plan.layout if chart else None)
            # where the notes are matters only when a row would take another key or be cleared (a re-run of the
            # same result needs no look); read after the structure change, so a late one of it is reconciled first
            if existed and not plan.stable:
                noted = self._noted_rows(title, plan.height)
                if noted:  # a noted row stays where it is: the plan may then need a row more
                    plan = rewrite_grid(existing, headers, rows, keys, noted, tab)
                    self._ensure_structure(title, plan.height, plan.width)
            values = [[None if v is KEEP else "" if v is None else v for v in line] for line in plan.cells]
            self.http.values_update(self.key, f"{_quote(title)}!A1:{rowcol_to_a1(plan.height, plan.width)}",
                                    params={"valueInputOption": "RAW"}, body={"values": values})

    def _noted_rows(self, title: str, height: int) -> set[int]:
        """The rows (0-based) among the first ``height`` of ``title`` with a cell note in any column (1
        spreadsheets.get of the notes only: they live in the grid data, not among the values)."""
        raw = self.http.fetch_sheet_metadata(self.key, params={
            "ranges": f"{_quote(title)}!1:{height}",
            "fields": "sheets(properties(title),data(startRow,rowData(values(note))))"})
        noted: set[int] = set()
        for sheet in raw.get("sheets", []):
            if sheet.get("properties", {}).get("title", title) != title:
                continue
            for block in sheet.get("data", []) or []:
                start = int(block.get("startRow", 0))
                for i, row in enumerate(block.get("rowData", []) or []):
                    if any((cell or {}).get("note") for cell in (row or {}).get("values", []) or []):
                        noted.add(start + i)
        return noted

    def write_template(self, tab: str, rows: list[list]) -> None:
        """``sheets init`` only: the contract's header and examples into a people tab found EMPTY."""
        with self.http.budget(self.write_deadline):
            if any(any(c not in (None, "") for c in r)
                   for r in (self._values(tab) if tab in self.metadata()["sheets"] else [])):
                raise SheetsError(f"「{tab}」已经有数据，init 不会改动它", "用一个空白表格运行 init")
            width = max(len(r) for r in rows)
            self._ensure_structure(tab, len(rows), width)
            values = [list(r) + [""] * (width - len(r)) for r in rows]
            self.http.values_update(self.key, f"{_quote(tab)}!A1:{rowcol_to_a1(len(values), width)}",
                                    params={"valueInputOption": "RAW"}, body={"values": values})


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Contiguous column runs, so one range per run never covers a column we do not own."""
    out: list[tuple[int, int]] = []
    for c in sorted(set(columns)):
        if out and c == out[-1][1] + 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out
