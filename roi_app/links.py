"""Signed, expiring links to the web pages (the chat, the reports), for the monthly run and the web API.

``sign(payload, ttl_seconds)`` returns a URL-safe string; ``verify(token)`` the
payload while it is unexpired and untampered, else None. Keyed by
ROI_WEB_SECRET (itsdangerous ``URLSafeTimedSerializer``): every worker and
every restart shares it, so a link made by one worker opens on another. No
secret set is a configuration error, said in one line (:class:`WebSecretMissing`),
never a random per-process key that would break links across workers.
"""

from __future__ import annotations

import os
import time

from itsdangerous import BadData, URLSafeTimedSerializer

from roi_runtime.config import ConfigError

SALT = "roi-web-session"
MAX_TTL = 35 * 24 * 3600  # a link never lives longer than a month and a few days (a monthly report link)


class WebSecretMissing(ConfigError):
    """ROI_WEB_SECRET is not set: no link can be signed or checked."""


_configured: str | None = None


def configure(secret: str | None) -> None:
    """Use ``secret`` (the app's AppConfig.web_secret) for every link of this process: ``register_web``
    calls it; a process that never does (a script, the monthly job) falls back to ROI_WEB_SECRET."""
    global _configured
    _configured = secret


def _secret(secret: str | None) -> str:
    secret = secret or _configured or os.environ.get("ROI_WEB_SECRET", "").strip()
    if not secret:
        raise WebSecretMissing("未配置 ROI_WEB_SECRET，无法生成或验证网页链接",
                               "设置环境变量 ROI_WEB_SECRET（至少 16 个字符，例如 python -c \"import secrets; "
                               "print(secrets.token_urlsafe(32))\" 的输出），所有 web 进程用同一个值")
    return secret


def _serializer(secret: str | None) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(_secret(secret), salt=SALT)


def sign(payload: dict, ttl_seconds: int, *, secret: str | None = None) -> str:
    """``payload`` signed, valid for ``ttl_seconds`` (at most 35 days). Raises WebSecretMissing without a secret."""
    ttl = max(1, min(int(ttl_seconds), MAX_TTL))
    return _serializer(secret).dumps({"p": payload, "exp": int(time.time()) + ttl})


def verify(token: str, *, secret: str | None = None) -> dict | None:
    """The payload of a link made by :func:`sign`, or None when it is expired, altered or not a link.
    Raises WebSecretMissing without a secret."""
    if not token or len(token) > 4096:
        return None
    serializer = _serializer(secret)
    try:
        body = serializer.loads(token, max_age=MAX_TTL)
    except (BadData, ValueError, TypeError):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("p"), dict) or not isinstance(body.get("exp"), int):
        return None
    if body["exp"] < time.time():
        return None
    return body["p"]
