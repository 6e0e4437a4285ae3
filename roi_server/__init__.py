"""The composition root: the one Flask app every HTTP door is mounted on.

``create_app(config=None)`` is the factory gunicorn runs (``'roi_server:create_app()'``, see the Procfile);
``serve(config, port, host)`` runs the same app on Flask's threaded server (``python -m bot serve``, the one
command line that reaches here). Only this package imports more than one door: it checks the settings once, wires
the shared services (``roi_app.bootstrap``), makes the one ``roi_app.answers.Assistant`` (one answer cache),
and hands both to each door:

- Slack (``bot.app.register_slack``): ``POST /slack/events``;
- the spreadsheet plugin (``web.register_web``): ``/api/v1/…`` and the pages (``/app``, ``/report/…``);
- 飞书 (``feishu.http.register_feishu``): ``POST /feishu/events``, when FEISHU_ENCRYPT_KEY and
  FEISHU_VERIFICATION_TOKEN are set (the HTTP callback; the long connection is ``python -m feishu``);
- ``GET /healthz`` for the platform.

Without Slack tokens the app still starts when the plugin is set up (ROI_WEB_SECRET set, or a sheet has a
token): ``/slack/events`` then answers 503 with one line and the rest serves. With neither it refuses to
start (``bot.app.SlackConfigError``), unless the 飞书 callback is set up.
"""

from __future__ import annotations

import logging
import os
import sys

from flask import Flask, jsonify

from bot import logs
from bot.app import MAX_BODY_BYTES, SlackConfigError, check_config, register_slack, register_slack_unavailable
from feishu.http import http_configured, register_feishu
from roi_app.answers import Assistant
from roi_app.bootstrap import bootstrap
from roi_core import RoiError
from roi_runtime.cli import report
from roi_runtime.config import AppConfig, ConfigError
from roi_runtime.db import check_database
from web import plugin_configured, register_web

log = logging.getLogger(__name__)


def create_app(config: AppConfig | None = None, **overrides) -> Flask:
    """The Flask app Slack and the plugin talk to. Raises SlackConfigError when Slack's tokens are missing
    and the plugin is not set up either; a bad setting or database ends the process with one line, exit 2.

    ``overrides``: ``assistant`` (the shared one), ``claims`` and the Slack app's options
    (``bot.app.build_bolt_app``), for tests and benchmarks."""
    try:
        config = config or AppConfig.from_env(os.environ)
        check_database(config.database)  # exactly-once needs a shared, writable database
    except ConfigError as err:  # gunicorn would print a traceback for a raised error: one line, exit 2
        log.error("%s；%s", err.message, err.hint)
        sys.exit(report(err))
    logs.install(secrets=tuple(s for s in (config.slack_bot_token, config.slack_signing_secret,
                                           config.slack_app_token, config.feishu_app_secret,
                                           config.feishu_encrypt_key, config.feishu_verification_token) if s))
    feishu = http_configured(config)
    slack_missing = None
    try:
        check_config(config)
    except SlackConfigError as err:
        # a team may use only the spreadsheet plugin: then the web part serves and /slack/events says why not
        if not feishu and not plugin_configured(config):
            log.error("%s；%s", err.message, err.hint)
            raise
        log.warning("Slack 未配置（%s）：只提供表格插件的 API 和网页", err.message)
        slack_missing = err
    services = bootstrap(config, role="web")

    flask_app = Flask("roi_assistant")
    # Slack's own requests are a few KB (a button click carries the message it was on: up to a few
    # hundred KB for a long Chinese answer); beyond this cap Flask answers 413 without reading the body.
    # The plugin's API sets a smaller cap of its own.
    flask_app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES

    if slack_missing is not None:
        register_slack_unavailable(flask_app, slack_missing)

        @flask_app.get("/healthz")
        def healthz():
            return jsonify(ok=True, app="roi-assistant", slack=False)

        assistant = Assistant(config, read=services.read_sheet) if feishu else None  # the one register_web makes
        _register_feishu(flask_app, services, assistant, feishu)
        register_web(flask_app, services, assistant=assistant)
        return flask_app

    # one answer cache for Slack and the plugin: the same question costs one computation, whichever door
    assistant = overrides.pop("assistant", None) or Assistant(
        config, read=services.read_sheet, chart_button=config.chart_png == "button")
    register_slack(flask_app, services, assistant=assistant, **overrides)

    @flask_app.get("/healthz")
    def healthz():
        return jsonify(ok=True, app="roi-assistant")

    register_web(flask_app, services, assistant=assistant)
    _register_feishu(flask_app, services, assistant, feishu)
    return flask_app


def _register_feishu(flask_app: Flask, services, assistant, wanted: bool) -> None:
    """``POST /feishu/events`` on the shared Assistant when the callback's keys are set; a missing app id or
    secret ends the process with one line naming it (exit 2), as a bad database does."""
    if not wanted:
        return
    try:
        register_feishu(flask_app, services, assistant)
    except ConfigError as err:
        log.error("%s；%s", err.message, err.hint)
        sys.exit(report(err))


def serve(config: AppConfig, port: int = 3000, host: str = "127.0.0.1") -> int:
    """The app on Flask's threaded server (local use; gunicorn in production); the exit code."""
    logs.install(level=logging.INFO)
    try:
        app = create_app(config)  # checks the Slack settings itself (and serves the plugin alone when set up)
    except RoiError as err:
        return report(err)
    print(f"ROI 助手已启动：http://{host}:{port}/slack/events（健康检查 /healthz），Ctrl+C 停止", file=sys.stderr)
    app.run(host=host, port=port, threaded=True)
    return 0
