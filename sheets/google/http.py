"""The transport of every Sheets request: the deadline of one operation, urllib3 Retry policies
(safe to repeat or not), timeouts cut to what is left of the deadline, the requests adapter that
applies them, and the token fetch made to fail fast."""

from __future__ import annotations

import json
import logging
import random
import re
import time
from collections.abc import Callable
from contextvars import ContextVar
from urllib.parse import unquote, urlsplit

import google.auth.exceptions
from google.auth.transport.requests import Request as GoogleAuthRequest
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util import Retry, Timeout

from sheets.base import JOB_DEADLINE  # noqa: F401 - re-exported: the port owns the job's deadline

# the logger keeps the name it had when this package was one module: logging settings naming it still apply
log = logging.getLogger("sheets.google")

GOOGLE_SHEETS_URL = "https://sheets.googleapis.com"
SCOPES = ("https://www.googleapis.com/auth/spreadsheets",)

INTERACTIVE_DEADLINE = 20.0  # seconds for a read someone in Slack is waiting on
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

    Not copied: google-auth deep-copies the transport to look up a "regional access boundary" in a thread
    of its own, outside any deadline; the copy of our adapter was broken, so the lookup always failed, with
    a stack in the debug log. google-auth skips the lookup when the transport cannot be copied (one debug
    line, no request), which is what happened in effect before, now without the stack.
    """

    def __deepcopy__(self, memo):
        raise TypeError("the token transport carries an operation's deadline and is not copied")

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


def _path(url: str) -> str:
    # decoded: a retry line names the tab and cells ('数据校验'!A1:F2), not %27%E6%95%B0…
    return unquote(url.split("?")[0])[-80:]
