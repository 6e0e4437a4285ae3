"""An optional language model for the questions the rules cannot read (docs/llm.md).

Off unless ``ROI_LLM_URL`` is set (with ``ROI_LLM_MODEL``, and ``ROI_LLM_KEY`` where the provider wants one):
any OpenAI-compatible chat-completions endpoint (DeepSeek, Qwen on DashScope, OpenAI, a local Ollama or vLLM).

Only when the rules fail, :func:`answer_or_read` asks the model: when the understander raises its
not-understood error (看不懂「…」), or reads the whole question as a campaign the sheet does not have
(没有找到活动「…」). One request, sent with ``requests``, carries the question, today's date, the sheet's
campaign and channel names and the query's JSON schema as structured output
(``response_format: {type: json_schema, json_schema: {name, strict: true, schema}}``, built from the query
model by ``roi_app.llm_query``); never a figure, never a row. The reply is checked against the same query
model (``query_from_reply``) and answered by the core like any question; anything else (no reply within the
deadline, HTTP 401/429/5xx, malformed JSON, a wrong type, a kind that does not exist, a name not in the
sheet, an answer the core refuses) is logged without the key and discarded: the rules' answer stands, with
its suggestions. No retry: the user is waiting.

An answer read by the model says so: a first warning line (（由语言模型理解）…) and ``read_by: "llm"`` in
its JSON (:func:`roi_app.answers.answer_json`).
"""

from __future__ import annotations

import copy
import datetime as dt
import inspect
import json
import logging
import re
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit

import requests

from roi_app.llm_query import Rejected, query_from_reply, query_schema
from roi_core import Answer, Query, answer
from roi_core.answer import NoMatchAnswer
from roi_core.errors import QueryError, RoiError
from roi_core.query import KEYWORDS, KINDS, METRICS

log = logging.getLogger(__name__)

#: seconds the user waits for the model at most, request and reply together
DEADLINE = 5.0
#: the sheet's names sent at most (the latest campaigns first): a prompt stays small on a big sheet
MAX_CAMPAIGNS = 300
MAX_CHANNELS = 100
MAX_REPLY_BYTES = 256 * 1024
SCHEMA_NAME = "roi_query"
READ_BY = "llm"
NOTE = {"zh": "（由语言模型理解）规则没有读懂这句话，以上是语言模型的理解，请核对是否是你要问的",
        "en": "(Read by the language model) the rules could not read this question; check this is what you asked"}
_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.S)


def chat_completions_url(base: str) -> str:
    """The endpoint for ``base``: a provider's base URL (``…/v1``) gets ``/chat/completions``; a URL that
    already ends so is kept.

    >>> chat_completions_url("https://api.deepseek.com/v1/"), chat_completions_url("http://127.0.0.1:1/v1/chat/completions")
    ('https://api.deepseek.com/v1/chat/completions', 'http://127.0.0.1:1/v1/chat/completions')
    """
    base = base.rstrip("/")
    return base if base.endswith("/chat/completions") else base + "/chat/completions"


def _names(column, order_by=None, limit: int = MAX_CAMPAIGNS) -> list[str]:
    values = column if order_by is None else column.loc[order_by.sort_values(ascending=False, kind="stable").index]
    return [str(v) for v in values.dropna().unique()[:limit] if str(v).strip()]


def _instructions(today: dt.date, campaigns: list[str], channels: list[str]) -> str:
    """The system message: what a query is (the Query's own docstring, its kinds and metrics) and the names."""
    words = "; ".join(f"{kind}: {' / '.join(w for w in ws[:3])}" for kind, ws in KEYWORDS.items())
    return "\n".join([
        "You read one question a marketer asked about their marketing-ROI sheet and reply with one query: JSON "
        "that fits the given schema, nothing else.",
        f"Today is {today.isoformat()} (the team's date); periods such as 上个月 or last quarter are inclusive "
        "dates worked out from it.",
        "The query, as the code documents it:",
        inspect.cleandoc(Query.__doc__ or ""),
        f"Kinds: {', '.join(KINDS)}. Words for some of them: {words}.",
        f"Metrics: {', '.join(METRICS)}.",
        f"order: best is the good end of the figure ranked by: the highest, but the lowest for {_lower_better()} "
        "(the channel that costs most is metric cost, order worst).",
        "Campaigns in the sheet (text is one of them exactly, or null): " + json.dumps(campaigns, ensure_ascii=False),
        "Channels in the sheet (channel is one of them exactly, or null): " + json.dumps(channels, ensure_ascii=False),
        "Use null for whatever the question does not say. A question that is not about this sheet is kind help.",
    ])


def _lower_better() -> str:
    """The figures whose best end is the lowest, as the core ranks them (roi_core.query.lexicon)."""
    try:
        from roi_core.query.lexicon import LOWER_BETTER
    except ImportError:
        return "cost, cac and cpa"
    return ", ".join(sorted(LOWER_BETTER))


def _rules_sample(lang: str) -> QueryError | None:
    try:
        from roi_core.query import _not_understood

        return _not_understood("\x00", lang)
    except Exception:  # the core changed how it builds the error: then only a named error class counts
        return None


def rules_failed(err: BaseException) -> bool:
    """True for the understander's not-understood error (看不懂「…」 / Could not read 「…」), told apart from
    the errors of questions understood and refused (a bad month, a future period) the way the core builds it:
    its own class when it has one, else the words its message starts with (read from the core, not copied)."""
    if not isinstance(err, QueryError):
        return False
    for lang in ("zh", "en"):
        sample = _rules_sample(lang)
        if sample is None:
            continue
        if type(sample) is not QueryError:
            return isinstance(err, type(sample))
        prefix = sample.message.split("\x00")[0]
        if len(prefix) >= 2 and err.message.startswith(prefix):
            return True
    return False


def read_by_model(ans: Answer) -> Answer:
    """A copy of ``ans`` marked as read by the model: its first warning says so and ``read_by`` is "llm"."""
    out = copy.copy(ans)
    out.warnings = [NOTE.get(ans.lang, NOTE["zh"]), *ans.warnings]
    out.read_by = READ_BY
    return out


class ModelReader:
    """One OpenAI-compatible chat-completions endpoint that reads a question into a :class:`Query`.

    ``url`` is the provider's base URL (or the full ``…/chat/completions``), ``key`` the bearer token (None
    for a local server that needs none; never shown: not in ``repr``, logs or messages), ``deadline`` the
    seconds the whole request may take. ``session`` is a ``requests.Session`` (a new one by default).
    """

    def __init__(self, url: str, model: str, key: str | None = None, *, deadline: float = DEADLINE,
                 session: requests.Session | None = None):
        self.endpoint = chat_completions_url(url)
        self.host = urlsplit(self.endpoint).hostname or "?"
        self.model = model
        self.deadline = deadline
        self._key = key
        self._session = session or requests.Session()

    def __repr__(self) -> str:
        return f"ModelReader(host={self.host!r}, model={self.model!r}, deadline={self.deadline:g})"

    @classmethod
    def from_config(cls, config) -> ModelReader | None:
        """The reader ``config`` asks for (ROI_LLM_URL, ROI_LLM_MODEL, ROI_LLM_KEY); None when it is off."""
        if not getattr(config, "llm_url", None):
            return None
        return cls(config.llm_url, config.llm_model, config.llm_key)

    def request_body(self, question: str, today: dt.date, campaigns: list[str], channels: list[str]) -> dict:
        """The chat-completions request: the question, today, the names and the query's schema; no figure."""
        return {
            "model": self.model,
            "messages": [{"role": "system", "content": _instructions(today, campaigns, channels)},
                         {"role": "user", "content": question}],
            "response_format": {"type": "json_schema",
                                "json_schema": {"name": SCHEMA_NAME, "strict": True, "schema": query_schema()}},
        }

    def read(self, question: str, *, today: dt.date, lang: str, campaigns: list[str],
             channels: list[str]) -> Query | None:
        """The Query the model reads in ``question`` (names checked against ``campaigns`` / ``channels``), or
        None when it did not answer in time, answered an error or a reply the query model refuses (logged)."""
        started = time.monotonic()
        body = json.dumps(self.request_body(question, today, campaigns, channels), ensure_ascii=False)
        status, payload, failure = self._post(body.encode("utf-8"))
        elapsed = time.monotonic() - started
        if failure is not None:
            log.warning("language model at %s not used (%.2f s): %s", self.host, elapsed, failure)
            return None
        if status != 200:
            log.warning("language model at %s not used (%.2f s): HTTP %s%s", self.host, elapsed, status,
                        _error_code(payload))
            return None
        try:
            query = query_from_reply(_reply_object(payload), question=question, lang=lang,
                                     campaigns=campaigns, channels=channels)
        except Rejected as err:
            log.warning("language model at %s: reply discarded (%.2f s): %s", self.host, elapsed, err)
            return None
        log.info("question read by the language model at %s in %.2f s as kind %s", self.host, elapsed, query.kind)
        return query

    def answer(self, query: Query, data, today: dt.date,
               answer_fn: Callable[[Query, object, dt.date], Answer] = answer) -> Answer | None:
        """The answer to the model's reading of ``query.raw`` on ``data``, marked as read by the model; None
        when there is no reading, or the core refuses it or finds no such campaign (logged)."""
        rows = data.campaigns
        campaigns = _names(rows["campaign"], rows["start_date"] if "start_date" in rows else None)
        channels = _names(rows["channel"], limit=MAX_CHANNELS)
        read = self.read(query.raw, today=today, lang=query.lang, campaigns=campaigns, channels=channels)
        if read is None:
            return None
        try:
            ans = answer_fn(read, data, today)
        except RoiError as err:
            log.warning("language model's reading (kind %s) not answered: %s", read.kind, err.message)
            return None
        except Exception:  # a reading the rules never make may reach a corner of the core: the rules' answer stands
            log.warning("language model's reading (kind %s) failed in the core", read.kind, exc_info=True)
            return None
        if isinstance(ans, NoMatchAnswer):
            return None
        return read_by_model(ans)

    def _post(self, body: bytes) -> tuple[int | None, bytes | None, str | None]:
        """(status, body, None) when the endpoint answered within the deadline, else (None, None, why)."""
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        if self._key:
            headers["Authorization"] = f"Bearer {self._key}"
        box: dict = {}
        done = threading.Event()

        def run() -> None:
            try:
                # no redirects: a bearer token follows nobody; requests' own timeouts end this thread soon after
                # the deadline (a second later, so the wait below is what tells the user, never a race with it)
                with self._session.post(self.endpoint, data=body, headers=headers, stream=True,
                                        timeout=(self.deadline, self.deadline + 1), allow_redirects=False) as resp:
                    box["status"] = resp.status_code
                    box["body"] = _capped(resp)
            except requests.RequestException as exc:
                box["failure"] = f"{type(exc).__name__} (no reply)"
            except ValueError as exc:
                box["failure"] = str(exc)
            finally:
                done.set()

        # the whole request within the deadline (connecting, sending, a reply trickling in): a thread we wait for
        threading.Thread(target=run, name="roi-llm-request", daemon=True).start()
        if not done.wait(self.deadline):
            return None, None, f"no reply within {self.deadline:g} s"
        if "failure" in box:
            return None, None, box["failure"]
        return box["status"], box["body"], None


def _capped(resp) -> bytes:
    chunks, size = [], 0
    for chunk in resp.iter_content(64 * 1024):
        size += len(chunk)
        if size > MAX_REPLY_BYTES:
            raise ValueError(f"reply over {MAX_REPLY_BYTES // 1024} KiB")
        chunks.append(chunk)
    return b"".join(chunks)


def _error_code(payload: bytes | None) -> str:
    """`` (type/code)`` of an OpenAI-shaped error body; its message is never logged (a 401's may echo the key)."""
    try:
        error = json.loads(payload or b"").get("error") or {}
        words = [str(error[k])[:40] for k in ("type", "code") if isinstance(error, dict) and error.get(k)]
    except (ValueError, AttributeError):
        return ""
    return f" ({'/'.join(words)})" if words else ""


def _reply_object(payload: bytes | None):
    """The JSON object in the reply's first choice; Rejected for anything else (a refusal, not JSON)."""
    try:
        message = json.loads(payload or b"")["choices"][0]["message"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise Rejected("the reply is not a chat completion") from None
    if not isinstance(message, dict):
        raise Rejected("the reply's message is not an object")
    if message.get("refusal"):
        raise Rejected("the model refused to answer")
    content = message.get("content")
    if not isinstance(content, str):
        raise Rejected("the reply has no text")
    fenced = _FENCE.match(content)  # a local model may wrap its JSON in a code fence
    try:
        return json.loads(fenced.group(1) if fenced else content)
    except ValueError:
        raise Rejected(f"the reply is not JSON: {content[:60]!r}") from None


def answer_or_read(reader: ModelReader | None, query: Query, data, today: dt.date,
                   answer_fn: Callable[[Query, object, dt.date], Answer] = answer) -> Answer:
    """``answer_fn(query, data, today)``, unless the rules fail to read ``query.raw`` and ``reader`` is set:
    then the model's reading answered, when it is a good one. The rules fail when the understander raises its
    not-understood error or the answer finds no campaign named like the question (没有找到活动「…」); the
    rules' error or answer stands when the model does not help. Other errors pass through as they are."""
    try:
        ans = answer_fn(query, data, today)
    except QueryError as err:
        if reader is None or not query.raw or not rules_failed(err):
            raise
        better = reader.answer(query, data, today, answer_fn)
        if better is None:
            raise
        return better
    if reader is not None and query.raw and isinstance(ans, NoMatchAnswer):
        return reader.answer(query, data, today, answer_fn) or ans
    return ans
