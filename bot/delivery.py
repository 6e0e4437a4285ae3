"""Sending a rendered answer back to where the question came from.

Two kinds of destination:

- ``response_url`` (slash commands, and buttons on those answers): a JSON POST
  as bolt's ``respond`` makes, over kept-alive connections; reports go ``in_channel`` (``REPORTS_IN_CHANNEL``),
  help, errors and choices ``ephemeral``.
- a thread (``@ROI助手`` mentions, and buttons on answers in a thread):
  ``chat.postMessage`` with ``thread_ts`` (``chat.update`` to replace), through the
  notifier the monthly job uses too (``roi_runtime.notify.SlackNotifier``).

After the message: the chart as a PNG (``files_upload_v2``, channel and
attribution answers, when ``CHART_PNG=auto``) and the full table of a cut
list (a CSV file, or the rows as text in the thread when files cannot be
uploaded). Without ``files:write`` (``missing_scope``), or when the bot is
not in the channel, uploads are skipped cleanly and logged once; nothing
after the message ever fails the answer.
"""

from __future__ import annotations

import http.client
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from render.blocks import ChartSpec, Overflow, SlackMessage, mrkdwn, section
from roi_runtime.config import AppConfig
from roi_runtime.notify import NotSent, SlackNotifier, error_code, send_checked

log = logging.getLogger(__name__)

MAX_TEXT_FOLLOWUPS = 8  # messages of rows in a thread
MAX_RESPONSE_URL_FOLLOWUPS = 2  # a response_url takes five uses in all


class _Response:
    def __init__(self, status_code: int, body: str):
        self.status_code = status_code
        self.body = body


class ResponseUrlPoster:
    """POSTs to response_urls over kept-alive connections (one per thread and host).

    Does what bolt's ``respond`` does (a JSON body: text, blocks, response_type,
    replace_original, delete_original, …) without a new connection, and in
    production a new TLS handshake with hooks.slack.com, for every answer.
    """

    def __init__(self, timeout: float = 10.0):
        self.timeout = timeout
        self._local = threading.local()

    def _conn(self, key):
        conns = self._local.__dict__.setdefault("conns", {})
        conn = conns.get(key)
        if conn is None:
            scheme, host, port = key
            cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
            conn = conns[key] = cls(host, port, timeout=self.timeout)
        return conn, conns

    def post(self, url: str, payload: dict) -> _Response:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError("not an http(s) response_url")
        key = (parts.scheme, parts.hostname, parts.port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json;charset=utf-8", "User-Agent": "roi-assistant"}
        for attempt in (0, 1):
            conn, conns = self._conn(key)
            reused = conn.sock is not None
            try:
                conn.request("POST", path, body=body, headers=headers)
                resp = conn.getresponse()
                text = resp.read().decode("utf-8", "replace")
                if resp.will_close:
                    conn.close()
                    conns.pop(key, None)
                return _Response(resp.status, text)
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                conn.close()
                conns.pop(key, None)
                if attempt or not reused:  # only a kept-alive connection the server had closed is retried
                    raise
            except Exception:
                conn.close()
                conns.pop(key, None)
                raise
        raise RuntimeError("unreachable")

    def respond_for(self, url: str | None, config: AppConfig | None = None) -> Callable | None:
        """A ``respond(text=…, blocks=…, response_type=…, replace_original=…, delete_original=…)`` for ``url``.

        With ``config``, a url that is not Slack's (see :func:`response_url_allowed`) gets a
        ``respond`` that sends nothing: a signed request must not make us POST anywhere it names.
        """
        if not url:
            return None
        if config is not None and not response_url_allowed(url, config):
            host = urlsplit(url).hostname or "?"

            def refuse(**_kwargs):
                log.warning("response_url on host %s is not Slack's: nothing sent", host[:80])
                return _Response(403, "response_url not allowed")

            return refuse

        def respond(text: str = "", blocks=None, response_type=None, replace_original=None, delete_original=None,
                    unfurl_links=None, unfurl_media=None, thread_ts=None):
            payload = {"text": text}
            for name, value in (("blocks", blocks), ("response_type", response_type),
                                ("replace_original", replace_original), ("delete_original", delete_original),
                                ("unfurl_links", unfurl_links), ("unfurl_media", unfurl_media),
                                ("thread_ts", thread_ts)):
                if value is not None:
                    payload[name] = value
            return self.post(url, payload)

        return respond


RESPONSE_URLS = ResponseUrlPoster()

# Slack sends response_urls on these hosts only (commercial and GovSlack).
SLACK_HOOK_HOSTS = frozenset({"hooks.slack.com", "hooks.slack-gov.com"})


def response_url_allowed(url: str, config: AppConfig) -> bool:
    """Whether ``url`` is a response_url Slack could have sent: https on Slack's hooks host, or the
    scheme, host and port of ``SLACK_API_URL`` when that is set (a test or a proxy of Slack)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if config.slack_api_url:
        api = urlsplit(config.slack_api_url)
        if (parts.scheme, parts.hostname, port) == (api.scheme, api.hostname, api.port):
            return True
    return parts.scheme == "https" and parts.hostname in SLACK_HOOK_HOSTS and port in (None, 443)


@dataclass
class Reply:
    """Where one question's answer goes: its response_url (``respond``) or a thread (``notifier``)."""

    config: AppConfig
    client: WebClient
    channel: str | None
    user: str | None = None
    respond: Callable | None = None  # response_url mode when set
    thread_ts: str | None = None  # thread mode: the thread to answer in
    message_ts: str | None = None  # the message a button was clicked on (for replace in thread mode)
    chart_png: str = "auto"  # auto | button | off
    render_png: Callable[[ChartSpec], bytes | None] | None = None
    notifier: SlackNotifier | None = None  # default: one over ``client`` (posts, edits, uploads)

    def __post_init__(self):
        if self.notifier is None:
            self.notifier = SlackNotifier(self.client)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def for_command(cls, config: AppConfig, client: WebClient, respond: Callable, command: dict, **kw) -> Reply:
        respond = RESPONSE_URLS.respond_for(command.get("response_url"), config) or respond
        return cls(config, client, command.get("channel_id"), command.get("user_id"), respond=respond, **kw)

    @classmethod
    def for_mention(cls, config: AppConfig, client: WebClient, event: dict, **kw) -> Reply:
        return cls(config, client, event.get("channel"), event.get("user"),
                   thread_ts=event.get("thread_ts") or event.get("ts"), **kw)

    @classmethod
    def for_action(cls, config: AppConfig, client: WebClient, respond: Callable, body: dict, **kw) -> Reply:
        container = body.get("container") or {}
        message = body.get("message") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        user = (body.get("user") or {}).get("id")
        thread_ts = container.get("thread_ts") or message.get("thread_ts")
        if thread_ts and not container.get("is_ephemeral"):
            return cls(config, client, channel, user, thread_ts=thread_ts,
                       message_ts=container.get("message_ts") or message.get("ts"), **kw)
        respond = RESPONSE_URLS.respond_for(body.get("response_url"), config) or respond
        return cls(config, client, channel, user, respond=respond, **kw)

    # ------------------------------------------------------------------ sending
    @property
    def threaded(self) -> bool:
        return self.respond is None

    def send(self, msg: SlackMessage, *, replace: bool = False) -> bool:
        """Send ``msg``; then its chart and full table. Returns False when the message itself failed."""
        public = self._post(msg, replace)
        if public is None:
            return False
        self._after(msg, public)
        return True

    def delete_original(self) -> None:
        if self.respond is not None:
            self._call_respond(text="", delete_original=True)

    def _post(self, msg: SlackMessage, replace: bool) -> bool | None:
        """Send the message (checked first; a layout Slack refuses goes again as plain text, see
        roi_runtime.notify). Returns whether it went out publicly, or None when it could not be sent."""
        if self.respond is not None:
            public = not msg.ephemeral and self.config.reports_in_channel

            def respond(m):
                ok, error = self._call_respond(text=m.text, blocks=m.blocks or None,
                                               response_type="in_channel" if public else "ephemeral",
                                               replace_original=replace)
                if not ok:
                    raise NotSent(error)

            try:
                send_checked(respond, msg)
            except NotSent:
                return None
            return public
        try:
            if replace and self.message_ts:
                self.notifier.update(self.channel, self.message_ts, msg)
            else:
                self.notifier.post(self.channel, msg, thread_ts=self.thread_ts)
        except SlackApiError as err:
            log.warning("could not post the answer in %s: %s", self.channel, error_code(err))
            return None
        return True

    def _call_respond(self, **kwargs) -> tuple[bool, str | None]:
        try:
            resp = self.respond(**kwargs)
        except Exception:  # response_url unreachable or expired
            log.warning("response_url call failed", exc_info=True)
            return False, None
        status = getattr(resp, "status_code", 200)
        if status >= 400:
            body = str(getattr(resp, "body", ""))[:200]
            log.warning("response_url answered %s: %s", status, body)
            return False, body.strip().strip('"') or None
        return True, None

    def _after(self, msg: SlackMessage, public: bool) -> None:
        if msg.chart is not None and public and self.chart_png == "auto":
            self.upload_chart(msg.chart)
        if msg.overflow is not None:
            self.send_overflow(msg.overflow, public)

    # ------------------------------------------------------------------ files
    def _upload(self, *, content: bytes, filename: str, title: str, alt_txt: str | None = None) -> bool:
        return self.notifier.upload(self.channel, content, filename, title, self.thread_ts, alt_txt=alt_txt)

    def upload_chart(self, spec: ChartSpec) -> bool:
        if not self.notifier.uploads_open():
            return False
        render = self.render_png
        if render is None:
            from render.charts import render_png as render
        try:
            png = render(spec)
        except Exception:
            log.exception("could not draw chart %r", spec.title)
            return False
        if not png:
            return False
        return self._upload(content=png, filename=spec.filename, title=spec.title, alt_txt=spec.title)

    def send_overflow(self, overflow: Overflow, public: bool) -> None:
        """The full table of a cut list: a CSV file where the answer is public, else text follow-ups."""
        if public and self._upload(content=overflow.csv_bytes(), filename=overflow.filename,
                                   title=f"{overflow.title}（完整 {len(overflow.rows)} 行）"):
            return
        # in a thread the rows follow the answer; through response_url (five uses per command) only the
        # asker sees them, and only a few messages' worth
        limit = MAX_TEXT_FOLLOWUPS if self.threaded else MAX_RESPONSE_URL_FOLLOWUPS
        ephemeral = not self.threaded
        chunks = overflow.text_chunks()
        head = f"*{mrkdwn(overflow.title)}*（完整 {len(overflow.rows)} 行）"
        for i, chunk in enumerate(chunks[:limit]):
            text = (head + "\n" if i == 0 else "") + chunk
            follow = SlackMessage([section(text)], mrkdwn(overflow.title), ephemeral=ephemeral)
            if self._post(follow, replace=False) is None:
                return
        if len(chunks) > limit:
            note = f"…其余 {len(chunks) - limit} 段未发送，可用 `python -m bot ask` 查看完整结果"
            self._post(SlackMessage([section(note)], note, ephemeral=ephemeral), replace=False)
