"""The work after the ack, bounded: a fixed pool of worker threads and a queue that refuses past its size.

An unbounded queue (``ThreadPoolExecutor``'s) accepts every question a flood brings and answers them
long after anyone waits: under 50 clients sending ``/roi 618活动`` as fast as acks come back, half of the
acknowledged questions were still queued when the flood stopped. :class:`WorkQueue` decides in the ack
path, without waiting and without I/O, whether a job can still be done: :meth:`WorkQueue.offer` queues
it and returns its Future, or returns None when ``workers`` jobs run and ``capacity`` more wait. The
listener then says "正忙，请稍后再试" at once (in the slash command's ack, or as a notice) instead of ⏳
followed by silence. Every job it accepted runs exactly once, shutdown included (``shutdown(wait=True)``
drains the queue first, and so does the interpreter's exit, as for ``ThreadPoolExecutor``: a worker
process stopped gracefully still sends the answers it acknowledged).
"""

from __future__ import annotations

import atexit
import logging
import threading
import weakref
from collections import deque
from concurrent.futures import Executor, Future

log = logging.getLogger(__name__)


_LIVE: weakref.WeakSet = weakref.WeakSet()  # queues with threads, drained when the interpreter exits


@atexit.register
def _drain_at_exit() -> None:
    for queue in list(_LIVE):
        queue.shutdown(wait=True)


class QueueFull(RuntimeError):
    """:meth:`WorkQueue.submit` past the bound (``offer`` returns None instead)."""


class WorkQueue(Executor):
    """``workers`` threads (started on first use), at most ``capacity`` jobs waiting for one of them.

    At most ``workers`` jobs run at once and at most ``workers + capacity`` are accepted and not yet
    finished. ``in_flight``, ``waiting``, ``peak_in_flight`` and ``refused`` say how it went.
    """

    def __init__(self, workers: int, capacity: int, name: str = "roi-work"):
        if workers < 1 or capacity < 0:
            raise ValueError("workers must be at least 1 and capacity at least 0")
        self.workers = workers
        self.capacity = capacity
        self.name = name
        self._jobs: deque[tuple[Future, object, tuple, dict]] = deque()
        self._cond = threading.Condition()
        self._threads: list[threading.Thread] = []
        self._closed = False
        self.in_flight = 0
        self.peak_in_flight = 0
        self.refused = 0

    @property
    def waiting(self) -> int:
        """Jobs accepted and not yet started."""
        return len(self._jobs)

    def offer(self, fn, /, *args, **kwargs) -> Future | None:
        """Queue ``fn(*args, **kwargs)`` and return its Future, or None at once when the queue is full
        (or shut down). Never blocks: safe in the ack path."""
        future: Future = Future()
        with self._cond:
            if self._closed or self.in_flight + len(self._jobs) >= self.workers + self.capacity:
                self.refused += 1
                return None
            self._jobs.append((future, fn, args, kwargs))
            if len(self._threads) < self.workers:
                self._start_thread()
            self._cond.notify()
        return future

    def submit(self, fn, /, *args, **kwargs) -> Future:
        """``Executor.submit``: as :meth:`offer`, but raises QueueFull when the queue is full."""
        future = self.offer(fn, *args, **kwargs)
        if future is None:
            raise QueueFull(f"{self.name}: {self.workers} running and {self.capacity} waiting")
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Accept nothing more; the jobs already accepted still run (unless ``cancel_futures``)."""
        with self._cond:
            self._closed = True
            if cancel_futures:
                while self._jobs:
                    self._jobs.popleft()[0].cancel()
            self._cond.notify_all()
            threads = list(self._threads)
        if wait:
            for thread in threads:
                thread.join()

    def _start_thread(self) -> None:
        _LIVE.add(self)
        thread = threading.Thread(target=self._work, name=f"{self.name}-{len(self._threads)}", daemon=True)
        self._threads.append(thread)
        thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                while not self._jobs and not self._closed:
                    self._cond.wait()
                if not self._jobs:  # closed and drained
                    return
                future, fn, args, kwargs = self._jobs.popleft()
                self.in_flight += 1
                self.peak_in_flight = max(self.peak_in_flight, self.in_flight)
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        future.set_result(fn(*args, **kwargs))
                    except BaseException as err:  # handed to the Future, as ThreadPoolExecutor does
                        future.set_exception(err)
            finally:
                with self._cond:
                    self.in_flight -= 1
