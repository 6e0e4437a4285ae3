"""A process-wide read cache: a burst of /roi questions costs one read, and Google down is not the end.

Keyed by source location. Within the TTL every caller gets the cached
SheetData; after it, the first caller reads again while the others wait for
that same read (single flight). When the read fails and a copy exists, the
copy answers, marked with its age (``SheetData.stale_seconds``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from roi_core import SheetData
from sheets.errors import SheetsError


@dataclass
class _Entry:
    data: SheetData
    at: float


class SheetCache:
    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._entries: dict[str, _Entry] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def _lock(self, key: str) -> threading.Lock:
        with self._guard:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, key: str, load: Callable[[], SheetData], ttl: float) -> SheetData:
        """The cached data for ``key`` if younger than ``ttl`` seconds, else ``load()`` (once for all waiters)."""
        entry = self._entries.get(key)
        if entry is not None and self._clock() - entry.at < ttl:
            return entry.data
        with self._lock(key):
            entry = self._entries.get(key)  # filled while we waited?
            if entry is not None and self._clock() - entry.at < ttl:
                return entry.data
            try:
                data = load()
            except SheetsError:
                if entry is None:
                    raise
                return entry.data.with_source(stale_seconds=self._clock() - entry.at)
            self._entries[key] = _Entry(data, self._clock())
            return data

    def clear(self) -> None:
        with self._guard:
            self._entries.clear()


CACHE = SheetCache()
