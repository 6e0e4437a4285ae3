"""The one way a message reaches 飞书, for the 飞书 door and the monthly job and daily alerts alike.

:class:`FeishuNotifier` has the port the job uses (``roi_runtime.notify.SlackNotifier``'s): ``post(chat,
message, thread_ts=None)`` → ``{"ts": message_id, "channel": chat_id}``, ``update(chat, message_id,
message)``, ``upload(chat, png, filename, title, thread_ts=None)``. A message is a
:class:`render.feishu.FeishuMessage` (or a plain ``str``): its card when 飞书 would take it
(``render.contract.feishu_card``), else its plain text; when 飞书 refuses a card all the same (230099
card content, 230025 too long, 230001 bad parameter) the plain text goes instead, so a person never sees
nothing. Calls go through the official SDK ``lark-oapi`` (its client fetches and renews the
tenant_access_token); ``FEISHU_API_URL`` points it elsewhere (the tests' loopback fake).
"""

from __future__ import annotations

import io
import json
import logging

from render.feishu import FeishuMessage, text_content

log = logging.getLogger(__name__)

FEISHU_DOMAIN = "https://open.feishu.cn"
# 飞书's error codes that mean "this card was refused": send the plain text instead
REFUSED_CARD = frozenset({230099, 230025, 230001})


class FeishuError(Exception):
    """飞书 answered a call with a non-zero code (``code``, ``msg``), or the call did not complete."""

    def __init__(self, code: int | None, msg: str):
        super().__init__(f"飞书 {code}: {msg}")
        self.code = code
        self.msg = msg


def feishu_client(config, *, timeout: float = 30.0):
    """The lark-oapi client for the app in ``config`` (FEISHU_APP_ID / _SECRET, FEISHU_API_URL)."""
    import lark_oapi as lark

    return (lark.Client.builder().app_id(config.feishu_app_id).app_secret(config.feishu_app_secret)
            .domain((config.feishu_api_url or FEISHU_DOMAIN).rstrip("/")).timeout(timeout)
            .log_level(lark.LogLevel.WARNING).build())


def feishu_reports(config) -> bool:
    """True when the monthly summary and the alerts go to 飞书 (an app and FEISHU_REPORT_CHAT are set)."""
    return bool(config.feishu_app_id and config.feishu_app_secret and config.feishu_report_chat)


def _checked(response, what: str):
    if not response.success():
        raise FeishuError(response.code, response.msg or what)
    return getattr(response, "data", None)


class FeishuNotifier:
    """Posts, replies, patches and uploads through one lark-oapi client (see the module docstring)."""

    medium = "feishu"  # the job renders 飞书 cards for this notifier (roi_app.monthly, scheduler.alerts)

    def __init__(self, client):
        self.client = client

    @staticmethod
    def _message(message) -> FeishuMessage:
        if isinstance(message, str):
            return FeishuMessage(None, message)
        return message

    def _send(self, message, send):
        """``send(msg_type, content)`` with the card; on a refused card, with the plain text."""
        msg = self._message(message)
        msg_type, content = msg.payload()
        try:
            return send(msg_type, content)
        except FeishuError as err:
            if err.code not in REFUSED_CARD or msg_type != "interactive":
                raise
            log.warning("飞书 refused a %s card (%s %s): sending it as plain text", msg.kind or "?", err.code, err.msg)
            return send("text", text_content(msg.text, msg.lang, note=True))

    def post(self, channel: str, message, thread_ts: str | None = None) -> dict:
        """Send ``message`` to the chat ``channel`` (a reply to ``thread_ts``, a message id, when given)."""
        from lark_oapi.api.im.v1 import (
            CreateMessageRequest,
            CreateMessageRequestBody,
            ReplyMessageRequest,
            ReplyMessageRequestBody,
        )

        def send(msg_type: str, content: str):
            if thread_ts:
                req = (ReplyMessageRequest.builder().message_id(thread_ts).request_body(
                    ReplyMessageRequestBody.builder().msg_type(msg_type).content(content).build()).build())
                return _checked(self.client.im.v1.message.reply(req), "reply")
            req = (CreateMessageRequest.builder().receive_id_type("chat_id").request_body(
                CreateMessageRequestBody.builder().receive_id(channel).msg_type(msg_type).content(content)
                .build()).build())
            return _checked(self.client.im.v1.message.create(req), "create")

        data = self._send(message, send)
        return {"ts": data.message_id, "channel": data.chat_id or channel}

    def update(self, channel: str, ts: str, message) -> dict:
        """Replace the card of the message ``ts`` (飞书 patches cards only: a plain text goes as a card of it)."""
        from lark_oapi.api.im.v1 import PatchMessageRequest, PatchMessageRequestBody

        msg = self._message(message)
        _, content = msg.payload()
        if msg.plain or msg.reasons:
            text = json.loads(text_content(msg.text, msg.lang, note=not msg.plain))["text"]
            content = json.dumps({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": text}]}},
                                 ensure_ascii=False)
        req = PatchMessageRequest.builder().message_id(ts).request_body(
            PatchMessageRequestBody.builder().content(content).build()).build()
        _checked(self.client.im.v1.message.patch(req), "patch")
        return {"ts": ts, "channel": channel}

    def uploads_open(self) -> bool:
        return True

    def upload_image(self, content: bytes) -> str | None:
        """Upload a PNG for messages (im/v1/images); its image_key, or None when it could not go up."""
        from lark_oapi.api.im.v1 import CreateImageRequest, CreateImageRequestBody

        req = CreateImageRequest.builder().request_body(
            CreateImageRequestBody.builder().image_type("message").image(io.BytesIO(content)).build()).build()
        try:
            return _checked(self.client.im.v1.image.create(req), "image").image_key
        except Exception as err:  # a picture is never worth the message: logged, skipped
            log.warning("飞书 image upload failed: %s", err)
            return None

    def upload(self, channel: str | None, content: bytes | str, filename: str, title: str,
               thread_ts: str | None = None, *, alt_txt: str | None = None) -> bool:
        """A PNG as an image message in ``channel`` (a reply to ``thread_ts``); True when it went up. Never raises."""
        if not channel or isinstance(content, str):
            return False  # 飞书 messages carry pictures; a CSV is not sent
        key = self.upload_image(content)
        if key is None:
            return False
        try:
            self.post(channel, _ImageMessage(key), thread_ts=thread_ts)
            return True
        except Exception as err:
            log.warning("飞书 image message to %s failed: %s", channel, err)
            return False


class _ImageMessage(FeishuMessage):
    """An ``image`` message of an uploaded picture."""

    def __init__(self, image_key: str):
        super().__init__(None, "", kind="image")
        self.image_key = image_key

    def payload(self) -> tuple[str, str]:
        return "image", json.dumps({"image_key": self.image_key})
