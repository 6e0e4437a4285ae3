"""Who is calling the plugin API: a sheet's Bearer token, or a signed page session.

``Authorization: Bearer <token>`` (made by ``python -m sheets addon-key``)
or ``X-ROI-Session: <signed>`` (made by ``POST /api/v1/session``, see
``roi_app.links``). Either names a source; it must be the source this server
serves, or the caller is not authorised. Failures carry no data, only a line
saying what to do.

The rate limit counts per sheet token: a Bearer request and every session
made with that token (``POST /api/v1/session`` signs the token's
:func:`roi_app.stores.tokens.bucket_id` into the session) share one bucket, so opening
more sessions never buys more requests.
"""

from __future__ import annotations

from dataclasses import dataclass

from roi_app import links
from roi_app.stores.tokens import TokenStore, bucket_id, source_id

SESSION_BUCKET = "tk"  # the session payload's key for its token's bucket


@dataclass(frozen=True)
class Caller:
    """An authorised caller: ``key`` is its rate-limit bucket (its sheet token's, for a session too);
    ``via`` is bearer | session; ``bucket`` the token's bucket id, signed into the sessions it makes."""

    key: str
    source: str
    via: str
    bucket: str = ""


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
        bucket = bucket_id(token)
        return Caller(key="t:" + bucket, source=source, via="bearer", bucket=bucket)
    session = headers.get("X-ROI-Session", "").strip()
    if session:
        payload = links.verify(session)  # WebSecretMissing passes up: a configuration error, said as such
        if payload is None:
            raise Unauthorised("未授权：页面链接已过期或无效，请从表格的「ROI 助手」菜单或 Slack 重新打开")
        if payload.get("src") != served:
            raise Unauthorised("未授权：这个页面链接属于另一个表格")
        bucket = payload.get(SESSION_BUCKET)
        if isinstance(bucket, str) and bucket:
            return Caller(key="t:" + bucket[:64], source=served, via="session", bucket=bucket[:64])
        # a session signed before sessions carried their token's bucket: all such share the sheet's one
        return Caller(key="src:" + served, source=served, via="session")
    if auth:
        raise Unauthorised("未授权：Authorization 头应为「Bearer 令牌」")
    raise Unauthorised("未授权：缺少令牌（请求头 Authorization: Bearer <令牌>）")
