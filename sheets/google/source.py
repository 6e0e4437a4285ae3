"""The shared Google Sheet through gspread, read in one call and written politely.

- Credentials: a service account (``GOOGLE_SERVICE_ACCOUNT_JSON``, a file path
  or the JSON itself); its own ``token_uri`` is honoured. A malformed JSON, a
  key that does not parse, or a token service that fails, times out or answers
  nonsense each become a named :mod:`sheets.errors` error with one Chinese
  line naming the setting and the fix, never a traceback.
- Endpoint: ``GOOGLE_SHEETS_API_URL`` replaces ``https://sheets.googleapis.com``
  (staging, an emulator, the tests' loopback fake) with no code change.
- Reads: the people's tabs in ONE ``values:batchGet`` with ``UNFORMATTED_VALUE``
  and ``SERIAL_NUMBER``; tab titles come from the spreadsheet's metadata, asked
  once per process and key (and again only if a tab went missing).
- Writes: only the assistant's tabs, with ``RAW`` (so ``=IMPORTXML(...)`` stays
  text), only the cells we own. Values are written before anything is cleared,
  so a write that is refused (403) has destroyed nothing.

Deadlines and retries
---------------------
Every operation (a read, one write) runs against a deadline: ``deadline``
(default :data:`INTERACTIVE_DEADLINE`, 20 s, what a person waiting for an answer
can bear) or ``write_deadline`` (default :data:`JOB_DEADLINE`, 120 s, the monthly
job); ``read(deadline=...)`` overrides it per call. The connect and read timeout
of every attempt, the token fetch included, is cut to what is left of it, and
no retry starts that could not finish in time, so the deadline bounds the
whole operation.

Retries are urllib3's :class:`~urllib3.util.Retry` mounted on gspread's requests
session (exponential backoff with jitter, ``Retry-After`` honoured up to
:data:`RETRY_AFTER_CAP` seconds and only while the deadline allows), with two
policies chosen per request:

- safe to repeat (reads, ``values.update`` / ``values:batchUpdate`` to explicit
  ranges, clears, the token fetch): retried on 408/429/5xx, timeouts and
  dropped connections;
- not safe to repeat blind (``spreadsheets:batchUpdate`` — addSheet, addChart,
  appendDimension — and appends): retried only when the request surely did not
  run (429, a connection never made). After a timeout or a 5xx the first
  attempt may have been applied, so the adapter re-reads the spreadsheet's
  structure and sends only what is still missing. addSheet and addChart carry
  ids we choose, so a late first attempt and its re-send cannot both land
  (Google rejects an id that already exists).

Which errors may be retried later
---------------------------------
A caller with a clock (the monthly job, the read cache) decides by
``err.retryable``: :class:`~sheets.errors.SourceUnavailable` (Google down, 429,
5xx, timeouts, token service failing) is retryable;
:class:`~sheets.errors.SourceNotFound` / :class:`~sheets.errors.PermissionDenied`
/ :class:`~sheets.errors.WriteDenied` (404, 403) and
:class:`~sheets.errors.NotConfigured` / :class:`~sheets.errors.CredentialsRejected`
(settings, key refused) are not: they need a person to act.
"""

from __future__ import annotations

import json
import logging
import random
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import urlsplit

import google.auth.exceptions
import gspread
import requests
from google.auth.transport.requests import AuthorizedSession
from google.auth.transport.requests import Request as GoogleAuthRequest
from google.oauth2.service_account import Credentials as ServiceAccountCredentials
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient
from gspread.utils import rowcol_to_a1
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util import Retry, Timeout

from roi_core.schema import MONTHLY_SUMMARY_TAB, PEOPLE_TABS, find_tab
from roi_runtime.config import AppConfig
from sheets.base import RawTabs, SheetSource, check_writable, resolve_tab, upsert_grid
from sheets.errors import (
    CredentialsRejected,
    NotConfigured,
    PermissionDenied,
    SheetsError,
    SourceNotFound,
    SourceUnavailable,
    WriteDenied,
)

log = logging.getLogger("sheets.google")  # the name it had as a module

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)
CHART_TITLE = "ROI 月度趋势"

INTERACTIVE_DEADLINE = 20.0  # seconds for a read someone in Slack is waiting on
JOB_DEADLINE = 120.0  # seconds for the monthly job's read and each of its writes
RETRY_AFTER_CAP = 30  # a longer Retry-After is not waited for: the operation fails (retryable)
CONNECT_TIMEOUT = 5.0
READ_TIMEOUT = 60.0  # per attempt; always cut to what is left of the deadline
MIN_ATTEMPT = 0.5  # no retry is started with less time than this left after its pause
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
MAX_RETRIES = 8  # the deadline is the real bound; this only stops a tight loop of instant failures


# ------------------------------------------------------------------ the deadline of one operation
class Budget:
    """The time one operation may take, measured on ``clock``; pauses between retries go through ``sleep``."""

    def __init__(self, seconds: float, clock: Callable[[], float], sleep: Callable[[float], None]):
        self.seconds = seconds
        self.clock = clock
        self.sleep = sleep
        self.started = clock()
        self.retries = 0

    def left(self) -> float:
        return self.seconds - (self.clock() - self.started)


# A ContextVar, not an attribute: urllib3 consults it from inside the request (Retry, Timeout),
# and two threads sharing one GoogleSource must not share a deadline.
_BUDGET: ContextVar[Budget | None] = ContextVar("sheets_google_budget", default=None)
_POLICY: ContextVar[Retry | None] = ContextVar("sheets_google_retry_policy", default=None)


class _BudgetRetry(Retry):
    """urllib3's Retry, but a retry whose pause would run past the operation's deadline is not made,
    and the pause goes through the operation's (injectable) sleep."""

    _wait: float = 0.0

    def get_backoff_time(self) -> float:
        # urllib3 retries the first failure at once; a random pause spreads a crowd of workers apart
        return max(super().get_backoff_time(), random.uniform(0.0, self.backoff_factor))

    def _planned_wait(self, response) -> float:
        if response is not None and self.respect_retry_after_header:
            try:
                after = self.get_retry_after(response)  # already capped at retry_after_max
            except Exception:  # an unparsable Retry-After: back off as if there were none
                after = None
            if after:
                return after
        return self.get_backoff_time()

    def increment(self, method=None, url=None, response=None, error=None, _pool=None, _stacktrace=None):
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        wait = new._planned_wait(response)
        budget = _BUDGET.get()
        if budget is not None:
            if budget.left() - wait < MIN_ATTEMPT:
                reason = error or ResponseError(f"no time left for a retry after HTTP {getattr(response, 'status', '?')}")
                raise MaxRetryError(_pool, url, reason) from reason  # type: ignore[arg-type]
            budget.retries += 1
        cause = type(error).__name__ if error else f"HTTP {getattr(response, 'status', '?')}"
        log.warning("Sheets %s on %s %s; retry %d in %.1fs", cause, method, _path(url or ""), len(new.history), wait)
        new._wait = wait
        return new

    def sleep(self, response=None) -> None:
        if self._wait > 0:
            budget = _BUDGET.get()
            (budget.sleep if budget is not None else time.sleep)(self._wait)


class _UnsafeRetry(_BudgetRetry):
    """For requests that must not run twice: only a 429 (Google did not run it) is retried on a status."""

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        return status_code == 429 and super().is_retry(method, status_code, has_retry_after)


def _policy(cls: type[_BudgetRetry], statuses: frozenset[int], read_retries: int | bool) -> Retry:
    return cls(total=MAX_RETRIES, connect=MAX_RETRIES, read=read_retries, status=MAX_RETRIES, other=0,
               allowed_methods=None, status_forcelist=statuses, backoff_factor=0.5, backoff_max=8.0,
               backoff_jitter=0.5, respect_retry_after_header=True, retry_after_max=RETRY_AFTER_CAP,
               raise_on_status=False)


SAFE_RETRY = _policy(_BudgetRetry, RETRY_STATUSES, MAX_RETRIES)
# read=False: a timeout after the request was sent may mean Google ran it; the caller reconciles
UNSAFE_RETRY = _policy(_UnsafeRetry, frozenset({429}), False)
_SAFE_POST = re.compile(r"/values(:batchUpdate|:batchClear|:batchGet|/[^/]+:clear)$")


def retry_policy(method: str, url: str) -> Retry:
    """The retry policy for one Sheets request: SAFE_RETRY when sending it twice does no harm."""
    path = urlsplit(url).path
    if method.upper() in ("GET", "HEAD", "PUT") or _SAFE_POST.search(path):
        return SAFE_RETRY
    return UNSAFE_RETRY


class _BudgetTimeout(Timeout):
    """urllib3 clones the timeout for every attempt (retries included): each clone gets at most what is
    left of the operation's deadline, so a slow Google cannot hold an operation past it."""

    def clone(self) -> Timeout:
        budget = _BUDGET.get()
        connect, read = self._connect, self._read
        if budget is not None:
            left = max(budget.left(), 0.01)
            connect = left if not isinstance(connect, int | float) else min(connect, left)
            read = left if not isinstance(read, int | float) else min(read, left)
        return Timeout(connect=connect, read=read)


def _budget_timeout(timeout) -> _BudgetTimeout:
    if isinstance(timeout, tuple):
        return _BudgetTimeout(connect=timeout[0], read=timeout[1])
    if isinstance(timeout, Timeout):
        return _BudgetTimeout(connect=timeout.connect_timeout, read=timeout.read_timeout)
    if timeout is None:
        return _BudgetTimeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    return _BudgetTimeout(connect=timeout, read=timeout)


class DeadlineAdapter(HTTPAdapter):
    """A requests adapter that picks the retry policy per request (``policy(method, url)``) and cuts every
    attempt's timeouts to the operation's deadline. Mounted on gspread's session and on the token session."""

    def __init__(self, policy: Callable[[str, str], Retry] = retry_policy, **kw):
        self._policy = policy
        super().__init__(**kw)

    # requests reads self.max_retries inside send(); the per-request policy is handed over through a
    # ContextVar so one adapter can serve threads sending different requests at once
    @property
    def max_retries(self) -> Retry:
        return _POLICY.get() or self._default_retries

    @max_retries.setter
    def max_retries(self, value: Retry) -> None:
        self._default_retries = value

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):
        token = _POLICY.set(self._policy(request.method or "GET", request.url or ""))
        try:
            return super().send(request, stream=stream, timeout=_budget_timeout(timeout), verify=verify,
                                cert=cert, proxies=proxies)
        finally:
            _POLICY.reset(token)


class _TokenRequest(GoogleAuthRequest):
    """google-auth's transport for the token fetch, made to fail fast and plainly.

    Our adapter already retried a 5xx/429 within the deadline; google-auth would retry again with its
    own real sleeps, past the deadline, so those become a TransportError here. A 200 that is not a JSON
    object would make google-auth fail with a TypeError deep inside; it is a TransportError too.
    """

    def __call__(self, url, method="GET", body=None, headers=None, timeout=None, **kwargs):
        response = super().__call__(url, method=method, body=body, headers=headers,
                                    timeout=timeout or (CONNECT_TIMEOUT, READ_TIMEOUT), **kwargs)
        if response.status == 429 or response.status >= 500:
            raise google.auth.exceptions.TransportError(f"登录服务答复 HTTP {response.status}")
        if response.status == 200:
            try:
                ok = isinstance(json.loads(response.data), dict)
            except (ValueError, UnicodeDecodeError):
                ok = False
            if not ok:
                raise google.auth.exceptions.TransportError("登录服务的答复不是 JSON")
        return response


# ------------------------------------------------------------------ errors
class _RangeGone(SheetsError):
    """A tab we asked for by its cached title is no longer there (renamed or deleted)."""


class _Conflict(SheetsError):
    """A structural request found its work already done (a tab or chart id exists, an object is gone)."""


class _Unsure(SourceUnavailable):
    """A request that changes the sheet failed in a way that leaves unknown whether Google applied it."""


def _path(url: str) -> str:
    return url.split("?")[0][-80:]


def _api_message(err: APIError) -> str:
    if err.args and isinstance(err.args[0], dict):
        return str(err.args[0].get("message", ""))
    return str(err)


def _cause(err: requests.RequestException) -> str:
    text = repr(err)
    if "Read timed out" in text or isinstance(err, requests.exceptions.ReadTimeout):
        return "Google 迟迟没有答复"
    if "NewConnectionError" in text or isinstance(err, requests.exceptions.ConnectTimeout):
        return "连不上 Google"
    return f"连接中断：{type(err).__name__}"


def _seconds(value: float) -> str:
    return f"{value:.0f}" if value >= 10 else f"{value:.1f}".rstrip("0").rstrip(".")


class _GoogleHTTPClient(HTTPClient):
    """gspread's HTTP client with a configurable endpoint, operation deadlines, and plain errors."""

    api_url: str | None = None
    sheet_name: str = "Google 表格"
    client_email: str = ""
    default_deadline: float = INTERACTIVE_DEADLINE
    clock: Callable[[], float] = staticmethod(time.monotonic)
    sleep: Callable[[float], None] = staticmethod(time.sleep)

    @contextmanager
    def budget(self, seconds: float | None = None) -> Iterator[Budget]:
        """The running operation's deadline, or a new one of ``seconds`` (default: ``default_deadline``)."""
        current = _BUDGET.get()
        if current is not None:
            yield current
            return
        budget = Budget(seconds or self.default_deadline, self.clock, self.sleep)
        token = _BUDGET.set(budget)
        try:
            yield budget
        finally:
            _BUDGET.reset(token)

    def request(self, method, endpoint, params=None, data=None, json=None, files=None, headers=None):
        if self.api_url and endpoint.startswith(GOOGLE_SHEETS_URL):
            endpoint = self.api_url.rstrip("/") + endpoint[len(GOOGLE_SHEETS_URL):]
        writes = method.upper() != "GET"
        with self.budget() as budget:
            if budget.left() <= 0:
                raise self._late(budget, "时间已用完", writes)
            try:
                return super().request(method, endpoint, params=params, data=data, json=json, files=files,
                                       headers=headers)
            except APIError as err:
                raise self._friendly(err, writes, budget) from None
            except google.auth.exceptions.RefreshError as err:
                raise self._token_refused(err) from None
            except google.auth.exceptions.TransportError as err:
                inner = err.__cause__ if isinstance(err.__cause__, requests.RequestException) else None
                cause = _cause(inner) if inner is not None else str(err.args[0] if err.args else type(err).__name__)
                raise SourceUnavailable(
                    f"拿不到 Google 的访问令牌（{cause}），读不了 Google 表格「{self.sheet_name}」",
                    "Google 的登录服务暂时不可用：稍后再试；如果一直如此，检查网络，或服务账号 JSON 里的 token_uri") from None
            except (requests.exceptions.InvalidURL, requests.exceptions.MissingSchema,
                    requests.exceptions.InvalidSchema):
                raise NotConfigured(f"GOOGLE_SHEETS_API_URL「{self.api_url}」不是有效的网址",
                                    "填 https://主机名[:端口]，或删掉这个设置以使用 Google 本身") from None
            except requests.RequestException as err:
                surely_not_sent = isinstance(err, requests.exceptions.ConnectTimeout) or (
                    isinstance(err, requests.ConnectionError) and "NewConnectionError" in repr(err))
                raise self._late(budget, _cause(err), writes and not surely_not_sent) from None

    def _late(self, budget: Budget, cause: str, unsure: bool) -> SourceUnavailable:
        cls = _Unsure if unsure else SourceUnavailable
        return cls(f"Google 表格「{self.sheet_name}」在 {_seconds(budget.seconds)} 秒内没有完成请求"
                   f"（{cause}，已重试 {budget.retries} 次）",
                   "稍后再试；如果一直如此，检查网络或 Google 服务状态（status.cloud.google.com）")

    def _friendly(self, err: APIError, writes: bool, budget: Budget) -> SheetsError:
        status = err.response.status_code
        sheet, message = self.sheet_name, _api_message(err)
        account = f"服务账号 {self.client_email} " if self.client_email else "服务账号（client_email）"
        if status == 404:
            return SourceNotFound(f"找不到 Google 表格「{sheet}」", "检查链接或 ID 是否正确，以及表格是否已被删除")
        if status == 403 and ("has not been used" in message or "is disabled" in message):
            return NotConfigured("服务账号所在的 Google Cloud 项目没有启用 Google Sheets API",
                                 "在 Google Cloud 控制台的「API 和服务」里启用 Google Sheets API，几分钟后再试")
        if status == 401:
            return CredentialsRejected("Google 不接受服务账号的访问令牌（HTTP 401）",
                                       "检查 GOOGLE_SERVICE_ACCOUNT_JSON 的密钥是否已被删除或停用；重新下载后再填")
        if status == 403:
            if writes:
                return WriteDenied(f"没有权限写入 Google 表格「{sheet}」（HTTP 403）",
                                   f"在表格里点「共享」，把{account}设为「编辑者」（Editor）；"
                                   "如果助手的标签页设了保护范围，也要允许它编辑")
            return PermissionDenied(f"没有权限读取 Google 表格「{sheet}」（HTTP 403）",
                                    f"在表格里点「共享」，把{account}加为「编辑者」（Editor）")
        if status == 429:
            after = err.response.headers.get("Retry-After")
            asked = f"，Google 要求 {after} 秒后再试" if after else ""
            return SourceUnavailable(f"Google 表格「{sheet}」的请求太频繁（HTTP 429{asked}，已重试 {budget.retries} 次）",
                                     "过一两分钟再试")
        if status in RETRY_STATUSES or status >= 500:
            cls = _Unsure if writes else SourceUnavailable
            return cls(f"Google 表格「{sheet}」暂时不可用（HTTP {status}，已重试 {budget.retries} 次）", "稍后再试")
        if status == 400 and ("already exists" in message or "No embedded object" in message):
            return _Conflict(message)
        if status == 400 and "range" in message.lower():
            return _RangeGone(f"Google 表格「{sheet}」里找不到要读的标签页：{message}", "检查标签页是否被改名或删除")
        return SheetsError(f"Google 表格「{sheet}」拒绝了请求（HTTP {status}）：{message}", "检查表格结构后再试")

    def _token_refused(self, err: google.auth.exceptions.RefreshError) -> SheetsError:
        detail = err.args[0] if err.args and isinstance(err.args[0], str) else "RefreshError"
        if getattr(err, "retryable", False):
            return SourceUnavailable(f"Google 的登录服务暂时不可用（{detail[:120]}）", "稍后再试")
        return CredentialsRejected(f"Google 拒绝了服务账号的密钥（{detail[:120]}）",
                                   "GOOGLE_SERVICE_ACCOUNT_JSON 的密钥可能已被删除、停用或不完整："
                                   "在 Google Cloud 控制台为服务账号新建 JSON 密钥，原样填入")


# ------------------------------------------------------------------ settings
def service_account_info(value: str) -> dict:
    """GOOGLE_SERVICE_ACCOUNT_JSON: the JSON text itself or a path to the key file, checked for the fields
    a token needs. Raises NotConfigured naming what is wrong (never echoing the key)."""
    text = value.strip()
    if not text.startswith("{"):
        path = Path(text).expanduser()
        try:
            exists = path.is_file()
        except OSError:  # e.g. a name too long: it was meant as JSON, not a path
            exists = False
        if not exists:
            raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 既不是 JSON，也不是存在的密钥文件路径",
                                "填服务账号密钥文件的路径，或密钥 JSON 本身（以 { 开头）")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise NotConfigured(f"读不了服务账号密钥文件 {path}", "检查文件权限，或改为直接填入密钥 JSON") from None
    try:
        info = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 不是有效的 JSON",
                            "从 Google Cloud 控制台重新下载服务账号密钥，原样填入（不要改动引号和换行）") from None
    if not isinstance(info, dict) or info.get("type") != "service_account":
        raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 不是服务账号密钥", "需要 type 为 service_account 的 JSON 密钥")
    missing = [f for f in ("client_email", "private_key", "token_uri") if not isinstance(info.get(f), str) or not info[f]]
    if missing:
        raise NotConfigured(f"GOOGLE_SERVICE_ACCOUNT_JSON 缺少 {'、'.join(missing)}",
                            "从 Google Cloud 控制台重新下载完整的服务账号密钥 JSON")
    return info


def _credentials(info: dict) -> ServiceAccountCredentials:
    try:
        return ServiceAccountCredentials.from_service_account_info(info, scopes=list(SCOPES))
    except (ValueError, TypeError, IndexError):
        # the message may quote key material: never pass it on
        raise NotConfigured("GOOGLE_SERVICE_ACCOUNT_JSON 里的私钥（private_key）读不出来",
                            "从 Google Cloud 控制台为服务账号新建 JSON 密钥，原样填入（private_key 里的 \\n 要保留）") from None


def api_url(value: str | None) -> str | None:
    """GOOGLE_SHEETS_API_URL checked: ``http(s)://host[:port][/path]``, or None for Google itself."""
    if not value:
        return None
    try:
        parts = urlsplit(value.strip())
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        parts = None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
        raise NotConfigured(f"GOOGLE_SHEETS_API_URL「{value}」不是有效的网址",
                            "填 https://主机名[:端口]（例如 https://sheets.googleapis.com），或删掉这个设置")
    return value.strip().rstrip("/")


# titles per spreadsheet key, shared by the process: a read is then one batchGet
_TITLES: dict[str, dict] = {}
_TITLES_LOCK = threading.Lock()


def _quote(title: str) -> str:
    return "'" + title.replace("'", "''") + "'"


def _col(n: int) -> str:
    """Column letters of the 1-based column ``n``."""
    return rowcol_to_a1(1, n)[:-1]


def _chart_id(sheet_id: int) -> int:
    # fixed by the tab, so a re-sent addChart is refused by Google instead of drawing a second chart
    return 10**8 + (sheet_id * 7919) % (2**31 - 1 - 10**8)


class GoogleSource(SheetSource):
    """One Google Sheet, by key.

    ``deadline`` bounds each read (default 20 s, for a person waiting), ``write_deadline`` each write
    (default 120 s, for the monthly job); ``read(deadline=...)`` overrides per call. ``sleep`` and
    ``clock`` are injectable so tests of retries and deadlines do not wait.
    """

    def __init__(self, key: str, config: AppConfig, *, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None, deadline: float = INTERACTIVE_DEADLINE,
                 write_deadline: float = JOB_DEADLINE,
                 timeout: float | tuple[float, float] = (CONNECT_TIMEOUT, READ_TIMEOUT)):
        if not config.google_service_account_json:
            raise NotConfigured("没有配置 Google 服务账号", "设置 GOOGLE_SERVICE_ACCOUNT_JSON（见 README 的 Google 设置）")
        self.key = key
        self.display_name = f"Google 表格 {key[:8]}…"
        self.deadline = deadline
        self.write_deadline = write_deadline
        endpoint = api_url(config.google_sheets_api_url)
        info = service_account_info(config.google_service_account_json)
        credentials = _credentials(info)
        self.client_email = info["client_email"]
        # the token fetch goes through its own session, with the same deadline-cut timeouts and safe retries
        token_session = requests.Session()
        token_session.mount("https://", DeadlineAdapter(lambda method, url: SAFE_RETRY))
        token_session.mount("http://", DeadlineAdapter(lambda method, url: SAFE_RETRY))
        session = AuthorizedSession(credentials, auth_request=_TokenRequest(token_session))
        session.mount("https://", DeadlineAdapter())
        session.mount("http://", DeadlineAdapter())
        self.client = gspread.Client(auth=credentials, session=session, http_client=_GoogleHTTPClient)
        self.http: _GoogleHTTPClient = self.client.http_client
        self.http.api_url = endpoint
        self.http.sheet_name = f"{key[:8]}…"
        self.http.client_email = self.client_email
        self.http.default_deadline = deadline
        self.http.set_timeout(timeout)
        if sleep is not None:
            self.http.sleep = sleep
        if clock is not None:
            self.http.clock = clock

    # ---------------------------------------------------------------- metadata
    def metadata(self, refresh: bool = False) -> dict:
        """The spreadsheet's title and tabs (title → properties, charts), cached per process."""
        with _TITLES_LOCK:
            cached = _TITLES.get(self.key)
        if cached is not None and not refresh:
            self._name(cached["title"])
            return cached
        raw = self.http.fetch_sheet_metadata(self.key, params={
            "fields": "properties.title,sheets(properties(sheetId,title,index,gridProperties),charts(chartId,spec.title))"})
        meta = {"title": raw.get("properties", {}).get("title", self.key),
                "sheets": {s["properties"]["title"]: s for s in raw.get("sheets", [])}}
        with _TITLES_LOCK:
            _TITLES[self.key] = meta
        self._name(meta["title"])
        return meta

    def _name(self, title: str) -> None:
        self.display_name = f"Google 表格「{title}」"
        self.http.sheet_name = title

    # ---------------------------------------------------------------- reading
    def read(self, *, deadline: float | None = None):
        """Read and clean the sheet within ``deadline`` seconds (default: this source's ``deadline``).
        Raises SourceUnavailable (retryable) when Google is slow or failing past it."""
        with self.http.budget(deadline or self.deadline):
            return super().read()

    def read_tabs(self) -> RawTabs:
        with self.http.budget(self.deadline):
            meta = self.metadata()
            wanted = self._people_tabs(meta)
            if not wanted:
                return {t: [] for t in meta["sheets"]}
            try:
                ranges = self._batch_get(wanted)
            except _RangeGone:
                # a tab renamed or deleted since the titles were cached: ask again once
                meta = self.metadata(refresh=True)
                wanted = self._people_tabs(meta)
                ranges = self._batch_get(wanted)
            tabs: RawTabs = {t: [] for t in meta["sheets"]}
            for title, value_range in zip(wanted, ranges, strict=True):
                tabs[title] = value_range.get("values", [])
            return tabs

    def _people_tabs(self, meta: dict) -> list[str]:
        titles = list(meta["sheets"])
        return [t for t in (find_tab(spec, titles) for spec in PEOPLE_TABS) if t is not None]

    def _batch_get(self, titles: list[str]) -> list[dict]:
        response = self.http.values_batch_get(self.key, [_quote(t) for t in titles], params={
            "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER",
            "majorDimension": "ROWS"})
        return response.get("valueRanges", [])

    def _values(self, title: str) -> list[list]:
        response = self.http.values_get(self.key, _quote(title), params={
            "valueRenderOption": "UNFORMATTED_VALUE", "dateTimeRenderOption": "SERIAL_NUMBER"})
        return response.get("values", [])

    # ---------------------------------------------------------------- structure
    def _ensure_structure(self, tab: str, rows: int, cols: int, chart_headers: Sequence[str] | None = None) -> None:
        """Make ``tab`` exist with at least rows x cols (and our chart, when ``chart_headers`` allow one).

        A spreadsheets.batchUpdate is not repeated blind: when one times out or gets a 5xx it may have
        been applied, so the structure is read again and only what is still missing is sent.
        """
        for attempt in range(3):
            self.metadata(refresh=attempt > 0)
            structure, sheet_id = self._grow_requests(tab, rows, cols)
            if chart_headers is not None:
                structure += self._chart_requests(tab, sheet_id, chart_headers)
            if not structure:
                return
            try:
                self._apply(structure)
                return
            except (_Unsure, _Conflict) as err:
                if attempt == 2:
                    raise SourceUnavailable(f"Google 表格「{self.http.sheet_name}」的结构改动三次都没有确认成功",
                                            "稍后再试；已经做成的部分不会重复") from err
                log.warning("Sheets structure change on %s unconfirmed (%s); re-reading the structure",
                            tab, type(err).__name__)

    def _apply(self, requests_: list[dict]) -> None:
        """One spreadsheets.batchUpdate; the cached metadata is updated from what we asked, not re-read."""
        response = self.http.batch_update(self.key, {"requests": requests_})
        meta = self.metadata()
        with _TITLES_LOCK:
            for request, reply in zip(requests_, response.get("replies", []), strict=False):
                if "addSheet" in request:
                    props = (reply or {}).get("addSheet", {}).get("properties") or request["addSheet"]["properties"]
                    meta["sheets"][props["title"]] = {"properties": props, "charts": []}
                elif "appendDimension" in request:
                    dim = request["appendDimension"]
                    sheet = self._by_id(meta, dim["sheetId"])
                    grid = sheet["properties"].setdefault("gridProperties", {})
                    field = "rowCount" if dim["dimension"] == "ROWS" else "columnCount"
                    grid[field] = grid.get(field, 0) + dim["length"]
                elif "addChart" in request:
                    chart = request["addChart"]["chart"]
                    sheet = self._by_id(meta, chart["position"]["overlayPosition"]["anchorCell"]["sheetId"])
                    sheet.setdefault("charts", []).append({"chartId": chart["chartId"],
                                                           "spec": {"title": chart["spec"]["title"]}})
                elif "deleteEmbeddedObject" in request:
                    gone = request["deleteEmbeddedObject"]["objectId"]
                    for sheet in meta["sheets"].values():
                        sheet["charts"] = [c for c in sheet.get("charts") or [] if c.get("chartId") != gone]

    @staticmethod
    def _by_id(meta: dict, sheet_id: int) -> dict:
        return next(v for v in meta["sheets"].values() if v["properties"]["sheetId"] == sheet_id)

    def _grow_requests(self, title: str, rows: int, cols: int) -> tuple[list[dict], int]:
        """Requests that create ``title`` or grow it to rows x cols, and its sheetId."""
        meta = self.metadata()
        sheet = meta["sheets"].get(title)
        if sheet is None:
            # we pick the id: a chart can be added in the same batchUpdate, and a re-sent addSheet is refused
            sheet_id = random.randint(10**8, 2**31 - 1)
            return [{"addSheet": {"properties": {"sheetId": sheet_id, "title": title, "gridProperties": {
                "rowCount": max(rows + 100, 200), "columnCount": max(cols, 26), "frozenRowCount": 1}}}}], sheet_id
        grid = sheet["properties"].get("gridProperties", {})
        sheet_id = sheet["properties"]["sheetId"]
        out = []
        if grid.get("rowCount", 0) < rows:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "ROWS",
                                            "length": rows - grid.get("rowCount", 0) + 100}})
        if grid.get("columnCount", 0) < cols:
            out.append({"appendDimension": {"sheetId": sheet_id, "dimension": "COLUMNS",
                                            "length": cols - grid.get("columnCount", 0)}})
        return out, sheet_id

    def _chart_requests(self, tab: str, sheet_id: int, headers: Sequence[str]) -> list[dict]:
        """An addChart for ROI(%) by 月份 on the tab, unless one with our title is there already
        (extra copies of ours, left by an older version, are removed)."""
        if "ROI(%)" not in headers or "月份" not in headers:
            return []
        sheet = self.metadata()["sheets"].get(tab)
        ours = [c for c in (sheet or {}).get("charts", []) or [] if c.get("spec", {}).get("title") == CHART_TITLE]
        if ours:
            return [{"deleteEmbeddedObject": {"objectId": c["chartId"]}} for c in ours[1:] if "chartId" in c]
        month_col, roi_col = list(headers).index("月份"), list(headers).index("ROI(%)")

        def source(col):
            return {"sourceRange": {"sources": [{"sheetId": sheet_id, "startRowIndex": 0, "endRowIndex": 1000,
                                                 "startColumnIndex": col, "endColumnIndex": col + 1}]}}

        return [{"addChart": {"chart": {
            "chartId": _chart_id(sheet_id),
            "spec": {"title": CHART_TITLE, "basicChart": {
                "chartType": "LINE", "legendPosition": "BOTTOM_LEGEND", "headerCount": 1,
                "axis": [{"position": "BOTTOM_AXIS", "title": "月份"}, {"position": "LEFT_AXIS", "title": "ROI(%)"}],
                "domains": [{"domain": source(month_col)}],
                "series": [{"series": source(roi_col), "targetAxis": "LEFT_AXIS"}]}},
            "position": {"overlayPosition": {"anchorCell": {"sheetId": sheet_id, "rowIndex": 1,
                                                            "columnIndex": len(headers) + 1}}}}}}]

    # ---------------------------------------------------------------- writing
    def _assistant_title(self, tab: str) -> str:
        """The sheet's own title for assistant tab ``tab`` (a "Monthly Summary" tab people already have
        takes 月度汇总's rows, as in a workbook: :func:`sheets.base.resolve_tab`), or ``tab`` to create."""
        return resolve_tab(tab, list(self.metadata()["sheets"])) or tab

    def upsert_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence],
                    key_columns: Sequence[str]) -> None:
        """Read the tab (1 values.get) and write only our cells of the changed rows (1 values.batchUpdate).
        One more spreadsheets.batchUpdate when the tab must be created (with its chart) or grown."""
        check_writable(tab)
        with self.http.budget(self.write_deadline):
            title = self._assistant_title(tab)
            exists = title in self.metadata()["sheets"]
            existing = self._values(title) if exists else []
            grid, changed, columns = upsert_grid(existing, headers, rows, key_columns)
            self._ensure_structure(title, len(grid), max(columns) + 1,
                                   headers if tab == MONTHLY_SUMMARY_TAB else None)
            header_known = {i for i, h in enumerate(existing[0]) if h not in (None, "")} if existing else set()
            data = []
            for i in sorted(changed):
                for start, end in _runs(columns):
                    cells = [grid[i][c] if c < len(grid[i]) else None for c in range(start, end + 1)]
                    if i == 0:  # a header already there stays exactly as people see it (null = leave the cell)
                        cells = [None if c in header_known else v
                                 for c, v in zip(range(start, end + 1), cells, strict=True)]
                    else:
                        cells = ["" if v is None else v for v in cells]
                    data.append({"range": f"{_quote(title)}!{rowcol_to_a1(i + 1, start + 1)}:{rowcol_to_a1(i + 1, end + 1)}",
                                 "values": [cells]})
            if data:
                self.http.values_batch_update(self.key, {"valueInputOption": "RAW", "data": data})

    def replace_rows(self, tab: str, headers: Sequence[str], rows: Sequence[Sequence]) -> None:
        """Rewrite the tab as header + rows: the new values are written first (1 values.update to an
        explicit range), then only what lies outside them is cleared (1 values:batchClear), so a refused
        write (403) destroys nothing. +1 spreadsheets.batchUpdate to create or grow the tab."""
        check_writable(tab)
        values = [list(headers)] + [["" if v is None else v for v in r] for r in rows]
        width = max(len(r) for r in values)
        values = [r + [""] * (width - len(r)) for r in values]
        with self.http.budget(self.write_deadline):
            title = self._assistant_title(tab)
            self._ensure_structure(title, len(values), width)
            self.http.values_update(self.key, f"{_quote(title)}!A1:{rowcol_to_a1(len(values), width)}",
                                    params={"valueInputOption": "RAW"}, body={"values": values})
            grid = self.metadata()["sheets"][title]["properties"].get("gridProperties", {})
            row_count, col_count = grid.get("rowCount", 0), grid.get("columnCount", 0)
            leftovers = []
            if row_count > len(values):
                leftovers.append(f"{_quote(title)}!A{len(values) + 1}:{_col(max(col_count, width))}{row_count}")
            if col_count > width:
                leftovers.append(f"{_quote(title)}!{_col(width + 1)}1:{_col(col_count)}{len(values)}")
            if leftovers:
                self.http.values_batch_clear(self.key, body={"ranges": leftovers})

    def write_template(self, tab: str, rows: list[list]) -> None:
        """``sheets init`` only: the contract's header and examples into a people tab found EMPTY."""
        with self.http.budget(self.write_deadline):
            if any(any(c not in (None, "") for c in r)
                   for r in (self._values(tab) if tab in self.metadata()["sheets"] else [])):
                raise SheetsError(f"「{tab}」已经有数据，init 不会改动它", "用一个空白表格运行 init")
            width = max(len(r) for r in rows)
            self._ensure_structure(tab, len(rows), width)
            values = [list(r) + [""] * (width - len(r)) for r in rows]
            self.http.values_update(self.key, f"{_quote(tab)}!A1:{rowcol_to_a1(len(values), width)}",
                                    params={"valueInputOption": "RAW"}, body={"values": values})


def _runs(columns: list[int]) -> list[tuple[int, int]]:
    """Contiguous column runs, so one range per run never covers a column we do not own."""
    out: list[tuple[int, int]] = []
    for c in sorted(set(columns)):
        if out and c == out[-1][1] + 1:
            out[-1] = (out[-1][0], c)
        else:
            out.append((c, c))
    return out


def forget_metadata(key: str | None = None) -> None:
    """Drop cached tab titles (tests; or after someone restructured the sheet)."""
    with _TITLES_LOCK:
        if key is None:
            _TITLES.clear()
        else:
            _TITLES.pop(key, None)
