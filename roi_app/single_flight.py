"""Identical questions asked at the same time share one computation, and nothing is kept after it.

Fifty people typing ``/roi 618活动`` in the same second each need their own reply, but not their own
answer: the question, the sheet read and the date are the same, so the first asker's result serves
everyone who asks while it is being computed. Unlike a cache this keeps no result once it is handed
out, so the next asker computes afresh (follow-ups and alerts read from the database stay current).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

T = TypeVar("T")


class _Flight:
    def __init__(self, started: float):
        self.started = started
        self.done = threading.Event()
        self.result = None
        self.error: BaseException | None = None
        self.joined = 0


class SingleFlight:
    """``do(key, fn)``: ``fn()``, or the result (or exception) of the ``fn()`` already running for ``key``."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._lock = threading.Lock()
        self._flights: dict[Hashable, _Flight] = {}

    def sharing(self, key: Hashable) -> int:
        """How many callers are waiting for the run of ``key`` now in flight (0: none, or no run)."""
        with self._lock:
            flight = self._flights.get(key)
            return 0 if flight is None else flight.joined

    def do(self, key: Hashable, fn: Callable[[], T], max_age: float | None = None) -> T:
        """``fn()`` once for every caller of ``key`` while it runs. A caller joins a run only if that run
        started at most ``max_age`` seconds before it arrived (None: any run), so a question is never
        answered from work older than it allows; otherwise it runs ``fn()`` itself."""
        now = self._clock()
        with self._lock:
            flight = self._flights.get(key)
            if flight is not None and (max_age is None or now - flight.started <= max_age):
                leader = False
                flight.joined += 1
            else:
                flight = self._flights[key] = _Flight(now)
                leader = True
        if not leader:
            flight.done.wait()
            if flight.error is not None:
                raise flight.error
            return flight.result  # type: ignore[return-value]
        try:
            flight.result = fn()
            return flight.result
        except BaseException as err:
            flight.error = err
            raise
        finally:
            with self._lock:
                if self._flights.get(key) is flight:
                    del self._flights[key]
            flight.done.set()
