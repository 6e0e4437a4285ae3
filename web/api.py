"""The plugin's JSON API (``/api/v1/...``), one code path with Slack: question → core → view → renderer.

Every endpoint reads the sheet through the process's read cache
(``sheets.read_sheet``: a burst of requests makes one read) and answers through
the application layer's :class:`roi_app.answers.Assistant` (the one the Slack app
asks too) and its answer cache, so
``/api/v1/ask`` returns exactly what ``python -m bot ask --json`` prints and
the custom functions' figures are those ``/roi`` shows. ``/api/v1/monthly`` runs
the month's run (``roi_app.monthly.run_monthly``, as the clock runs it) with
its delivery record: exactly once per month, whoever asks.

Errors are ``{"ok": false, "error": "<one line>", "hint": "…"}`` with a 4xx/5xx
status; a bug of ours is logged whole and answered with one line, never a
traceback. See docs/architecture.md「插件 API」for the contract.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import secrets
from dataclasses import dataclass, field

import pandas as pd
from flask import Blueprint, Response, current_app, g, request
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from render.blocks.parts import decode_query
from render.html import answer_html, error_html
from render.text import render_text
from roi_app import links
from roi_app.answers import BUG_HINT, BUG_MESSAGE, AnswerCache, Assistant, answer_json
from roi_app.bootstrap import Services
from roi_app.stores.tokens import TokenStore, source_id
from roi_core import DataError, QueryError, RoiError, parse_query
from roi_core.query.model import detect_lang
from roi_runtime.config import ConfigError, parse_api_rate
from sheets.errors import SheetsError
from web.auth import SESSION_BUCKET, Caller, Unauthorised, authenticate
from web.edge import (
    BadInput,
    NotJson,
    check_month,
    check_period,
    check_query,
    date_window,
    parse_json,
    text_param,
)
from web.figures import METRICS, find_campaign, snapshot
from web.ratelimit import RateLimiter

log = logging.getLogger(__name__)

API_BODY_LIMIT = 64 * 1024  # bytes: a question is a line of text; anything bigger is not one
SESSION_TTL = 3600  # seconds a sidebar page link stays valid
MAX_QUESTION = 500  # characters of a question


@dataclass
class WebContext:
    """What the API needs, wired once per app by ``web.register_web``."""

    services: Services
    assistant: Assistant
    tokens: TokenStore
    limiter: RateLimiter
    # snapshots and campaign look-ups, keyed by the sheet read like the answers (single flight), kept apart
    # from the answers so 200 cells' look-ups do not push the Slack answers out
    figures: AnswerCache = field(default_factory=lambda: AnswerCache(size=512))

    @property
    def config(self):
        return self.services.config


class ApiError(Exception):
    """A refusal to answer: ``status``, one line ``message`` in the asker's language, optional ``hint``."""

    def __init__(self, status: int, message: str, hint: str = "", **extra):
        super().__init__(message)
        self.status, self.message, self.hint, self.extra = status, message, hint, extra


def _ctx() -> WebContext:
    return current_app.extensions["roi_web"]


def reply(status: int = 200, /, **body) -> Response:
    """A JSON response, keys in the order given (the answer's keys as the console prints them); NaN or
    inf would raise here rather than reach a client."""
    text = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return Response(text, status=status, content_type="application/json; charset=utf-8")


def ok(**body) -> Response:
    return reply(200, ok=True, **body)


def _error(status: int, message: str, hint: str = "", headers: dict | None = None, **extra) -> Response:
    body = {"ok": False, "error": " ".join(str(message).split())}  # one line, whatever the message held
    if hint:
        body["hint"] = " ".join(str(hint).split())
    body.update(extra)
    response = reply(status, **body)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def _roi_error(err: RoiError, lang: str) -> ApiError:
    """The status of a refusal from the core or the sheet: 400 question, 422 data, 503 the sheet unreadable."""
    if isinstance(err, SheetsError):
        return ApiError(503, err.message, err.hint)
    if isinstance(err, ConfigError):
        return ApiError(503, err.message, err.hint)
    if isinstance(err, QueryError):
        return ApiError(400, err.message, err.hint)
    return ApiError(422, err.message, err.hint)


def guard_request(limit_bytes: int):
    """Before any ``/api/v1`` route: the body cap, who is calling, the caller's rate limit (a 429 response, or None)."""
    # 413 past the cap. A chunked body has no length to check up front and its stream stops silently at
    # max_content_length, so one byte more is let through and _json_body refuses a body that reached it
    request.max_content_length = limit_bytes + 1
    g.roi_body_limit = limit_bytes
    ctx = _ctx()
    g.roi_caller = authenticate(request.headers, ctx.tokens, ctx.config.source)
    wait = ctx.limiter.allow(g.roi_caller.key)
    if wait:
        count, window = parse_api_rate(ctx.config.api_rate)
        return _error(429, f"请求太频繁：每 {window:g} 秒最多 {count} 次，请 {wait} 秒后再试",
                      "表格里的公式会缓存结果；不要频繁手动重算", headers={"Retry-After": str(wait)})
    return None


def error_response(err: Exception, too_large: str, too_large_hint: str | None = None):
    """Any error of an ``/api/v1`` route as its JSON reply: ours with their status, Flask's in Chinese
    (``too_large`` for 413), a bad setting 503, anything else logged and answered with BUG_MESSAGE."""
    if isinstance(err, Unauthorised):
        return _error(err.status, err.message)
    if isinstance(err, ApiError):
        return _error(err.status, err.message, err.hint, **err.extra)
    if isinstance(err, BadInput):
        return _error(err.status, err.message, err.hint)
    if isinstance(err, HTTPException):
        if err.code == 413:
            return _error(413, too_large, too_large_hint)
        messages = {405: "不支持这个请求方法", 404: "没有这个接口", 400: "请求格式不对"}
        return _error(err.code or 500, messages.get(err.code, err.name))
    if isinstance(err, ConfigError):  # ROI_WEB_SECRET missing and the like: the operator's to fix
        return _error(503, err.message, err.hint)
    if isinstance(err, RoiError):
        e = _roi_error(err, "zh")
        return _error(e.status, e.message, e.hint)
    log.exception("unexpected error in %s %s", request.method, request.path)
    return _error(500, BUG_MESSAGE, BUG_HINT)


def make_blueprint(*, limit_bytes: int = API_BODY_LIMIT) -> Blueprint:
    """The ``/api/v1`` blueprint; its context comes from ``app.extensions["roi_web"]``."""
    api = Blueprint("roi_api", __name__, url_prefix="/api/v1")

    @api.before_request
    def _guard():
        return guard_request(limit_bytes)

    @api.errorhandler(Exception)
    def _any(err: Exception):
        return error_response(err, f"请求太大：最多 {limit_bytes // 1024} KiB")

    @api.post("/ask")
    def ask():
        body = _json_body()
        text, button = body.get("q"), body.get("button")
        if button is not None and not isinstance(button, str) or text is not None and not isinstance(text, str):
            raise ApiError(400, "q 和 button 应为文字", '例：{"q": "618活动"}')
        if not text and not button:
            raise ApiError(400, "缺少问题 q", '例：{"q": "618活动"}')
        if text and len(text) > MAX_QUESTION:
            raise ApiError(400, f"问题太长（最多 {MAX_QUESTION} 个字）", "问一个活动、渠道或月份，例：618活动")
        lang = detect_lang(text) if text else "zh"
        assistant = _ctx().assistant
        try:
            query = _button_query(button) if button else _parse_question(text, assistant.today())
            lang = query.lang
            _check_dates(query, button is not None)
            # the Slack app's own path: the cached sheet read, then the answer cache (single flight)
            ans, data, key = assistant.answer_with_key(query)
        except RoiError as err:
            e = _roi_error(err, lang)
            raise ApiError(e.status, e.message, e.hint, html=error_html(e.message, e.hint, lang)) from None
        except BadInput as err:
            raise ApiError(err.status, err.message, err.hint, html=error_html(err.message, err.hint, lang)) from None
        options = assistant.options(data)
        age = None if options.fetched_at is None else \
            int((dt.datetime.now(dt.UTC) - options.fetched_at).total_seconds() // 60)

        def build() -> dict:
            return {"answer": answer_json(ans), "text": render_text(ans), "html": answer_html(ans, options)}

        rendered = assistant.cache.message(key, ("api", age, options.sheet_url), build)
        return ok(**rendered)

    @api.get("/metric")
    def metric():
        name = (text_param("name", request.args.get("name")) or "").lower()
        if name not in METRICS:
            raise ApiError(400, f"不认识的指标「{name}」" if name else "缺少指标 name",
                           "可用：" + "、".join(sorted(METRICS)))
        data, period = _data_and_period(request.args.get("period"))
        channel = text_param("channel", request.args.get("channel"))
        if name == "attributed":
            return _attributed(data, period, channel, text_param("model", request.args.get("model")))
        snap = _snapshot(data, period)
        if name == "roi_channel":
            if channel is None:
                raise ApiError(400, "roi_channel 需要 channel", "例：/api/v1/metric?name=roi_channel&channel=抖音")
            return _figure(snap["channels"].get(channel), "roi", f"没有「{channel}」渠道的数据")
        text = text_param("campaign", request.args.get("campaign")) or ""
        if not text:
            raise ApiError(400, f"{name} 需要 campaign", f"例：/api/v1/metric?name={name}&campaign=618")
        campaign, closest = _find_campaign(data, text)
        if campaign is None:
            raise ApiError(404, f"没有找到活动「{text}」", "写表格里的活动名称，例：" + "、".join(closest[:3]),
                           closest=closest)
        entry = snap["campaigns"].get(campaign)
        if channel is not None:
            own = data.campaigns[data.campaigns["campaign"] == campaign]
            if not (own["channel"] == channel).any():
                raise ApiError(404, f"「{campaign}」没有「{channel}」渠道的数据",
                               "它投放的渠道：" + "、".join(dict.fromkeys(own["channel"].tolist())))
            return _figure((entry or {}).get("channels", {}).get(channel), name,
                           f"「{campaign}」在「{channel}」这段时间没有数据")
        return _figure(entry, name, f"「{campaign}」这段时间没有数据")

    @api.get("/snapshot")
    def snapshot_():
        data, period = _data_and_period(request.args.get("period"))
        return ok(**_snapshot(data, period))

    @api.post("/check")
    def check():
        from roi_runtime.workspace import writable_config
        from sheets import open_source

        config, _note = writable_config(_ctx().config)  # the shipped demo stays as shipped: its copy is written
        source = open_source(config.source, config)
        data = source.read()
        source.write_problems(list(data.problems), dt.datetime.now(dt.UTC))
        problems = [{"tab": p.tab, "row": p.row, "column": p.column, "value": _plain(p.value), "reason": p.reason}
                    for p in data.problems]
        return ok(problems=problems, count=len(problems))

    @api.post("/monthly")
    def monthly():
        return _monthly(_json_body(allow_empty=True).get("month"))

    @api.post("/session")
    def session():
        caller: Caller = g.roi_caller
        if caller.via != "bearer":
            raise Unauthorised("未授权：页面链接只能用表格的令牌换取")
        # the token's rate-limit bucket goes with the session: its requests count against the token
        signed = links.sign({"src": caller.source, "sid": secrets.token_urlsafe(12), SESSION_BUCKET: caller.bucket},
                            SESSION_TTL)
        base = (_ctx().config.public_url or request.host_url).rstrip("/")
        return ok(url=f"{base}/app?s={signed}", expires_in=SESSION_TTL)

    return api


# ----------------------------------------------------------------------------------------- helpers
def _json_body(*, allow_empty: bool = False) -> dict:
    """The body as a JSON object, parsed within ``web.edge``'s bounds (depth, numbers) after the size cap."""
    raw = request.get_data(cache=True)  # 413 past the cap with a Content-Length; a chunked body is cut at cap + 1
    if len(raw) > g.roi_body_limit:
        raise RequestEntityTooLarge()
    if not raw.strip() and allow_empty:
        return {}
    if not request.is_json:
        raise ApiError(400, "请求体应是 JSON 对象", '例：{"q": "618活动"}')
    body = parse_json(raw)
    if not isinstance(body, dict):
        raise ApiError(400, "请求体应是 JSON 对象", '例：{"q": "618活动"}')
    return body


def _parse_question(text: str, today: dt.date):
    """``parse_query`` at the edge: a date the calendar cannot hold (year 0) is a question we cannot read, never
    a 500 (the core refuses most such text itself; this catches what it lets through)."""
    try:
        return parse_query(text, today)
    except (ValueError, OverflowError) as err:
        log.warning("question not understood at the edge (%s: %s)", type(err).__name__, err)
        if detect_lang(text) == "en":
            raise QueryError(f"Could not read the date in \"{text[:40]}\"", "write a date as 2026-10-01, a month as "
                             "2026-10") from None
        raise QueryError(f"看不懂「{text[:40]}」里的时间", "日期写成 2026-10-01，月份写成 2026-10") from None


def _check_dates(query, from_button: bool) -> None:
    """Refuse a question or button whose dates leave the sheet's date window (read through the cache, only
    when the question names a time at all)."""
    if query.start is None and query.end is None and query.month is None and not query.sides:
        return
    ctx = _ctx()
    where = {"zh": "按钮 button", "en": "button"} if from_button else {"zh": "问题 q", "en": "question q"}
    check_query(query, date_window(ctx.services.read_sheet(ctx.config).settings), **where)


def _button_query(value: str):
    """A button's value (JSON we wrote), decoded only when it is within the body's bounds (depth, numbers);
    a value that is not JSON at all is decode_query's to refuse (422 这个按钮已失效, as in Slack)."""
    hint = "这个按钮不是 ROI 助手生成的：请重新输入问题"
    if len(value) > 2000:
        raise BadInput("按钮 button 的值太长：不是 ROI 助手生成的按钮", hint)
    try:
        parse_json(value, "按钮 button 的值")
    except NotJson:
        pass
    except BadInput as err:
        raise BadInput(err.message, hint) from None
    return decode_query(value)


def _plain(value):
    if value is None or isinstance(value, (str, int, bool)):
        return value
    if isinstance(value, float):
        return value if pd.notna(value) and abs(value) != float("inf") else None
    return str(value)


def _data_and_period(text: str | None):
    """The sheet (cached read) and the period ``text`` names, in the team's calendar."""
    ctx = _ctx()
    try:
        data = ctx.services.read_sheet(ctx.config)
    except RoiError as err:
        e = _roi_error(err, "zh")
        raise ApiError(e.status, e.message, e.hint) from None
    text = (text or "").strip()
    if not text:
        return data, None
    if len(text) > 50:
        raise ApiError(400, "时间段太长", "例：上个月、2026-10、Q3、近30天")
    try:
        query = _parse_question(f"渠道 {text}", ctx.assistant.today())
    except QueryError as err:
        raise ApiError(400, f"看不懂时间段「{text}」：{err.message}", "例：上个月、2026-10、Q3、近30天") from None
    if query.period is None:
        raise ApiError(400, f"看不懂时间段「{text}」", "例：上个月、2026-10、Q3、近30天")
    check_period("period", text, *query.period, date_window(data.settings))
    return data, query.period


def _snapshot(data, period) -> dict:
    """The period's snapshot, computed once per sheet read (and per period) for every caller."""
    ctx = _ctx()
    data_key = ctx.figures.data_key(data)
    key = None if data_key is None else ("snapshot", None if period is None else
                                         (period[0].isoformat(), period[1].isoformat()), data_key)
    return ctx.figures.answer(key, lambda: snapshot(data, period, _attribution_json(data, period)))


def _find_campaign(data, text: str) -> tuple[str | None, list[str]]:
    ctx = _ctx()
    data_key = ctx.figures.data_key(data)
    return ctx.figures.answer(None if data_key is None else ("campaign", text, data_key),
                              lambda: find_campaign(data, text))


def _figure(entry: dict | None, name: str, empty: str):
    """``name`` of a snapshot entry: its value and how it reads, or None with the reason."""
    if entry is None:
        return ok(value=None, reason=empty)
    value = entry.get(name)
    if value is None:
        return ok(value=None, reason=entry.get("unavailable", {}).get(name) or "无数据")
    return ok(value=value, display=_display(name, value))


def _display(name: str, value: float) -> str:
    from roi_core.fmt import count, money, pct

    if name in ("roi", "ctr", "cvr", "roi_channel"):
        return pct(value)
    if name == "roas":
        return f"{value:.2f}"
    if name == "new_customers":
        return count(value)
    return money(value)


def _attribution_json(data, period) -> dict | None:
    """The attribution answer's JSON for ``period`` (the one ``/roi 归因 <period>`` gives), None without touches."""
    if data.touchpoints.empty:
        return None
    assistant = _ctx().assistant
    query = parse_query("归因" if period is None else f"归因 {period[0]:%Y-%m-%d}到{period[1]:%Y-%m-%d}",
                        assistant.today())
    if period is not None and period[0].day == 1 and (pd.Timestamp(period[1]) + pd.Timedelta(days=1)).day == 1 \
            and period[0].month == period[1].month and period[0].year == period[1].year:
        query = parse_query(f"归因 {period[0]:%Y-%m}", assistant.today())  # one month: the monthly window
    try:
        ans, _data, _key = assistant.answer_with_key(query)
    except DataError:
        return None  # no touches in the period: nothing attributed
    return answer_json(ans)


def _attributed(data, period, channel: str | None, model: str | None):
    from roi_core.attribution import AttributionError, resolve_model

    if channel is None:
        raise ApiError(400, "attributed 需要 channel", "例：/api/v1/metric?name=attributed&channel=抖音&model=markov")
    try:
        model = resolve_model(model or data.settings.attribution_model)
    except AttributionError as err:
        raise ApiError(400, err.message, err.hint or "") from None
    attribution = _attribution_json(data, period)
    if attribution is None:
        return ok(value=None, reason="没有「触点」数据")
    if model in attribution.get("refused", {}):
        return ok(value=None, reason=attribution["refused"][model])
    for row in attribution.get("comparison", []):
        if row["channel"] == channel:
            value = row.get(f"{model}_revenue")
            if value is None:
                return ok(value=None, reason="无法计算")
            return ok(value=value, display=_display("revenue", value), model=model)
    return ok(value=None, reason=f"「{channel}」没有触点数据")


def _monthly(month_text):
    """The month's run for ``month`` (default: the last full month in the team's time zone), as the clock runs it."""
    from roi_app.monthly import run_monthly
    from roi_app.stores.records import DeliveryStore

    ctx = _ctx()
    config = ctx.config
    data, _ = _data_and_period(None)
    zone = config.timezone or data.settings.timezone
    latest = pd.Period(config.today_in(zone), freq="M") - 1  # the last full month in the team's zone
    if month_text is None:
        month = latest
    else:
        try:
            month = pd.Period(str(month_text).strip()[:50], freq="M")
        except (ValueError, TypeError, OverflowError):
            raise ApiError(400, f"月份「{str(month_text)[:40]}」看不懂", "写成 2026-10") from None
        check_month("month", str(month_text), month, date_window(data.settings))
        if month > latest:
            raise ApiError(400, f"{month} 还没有结束，不能出月报", f"最近一个完整月是 {latest}")
    store = DeliveryStore(config.database, engine=ctx.services.engine())
    record = store.get(str(month))
    if record is not None and record.status == "posted":
        return ok(status="already_sent", month=str(month))
    result = run_monthly(config, month=month, store=store, out=_Discard())
    if result.status in ("posted", "updated"):
        return ok(status="sent" if result.status == "posted" else "already_sent", month=str(month))
    if result.status == "sheet_only":
        return ok(status="written", month=str(month))
    if result.status == "locked":
        raise ApiError(409, f"{month} 的月报正在生成中", "稍等一分钟再看「月度汇总」")
    raise ApiError(502, f"{month} 月报没有完成：{result.message}", "会自动重试；也可稍后再点一次")


class _Discard:
    """run_monthly prints for a terminal; nobody reads a web worker's stdout."""

    def write(self, _text):
        return 0

    def flush(self):
        return None


__all__ = ["API_BODY_LIMIT", "ApiError", "WebContext", "make_blueprint", "source_id"]
