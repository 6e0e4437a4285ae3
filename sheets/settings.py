"""The settings the sheet adapters read, as sheets' own types: nothing here imports the app.

:class:`SheetSettings` lists exactly what ``open_source``, ``read_sheet`` and ``GoogleSource`` read.
It is a Protocol, so any object with these attributes serves: the app's ``AppConfig`` does as it
is, and :class:`SheetDefaults` is the one to build where there is no app (a test, a benchmark, a
script reading a workbook). Deadlines and the "查看表格" link are arguments of the functions that
use them, not settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

# the workbook shipped with the project: what a source left unset reads
DEMO_WORKBOOK = Path(__file__).resolve().parent.parent / "examples" / "demo.xlsx"


@runtime_checkable
class SheetSettings(Protocol):
    """What the sheet adapters read of a caller's settings (read-only)."""

    @property
    def source(self) -> str:
        """The data source: a .xlsx path, or a Google Sheet URL or key."""

    @property
    def google_service_account_json(self) -> str | None:
        """The service account key (its JSON text, or a path to the key file); None: no Google access."""

    @property
    def google_sheets_api_url(self) -> str | None:
        """Another Sheets API endpoint (a test's loopback fake); None: Google's own."""

    @property
    def sheet_cache_ttl(self) -> float:
        """Seconds a read answers again from the cache (0: every read goes to the source)."""


@dataclass(frozen=True)
class SheetDefaults:
    """Settings without the app's config: the demo workbook, no Google account, a 60 s cache; give a
    field to change it. Values are taken as given (the app's config checks its own)."""

    source: str = str(DEMO_WORKBOOK)
    google_service_account_json: str | None = field(default=None, repr=False)  # a secret: kept out of logs
    google_sheets_api_url: str | None = None
    sheet_cache_ttl: float = 60.0
