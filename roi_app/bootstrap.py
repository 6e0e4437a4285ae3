"""A process's shared services, wired once: where configuration meets the adapters.

``bootstrap(config, role=...)`` returns :class:`Services`: the configuration,
the cached sheet read (``sheets.read_sheet``, the process-wide SheetCache),
the shared database engine (``roi_runtime.db``) and the stores on it
(``roi_app.stores``), the Slack WebClient and the notifier over it
(``roi_runtime.notify.SlackNotifier``). Every door (the Slack app, the web
API, the clock) takes what it needs from it and builds nothing of its own, so
all of them send through the same code with the same bounded retries.

Roles differ only in how long Slack may take:

- ``web`` / ``socket``: someone waits for the answer: 15 s per call, 2 retries
  on 429, 1 on a connection error. The client carries no token: bolt's
  ``authorize`` gives each request one.
- ``job``: nobody waits: 30 s per call, 3 retries on 429 (Retry-After), 2 on
  5xx, 2 on a connection error; the bot token on the client.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import feishu_reports
from roi_runtime.notify import UPLOADS, SlackNotifier, UploadGate
from roi_runtime.webhook_notify import webhook_target

SLACK_API_DEFAULT = "https://slack.com/api/"
ROLES = ("web", "socket", "job")


def _api_base(config: AppConfig) -> str:
    url = config.slack_api_url or SLACK_API_DEFAULT
    return url if url.endswith("/") else url + "/"


def slack_client(config: AppConfig, *, role: str = "job"):
    """The WebClient for ``role`` (see the module docstring): SLACK_API_URL when set, bounded retries."""
    from slack_sdk import WebClient
    from slack_sdk.http_retry.builtin_handlers import (
        ConnectionErrorRetryHandler,
        RateLimitErrorRetryHandler,
        ServerErrorRetryHandler,
    )

    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {ROLES}")
    if role == "job":
        return WebClient(token=config.slack_bot_token, base_url=_api_base(config), timeout=30, retry_handlers=[
            RateLimitErrorRetryHandler(max_retry_count=3),
            ServerErrorRetryHandler(max_retry_count=2),
            ConnectionErrorRetryHandler(max_retry_count=2),
        ])
    # no token on the shared client: each request gets one from bolt's authorize
    return WebClient(base_url=_api_base(config), timeout=15, retry_handlers=[
        RateLimitErrorRetryHandler(max_retry_count=2), ConnectionErrorRetryHandler(max_retry_count=1)])


@dataclass
class Services:
    """What a process needs, wired once. ``slack`` is None for the job when no bot token is set."""

    config: AppConfig
    role: str
    read_sheet: Callable[[AppConfig], object]
    slack: object | None = None
    uploads: UploadGate = field(default=UPLOADS)

    def notifier(self, client=None):
        """The notifier over ``client`` (a request's own client in the bot); else the report notifier: 飞书's
        when it takes the reports (FEISHU_REPORT_CHAT, roi_runtime.feishu_notify), else over ``slack``."""
        if client is None and feishu_reports(self.config):
            from roi_runtime.feishu_notify import FeishuNotifier, feishu_client

            return FeishuNotifier(feishu_client(self.config))
        robot = webhook_target(self.config) if client is None else None
        if robot is not None:  # a 企业微信 / 钉钉 group robot takes the reports (push only)
            from roi_runtime.webhook_notify import WebhookNotifier

            return WebhookNotifier(*robot)
        client = client if client is not None else self.slack
        return None if client is None else SlackNotifier(client, gate=self.uploads)

    def engine(self):
        """The process's shared engine for DATABASE_URL (``roi_runtime.db.shared_engine``)."""
        from roi_runtime.db import shared_engine

        return shared_engine(self.config.database)

    def claim_store(self):
        """The request claims (exactly one answer per request, e.g. per Slack request)."""
        from roi_app.stores.claims import ClaimStore

        return ClaimStore(self.config.database, engine=self.engine())

    def delivery_store(self):
        """The monthly job's delivery records (exactly one post per month)."""
        from roi_app.stores.records import DeliveryStore

        return DeliveryStore(self.config.database)


def bootstrap(config: AppConfig | None = None, *, role: str = "web", env: Mapping[str, str] | None = None,
              read_sheet: Callable[[AppConfig], object] | None = None) -> Services:
    """Wire the services for ``role`` from ``config`` (default: ``AppConfig.from_env(env or os.environ)``).

    Raises ConfigError (from ``AppConfig.from_env``) for a bad setting; does no network I/O (the Slack
    client is created, not called; the database is opened on first use).
    """
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}; one of {ROLES}")
    config = config or AppConfig.from_env(os.environ if env is None else env)
    if read_sheet is None:
        import sheets

        read_sheet = sheets.read_sheet
    slack = None
    if role != "job" or config.slack_bot_token:
        slack = slack_client(config, role=role)
    return Services(config=config, role=role, read_sheet=read_sheet, slack=slack)
