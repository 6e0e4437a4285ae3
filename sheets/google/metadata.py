"""Spreadsheet metadata (title, tabs, charts) cached per process and key: a read is then one
batchGet."""

from __future__ import annotations

import threading

# titles per spreadsheet key, shared by the process: a read is then one batchGet
_TITLES: dict[str, dict] = {}
_TITLES_LOCK = threading.Lock()


def forget_metadata(key: str | None = None) -> None:
    """Drop cached tab titles (tests; or after someone restructured the sheet)."""
    with _TITLES_LOCK:
        if key is None:
            _TITLES.clear()
        else:
            _TITLES.pop(key, None)
