"""Configuration, read from an environment mapping in one place and handed down frozen.

Entry points call ``AppConfig.from_env(os.environ)``; nothing deeper reads the
environment. Secrets are kept out of ``repr`` so a logged config leaks nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEMO_WORKBOOK = REPO_ROOT / "examples" / "demo.xlsx"
# where the clock's job store, delivery records and the bot's event dedupe live without DATABASE_URL
DEFAULT_DATABASE_URL = f"sqlite:///{REPO_ROOT / 'var' / 'roi_assistant.sqlite'}"


def _csv(value: str | None) -> frozenset[str]:
    return frozenset(v.strip() for v in (value or "").split(",") if v.strip())


def _float(value: str | None, default: float) -> float:
    try:
        return float(value) if value not in (None, "") else default
    except ValueError:
        return default


def _choice(value: str | None, allowed: tuple[str, ...]) -> str:
    """``value`` lower-cased when it is one of ``allowed``, else the first (the default)."""
    v = (value or "").lower()
    return v if v in allowed else allowed[0]


@dataclass(frozen=True)
class AppConfig:
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

    @property
    def database(self) -> str:
        """DATABASE_URL, or the default SQLite file shared by the web workers and the clock."""
        return self.database_url or DEFAULT_DATABASE_URL

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> AppConfig:
        """Build the config from an environment mapping (blank values count as unset)."""
        def get(name: str) -> str | None:
            value = env.get(name)
            return value.strip() if value and value.strip() else None

        day = get("REPORT_DAY")
        return cls(
            source=get("ROI_SOURCE") or str(DEMO_WORKBOOK),
            google_service_account_json=get("GOOGLE_SERVICE_ACCOUNT_JSON"),
            google_sheets_api_url=get("GOOGLE_SHEETS_API_URL"),
            sheet_cache_ttl=_float(get("SHEET_CACHE_TTL"), 60.0),
            slack_bot_token=get("SLACK_BOT_TOKEN"),
            slack_signing_secret=get("SLACK_SIGNING_SECRET"),
            slack_app_token=get("SLACK_APP_TOKEN"),
            slack_api_url=get("SLACK_API_URL"),
            report_channel=get("REPORT_CHANNEL"),
            allowed_team_ids=_csv(get("ALLOWED_TEAM_IDS")),
            allowed_channel_ids=_csv(get("ALLOWED_CHANNEL_IDS")),
            reports_in_channel=(get("REPORTS_IN_CHANNEL") or "1").lower() not in ("0", "false", "no"),
            database_url=get("DATABASE_URL"),
            report_day=int(day) if day and day.isdigit() else None,
            report_time=get("REPORT_TIME"),
            timezone=get("TIMEZONE"),
            sheet_url=get("SHEET_URL"),
            chart_png=_choice(get("CHART_PNG"), ("auto", "button", "off")),
            slack_workers=max(1, int(_float(get("SLACK_WORKERS"), 8.0))),
        )
