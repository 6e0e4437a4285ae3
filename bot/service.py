"""From a question to a Slack message: read the sheet, ask the core, render; errors become messages.

No Slack I/O here (that is ``bot/delivery.py``). The same question asked
again while the same sheet read is current is answered from a small cache:
answers are pure functions of the query and the data, so a burst of people
asking ``/roi 618活动`` costs one computation, not fifty. Concurrent askers
of the same question wait for the one computation in flight.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import sheets
from bot.blocks import RenderOptions, SlackMessage, build_message, error_message
from roi_core import Answer, Query, RoiError, Settings, answer, local_today, parse_query
from roi_runtime.config import AppConfig

log = logging.getLogger(__name__)

BUG_MESSAGE = "出错了，这是 ROI 助手自己的问题，不是你的数据的问题。"
BUG_HINT = "已记录日志；请稍后再试，或把这条命令发给维护者。"


def from_slack(text: str) -> str:
    """Text as the user typed it: Slack sends ``& < >`` typed by people as ``&amp; &lt; &gt;``."""
    return (text or "").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


@dataclass
class Result:
    """What one question produced: the rendered message, and the answer (None for an error)."""

    message: SlackMessage
    answer: Answer | None = None


def _query_key(q: Query) -> tuple:
    return (q.kind, q.text, None if q.month is None else str(q.month), q.model, q.top_n, q.lang)


class AnswerCache:
    """Answers keyed by (query, sheet read), with single-flight computation per key."""

    def __init__(self, size: int = 128):
        self.size = size
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, Answer] = OrderedDict()
        self._inflight: dict[tuple, threading.Lock] = {}

    @staticmethod
    def data_key(data) -> tuple | None:
        fetched = getattr(data, "fetched_at", None)
        if fetched is None:
            return None  # no identity for this read: never cached
        return (getattr(data, "source", ""), fetched.isoformat(), getattr(data, "stale_seconds", None) is not None)

    def get(self, query: Query, data, today: dt.date, compute: Callable[[], Answer]) -> Answer:
        dkey = self.data_key(data)
        if dkey is None:
            return compute()
        key = (_query_key(query), dkey, today.isoformat())
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
            gate = self._inflight.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
                if hit is not None:
                    return hit
            result = compute()
            with self._lock:
                self._items[key] = result
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._inflight.pop(key, None)
            return result


class ReadCoalescer:
    """Concurrent askers share sheet reads without ever getting data older than their question.

    A read is reused only by callers that arrived *before it started*; a caller
    that arrives while a read is running waits for it, then starts (or joins)
    the next one. Under a burst this is one read at a time per process instead
    of one per listener thread, and no answer is staler than an uncoalesced one.
    (The TTL cache and the stale-copy fallback are the sheets layer's, behind
    ``sheets.read_sheet``; this only stops a burst from reading in parallel.)
    """

    def __init__(self, read: Callable[[AppConfig], object]):
        self._read = read
        self._cond = threading.Condition()
        self._reading = False
        self._last: tuple[float, object, BaseException | None] | None = None  # (started, data, error)

    def read(self, config: AppConfig):
        arrived = time.monotonic()
        with self._cond:
            while True:
                if self._last is not None and self._last[0] >= arrived:
                    _, data, error = self._last
                    if error is not None:
                        raise error
                    return data
                if not self._reading:
                    self._reading = True
                    break
                self._cond.wait()
        started = time.monotonic()
        data, error = None, None
        try:
            data = self._read(config)
        except BaseException as err:  # shared with the callers waiting for this read
            error = err
        with self._cond:
            self._last = (started, data, error)
            self._reading = False
            self._cond.notify_all()
        if error is not None:
            raise error
        return data


class Assistant:
    """Answers questions for the Slack app: ``message_for(text)`` never raises."""

    def __init__(self, config: AppConfig, *, read: Callable[[AppConfig], object] | None = None,
                 today: Callable[[], dt.date] | None = None, chart_button: bool = False):
        self.config = config
        self._read = ReadCoalescer(read or sheets.read_sheet).read
        # the team's date, in 设置 时区 as last read (TIMEZONE overrides): the core never reads a clock
        self._zone = config.timezone or Settings().timezone
        self._today = today or (lambda: local_today(dt.datetime.now(dt.UTC), self._zone))
        self.cache = AnswerCache()
        self.chart_button = chart_button
        self._rendered: OrderedDict[tuple, tuple[Answer, SlackMessage]] = OrderedDict()
        self._rendered_lock = threading.Lock()

    def options(self, data=None) -> RenderOptions:
        return RenderOptions(sheet_url=sheets.sheet_link(self.config.source, self.config.sheet_url), fetched_at=getattr(data, "fetched_at", None),
                             chart_button=self.chart_button)

    def answer(self, query: Query) -> tuple[Answer, object]:
        """Read the sheet (cached by the sheets layer) and answer ``query``; RoiError passes through."""
        data = self._read(self.config)
        if not self.config.timezone:
            self._zone = data.settings.timezone
        today = self._today()
        ans = self.cache.get(query, data, today, lambda: answer(query, data, today))
        return ans, data

    def render(self, ans: Answer, data) -> SlackMessage:
        """``build_message`` for ``ans``, reused while the data's age reads the same (whole minutes)."""
        opts = self.options(data)
        fetched = opts.fetched_at
        age = None if fetched is None else int((dt.datetime.now(dt.UTC) - fetched).total_seconds() // 60)
        key = (id(ans), age, opts.sheet_url, opts.chart_button)
        with self._rendered_lock:
            hit = self._rendered.get(key)
            if hit is not None and hit[0] is ans:
                self._rendered.move_to_end(key)
                return hit[1]
        msg = build_message(ans, opts)
        with self._rendered_lock:
            self._rendered[key] = (ans, msg)  # holding ans keeps its id from being reused
            while len(self._rendered) > 64:
                self._rendered.popitem(last=False)
        return msg

    def result_for_query(self, query: Query) -> Result:
        try:
            ans, data = self.answer(query)
            return Result(self.render(ans, data), ans)
        except RoiError as err:  # no such data, broken sheet, Google down, bad month, …
            log.info("answer refused: %s", err.message)
            return Result(error_message(err.message, err.hint, query.lang))
        except Exception:  # our own bug: log it whole, tell the user plainly
            log.exception("unexpected error answering %r", query.raw or query.kind)
            return Result(error_message(BUG_MESSAGE, BUG_HINT, query.lang))

    def result_for(self, text: str) -> Result:
        try:
            query = parse_query(text or "", self._today())
        except RoiError as err:
            return Result(error_message(err.message, err.hint))
        except Exception:
            log.exception("unexpected error parsing %r", text)
            return Result(error_message(BUG_MESSAGE, BUG_HINT))
        return self.result_for_query(query)

    def message_for(self, text: str) -> SlackMessage:
        return self.result_for(text).message
