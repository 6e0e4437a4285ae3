"""From a question to an answer and its message, for every door: read the sheet, ask the core, render.

No I/O to a platform here (each door sends: ``bot/delivery.py`` for Slack, ``web/api.py`` for the plugin).
:class:`Assistant` is the one path from a question to an answer for Slack, the plugin's API and any door
to come: ``answer_with_key(query)`` gives the answer (RoiError passes through, the door words it),
``result_for(text)`` / ``result_for_query(query)`` the Slack Block Kit message that never raises (errors
become messages, a bug of ours :data:`BUG_MESSAGE` / :data:`BUG_HINT`). A door with its own medium renders
the answer itself and keeps its rendering beside the answer with ``assistant.cache.message(key, variant,
build)``, as the web API does. :func:`answer_question` is the same answer without caches, for the console.

Two caches stand between a burst of questions and the work, no more: the sheet read cache
(``sheets.cache.SheetCache``, behind ``sheets.read_sheet``: one read at a time per source, never older
than the question allows) and :class:`AnswerCache` here. Answers are pure functions of the query, the data
and the date, so a burst of people asking ``/roi 618活动`` costs one computation, not fifty (concurrent
askers of the same question wait for the one in flight), and the message rendered from that answer is
kept beside it and reused while it would read the same.

An answer from a stale copy of the sheet (the read failed, a cached copy answers) names the cause and the
copy's age (``roi_app.stale``): 没有权限 for a removed share, 表格已删除 for a deleted sheet, 暂时读不到 for
Google down or slow. Cause and age (whole minutes) are part of the answer's cache key.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

import sheets
from render.blocks import RenderOptions, SlackMessage, build_message, error_message
from roi_app.follow_up import proposal_lookup
from roi_app.llm import ModelReader, answer_or_read
from roi_app.single_flight import SingleFlight
from roi_app.stale import fresh_view, marked_stale, stale_key
from roi_app.table_sources import with_table_notes, with_table_sources
from roi_core import Answer, Query, RoiError, Settings, parse_query
from roi_core import answer_json as core_answer_json
from roi_core.follow_up import with_follow_up
from roi_core.monitor import with_alerts
from roi_core.query import detect_lang
from roi_runtime.config import AppConfig

log = logging.getLogger(__name__)

BUG_MESSAGE = "出错了，这是 ROI 助手自己的问题，不是你的数据的问题。"
BUG_HINT = "已记录日志；请稍后再试，或把这条命令发给维护者。"


def _error_lang(text: str, message: str) -> str:
    """English for an English question whose refusal the parser wrote in English (quoted names aside), so the
    hint's label and brackets match the sentence; Chinese otherwise (some refusals are Chinese only)."""
    if detect_lang(text) != "en":
        return "zh"
    return detect_lang(re.sub(r"「[^」]*」", "", message))


@dataclass
class Result:
    """What one question produced: the rendered message, and the answer (None for an error)."""

    message: SlackMessage
    answer: Answer | None = None


def _query_key(q: Query) -> tuple:
    return (q.kind, q.text, None if q.month is None else str(q.month), q.model, q.top_n, q.lang)


class AnswerCache:
    """Answers keyed by (query, sheet read, today), computed once per key (single flight), each with
    the messages rendered from it, one per rendering ``variant`` (what else changes the message)."""

    def __init__(self, size: int = 128, variants: int = 4):
        self.size = size
        self.variants = variants
        self._lock = threading.Lock()
        self._items: OrderedDict[tuple, tuple[Answer, OrderedDict]] = OrderedDict()  # key → (answer, messages)
        self._inflight: dict[tuple, threading.Lock] = {}

    @staticmethod
    def data_key(data) -> tuple | None:
        fetched = getattr(data, "fetched_at", None)
        if fetched is None:
            return None  # no identity for this read: never cached
        return (getattr(data, "source", ""), fetched.isoformat(), stale_key(data))

    def key(self, query: Query, data, today: dt.date) -> tuple | None:
        """The cache key of ``query`` on ``data`` at ``today``; None when the read has no identity."""
        dkey = self.data_key(data)
        return None if dkey is None else (_query_key(query), dkey, today.isoformat())

    def get(self, query: Query, data, today: dt.date, compute: Callable[[], Answer]) -> Answer:
        """The answer for (``query``, ``data``, ``today``): cached, or ``compute()`` once for every asker."""
        return self.answer(self.key(query, data, today), compute)

    def answer(self, key: tuple | None, compute: Callable[[], Answer]) -> Answer:
        if key is None:
            return compute()
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
            gate = self._inflight.setdefault(key, threading.Lock())
        with gate:
            with self._lock:
                hit = self._items.get(key)
                if hit is not None:
                    return hit[0]
            result = compute()
            with self._lock:
                self._items[key] = (result, OrderedDict())
                self._items.move_to_end(key)
                while len(self._items) > self.size:
                    self._items.popitem(last=False)
                self._inflight.pop(key, None)
            return result

    def message(self, key: tuple | None, variant: tuple, build: Callable[[], SlackMessage]) -> SlackMessage:
        """The message rendered from the answer cached at ``key`` for ``variant``: built once by
        ``build()``, then reused; built every time when the answer is not (or no longer) cached."""
        with self._lock:
            hit = self._items.get(key) if key is not None else None
            if hit is None:
                cached = None
            else:
                cached = hit[1].get(variant)
        if hit is None:
            return build()
        if cached is not None:
            return cached
        msg = build()
        with self._lock:
            messages = hit[1]
            messages[variant] = msg
            while len(messages) > self.variants:
                messages.popitem(last=False)
        return msg


def with_records(ans: Answer, data, today: dt.date, proposals: Callable[[Answer, dt.date], list[dict]]) -> Answer:
    """``ans`` with what the records add: the outcome of the proposals ``proposals(ans, today)`` gives
    (上月建议的结果, ``roi_core.follow_up``) and the campaign's alerts of today (今日预警, ``roi_core.monitor``).
    A copy when anything is added; ``ans`` itself (never changed) otherwise."""
    followed = with_follow_up(ans, proposals(ans, today), data, today)
    return with_alerts(followed, data, today)


def answer_question(text: str, data, today: dt.date, proposals: Callable[[Answer, dt.date], list[dict]], *,
                    reader: ModelReader | None = None, config: AppConfig | None = None) -> Answer:
    """The whole answer to ``text`` on ``data`` at ``today``, computed afresh (no cache): what
    ``python -m bot ask`` prints. RoiError (a question or data the core refuses) passes through. With a
    ``reader`` (ROI_LLM_URL), a question the rules cannot read is read by the language model (roi_app.llm).
    With ``config``, 触点 and 订单 come from its table sources when named (roi_app.table_sources)."""
    query = parse_query(text, today)
    if config is not None:
        data = with_table_sources(query, data, config, today)
    ans = with_table_notes(answer_or_read(reader, query, data, today), data)
    return with_records(ans, data, today, proposals)


def answer_json(ans: Answer) -> dict:
    """The JSON of ``ans`` (``roi_core.answer_json``), with ``read_by: "llm"`` when the language model read
    the question (roi_app.llm)."""
    out = core_answer_json(ans)
    if getattr(ans, "read_by", None):
        out["read_by"] = ans.read_by
    return out


class Assistant:
    """Answers questions for every door: ``answer_with_key`` for the answer, ``result_for(text)`` for its
    Slack message (never raises)."""

    def __init__(self, config: AppConfig, *, read: Callable[[AppConfig], object] | None = None,
                 today: Callable[[], dt.date] | None = None, chart_button: bool = False,
                 reader: ModelReader | None = None):
        self.config = config
        self._read = read or sheets.read_sheet  # the read cache (and its burst sharing) is the sheets layer's
        # the team's date, in 设置 时区 as last read (TIMEZONE overrides): the core never reads a clock
        self._zone = config.timezone or Settings().timezone
        self._today = today or (lambda: config.today_in(self._zone))
        self.cache = AnswerCache()
        self._flights = SingleFlight()  # the same text asked while it is being answered: one result for all
        self.chart_button = chart_button
        # the closed loop: proposals recorded by the monthly job and the daily check, for 月报 and campaign answers
        self.proposals = proposal_lookup(config)
        # questions the rules cannot read go to the language model when ROI_LLM_URL is set (roi_app/llm.py)
        self.reader = reader or ModelReader.from_config(config)

    def options(self, data=None) -> RenderOptions:
        return RenderOptions(sheet_url=sheets.sheet_link(self.config.source, self.config.sheet_url),
                             fetched_at=getattr(data, "fetched_at", None), chart_button=self.chart_button)

    def today(self) -> dt.date:
        """The team's date now (设置 时区 or TIMEZONE): what every question is read against."""
        return self._today()

    def answer_with_key(self, query: Query) -> tuple[Answer, object, tuple | None]:
        """``answer`` plus the answer-cache key its rendered messages are kept under (None: build afresh).

        The one path from a question to an answer for Slack, the plugin API and every door to come.
        """
        data = self._read(self.config)
        if not self.config.timezone:
            self._zone = data.settings.timezone
        today = self._today()
        key = self.cache.key(query, data, today)
        if key is not None and self.reader is not None:
            key += (query.raw,)  # the model reads the words as typed: two texts parsed alike may mean different things
        ans = self.cache.answer(key, lambda: self._compute(query, data, today))
        followed = with_records(ans, data, today, self.proposals)  # a copy, never the cached answer
        if followed is not ans:  # its message is built afresh (the records may change within one sheet read)
            return followed, data, None
        return ans, data, key

    def _compute(self, query: Query, data, today: dt.date) -> Answer:
        data = with_table_sources(query, data, self.config, today)  # 触点 / 订单 from ROI_TOUCHES / ROI_ORDERS / 设置
        if stale_key(data) is None:
            return with_table_notes(answer_or_read(self.reader, query, data, today), data)
        # a stale copy: the core answers the read it is a copy of; the warning names why (roi_app/stale.py)
        return marked_stale(with_table_notes(answer_or_read(self.reader, query, fresh_view(data), today), data), data)

    def answer(self, query: Query) -> tuple[Answer, object]:
        """Read the sheet (cached by the sheets layer) and answer ``query``; RoiError passes through."""
        ans, data, _ = self.answer_with_key(query)
        return ans, data

    def render(self, ans: Answer, data, key: tuple | None = None) -> SlackMessage:
        """``build_message`` for ``ans``; with the answer's cache ``key``, reused while the data's age
        reads the same (whole minutes)."""
        opts = self.options(data)
        fetched = opts.fetched_at
        age = None if fetched is None else int((dt.datetime.now(dt.UTC) - fetched).total_seconds() // 60)
        return self.cache.message(key, (age, opts.sheet_url, opts.chart_button), lambda: build_message(ans, opts))

    def result_for_query(self, query: Query) -> Result:
        try:
            ans, data, key = self.answer_with_key(query)
            return Result(self.render(ans, data, key), ans)
        except RoiError as err:  # no such data, broken sheet, Google down, bad month, …
            log.info("answer refused: %s", err.message)
            return Result(error_message(err.message, err.hint, query.lang))
        except Exception:  # our own bug: log it whole, tell the user plainly
            log.exception("unexpected error answering %r", query.raw or query.kind)
            return Result(error_message(BUG_MESSAGE, BUG_HINT, query.lang))

    def result_for(self, text: str) -> Result:
        """The result for ``text`` as typed. Askers of the same text while it is being answered share that
        one result (a burst of ``/roi 618活动`` costs one parse, read and answer), provided it started
        within ``SHEET_CACHE_TTL`` seconds of their question: never older data than a read of their own."""
        today = self._today()
        return self._flights.do((text or "", today), lambda: self._result_for(text, today),
                                max_age=self.config.sheet_cache_ttl)

    def _result_for(self, text: str, today: dt.date) -> Result:
        try:
            query = parse_query(text or "", today)
        except RoiError as err:
            return Result(error_message(err.message, err.hint, _error_lang(text or "", err.message)))
        except Exception:
            log.exception("unexpected error parsing %r", text)
            return Result(error_message(BUG_MESSAGE, BUG_HINT))
        return self.result_for_query(query)
