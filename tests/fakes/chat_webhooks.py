"""A loopback fake of the 企业微信 and 钉钉 group robots' webhooks (push only), refusing what their documentation
says they refuse.

* 企业微信 ``POST /cgi-bin/webhook/send?key=<key>`` — developer.work.weixin.qq.com/document/path/91770:
  markdown content at most 4096 bytes of UTF-8 (errcode 40058), at most 20 messages a minute per robot;
* 钉钉 ``POST /robot/send?access_token=<t>&timestamp=<ms>&sign=<s>`` — open.dingtalk.com/document/robots/
  custom-robot-access: 加签 checked (HmacSHA256 of "timestamp\\nsecret", base64, urlencoded), markdown needs a
  title and a text, at most 20 messages a minute per robot.

Error codes other than 40058 are not in the pages we read: the fake answers them with ``-1`` and the reason, so
a test asserts the refusal, never the number.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import threading

from ._server import LoopbackServer, Request, Response

__all__ = ["FakeChatRobots"]

MARKDOWN_BYTES = 4096
PER_MINUTE = 20


class FakeChatRobots(LoopbackServer):
    """One fake for both robots. ``clock()`` gives seconds (tests pass their own)."""

    def __init__(self, *, wecom_key: str = "wk-1", dingtalk_token: str = "dt-1", dingtalk_secret: str = "SECabc",
                 clock=None) -> None:
        super().__init__()
        self.wecom_key, self.dingtalk_token, self.dingtalk_secret = wecom_key, dingtalk_token, dingtalk_secret
        self.clock = clock or (lambda: 0.0)
        self._lock = threading.Lock()
        self.received: list[dict] = []  # accepted messages: {"robot", "body", "at"}
        self.refusals: list[dict] = []

    @property
    def wecom_url(self) -> str:
        return f"{self.url}/cgi-bin/webhook/send?key={self.wecom_key}"

    @property
    def dingtalk_url(self) -> str:
        return f"{self.url}/robot/send?access_token={self.dingtalk_token}"

    def handle(self, request: Request) -> Response:
        if request.method != "POST":
            return Response.json({"errcode": -1, "errmsg": "POST only"}, 405)
        body = request.json() or {}
        if request.raw_path == "/cgi-bin/webhook/send":
            return self._wecom(request, body)
        if request.raw_path == "/robot/send":
            return self._dingtalk(request, body)
        return Response.json({"errcode": -1, "errmsg": "not found"}, 404)

    def _refuse(self, robot: str, code: int, msg: str) -> Response:
        with self._lock:
            self.refusals.append({"robot": robot, "errcode": code, "errmsg": msg})
        return Response.json({"errcode": code, "errmsg": msg})  # both answer HTTP 200 with an errcode

    def _too_fast(self, robot: str) -> bool:
        now = self.clock()
        with self._lock:
            return sum(1 for m in self.received if m["robot"] == robot and now - m["at"] < 60) >= PER_MINUTE

    def _accept(self, robot: str, body: dict) -> Response:
        with self._lock:
            self.received.append({"robot": robot, "body": body, "at": self.clock()})
        return Response.json({"errcode": 0, "errmsg": "ok"})

    def _wecom(self, request: Request, body: dict) -> Response:
        if request.query.get("key", [""])[0] != self.wecom_key:
            return self._refuse("wecom", -1, "invalid webhook url")
        if body.get("msgtype") != "markdown" or not isinstance((body.get("markdown") or {}).get("content"), str):
            return self._refuse("wecom", -1, "markdown.content required")
        if len(body["markdown"]["content"].encode()) > MARKDOWN_BYTES:
            return self._refuse("wecom", 40058, "markdown.content exceed max length 4096")
        if self._too_fast("wecom"):
            return self._refuse("wecom", -1, "more than 20 messages a minute")
        return self._accept("wecom", body)

    def _dingtalk(self, request: Request, body: dict) -> Response:
        q = {k: v[0] for k, v in request.query.items()}
        if q.get("access_token") != self.dingtalk_token:
            return self._refuse("dingtalk", -1, "token is not exist")
        if self.dingtalk_secret:
            expected = base64.b64encode(hmac.new(self.dingtalk_secret.encode(),
                                                 f"{q.get('timestamp', '')}\n{self.dingtalk_secret}".encode(),
                                                 hashlib.sha256).digest()).decode()
            if not hmac.compare_digest(q.get("sign", ""), expected):  # parse_qs already url-decoded it
                return self._refuse("dingtalk", -1, "sign not match")
        markdown = body.get("markdown") or {}
        if body.get("msgtype") != "markdown" or not markdown.get("title") or not markdown.get("text"):
            return self._refuse("dingtalk", -1, "markdown needs title and text")
        if self._too_fast("dingtalk"):
            return self._refuse("dingtalk", -1, "more than 20 messages a minute")
        return self._accept("dingtalk", body)
