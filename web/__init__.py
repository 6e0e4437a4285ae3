"""The spreadsheet plugin's door: its JSON API and its browser pages, mounted on the composition root's app.

``register_web(flask_app, services, assistant=None)`` registers the API
blueprint (``web.api``) and, when present, the pages blueprint
(``web.pages.pages_blueprint(services)``). ``assistant`` is the application
layer's :class:`roi_app.answers.Assistant` that the composition root
(``roi_server``) shares with Slack, so both doors use one answer cache; without
it (a plugin-only team) one is made here.
"""

from __future__ import annotations

import importlib.util
import logging

from flask import Flask, jsonify, request

log = logging.getLogger(__name__)


def plugin_configured(config) -> bool:
    """True when the plugin is set up on this deployment: a page secret is set, or a sheet has a token
    (then the app serves without Slack tokens)."""
    if config.web_secret:
        return True
    from roi_app.stores.tokens import TokenStore

    try:
        return TokenStore(config.database).any()
    except Exception:  # the database check runs before this; a failure here only means "not set up"
        log.debug("could not look for plugin tokens", exc_info=True)
        return False


def register_web(flask_app: Flask, services, assistant=None) -> None:
    """Mount ``/api/v1`` (and the pages, when ``web/pages.py`` exists) on ``flask_app``."""
    from roi_app import links
    from roi_app.answers import Assistant
    from roi_app.stores.tokens import TokenStore
    from roi_runtime.config import parse_api_rate
    from web.api import WebContext, make_blueprint
    from web.ratelimit import RateLimiter

    config = services.config
    links.configure(config.web_secret)
    count, window = parse_api_rate(config.api_rate)
    assistant = assistant or Assistant(config, read=services.read_sheet)
    flask_app.extensions["roi_web"] = WebContext(services=services, assistant=assistant,
                                                 tokens=TokenStore(config.database, engine=services.engine()),
                                                 limiter=RateLimiter(count, window))
    flask_app.register_blueprint(make_blueprint())
    from web.imports import make_import_blueprint  # POST /api/v1/import: the add-on's 导入报表

    flask_app.register_blueprint(make_import_blueprint())

    @flask_app.errorhandler(404)
    def _not_found(err):
        if request.path.startswith("/api/"):
            response = jsonify(ok=False, error="没有这个接口", hint="见 README「插件 API」")
            response.status_code = 404
            return response
        return err

    @flask_app.errorhandler(405)
    def _not_allowed(err):
        if request.path.startswith("/api/"):
            response = jsonify(ok=False, error="不支持这个请求方法")
            response.status_code = 405
            return response
        return err

    if importlib.util.find_spec("web.pages") is None:
        log.warning("web/pages.py is not there yet: the plugin's pages are not served")
        return
    from web.pages import pages_blueprint

    flask_app.register_blueprint(pages_blueprint(services))
