"""Who is calling the plugin API: a sheet's Bearer token, or a signed page session.

``Authorization: Bearer <token>`` (made by ``python -m sheets addon-key``)
or ``X-ROI-Session: <signed>`` (made by ``POST /api/v1/session``, see
``web.links``). Either names a source; it must be the source this server
serves, or the caller is not authorised. Failures carry no data, only a line
saying what to do.
"""

from __future__ import annotations

from dataclasses import dataclass

from web import links
from web.tokens import TokenStore, digest, source_id


@dataclass(frozen=True)
class Caller:
    """An authorised caller: ``key`` identifies it for the rate limit; ``via`` is bearer | session."""

    key: str
    source: str
    via: str


class Unauthorised(Exception):
    """The request may not be answered: ``message`` is one line for the user (Chinese)."""

    def __init__(self, message: str, status: int = 401):
        super().__init__(message)
        self.message = message
        self.status = status


def authenticate(headers, store: TokenStore, served_source: str) -> Caller:
    """The caller behind ``headers``, or Unauthorised. A token or session for another source is refused."""
    served = source_id(served_source)
    auth = headers.get("Authorization", "")
    scheme, _, token = auth.strip().partition(" ")
    if auth and scheme.lower() == "bearer" and token.strip():
        token = token.strip()
        source = store.source_of(token)
        if source is None:
            raise Unauthorised("未授权：令牌无效或已吊销，请用 python -m sheets addon-key 重新生成并填到「连接设置」")
        if source != served:
            raise Unauthorised("未授权：这个令牌属于另一个表格，不能读取本表格的数据")
        return Caller(key="t:" + digest(token)[:32], source=source, via="bearer")
    session = headers.get("X-ROI-Session", "").strip()
    if session:
        payload = links.verify(session)  # WebSecretMissing passes up: a configuration error, said as such
        if payload is None:
            raise Unauthorised("未授权：页面链接已过期或无效，请从表格的「ROI 助手」菜单或 Slack 重新打开")
        if payload.get("src") != served:
            raise Unauthorised("未授权：这个页面链接属于另一个表格")
        return Caller(key="s:" + str(payload.get("sid", ""))[:64], source=served, via="session")
    if auth:
        raise Unauthorised("未授权：Authorization 头应为「Bearer 令牌」")
    raise Unauthorised("未授权：缺少令牌（请求头 Authorization: Bearer <令牌>）")
