"""The Slack door: slack-bolt on Flask.

- ``register_slack(flask_app, services, assistant=...)``: ``POST /slack/events`` on the one Flask app the
  composition root builds (``roi_server.create_app``, the factory gunicorn runs), with the bolt app behind it.
- ``register_slack_unavailable(flask_app, err)``: the same route answering 503 in one line when Slack is not
  configured and the app serves the spreadsheet plugin alone.
- ``run_socket_mode(config)``: ``python -m bot socket`` (no public URL needed, no Flask).

Thin on purpose: what the app needs (config, the cached sheet read, the
database, the Slack client and notifier) comes from ``roi_app.bootstrap``;
listeners in ``bot/listeners/`` ack and hand the text to the application
layer's ``roi_app.answers.Assistant``; rendering is ``render``; sending is
``bot.delivery`` over ``roi_runtime.notify``. Signature verification stays on (bolt's default: bad or
missing signature, or a timestamp over 5 minutes old → 401).
"""

from __future__ import annotations

import logging
import sys

from flask import Flask, request
from slack_bolt import App
from slack_bolt.adapter.flask import SlackRequestHandler
from slack_sdk.signature import SignatureVerifier

from bot import logs
from bot.listeners import Deps, register
from bot.listeners.middleware import BotIdentity
from bot.work_queue import WorkQueue
from roi_app.answers import Assistant
from roi_app.bootstrap import Services, bootstrap
from roi_app.stores.claims import ClaimStore
from roi_core import RoiError
from roi_runtime.cli import report
from roi_runtime.config import AppConfig

log = logging.getLogger(__name__)

MAX_BODY_BYTES = 1024 * 1024
# The work after the ack: SLACK_WORKERS threads per process and this many questions waiting per thread
# (at least MIN_QUEUE). Past that a question is told "正忙，请稍后再试" at once: with answers taking
# 0.1 to 1 s, a queued question starts within a few seconds, long before anyone gives up on it.
QUEUE_PER_WORKER = 4
MIN_QUEUE = 8
NOTICE_QUEUE = 64  # busy notices and refusals: one thread of their own, so they never wait behind answers


class SlackConfigError(RoiError):
    """The Slack app cannot start: a token or secret is missing."""


_WHERE = {
    "SLACK_BOT_TOKEN": "OAuth & Permissions → Bot User OAuth Token（xoxb- 开头）",
    "SLACK_SIGNING_SECRET": "Basic Information → Signing Secret",
    "SLACK_APP_TOKEN": "Basic Information → App-Level Tokens（xapp- 开头，需 connections:write）",
}


def check_config(config: AppConfig, *, socket: bool = False) -> None:
    """Raise SlackConfigError (Chinese message + hint) when what the app needs is missing."""
    needed = {"SLACK_BOT_TOKEN": config.slack_bot_token}
    if socket:
        needed["SLACK_APP_TOKEN"] = config.slack_app_token
    else:
        needed["SLACK_SIGNING_SECRET"] = config.slack_signing_secret
    missing = [name for name, value in needed.items() if not value]
    if missing:
        where = "、".join(f"{_WHERE[name]}（{name}）" for name in missing)
        raise SlackConfigError("缺少 Slack 配置：" + "、".join(missing),
                               f"在 Slack 应用设置里复制 {where}，设为环境变量后重试（见 README「Connecting Slack」）")
    if config.slack_app_token and socket and not config.slack_app_token.startswith("xapp-"):
        raise SlackConfigError("SLACK_APP_TOKEN 应以 xapp- 开头", "这是应用级令牌（App-Level Token），不是 Bot Token")


def build_bolt_app(config: AppConfig | Services, *, assistant: Assistant | None = None,
                   claims: ClaimStore | None = None, socket: bool = False, queue_size: int | None = None,
                   **reply_options) -> App:
    """The bolt App with every listener registered (config must already be checked).

    ``config`` may be the composition root's :class:`Services` (``roi_app.bootstrap``);
    a plain AppConfig is wired through ``bootstrap`` here. The work after the ack runs on
    ``SLACK_WORKERS`` threads with at most ``queue_size`` questions waiting (default: 4 per thread, at
    least 8); past it a question is told it came at a busy time (``bot.work_queue``)."""
    services = config if isinstance(config, Services) else bootstrap(config, role="socket" if socket else "web")
    config = services.config
    client = services.slack
    waiting = queue_size if queue_size is not None else max(MIN_QUEUE, QUEUE_PER_WORKER * config.slack_workers)
    executor = WorkQueue(config.slack_workers, waiting, name="roi-slack")
    notices = WorkQueue(1, NOTICE_QUEUE, name="roi-slack-notice")
    bolt = App(
        client=client,  # no token on the shared client: each request gets one from authorize
        signing_secret=config.slack_signing_secret or ("socket-mode-unused" if socket else None),
        authorize=BotIdentity(config.slack_bot_token, client).as_function(),
        # The ack runs in the request's own thread, the work after it on our bounded queue (``Deps.later``).
        # With bolt's default (False) the ack function itself is queued on an executor, and the request thread
        # polls for it: a burst of slow answers would then starve the acks past Slack's 3 seconds. bolt's own
        # listener executor is then used only by lazy listeners, which this app has none of.
        process_before_response=True,
        request_verification_enabled=not socket,
        logger=logging.getLogger("bot.bolt"),
    )
    assistant = assistant or Assistant(config, read=services.read_sheet, chart_button=config.chart_png == "button")
    reply_options.setdefault("chart_png", config.chart_png)
    deps = Deps(config=config, assistant=assistant, claims=claims, executor=executor, reply_options=reply_options,
                services=services, notices=notices)
    register(bolt, deps)
    bolt.deps = deps  # for tests and the socket runner
    return bolt


def register_slack(flask_app: Flask, services: Services, *, assistant: Assistant,
                   claims: ClaimStore | None = None, **overrides) -> App:
    """``POST /slack/events`` on ``flask_app``, answered by a bolt app over ``services`` that asks
    ``assistant`` (the application layer's, shared with the other doors); returns the bolt app.

    ``claims`` defaults to ``services.claim_store()`` (exactly one answer per Slack request, across
    workers); ``overrides`` go to :func:`build_bolt_app`. Raises nothing about the configuration: the
    composition root checks it first (:func:`check_config`)."""
    if claims is None:
        claims = services.claim_store()
    bolt = build_bolt_app(services, assistant=assistant, claims=claims, **overrides)
    handler = SlackRequestHandler(bolt)
    flask_app.config["BOLT_APP"] = bolt
    verifier = SignatureVerifier(services.config.slack_signing_secret)

    @flask_app.post("/slack/events")
    def slack_events():
        # The signature is checked on the raw bytes before anything parses them: an unsigned body,
        # however malformed or large, costs one HMAC and gets 401.
        body = request.get_data(cache=True)  # 413 past MAX_CONTENT_LENGTH, chunked bodies included
        if not _signed(verifier, body, request.headers):
            return _plain(401, "invalid request")
        try:
            return handler.handle(request)
        except Exception as err:  # a signed but malformed body: bolt could not parse it
            log.warning("a signed request could not be handled: %s", type(err).__name__)
            return _plain(400, "bad request")

    return bolt


def register_slack_unavailable(flask_app: Flask, slack_missing: SlackConfigError) -> None:
    """``POST /slack/events`` answering 503 in one line: Slack is not configured, the plugin alone is served."""

    @flask_app.post("/slack/events")
    def slack_events():
        return _plain(503, f"Slack 未配置（{slack_missing.message}），本服务只提供表格插件")


def _signed(verifier: SignatureVerifier, body: bytes, headers) -> bool:
    """Slack's signature over the raw body; a malformed timestamp or non-UTF-8 body is simply unsigned."""
    try:
        return verifier.is_valid_request(body, {k: v for k, v in headers.items()})
    except (ValueError, UnicodeDecodeError):
        return False


def _plain(status: int, text: str):
    return text, status, {"Content-Type": "text/plain; charset=utf-8"}


def run_socket_mode(config: AppConfig) -> int:
    """``python -m bot socket``: Socket Mode (SLACK_APP_TOKEN), for teams without a public URL."""
    logs.install(secrets=tuple(s for s in (config.slack_bot_token, config.slack_app_token) if s),
                 level=logging.INFO)
    try:
        check_config(config, socket=True)
    except RoiError as err:
        return report(err)
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    services = bootstrap(config, role="socket")
    bolt = build_bolt_app(services, claims=services.claim_store(), socket=True)
    print("ROI 助手以 Socket Mode 运行，Ctrl+C 停止", file=sys.stderr)
    SocketModeHandler(bolt, config.slack_app_token).start()
    return 0
