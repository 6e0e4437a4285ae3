"""The plugin's browser pages: the chat (``/app``) and shareable reports (``/report/<YYYY-MM>``,
``/report/campaign/<name>``).

Every page needs ``?s=<signed>`` (:mod:`roi_app.links`): a session from ``POST /api/v1/session`` opens every page of
its sheet; a report link (:mod:`roi_app.report_links`) opens its one report. A bad or expired signature gets a 403
page in Chinese saying where to reopen it. The chat page asks ``POST /api/v1/ask`` from the browser with header
``X-ROI-Session``; report pages are drawn on the server (answers rendered by :mod:`render.html`), so they read
without script. Pages send no referrer (the token is in the address) and are never cached or indexed.
"""

from __future__ import annotations

import datetime as dt
import logging
import re

import pandas as pd
from flask import Blueprint, Response, render_template, request

from render.html import answer_html, error_html
from roi_app import links
from roi_app.follow_up import proposal_lookup
from roi_app.report_links import campaign_scope, month_scope, page_allows
from roi_core import Query, RoiError, Settings, answer
from roi_core.follow_up import with_follow_up
from web.edge import BadInput, check_query, date_window

log = logging.getLogger(__name__)

MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# the sidebar is an iframe served by Apps Script from googleusercontent.com
FRAME_ANCESTORS = "'self' https://docs.google.com https://*.googleusercontent.com"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       f"font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors {FRAME_ANCESTORS}")
EXAMPLES = ("618活动", "渠道 上个月", "月报", "归因 线性", "建议", "帮助")

FORBIDDEN = "链接已过期或无效"
FORBIDDEN_HINT = "请回到表格，从「ROI 助手」菜单重新打开；或点 Slack 月报消息里的新链接。"


def _headers(resp: Response) -> Response:
    resp.headers["Content-Security-Policy"] = CSP
    resp.headers["Referrer-Policy"] = "no-referrer"
    resp.headers["Cache-Control"] = "no-store"
    resp.headers["X-Content-Type-Options"] = "nosniff"
    resp.headers["X-Robots-Tag"] = "noindex, nofollow"
    return resp


def _page(template: str, status: int = 200, **values) -> Response:
    return _headers(Response(render_template(template, **values), status=status, mimetype="text/html"))


def _refused(status: int, title: str, message: str, hint: str) -> Response:
    return _page("roi_refused.html", status, title=title, message=message, hint=hint)


def pages_blueprint(services) -> Blueprint:
    """The pages over ``services`` (``roi_app.bootstrap.Services``: its config names the one sheet served
    and ``read_sheet`` reads it through the shared read cache)."""
    bp = Blueprint("roi_pages", __name__, template_folder="templates", static_folder="static",
                   static_url_path="/assets/roi")
    config = services.config

    def allowed(scope: str | None) -> tuple[dict | None, Response | None]:
        """The verified payload for this page, or the refusal page to send instead."""
        token = request.args.get("s", "")
        try:
            payload = links.verify(token)
        except links.WebSecretMissing as err:  # a configuration error, said as such; never a traceback
            log.error("web pages: %s", err.message)
            return None, _refused(503, "网页未配置", err.message, "请管理员设置 ROI_WEB_SECRET 后重启服务。")
        if not page_allows(payload, config.source, scope):
            return None, _refused(403, "无法打开", FORBIDDEN, FORBIDDEN_HINT)
        return payload, None

    def today() -> dt.date:
        return config.today_in(config.timezone or Settings().timezone)

    def report(title: str, query: Query, payload: dict) -> Response:
        session = request.args.get("s", "") if "src" in payload else ""
        try:
            data = services.read_sheet(config)
            # a month outside the sheet's dates (year 9999: past what pandas holds) never reaches the core
            check_query(query, date_window(data.settings), zh="网页地址", en="the address")
            ans = answer(query, data, today())
            ans = with_follow_up(ans, proposal_lookup(config)(ans, today()), data, today())  # 上月建议的结果
            body, status = answer_html(ans), 200
        except RoiError as err:  # no such month in the data, a sheet that cannot be read
            body, status = error_html(err.message, err.hint or ""), 422
        except BadInput as err:  # a month outside the sheet's date window
            return _refused(404, "没有这个月报", err.message, err.hint)
        return _page("roi_report.html", status, title=title, body=body, session=session)

    @bp.get("/app")
    def chat() -> Response:
        payload, refusal = allowed(None)
        if refusal:
            return refusal
        return _page("roi_app.html", session=request.args.get("s", ""), examples=EXAMPLES)

    @bp.get("/report/<month>")
    def monthly_report(month: str) -> Response:
        found = MONTH.match(month)
        if not found or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1:  # year 0: no calendar has it
            return _refused(404, "没有这个月报", f"「{month}」不是月份", "月报的地址形如 /report/2026-10。")
        payload, refusal = allowed(month_scope(month))
        if refusal:
            return refusal
        return report(f"月报 {month}", Query("monthly", month=pd.Period(month, freq="M"), raw=f"月报 {month}"),
                      payload)

    @bp.get("/report/campaign/<path:name>")
    def campaign_report(name: str) -> Response:
        payload, refusal = allowed(campaign_scope(name))
        if refusal:
            return refusal
        return report(f"活动报告 {name}", Query("campaign", text=name, raw=name), payload)

    return bp
