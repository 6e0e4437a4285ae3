"""gspread's HTTP client with a configurable endpoint, operation deadlines, and Google's answers
turned into the named :mod:`sheets.errors` errors (one Chinese line and the fix)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import google.auth.exceptions
import requests
from gspread.exceptions import APIError
from gspread.http_client import HTTPClient

from sheets.errors import (
    CredentialsRejected,
    NotConfigured,
    PermissionDenied,
    SheetsError,
    SourceNotFound,
    SourceUnavailable,
    WriteDenied,
)
from sheets.google.http import _BUDGET, GOOGLE_SHEETS_URL, INTERACTIVE_DEADLINE, RETRY_STATUSES, Budget


class _RangeGone(SheetsError):
    """A tab we asked for by its cached title is no longer there (renamed or deleted)."""


class _Conflict(SheetsError):
    """A structural request found its work already done (a tab or chart id exists, an object is gone)."""


class _Unsure(SourceUnavailable):
    """A request that changes the sheet failed in a way that leaves unknown whether Google applied it."""


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
