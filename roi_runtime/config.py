"""Configuration, read from an environment mapping in one place, validated once and handed down frozen.

Entry points call ``AppConfig.from_env(os.environ)``; nothing deeper reads the
environment. Every setting is checked here: a bad one raises
:class:`ConfigError`, whose message names the variable and the value and whose
hint says how to fix it (entry points print both and exit 2). Secrets are kept
out of ``repr`` so a logged config leaks nothing.

Pure: string parsing and ``zoneinfo`` only. Opening the database is
``roi_runtime.db.check_database``'s job.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from roi_core.errors import RoiError
from roi_core.periods import local_today

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_WORKBOOK = REPO_ROOT / "examples" / "demo.xlsx"
# commands that write (sheets check, run-once, the clock) work on this copy, so the tracked demo stays as shipped
DEMO_WORKING_COPY = REPO_ROOT / "var" / "demo.xlsx"
# where the clock's job store, delivery records and the bot's event dedupe live without DATABASE_URL
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'roi_assistant.sqlite'}"

# the env variable behind each field, so a check of a field can name what the user set
ENV_NAMES = {
    "source": "ROI_SOURCE", "google_sheets_api_url": "GOOGLE_SHEETS_API_URL", "sheet_cache_ttl": "SHEET_CACHE_TTL",
    "slack_api_url": "SLACK_API_URL", "reports_in_channel": "REPORTS_IN_CHANNEL", "database_url": "DATABASE_URL",
    "report_day": "REPORT_DAY", "report_time": "REPORT_TIME", "timezone": "TIMEZONE", "chart_png": "CHART_PNG",
    "slack_workers": "SLACK_WORKERS",
    "web_secret": "ROI_WEB_SECRET", "api_rate": "ROI_API_RATE", "public_url": "ROI_PUBLIC_URL",
    "llm_url": "ROI_LLM_URL", "llm_model": "ROI_LLM_MODEL", "llm_key": "ROI_LLM_KEY",
    "feishu_app_id": "FEISHU_APP_ID", "feishu_report_chat": "FEISHU_REPORT_CHAT", "feishu_api_url": "FEISHU_API_URL",
}
CHART_PNG_CHOICES = ("auto", "button", "off")
_TRUE = ("1", "true", "yes", "on", "是")
_FALSE = ("0", "false", "no", "off", "否")
_DB_SCHEMES = {"sqlite": "sqlite", "postgres": "postgresql+psycopg", "postgresql": "postgresql+psycopg",
               "postgresql+psycopg": "postgresql+psycopg",
               "postgresql+psycopg2": "postgresql+psycopg"}  # a URL written for psycopg2: the pinned driver serves it
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]*)://(?P<rest>.*)$")
_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")


class ConfigError(RoiError):
    """A setting from the environment (or a schedule setting) is unusable: names the setting, the value, the fix."""


# ---------------------------------------------------------------------------------------------- single values
def check_timezone(value: str) -> str | None:
    """None when ``value`` is an IANA zone this machine knows, else the reason in Chinese.

    >>> check_timezone("Asia/Shanghai") is None, check_timezone("Mars/Base")
    (True, '不是有效的时区')
    """
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, TypeError, OSError):
        return "不是有效的时区"
    return None


def parse_report_time(value: str) -> tuple[int, int] | None:
    """``HH:MM`` (24-hour, a full-width colon too) as (hour, minute), or None when it is not a time of day.

    >>> parse_report_time("9:05"), parse_report_time("25:99"), parse_report_time("9点")
    ((9, 5), None, None)
    """
    m = _TIME.match(str(value).strip())
    if not m:
        return None
    hour, minute = int(m.group(1)), int(m.group(2))
    return (hour, minute) if hour < 24 and minute < 60 else None


def parse_report_day(value: object) -> int | None:
    """A whole day of the month 1-31 (a number cell or digits), or None: 15.5, 0, 32, "十五" are refused.

    >>> parse_report_day("15"), parse_report_day(15.0), parse_report_day(15.5), parse_report_day("32")
    (15, 15, None, None)
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        if not math.isfinite(value) or value != int(value):
            return None
        day = int(value)
    else:
        text = str(value).strip()
        # "15.0" is what a number cell becomes as text; digits only otherwise (full-width too: isdecimal)
        if re.fullmatch(r"\d+(\.0+)?", text, flags=re.ASCII) is None and not text.isdecimal():
            return None
        day = int(float(text)) if text.isascii() else int(text)
    return day if 1 <= day <= 31 else None


def is_memory_database(url: str) -> bool:
    """True for SQLite URLs with no file (``sqlite://``, ``sqlite:///``, ``sqlite:///:memory:``)."""
    m = _URL.match(url)
    if not m or m.group("scheme").lower() != "sqlite":
        return False
    path = m.group("rest").split("?", 1)[0]
    return path in ("", "/", "/:memory:") or path.startswith("/file::memory:")


def normalize_database_url(url: str) -> str:
    """The SQLAlchemy URL for ``url``: ``postgres://`` and ``postgresql://`` use the psycopg 3 driver.

    Raises ConfigError for anything but SQLite or PostgreSQL.

    >>> normalize_database_url("postgres://u:p@db:5432/roi")
    'postgresql+psycopg://u:p@db:5432/roi'
    """
    m = _URL.match(url.strip())
    hint = ("写成 postgresql://用户:密码@主机:5432/库名（PostgreSQL），或 sqlite:////绝对路径/roi.sqlite；"
            "留空则用默认的 var/roi_assistant.sqlite")
    if not m:
        raise ConfigError(f"DATABASE_URL「{_shown(url)}」不是数据库地址", hint)
    scheme = m.group("scheme").lower()
    if scheme not in _DB_SCHEMES:
        raise ConfigError(f"DATABASE_URL「{_shown(url)}」的数据库类型 {scheme} 不支持（只支持 PostgreSQL 和 SQLite）", hint)
    rest = m.group("rest")
    if scheme == "sqlite":
        if rest and not rest.startswith("/"):
            raise ConfigError(f"DATABASE_URL「{_shown(url)}」不是 SQLite 地址（sqlite:// 后面应是 /路径）", hint)
    elif not rest.split("/", 1)[0].rsplit("@", 1)[-1]:
        raise ConfigError(f"DATABASE_URL「{_shown(url)}」没有写数据库主机", hint)
    return f"{_DB_SCHEMES[scheme]}://{rest}"


def _shown(url: str) -> str:
    """A database URL with its password hidden (it may appear in a message)."""
    return re.sub(r"(://[^:/@]+:)[^@/]*@", r"\1***@", url)


# ---------------------------------------------------------------------------------------------- env parsing
def _number(name: str, value: str | None, default: float, *, minimum: float, whole: bool = False) -> float:
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        number = math.nan
    if not math.isfinite(number) or number < minimum or (whole and number != int(number)):
        kind = "整数" if whole else "数字"
        raise ConfigError(f"{name}「{value}」不是有效的{kind}",
                          f"{name} 应是不小于 {minimum:g} 的{kind}（默认 {default:g}）；改正或删掉这个环境变量")
    return number


def _flag(name: str, value: str | None, default: bool) -> bool:
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise ConfigError(f"{name}「{value}」看不懂", f"{name} 写 1（是）或 0（否）")


def _day(name: str, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"{name}「{value}」不是日期", "写成 2026-11-30；留空则用时钟的今天") from None
    if not dt.date(1900, 1, 1) <= day <= dt.date(2261, 12, 31):
        raise ConfigError(f"{name}「{value}」超出范围：日期要在 1900-01-01 到 2261-12-31 之间", "写成 2026-11-30")
    return day


def _http_url(name: str, value: str | None) -> str | None:
    if value is not None and not re.match(r"^https?://[^/\s]+", value):
        raise ConfigError(f"{name}「{value}」不是网址", f"{name} 应以 http:// 或 https:// 开头；不需要就留空")
    return value


@dataclass(frozen=True)
class AppConfig:
    """Every setting, validated: building one with a bad value raises ConfigError naming its env variable."""

    source: str = str(DEMO_WORKBOOK)
    google_service_account_json: str | None = field(default=None, repr=False)
    google_sheets_api_url: str | None = None
    sheet_cache_ttl: float = 60.0
    slack_bot_token: str | None = field(default=None, repr=False)
    slack_signing_secret: str | None = field(default=None, repr=False)
    slack_app_token: str | None = field(default=None, repr=False)
    slack_api_url: str | None = None
    report_channel: str | None = None
    allowed_team_ids: frozenset[str] = frozenset()
    allowed_channel_ids: frozenset[str] = frozenset()
    reports_in_channel: bool = True
    database_url: str | None = None
    report_day: int | None = None
    report_time: str | None = None
    timezone: str | None = None
    sheet_url: str | None = None  # link for the "查看表格" button
    chart_png: str = "auto"  # Slack: also upload charts as PNG (auto), only on a button (button), never (off)
    slack_workers: int = 8  # Slack: threads per web worker for the work after the ack
    web_secret: str | None = field(default=None, repr=False)  # ROI_WEB_SECRET: signs the plugin's page links
    api_rate: str = "120/60"  # ROI_API_RATE: plugin API requests / seconds per token or session
    public_url: str | None = None  # ROI_PUBLIC_URL: the base of links to the plugin's pages
    # ROI_TODAY: the team's "today" pinned for the Slack app and the plugin (answers, "last month"), for a demo
    # or a reproducible test server; unset in production, where today is the clock's date in the team's zone
    today: dt.date | None = None
    # ROI_LLM_URL / _MODEL / _KEY: an OpenAI-compatible chat-completions endpoint for questions the rules cannot
    # read (roi_app/llm.py, docs/llm.md); off while the URL is unset. The key never shows in repr or messages.
    llm_url: str | None = None
    llm_model: str | None = None
    llm_key: str | None = field(default=None, repr=False)
    # 飞书 (docs/feishu.md): the app's id and secret, the event checks, the chat for the monthly summary and
    # alerts, and the OpenAPI base (tests point it at a loopback fake; empty: https://open.feishu.cn)
    feishu_app_id: str | None = None
    feishu_app_secret: str | None = field(default=None, repr=False)
    feishu_verification_token: str | None = field(default=None, repr=False)
    feishu_encrypt_key: str | None = field(default=None, repr=False)
    feishu_report_chat: str | None = None
    feishu_api_url: str | None = None
    # 企业微信 / 钉钉 group robots (push only: the monthly summary and alerts as markdown; docs/feishu.md). The
    # webhook URLs carry their key, so they are secrets too
    wecom_webhook_url: str | None = field(default=None, repr=False)
    dingtalk_webhook_url: str | None = field(default=None, repr=False)
    dingtalk_secret: str | None = field(default=None, repr=False)
    # ROI_TOUCHES / ROI_ORDERS: 触点 / 订单 from a table source instead of the tab (docs/tables.md), e.g.
    # parquet:DIR/*.parquet or postgresql://…#TABLE; a URL may carry a password, so never in repr
    touches_source: str | None = field(default=None, repr=False)
    orders_source: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        # checked here, not only in from_env, so a config built in code is held to the same rules
        if self.timezone is not None and check_timezone(self.timezone):
            raise ConfigError(f"TIMEZONE「{self.timezone}」不是有效的时区",
                              "写 IANA 时区名，例如 Asia/Shanghai、Asia/Hong_Kong、UTC；留空则用「设置」里的 时区")
        if self.report_time is not None and parse_report_time(self.report_time) is None:
            raise ConfigError(f"REPORT_TIME「{self.report_time}」不是时间",
                              "写 24 小时制的 时:分，例如 09:00 或 18:30；留空则用「设置」里的 月报时间")
        if self.report_day is not None and parse_report_day(self.report_day) is None:
            raise ConfigError(f"REPORT_DAY「{self.report_day}」不是 1-31 之间的整数",
                              "写每月几号，例如 1 或 15（29-31 在短月份里是最后一天）；留空则用「设置」里的 月报日")
        if self.database_url is not None:
            normalize_database_url(self.database_url)
        if self.chart_png not in CHART_PNG_CHOICES:
            raise ConfigError(f"CHART_PNG「{self.chart_png}」看不懂", "CHART_PNG 写 auto、button 或 off")
        if self.slack_workers < 1:
            raise ConfigError(f"SLACK_WORKERS「{self.slack_workers}」应至少为 1", "写 1 到 64 之间的整数（默认 8）")
        if self.sheet_cache_ttl < 0:
            raise ConfigError(f"SHEET_CACHE_TTL「{self.sheet_cache_ttl:g}」不能为负数", "写秒数，例如 60；0 表示不缓存")
        if parse_api_rate(self.api_rate) is None:
            raise ConfigError(f"ROI_API_RATE「{self.api_rate}」看不懂",
                              "写 次数/秒数，例如 120/60（每个表格每 60 秒最多 120 次请求）")
        if self.web_secret is not None and len(self.web_secret) < 16:
            raise ConfigError("ROI_WEB_SECRET 太短（至少 16 个字符）",
                              "用 python -c \"import secrets; print(secrets.token_urlsafe(32))\" 生成一个")
        check_llm_settings(self.llm_url, self.llm_model, self.llm_key)

    @property
    def database(self) -> str:
        """The SQLAlchemy URL of DATABASE_URL (psycopg 3 for PostgreSQL), or the default SQLite file."""
        return normalize_database_url(self.database_url) if self.database_url else DEFAULT_DATABASE_URL

    @property
    def uses_demo(self) -> bool:
        """True when the source is the shipped demo workbook (by default or named in ROI_SOURCE)."""
        try:
            return Path(self.source).resolve() == DEMO_WORKBOOK.resolve()
        except (OSError, ValueError):
            return False

    def for_writing(self) -> AppConfig:
        """This config for a command that writes its source: the demo's working copy instead of the demo.

        The copy itself is made by ``roi_runtime.workspace.writable_config``.
        """
        return replace(self, source=str(DEMO_WORKING_COPY)) if self.uses_demo else self

    def today_in(self, timezone: str) -> dt.date:
        """The team's today: ROI_TODAY when pinned, else the clock's date in ``timezone`` (an IANA name)."""
        return self.today or local_today(dt.datetime.now(dt.UTC), timezone)

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AppConfig:
        """Build the config from an environment mapping (blank values count as unset).

        Raises ConfigError for the first unusable value, naming the variable, the value and the fix.
        """
        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        day = get("REPORT_DAY")
        if day is not None and parse_report_day(day) is None:
            raise ConfigError(f"REPORT_DAY「{day}」不是 1-31 之间的整数",
                              "写每月几号，例如 1 或 15（29-31 在短月份里是最后一天）；留空则用「设置」里的 月报日")
        chart = get("CHART_PNG")
        return cls(
            source=get("ROI_SOURCE") or str(DEMO_WORKBOOK),
            google_service_account_json=get("GOOGLE_SERVICE_ACCOUNT_JSON"),
            google_sheets_api_url=_http_url("GOOGLE_SHEETS_API_URL", get("GOOGLE_SHEETS_API_URL")),
            sheet_cache_ttl=_number("SHEET_CACHE_TTL", get("SHEET_CACHE_TTL"), 60.0, minimum=0),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=_http_url("SLACK_API_URL", get("SLACK_API_URL")),
            report_channel=get("REPORT_CHANNEL"),
            allowed_team_ids=_csv(get("ALLOWED_TEAM_IDS")),
            allowed_channel_ids=_csv(get("ALLOWED_CHANNEL_IDS")),
            reports_in_channel=_flag("REPORTS_IN_CHANNEL", get("REPORTS_IN_CHANNEL"), True),
            database_url=get("DATABASE_URL"),
            report_day=parse_report_day(day) if day is not None else None,
            report_time=get("REPORT_TIME"),
            timezone=get("TIMEZONE"),
            sheet_url=get("SHEET_URL"),
            chart_png=chart.lower() if chart else "auto",
            slack_workers=int(_number("SLACK_WORKERS", get("SLACK_WORKERS"), 8, minimum=1, whole=True)),
            web_secret=get("ROI_WEB_SECRET"),
            api_rate=get("ROI_API_RATE") or "120/60",
            public_url=_http_url("ROI_PUBLIC_URL", get("ROI_PUBLIC_URL")),
            today=_day("ROI_TODAY", get("ROI_TODAY")),
            llm_url=get("ROI_LLM_URL"), llm_model=get("ROI_LLM_MODEL"), llm_key=get("ROI_LLM_KEY"),
            feishu_app_id=get("FEISHU_APP_ID"), feishu_app_secret=get("FEISHU_APP_SECRET"),
            feishu_verification_token=get("FEISHU_VERIFICATION_TOKEN"), feishu_encrypt_key=get("FEISHU_ENCRYPT_KEY"),
            feishu_report_chat=get("FEISHU_REPORT_CHAT"),
            feishu_api_url=_http_url("FEISHU_API_URL", get("FEISHU_API_URL")),
            wecom_webhook_url=_http_url("WECOM_WEBHOOK_URL", get("WECOM_WEBHOOK_URL")),
            dingtalk_webhook_url=_http_url("DINGTALK_WEBHOOK_URL", get("DINGTALK_WEBHOOK_URL")),
            dingtalk_secret=get("DINGTALK_SECRET"),
            touches_source=get("ROI_TOUCHES"), orders_source=get("ROI_ORDERS"),
        )


def parse_api_rate(value: str) -> tuple[int, float] | None:
    """``"120/60"`` as (requests, seconds), or None when it is not a positive count over positive seconds.

    >>> parse_api_rate("120/60"), parse_api_rate("0/60"), parse_api_rate("fast")
    ((120, 60.0), None, None)
    """
    m = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+(?:\.\d+)?)\s*", str(value))
    if not m or int(m.group(1)) < 1 or float(m.group(2)) <= 0:
        return None
    return int(m.group(1)), float(m.group(2))


def check_llm_settings(url: str | None, model: str | None, key: str | None) -> None:
    """Raise ConfigError unless the language model's settings are usable: all unset (off), or ROI_LLM_URL an
    https address (plain http only to this machine: 127.0.0.1, localhost, ::1) with ROI_LLM_MODEL set. The key
    is never part of a message; a URL's user and password are hidden."""
    from urllib.parse import urlsplit

    if url is None:
        if model is not None or key is not None:
            raise ConfigError("设置了 " + ("ROI_LLM_MODEL" if model is not None else "ROI_LLM_KEY") + "，但没有 ROI_LLM_URL",
                              "要用语言模型就写 ROI_LLM_URL（例如 https://api.deepseek.com/v1）；不用就把它们都留空")
        return
    shown = re.sub(r"(://)[^/@\s]*@", r"\1***@", url)
    hint = ("写 https:// 开头的地址，例如 https://api.deepseek.com/v1；本机的 Ollama、vLLM 可以用 "
            "http://127.0.0.1:11434/v1；不用语言模型就留空")
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        raise ConfigError(f"ROI_LLM_URL「{shown}」不是网址", hint) from None
    if parts.scheme not in ("https", "http") or not host:
        raise ConfigError(f"ROI_LLM_URL「{shown}」不是网址", hint)
    if parts.scheme == "http" and host not in ("127.0.0.1", "localhost", "::1"):
        raise ConfigError(f"ROI_LLM_URL「{shown}」用的是 http：问题会不加密地发到 {host}", hint)
    if model is None:
        raise ConfigError("设置了 ROI_LLM_URL，但没有 ROI_LLM_MODEL",
                          "写模型名，例如 deepseek-chat、qwen-plus、gpt-4o-mini、qwen2.5:7b")
    if key is not None and not re.fullmatch(r"[\x21-\x7e]+", key):  # it goes in a header: printable ASCII only
        raise ConfigError("ROI_LLM_KEY 里有空格、中文或其他不能放进请求头的字符（密钥本身不在这里显示）",
                          "从服务商的控制台重新复制密钥，只要密钥本身")


def _csv(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())
