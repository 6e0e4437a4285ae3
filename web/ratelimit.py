"""Requests per sheet token: ``limit`` per ``window`` seconds, a sliding window per key.

The key is the caller's bucket (``web.auth.Caller.key``): a sheet's token and every session made with it
share one, so three sessions of one token get one bucket, never three.

Kept in the worker process (a dict of recent request times, bounded): cheap
on every request, and enough to stop a runaway sheet recalculating in a loop.
With N gunicorn workers a key may get up to N × limit in the worst case (each
worker counts its own); the sheet cache still makes that one read per worker.
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable

MAX_KEYS = 10_000  # distinct tokens remembered; the oldest is forgotten first


class RateLimiter:
    """``allow(key)`` → 0 when the request may go ahead, else the whole seconds to wait (Retry-After)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._lock = threading.Lock()
        self._hits: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, key: str) -> int:
        now = self._clock()
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                hits = self._hits[key] = deque()
                while len(self._hits) > MAX_KEYS:
                    self._hits.popitem(last=False)
            self._hits.move_to_end(key)
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(1, math.ceil(hits[0] + self.window - now))
            hits.append(now)
            return 0
