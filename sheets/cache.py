"""A process-wide read cache: a burst of /roi questions costs one read, and a slow or failing Google
is not the end of answering.

Keyed by source location. Within the TTL every caller gets the cached SheetData.
After it, one refresh runs (single flight, in its own thread) and every caller
waits for it, but a caller who has a copy to fall back on waits at most
``wait`` seconds (the answer deadline): past it, or when the refresh fails,
the copy answers, marked with its age (``stale_seconds``) and the reason
(``stale_reason``). A refresh that outlives the wait still completes in the
background and updates the cache.

A copy is not served forever. When the refresh fails because the source is
gone or no longer shared with us (a non-retryable error: 404, 403, settings),
the copy answers for at most ``max_stale_denied`` seconds of age with the
cause in its warning, then the error itself is raised, so a lost share
surfaces. For retryable failures (Google down, timeouts) the limit is
``max_stale``.

A stale copy keeps its cause: it is a :class:`StaleCopy` (a SheetData) whose
``stale_cause`` says why the read failed, as a reply words it: ``denied``
(Google answered 401/403: the share was removed), ``deleted`` (404: the sheet
was deleted, or the link is wrong) or ``unavailable`` (5xx, 429, a timeout, a
read slower than the answer deadline); ``stale_hint`` is the error's own fix.

A burst shares reads, never getting older data than its question allows: a
caller joins a refresh in flight only if it started at most ``ttl`` seconds
before the caller arrived. With ``ttl`` 0 (every question reads), a caller
arriving while a read runs waits for it (within ``wait`` when it has a copy)
and then starts, or joins, the next one: one read at a time per source, and
no answer staler than an unshared read would have been.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from roi_core import SheetData
from sheets.errors import PermissionDenied, SheetsError, SourceNotFound

log = logging.getLogger(__name__)

ANSWER_WAIT = 8.0  # seconds an asker with a cached copy waits for a refresh before the copy answers
MAX_STALE = 24 * 3600.0  # a copy older than this is not served when Google keeps failing
MAX_STALE_DENIED = 15 * 60.0  # ... nor older than this when the sheet is gone or no longer shared
# SheetData carries the reason once roi_core grows the field; until then the reason is logged only
_HAS_REASON = "stale_reason" in {f.name for f in dataclasses.fields(SheetData)}


STALE_DENIED, STALE_DELETED, STALE_UNAVAILABLE = "denied", "deleted", "unavailable"


def stale_cause(error: BaseException | None) -> str:
    """Why a copy stands in, as one of ``denied`` (401/403), ``deleted`` (404) and ``unavailable`` (the rest,
    and a read that has not finished in time: ``error`` None)."""
    if isinstance(error, PermissionDenied):
        return STALE_DENIED
    if isinstance(error, SourceNotFound):
        return STALE_DELETED
    return STALE_UNAVAILABLE


@dataclass(frozen=True)
class StaleCopy(SheetData):
    """A cached read answering for one that failed: ``stale_seconds`` old, for ``stale_cause``
    (:func:`stale_cause`), with the error's fix (``stale_hint``, Chinese; "" when there is none)."""

    stale_cause: str = STALE_UNAVAILABLE
    stale_hint: str = ""


@dataclass
class _Flight:
    started: float = 0.0  # clock() when the read started
    done: threading.Event = field(default_factory=threading.Event)
    data: SheetData | None = None
    error: BaseException | None = None


@dataclass
class _Slot:
    data: SheetData | None = None
    at: float = 0.0  # clock() when ``data`` was read
    flight: _Flight | None = None


class SheetCache:
    """See the module docstring. ``clock`` measures ages (injectable in tests); waits use real time."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, *, wait: float = ANSWER_WAIT,
                 max_stale: float = MAX_STALE, max_stale_denied: float = MAX_STALE_DENIED):
        self._clock = clock
        self.wait = wait
        self.max_stale = max_stale
        self.max_stale_denied = max_stale_denied
        self._slots: dict[str, _Slot] = {}
        self._guard = threading.Lock()

    def get(self, key: str, load: Callable[[], SheetData], ttl: float, *, wait: float | None = None) -> SheetData:
        """The cached data for ``key`` if younger than ``ttl`` seconds, else a refresh by ``load()`` (one at
        a time per key, shared by every caller). With a copy in hand a caller waits at most ``wait``
        seconds (default: the cache's) and then gets the copy with ``stale_seconds`` and
        ``stale_reason``; a SheetsError of the refresh is raised only when there is no copy, or the
        copy is too old to stand in (see the module docstring)."""
        wait = self.wait if wait is None else wait
        arrived = self._clock()
        give_up = time.monotonic() + wait  # for a caller with a copy in hand
        while True:
            with self._guard:
                slot = self._slots.setdefault(key, _Slot())
                if slot.data is not None and self._clock() - slot.at < ttl:
                    return slot.data
                flight = slot.flight
                behind = flight is not None and arrived - flight.started > ttl  # too old for this question
                if flight is None:
                    flight = slot.flight = _Flight(started=self._clock())
                    threading.Thread(target=self._refresh, args=(slot, flight, load), daemon=True,
                                     name=f"sheet-refresh {key[-24:]}").start()
                has_copy = slot.data is not None
            finished = flight.done.wait(max(0.0, give_up - time.monotonic()) if has_copy else None)
            if finished and behind:
                continue  # that read is done: now start (or join) one that began after the question
            if finished and flight.error is None:
                return flight.data  # type: ignore[return-value]
            if not has_copy:
                raise flight.error  # type: ignore[misc]
            with self._guard:
                data, at = slot.data, slot.at
            return self._stale(data, self._clock() - at, flight.error if finished else None, wait)  # type: ignore[arg-type]

    def _refresh(self, slot: _Slot, flight: _Flight, load: Callable[[], SheetData]) -> None:
        try:
            data = load()
        except BaseException as err:  # handed to every waiter; non-SheetsErrors pass through unchanged
            flight.error = err
        else:
            flight.data = data
            with self._guard:
                slot.data, slot.at = data, self._clock()
        finally:
            with self._guard:
                slot.flight = None
            flight.done.set()

    def _stale(self, data: SheetData, age: float, error: BaseException | None, wait: float) -> SheetData:
        if error is None:
            reason = f"表格读取超过 {wait:g} 秒还没有完成"
        elif not isinstance(error, SheetsError):
            raise error
        else:
            limit = self.max_stale if error.retryable else self.max_stale_denied
            if age > limit:
                raise error
            reason = error.message
        log.warning("Serving a %.0f s old copy of %s: %s", age, data.source, reason)
        changes: dict = {"stale_seconds": age, "stale_cause": stale_cause(error),
                         "stale_hint": getattr(error, "hint", None) or ""}
        if _HAS_REASON:
            changes["stale_reason"] = reason
        fields = {f.name: getattr(data, f.name) for f in dataclasses.fields(SheetData) if f.init}
        return StaleCopy(**{**fields, **changes})

    def clear(self) -> None:
        with self._guard:
            self._slots.clear()


CACHE = SheetCache()
