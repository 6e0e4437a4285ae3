"""The shared Google Sheet through gspread, read in one call and written politely.

- Credentials: a service account (``GOOGLE_SERVICE_ACCOUNT_JSON``, a file path
  or the JSON itself); its own ``token_uri`` is honoured.
- Endpoint: ``GOOGLE_SHEETS_API_URL`` replaces ``https://sheets.googleapis.com``
  (staging, an emulator, the tests' loopback fake) with no code change.
- Reads: the people's tabs in ONE ``values:batchGet`` with ``UNFORMATTED_VALUE``
  and ``SERIAL_NUMBER``; tab titles come from the spreadsheet's metadata, asked
  once per process and key (and again only if a tab went missing).
- Writes: only the assistant's tabs, with ``RAW`` (so ``=IMPORTXML(...)`` stays
  text), only the cells we own.
- Faults: 429, 5xx, timeouts and dropped connections are retried with
  exponential backoff and jitter (honouring Retry-After), a bounded number of
  times, then reported as :class:`SourceUnavailable` naming the sheet.
  (gspread's own BackOffHTTPClient never gives up, hence this one.)
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Sequence
from pathlib import Path

import gspread
import requests
from google.oauth2.service_account import Credentials as ServiceAccountCredentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import rowcol_to_a1

from roi_core.config import AppConfig
from roi_core.schema import MONTHLY_SUMMARY_TAB, PEOPLE_TABS, find_tab
from sheets.base import RawTabs, SheetSource, check_writable, upsert_grid
from sheets.errors import NotConfigured, SheetsError, SourceNotFound, SourceUnavailable

log = logging.getLogger(__name__)

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
CHART_TITLE = "ROI 月度趋势"


class RetryingHTTPClient(HTTPClient):
    """gspread's HTTP client with a configurable endpoint, a timeout and a bounded retry budget."""

    api_url: str | None = None
    max_retries: int = 4
    backoff_base: float = 1.0
    backoff_cap: float = 16.0
    sheet_name: str = "Google 表格"
    sleep = staticmethod(time.sleep)
    calls: int = 0  # requests sent, retries included (for call-count tests and the benchmark)

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        if self.api_url and endpoint.startswith(GOOGLE_SHEETS_URL):
            endpoint = self.api_url.rstrip("/") + endpoint[len(GOOGLE_SHEETS_URL):]
        attempt = 0
        while True:
            self.calls += 1
            try:
                return super().request(method, endpoint, params=params, data=data, json=json, files=files,
                                       headers=headers)
            except APIError as err:
                status = err.response.status_code
                if status not in RETRY_STATUSES or attempt >= self.max_retries:
                    raise _friendly(err, self.sheet_name) from None
                wait = _retry_after(err.response) or self._backoff(attempt)
                log.warning("Sheets %s on %s %s; retry %d in %.1fs", status, method, _path(endpoint), attempt + 1, wait)
            except (requests.Timeout, requests.ConnectionError) as err:
                if attempt >= self.max_retries:
                    raise SourceUnavailable(f"连不上 Google 表格「{self.sheet_name}」（{type(err).__name__}，已重试 "
                                            f"{self.max_retries} 次）", "稍后再试；如果一直如此，检查网络或 Google 服务状态") from None
                wait = self._backoff(attempt)
                log.warning("Sheets %s on %s %s; retry %d in %.1fs", type(err).__name__, method, _path(endpoint),
                            attempt + 1, wait)
            attempt += 1
            self.sleep(wait)

    def _backoff(self, attempt: int) -> float:
        # full jitter on an exponential ceiling: spreads retries of many workers apart
        return random.uniform(0.5, 1.0) * min(self.backoff_cap, self.backoff_base * 2 ** attempt)


def _path(url: str) -> str:
    return url.split("?")[0][-80:]


def _retry_after(response) -> float | None:
    try:
        return float(response.headers.get("Retry-After", ""))
    except ValueError:
        return None


def _friendly(err: APIError, sheet: str) -> SheetsError:
    status = err.response.status_code
    if status == 404:
        return SourceNotFound(f"找不到 Google 表格「{sheet}」", "检查链接或 ID 是否正确")
    if status in (401, 403):
        return SourceNotFound(f"没有权限读取 Google 表格「{sheet}」",
                              "在表格里点「共享」，把服务账号的邮箱（client_email）加为编辑者")
    if status in RETRY_STATUSES:
        return SourceUnavailable(f"Google 表格「{sheet}」暂时不可用（HTTP {status}，已多次重试）", "稍后再试")
    message = (err.args[0] or {}).get("message", "") if err.args and isinstance(err.args[0], dict) else str(err)
    if status == 400 and "range" in message.lower():
        return _RangeGone(f"Google 表格「{sheet}」里找不到要读的标签页：{message}", "检查标签页是否被改名或删除")
    return SheetsError(f"Google 表格「{sheet}」拒绝了请求（HTTP {status}）：{message}", "检查表格结构后再试")


class _RangeGone(SheetsError):
    """A tab we asked for by its cached title is no longer there (renamed or deleted)."""


def service_account_info(value: str) -> dict:
    """GOOGLE_SERVICE_ACCOUNT_JSON: the JSON text itself or a path to the key file."""
    text = value.strip()
    if not text.startswith("{"):
        path = Path(text).expanduser()
        if not path.exists():
            raise NotConfigured(f"找不到服务账号密钥文件 {path}", "GOOGLE_SERVICE_ACCOUNT_JSON 填密钥文件路径，或密钥 JSON 本身")
        text = path.read_text(encoding="utf-8")
    try:
        info = json.loads(text)
    except json.JSONDecodeError:
        raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 不是有效的 JSON", "从 Google Cloud 控制台重新下载服务账号密钥") from None
    if info.get("type") != "service_account" or "client_email" not in info:
        raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 不是服务账号密钥", "需要 type 为 service_account 的 JSON 密钥")
    return info


# titles per spreadsheet key, shared by the process: a read is then one batchGet
_TITLES: dict[str, dict] = {}
_TITLES_LOCK = threading.Lock()


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


class GoogleSource(SheetSource):
    """One Google Sheet, by key."""

    def __init__(self, key: str, config: AppConfig, *, sleep=None, timeout: float | tuple[float, float] = (10.0, 120.0)):
        if not config.google_service_account_json:
            raise NotConfigured("没有配置 Google 服务账号", "设置 GOOGLE_SERVICE_ACCOUNT_JSON（见 README 的 Google 设置）")
        self.key = key
        self.display_name = f"Google 表格 {key[:8]}…"
        info = service_account_info(config.google_service_account_json)
        credentials = ServiceAccountCredentials.from_service_account_info(info, scopes=list(SCOPES))
        self.client_email = info["client_email"]
        self.client = gspread.Client(auth=credentials, http_client=RetryingHTTPClient)
        self.http: RetryingHTTPClient = self.client.http_client
        self.http.api_url = config.google_sheets_api_url
        self.http.sheet_name = f"{key[:8]}…"
        self.http.set_timeout(timeout)
        if sleep is not None:
            self.http.sleep = sleep

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
    def read_tabs(self) -> RawTabs:
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
        return [t for t in (find_tab(spec, titles) for spec in PEOPLE_TABS) if t is not None]

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
    def _apply(self, requests_: list[dict]) -> None:
        """One spreadsheets.batchUpdate; the cached metadata is updated from what we asked, not re-read."""
        if not requests_:
            return
        response = self.http.batch_update(self.key, {"requests": requests_})
        meta = self.metadata()
        with _TITLES_LOCK:
            for request, reply in zip(requests_, response.get("replies", []), strict=False):
                if "addSheet" in request:
                    props = (reply or {}).get("addSheet", {}).get("properties") or request["addSheet"]["properties"]
                    meta["sheets"][props["title"]] = {"properties": props, "charts": []}
                elif "appendDimension" in request:
                    dim = request["appendDimension"]
                    sheet = next(v for v in meta["sheets"].values() if v["properties"]["sheetId"] == dim["sheetId"])
                    grid = sheet["properties"].setdefault("gridProperties", {})
                    field = "rowCount" if dim["dimension"] == "ROWS" else "columnCount"
                    grid[field] = grid.get(field, 0) + dim["length"]
                elif "addChart" in request:
                    anchor = request["addChart"]["chart"]["position"]["overlayPosition"]["anchorCell"]["sheetId"]
                    sheet = next(v for v in meta["sheets"].values() if v["properties"]["sheetId"] == anchor)
                    sheet.setdefault("charts", []).append({"spec": {"title": request["addChart"]["chart"]["spec"]["title"]}})

    def _grow_requests(self, title: str, rows: int, cols: int) -> tuple[list[dict], int]:
        """Requests that create ``title`` or grow it to rows x cols, and its sheetId."""
        meta = self.metadata()
        sheet = meta["sheets"].get(title)
        if sheet is None:
            # we pick the id, so a chart can be added in the same batchUpdate as the tab
            sheet_id = random.randint(10**8, 2**31 - 1)
            return [{"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": {
                "rowCount": max(rows + 100, 200), "columnCount": max(cols, 26), "frozenRowCount": 1}}}}], sheet_id
        grid = sheet["properties"].get("gridProperties", {})
        sheet_id = sheet["properties"]["sheetId"]
        out = []
        if grid.get("rowCount", 0) < rows:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS",
                                            "length": rows - grid.get("rowCount", 0) + 100}})
        if grid.get("columnCount", 0) < cols:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                            "length": cols - grid.get("columnCount", 0)}})
        return out, sheet_id

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        """Read the tab (1 values.get) and write only our cells of the changed rows (1 values.batchUpdate).
        One more spreadsheets.batchUpdate when the tab must be created (with its chart) or grown."""
        check_writable(tab)
        exists = tab in self.metadata()["sheets"]
        existing = self._values(tab) if exists else []
        grid, changed, columns = upsert_grid(existing, headers, rows, key_columns)
        structure, sheet_id = self._grow_requests(tab, len(grid), max(columns) + 1)
        if tab == MONTHLY_SUMMARY_TAB:
            structure += self._chart_requests(tab, sheet_id, headers)
        self._apply(structure)
        header_known = {i for i, h in enumerate(existing[0]) if h not in (None, "")} if existing else set()
        data = []
        for i in sorted(changed):
            for start, end in _runs(columns):
                cells = [grid[i][c] if c < len(grid[i]) else None for c in range(start, end + 1)]
                if i == 0:  # a header already there stays exactly as people see it (null = leave the cell)
                    cells = [None if c in header_known else v for c, v in zip(range(start, end + 1), cells, strict=True)]
                else:
                    cells = ["" if v is None else v for v in cells]
                data.append({"range": f"{_quote(tab)}!{rowcol_to_a1(i + 1, start + 1)}:{rowcol_to_a1(i + 1, end + 1)}",
                             "values": [cells]})
        if data:
            self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
        """Clear the tab and write header + rows: 2 calls (+1 to create or grow it)."""
        check_writable(tab)
        created = tab not in self.metadata()["sheets"]
        structure, _ = self._grow_requests(tab, len(rows) + 1, len(headers))
        self._apply(structure)
        if not created:
            self.http.values_clear(self.key, _quote(tab))
        values = [list(headers)] + [["" if v is None else v for v in r] for r in rows]
        self.http.values_update(self.key, f"{_quote(tab)}!A1", params={"valueInputOption": "RAW"},
                                body={"values": values})

    def write_template(self, tab: str, rows: list[list]) -> None:
        """``sheets init`` only: the contract's header and examples into a people tab found EMPTY."""
        if any(any(c not in (None, "") for c in r) for r in (self._values(tab) if tab in self.metadata()["sheets"] else [])):
            raise SheetsError(f"「{tab}」已经有数据，init 不会改动它", "用一个空白表格运行 init")
        structure, _ = self._grow_requests(tab, len(rows), max(len(r) for r in rows))
        self._apply(structure)
        self.http.values_update(self.key, f"{_quote(tab)}!A1", params={"valueInputOption": "RAW"}, body={"values": rows})

    def _chart_requests(self, tab: str, sheet_id: int, headers: Sequence[str]) -> list[dict]:
        """An addChart for ROI(%) by 月份 on the tab, unless one with our title is there already."""
        sheet = self.metadata()["sheets"].get(tab)
        if "ROI(%)" not in headers or "月份" not in headers:
            return []
        if sheet is not None and any(c.get("spec", {}).get("title") == CHART_TITLE for c in sheet.get("charts", []) or []):
            return []
        month_col, roi_col = list(headers).index("月份"), list(headers).index("ROI(%)")

        def source(col):
            return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1000,
                                                 "startColumnIndex": col, "endColumnIndex": col + 1}]}}

        return [{"addChart": {"chart": {
            "spec": {"title": CHART_TITLE, "basicChart": {
                "chartType": "LINE", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
                "axis": [{"position": "BOTTOM_AXIS", "title": "月份"}, {"position": "LEFT_AXIS", "title": "ROI(%)"}],
                "domains": [{"domain": source(month_col)}],
                "series": [{"series": source(roi_col), "targetAxis": "LEFT_AXIS"}]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 1,
                                                            "columnIndex": len(headers) + 1}}}}}}]


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Contiguous column runs, so one range per run never covers a column we do not own."""
    out: list[tuple[int, int]] = []
    for c in sorted(set(columns)):
        if out and c == out[-1][1] + 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def forget_metadata(key: str | None = None) -> None:
    """Drop cached tab titles (tests; or after someone restructured the sheet)."""
    with _TITLES_LOCK:
        if key is None:
            _TITLES.clear()
        else:
            _TITLES.pop(key, None)
