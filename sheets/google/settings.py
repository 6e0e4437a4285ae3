"""The settings a GoogleSource needs, checked: the service account key and the endpoint."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlsplit

from google.oauth2.service_account import Credentials as ServiceAccountCredentials

from sheets.errors import NotConfigured
from sheets.google.http import SCOPES


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
