"""Where the data lives: a Google Sheet through gspread, or a local .xlsx workbook.

``open_source(location, config)`` picks the adapter from the location: a
``.xlsx`` path, or a Google Sheet URL or key. ``config`` is any object with the
attributes of :class:`sheets.settings.SheetSettings` (the app's config is one);
this package imports nothing of the app.
"""

from __future__ import annotations

import re
from pathlib import Path

from roi_core import SheetData
from sheets.base import RawTabs, SheetSource
from sheets.cache import CACHE, SheetCache
from sheets.errors import NotConfigured, SheetsError, SourceCorrupt, SourceNotFound
from sheets.settings import SheetDefaults, SheetSettings
from sheets.xlsx import XlsxSource

_GOOGLE_URL = re.compile(r"docs\.google\.com/spreadsheets/d/([A-Za-z0-9_-]+)")
_GOOGLE_KEY = re.compile(r"^[A-Za-z0-9_-]{25,}$")


def google_key(location: str) -> str | None:
    """The spreadsheet key in a Google Sheet URL or a bare key, else None."""
    m = _GOOGLE_URL.search(location)
    if m:
        return m.group(1)
    if _GOOGLE_KEY.match(location) and not Path(location).suffix:
        return location
    return None


def sheet_link(location: str | Path | None, sheet_url: str | None = None) -> str | None:
    """The "查看表格" link for a data source: ``sheet_url`` (SHEET_URL) when set, else the Google Sheet
    ``location`` points at, else None (a local workbook has no link to open from Slack).

    The one place the link is derived: the bot and the monthly job both call it.
    """
    if sheet_url:
        return sheet_url
    key = google_key(str(location or ""))
    return f"https://docs.google.com/spreadsheets/d/{key}/edit" if key else None


def open_source(location: str | Path | None = None, config: SheetSettings | None = None) -> SheetSource:
    """The sheet source for ``location`` (default: the configured source, else the demo workbook)."""
    config = config or SheetDefaults()
    location = str(location or config.source)
    key = google_key(location)
    if key is not None:
        if not config.google_service_account_json:
            raise NotConfigured("这是一个 Google 表格，但没有配置 Google 服务账号",
                                "设置环境变量 GOOGLE_SERVICE_ACCOUNT_JSON（见 README 的 Google 设置）")
        from sheets.google import GoogleSource

        return GoogleSource(key, config)
    path = Path(location)
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        if not path.exists():
            raise SourceNotFound(f"找不到数据源「{location}」", "请给出 .xlsx 文件路径，或 Google 表格的链接")
        raise SourceCorrupt(f"{path.name} 不是 .xlsx 工作簿", "请另存为 .xlsx，或给出 Google 表格的链接")
    return XlsxSource(path)


def read_sheet(config: SheetSettings, location: str | None = None) -> SheetData:
    """Read the configured (or given) source into SheetData, through the process-wide cache.

    The single read path for the bot and the console: within ``SHEET_CACHE_TTL``
    seconds a source is read once; when the source fails and a copy exists, the
    copy answers with ``stale_seconds`` set. Raises a SheetsError otherwise.
    """
    where = str(location or config.source)
    return CACHE.get(where, lambda: open_source(where, config).read(), config.sheet_cache_ttl)


__all__ = ["CACHE", "SheetCache", "read_sheet", "RawTabs", "SheetDefaults", "SheetSettings", "SheetSource", "SheetsError",
           "XlsxSource", "google_key", "open_source"]
