"""A loopback fake of the 飞书 OpenAPI endpoints the ROI assistant calls, for tests that run the REAL lark-oapi
client (``lark.Client.builder().domain(fake.url)``) with no internet.

    with FakeFeishuAPI() as feishu:
        client = lark.Client.builder().app_id(feishu.app_id).app_secret(feishu.app_secret).domain(feishu.url).build()

Endpoints (飞书's paths, under ``/open-apis``):

* ``POST auth/v3/tenant_access_token/internal`` — a token for the right app id and secret only;
* ``POST im/v1/messages?receive_id_type=chat_id`` — send; ``POST im/v1/messages/:id/reply`` — reply;
* ``PATCH im/v1/messages/:id`` — replace a card; ``POST im/v1/images`` — upload a picture (multipart).

It refuses what 飞书 documents as refused, each rule with its source (comments below, and :data:`SOURCES`);
a refused call is answered with ``{"code": …, "msg": …}`` (the shape of every page's 响应体), is not applied,
and is listed in ``refusals``. A card is checked with ``render.contract.feishu_card.check_content``, the
contract the renderer is held to; ``strict`` (default) fails the test at teardown on any refusal not expected.

What has no vendor source (said here so no one mistakes it for 飞书's documented behaviour):

* the code for a wrong app secret, 10014 "app secret invalid": the token page (SOURCES["token"]) defers to
  the generic error list, whose copy we could read does not show it; 10014 is what third-party reports of
  real responses show. The vendor's own CLI lists 99991543 "app_id or app_secret is incorrect" among the
  generic codes (SOURCES["generic_codes"]). The tests assert only that no token is issued;
* the HTTP statuses (400 for a refused call, 401 for a bad token): the pages give the body, not the status;
  lark-oapi reads the body's ``code`` whatever the status;
* the code for patching a card that does not declare ``update_multi`` (230001, the generic bad parameter):
  the patch page states the rule, not the code.
"""

from __future__ import annotations

import itertools
import json
import threading
import uuid
from email.parser import BytesParser
from email.policy import HTTP

from render.contract.feishu_card import check_content

from ._server import LoopbackServer, Request, Response

__all__ = ["FakeFeishuAPI", "FeishuRefusal"]

# where each rule below comes from (飞书 and Lark serve the same pages; the larkoffice/larksuite mirrors were read)
SOURCES = {
    "token": "https://open.larkoffice.com/document/ukTMukTMukTM/ukDNz4SO0MjL5QzM/auth-v3/auth/"
             "tenant_access_token_internal.md",
    "create": "https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/message/create.md",
    "patch": "https://open.larksuite.com/document/server-docs/im-v1/message-card/patch.md",
    "image": "https://open.larkoffice.com/document/uAjLw4CM/ukTMukTMukTM/reference/im-v1/image/create.md",
    # larksuite/cli internal/output/lark_errors.go (commit 1262aac480c832982c127e99f579fc35dc0f31a8), the
    # vendor's own constants, citing https://open.feishu.cn/document/server-docs/api-call-guide/generic-error-code
    "generic_codes": "https://github.com/larksuite/cli/blob/1262aac480c832982c127e99f579fc35dc0f31a8/"
                     "internal/output/lark_errors.go",
}

# im/v1/messages (create): msg_type "可选值有：text、post、image、file、audio、media、sticker、interactive、
# share_chat、share_user、system" — https://open.feishu.cn/document/server-docs/im-v1/message/create
MSG_TYPES = frozenset({"text", "post", "image", "file", "audio", "media", "sticker", "interactive", "share_chat",
                       "share_user", "system"})
TEXT_BYTES = 150 * 1024  # patch: "文本消息请求体最大不能超过150KB" (230025 in the message pages' error table)
IMAGE_BYTES = 10 * 1024 * 1024  # image: "上传的图片大小不能超过 10 MB，且不支持上传大小为 0 的图片"
# error codes of the im/v1 message pages' tables (230001 bad parameter, 230025 too long, 230099 card refused)
BAD_PARAM, TOO_LONG, BAD_CARD = 230001, 230025, 230099
# generic_codes: 99991661 "Authorization header missing or empty", 99991663 "access_token invalid (generic)"
NO_TOKEN, BAD_TOKEN = 99991661, 99991663
BAD_SECRET = 10014  # NO vendor source (see the module docstring): observed, not documented


class FeishuRefusal(AssertionError):
    """A call the real 飞书 would have refused (kept in ``FakeFeishuAPI.errors`` when strict)."""


class FakeFeishuAPI(LoopbackServer):
    """Fake 飞书 OpenAPI on 127.0.0.1 (see the module docstring)."""

    def __init__(self, *, strict: bool = True) -> None:
        super().__init__()
        self.app_id = f"cli_{uuid.uuid4().hex[:16]}"  # lark-oapi caches tokens per app id, process-wide
        self.app_secret = "secret-" + uuid.uuid4().hex
        self.strict = strict
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self.tokens: set[str] = set()
        self.messages: dict[str, dict] = {}  # message_id → {chat_id, msg_type, content, reply_to, patches}
        self.images: dict[str, bytes] = {}
        self.calls: list[dict] = []
        self.refusals: list[dict] = []
        self._expected = 0
        self.ws_url = ""  # a FakeLongConnection's url, handed out by /callback/ws/endpoint

    def expect_refusals(self, n: int = 1) -> FakeFeishuAPI:
        """The test means ``n`` refusals (they do not fail it at teardown)."""
        self._expected += n
        return self

    def __exit__(self, *exc: object) -> None:
        super().__exit__(*exc)
        if self.strict and len(self.refusals) > self._expected and not exc[0]:
            raise FeishuRefusal(f"飞书 would have refused: {self.refusals}")

    def incoming(self, chat_id: str, text: str) -> str:
        """A person's text message in ``chat_id`` (what an event names), so the bot can reply to it; its id."""
        message_id = f"om_user{next(self._ids):06d}"
        with self._lock:
            self.messages[message_id] = {"chat_id": chat_id, "msg_type": "text", "from_user": True, "patches": 0,
                                         "content": json.dumps({"text": text}, ensure_ascii=False), "reply_to": None}
        return message_id

    def wait_for(self, count: int, chat_id: str | None = None, timeout: float = 20.0, *, patches: int = 0) -> list:
        """The bot's messages once there are ``count`` of them (and ``patches`` card updates in all)."""
        import time

        deadline = time.monotonic() + timeout
        while True:
            mine = [m for m in self.sent(chat_id) if not m.get("from_user")]
            if len(mine) >= count and sum(m["patches"] for m in mine) >= patches:
                return mine
            if time.monotonic() > deadline:
                raise AssertionError(f"waited for {count} messages / {patches} patches; got {mine}")
            time.sleep(0.05)

    def sent(self, chat_id: str | None = None) -> list[dict]:
        """Messages sent (and replies), oldest first; the card as a dict under ``card``."""
        with self._lock:
            out = [dict(m, message_id=k) for k, m in self.messages.items()
                   if chat_id is None or m["chat_id"] == chat_id]
        for m in out:
            m["card"] = json.loads(m["content"]) if m["msg_type"] == "interactive" else None
        return out

    # ------------------------------------------------------------------ dispatch
    def handle(self, request: Request) -> Response:
        path = request.raw_path.removeprefix("/open-apis/")
        call = {"method": request.method, "path": path}
        with self._lock:
            self.calls.append(call)
        if path == "auth/v3/tenant_access_token/internal" and request.method == "POST":
            return self._token(request)
        if request.raw_path == "/callback/ws/endpoint" and request.method == "POST":
            return self._ws_endpoint(request)
        auth = request.headers.get("authorization", "")
        if not auth.startswith("Bearer ") or not auth[7:]:  # create/patch/image: Authorization 必填
            return self._refuse(call, NO_TOKEN, "Missing access token for authorization", 401)
        if auth[7:] not in self.tokens:
            return self._refuse(call, BAD_TOKEN, "Invalid access token for authorization", 401)
        if path == "im/v1/messages" and request.method == "POST":
            if request.query.get("receive_id_type", [""])[0] not in ("chat_id", "open_id", "user_id", "union_id",
                                                                      "email"):
                return self._refuse(call, BAD_PARAM, "receive_id_type is required")
            return self._send(request, call, reply_to=None)
        parts = path.split("/")
        if parts[:3] == ["im", "v1", "messages"] and len(parts) == 5 and parts[4] == "reply" \
                and request.method == "POST":
            return self._send(request, call, reply_to=parts[3])
        if parts[:3] == ["im", "v1", "messages"] and len(parts) == 4 and request.method == "PATCH":
            return self._patch(request, call, parts[3])
        if path == "im/v1/images" and request.method == "POST":
            return self._image(request, call)
        return Response.json({"code": 404, "msg": f"not found: {request.method} {path}"}, 404)

    def _refuse(self, call: dict, code: int, msg: str, status: int = 400) -> Response:
        call.update(refused=code, msg=msg)
        with self._lock:
            self.refusals.append(call)
        return Response.json({"code": code, "msg": msg}, status)

    def _token(self, request: Request) -> Response:
        body = request.json() or {}
        if body.get("app_id") != self.app_id or body.get("app_secret") != self.app_secret:
            return self._refuse({"path": "auth"}, BAD_SECRET, "app secret invalid")
        token = "t-" + uuid.uuid4().hex
        with self._lock:
            self.tokens.add(token)
        return Response.json({"code": 0, "msg": "ok", "tenant_access_token": token, "expire": 7200})

    def _ws_endpoint(self, request: Request) -> Response:
        """Where the SDK's long-connection client connects (``ws_url``: a FakeLongConnection's), for this app only."""
        body = request.json() or {}
        if body.get("AppID") != self.app_id or body.get("AppSecret") != self.app_secret or not self.ws_url:
            return self._refuse({"path": "ws"}, BAD_SECRET, "app secret invalid")
        return Response.json({"code": 0, "msg": "ok", "data": {"URL": self.ws_url, "ClientConfig": {
            "ReconnectCount": 0, "ReconnectInterval": 1, "ReconnectNonce": 1, "PingInterval": 120}}})

    def _content_problem(self, msg_type, content) -> tuple[int, str] | None:
        """Why 飞书 would refuse ``content`` for ``msg_type`` (None: it would take it)."""
        if msg_type not in MSG_TYPES:
            return BAD_PARAM, f"invalid msg_type {msg_type!r}"
        if not isinstance(content, str):  # create: content "JSON 结构序列化后的字符串"
            return BAD_PARAM, "content must be a string"
        if msg_type == "interactive":
            reasons = check_content(content)
            if reasons:
                code = TOO_LONG if any(getattr(r, "error", "") == "230025" for r in reasons) else BAD_CARD
                return code, "; ".join(reasons[:5])
            return None
        if msg_type == "text":
            if len(content.encode()) > TEXT_BYTES:
                return TOO_LONG, "The length of the message content reaches its limit"
            try:
                text = json.loads(content).get("text")
            except (ValueError, AttributeError):
                text = None
            return None if isinstance(text, str) and text else (BAD_PARAM, "text content needs a text")
        if msg_type == "image":
            try:
                key = json.loads(content).get("image_key")
            except (ValueError, AttributeError):
                key = None
            return None if key in self.images else (BAD_PARAM, "image_key not found")
        return None

    def _send(self, request: Request, call: dict, reply_to: str | None) -> Response:
        body = request.json() or {}
        if reply_to is not None and reply_to not in self.messages:
            return self._refuse(call, BAD_PARAM, "message not found")
        problem = self._content_problem(body.get("msg_type"), body.get("content"))
        if problem:
            return self._refuse(call, *problem)
        chat = self.messages[reply_to]["chat_id"] if reply_to else body.get("receive_id")
        if not chat:
            return self._refuse(call, BAD_PARAM, "receive_id is required")
        message_id = f"om_{next(self._ids):06d}"
        with self._lock:
            self.messages[message_id] = {"chat_id": chat, "msg_type": body["msg_type"], "content": body["content"],
                                         "reply_to": reply_to, "patches": 0}
        call["message_id"] = message_id
        return Response.json({"code": 0, "msg": "success", "data": {
            "message_id": message_id, "chat_id": chat, "msg_type": body["msg_type"],
            "body": {"content": body["content"]}}})

    def _patch(self, request: Request, call: dict, message_id: str) -> Response:
        body = request.json() or {}
        message = self.messages.get(message_id)
        if message is None:
            return self._refuse(call, BAD_PARAM, "message not found")
        if message["msg_type"] != "interactive":  # patch: "仅支持更新消息卡片(interactive类型)"
            return self._refuse(call, BAD_PARAM, "only card messages can be updated")
        # patch: "仅支持对所有人更新未撤回的「共享卡片」消息，需在卡片的config属性中，显式声明 "update_multi":true"
        # (the code is ours, see the module docstring)
        if not _declares_shared(message["content"]):
            return self._refuse(call, BAD_PARAM, "only a card that declares config.update_multi true can be updated")
        problem = self._content_problem("interactive", body.get("content"))
        if problem:
            return self._refuse(call, *problem)
        with self._lock:
            message["content"] = body["content"]
            message["patches"] += 1
        return Response.json({"code": 0, "msg": "success", "data": {}})

    def _image(self, request: Request, call: dict) -> Response:  # image: multipart, image_type 必填
        ctype = request.headers.get("content-type", "")
        if not ctype.startswith("multipart/form-data"):
            return self._refuse(call, BAD_PARAM, "multipart/form-data expected")
        parsed = BytesParser(policy=HTTP).parsebytes(f"Content-Type: {ctype}\r\n\r\n".encode() + request.body)
        fields = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                  for part in parsed.iter_parts()}
        if (fields.get("image_type") or b"").decode() not in ("message", "avatar"):  # images: image_type 必填
            return self._refuse(call, BAD_PARAM, "image_type must be message or avatar")
        image = fields.get("image") or b""
        if not image or len(image) > IMAGE_BYTES:
            return self._refuse(call, BAD_PARAM, "image is empty or larger than 10 MB")
        key = f"img_v3_{next(self._ids):06d}"
        with self._lock:
            self.images[key] = image
        return Response.json({"code": 0, "msg": "success", "data": {"image_key": key}})


def _declares_shared(content: str) -> bool:
    """True when a sent card's JSON says ``"config": {"update_multi": true}`` in so many words (patch page)."""
    try:
        config = json.loads(content).get("config")
    except (ValueError, AttributeError):
        return False
    return isinstance(config, dict) and config.get("update_multi") is True
