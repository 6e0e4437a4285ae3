"""Push-only delivery to a 企业微信 or 钉钉 group robot (a webhook URL per chat): the monthly summary and the daily
alerts as markdown messages, through the same delivery records as Slack and 飞书.

:class:`WebhookNotifier` has the job's notifier port: ``post(channel, message)`` → ``{"ts", "channel"}``,
``update``, ``upload``. A robot cannot edit or thread: ``update`` leaves the posted message as it is (a re-run
changes nothing in the chat, and is recorded as updated), ``upload`` sends nothing. A message is a markdown
string (``render.chat_markdown``) or a plain ``str``.

The platforms' rules kept here, each from its documentation:

* 企业微信 群机器人 (https://developer.work.weixin.qq.com/document/path/91770): ``{"msgtype": "markdown",
  "markdown": {"content": …}}``, content "最长不超过4096个字节，必须是utf8编码" (errcode 40058 beyond); at
  most 20 messages a minute per robot; not signed (the key in the URL is the secret).
* 钉钉 自定义机器人 (https://open.dingtalk.com/document/robots/custom-robot-access): ``{"msgtype": "markdown",
  "markdown": {"title": …, "text": …}}``; 加签: ``timestamp`` (ms) and ``sign`` = urlencode(base64(HmacSHA256
  (secret, timestamp + "\\n" + secret))) on the URL; at most 20 messages a minute per robot (throttled 10
  minutes beyond). No length limit for its markdown was found: the same 4,096 bytes is ours, not 钉钉's.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import time
import uuid
from urllib.parse import quote_plus

log = logging.getLogger(__name__)

MARKDOWN_BYTES = 4096  # 企业微信: markdown content ≤ 4096 bytes (钉钉: none documented; we keep the same)
KINDS = ("wecom", "dingtalk")


class WebhookError(Exception):
    """The robot answered with a non-zero errcode (or the call failed)."""

    def __init__(self, code, msg: str):
        super().__init__(f"{code}: {msg}")
        self.code, self.msg = code, msg


def dingtalk_signed(url: str, secret: str, now_ms: int) -> str:
    """``url`` with 钉钉's ``timestamp`` and ``sign`` (加签) appended."""
    string_to_sign = f"{now_ms}\n{secret}".encode()
    sign = quote_plus(base64.b64encode(hmac.new(secret.encode(), string_to_sign, hashlib.sha256).digest()))
    return f"{url}{'&' if '?' in url else '?'}timestamp={now_ms}&sign={sign}"


def webhook_target(config) -> tuple[str, str, str | None] | None:
    """``(kind, url, secret)`` of the robot that takes the reports (WECOM_WEBHOOK_URL, else DINGTALK_WEBHOOK_URL
    with DINGTALK_SECRET), or None."""
    if getattr(config, "wecom_webhook_url", None):
        return "wecom", config.wecom_webhook_url, None
    if getattr(config, "dingtalk_webhook_url", None):
        return "dingtalk", config.dingtalk_webhook_url, config.dingtalk_secret
    return None


class WebhookNotifier:
    """Posts markdown to one group robot (see the module docstring)."""

    medium = "markdown"

    def __init__(self, kind: str, url: str, secret: str | None = None, *, session=None, clock=time.time,
                 timeout: float = 15.0):
        if kind not in KINDS:
            raise ValueError(f"unknown robot {kind!r}; one of {KINDS}")
        import requests

        self.kind, self.url, self.secret = kind, url, secret
        self.session = session or requests.Session()
        self.clock = clock
        self.timeout = timeout

    def _body(self, text: str, title: str) -> dict:
        if self.kind == "wecom":
            return {"msgtype": "markdown", "markdown": {"content": text}}
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}

    def post(self, channel: str, message, thread_ts: str | None = None) -> dict:
        """Send ``message`` (markdown) to the robot's chat; ``thread_ts`` is ignored (robots do not thread)."""
        text = message if isinstance(message, str) else message.text
        title = (text.split("\n", 1)[0].lstrip("# ") or "ROI 助手")[:60]
        from render.chat_markdown import fit

        text = fit(text, MARKDOWN_BYTES)
        url = self.url
        if self.kind == "dingtalk" and self.secret:
            url = dingtalk_signed(url, self.secret, int(self.clock() * 1000))
        response = self.session.post(url, json=self._body(text, title), timeout=self.timeout)
        try:
            answer = response.json()
        except ValueError:
            raise WebhookError(response.status_code, response.text[:200]) from None
        if response.status_code != 200 or answer.get("errcode", 0) != 0:
            raise WebhookError(answer.get("errcode", response.status_code), answer.get("errmsg", ""))
        return {"ts": f"{self.kind}-{uuid.uuid4().hex[:12]}", "channel": channel}

    def update(self, channel: str, ts: str, message) -> dict:
        """A robot cannot edit what it posted: the message stays as it is (logged)."""
        log.info("%s robot: message %s cannot be edited; left as posted", self.kind, ts)
        return {"ts": ts, "channel": channel}

    def uploads_open(self) -> bool:
        return False

    def upload(self, channel, content, filename: str, title: str, thread_ts: str | None = None, **_) -> bool:
        return False  # pictures need a media upload these robots' markdown cannot show inline
