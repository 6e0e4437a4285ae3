"""The 飞书 notifier through lark-oapi's real client into the loopback fake: what 飞书 refuses is refused, and a
refused card still reaches the chat as its plain text."""

from __future__ import annotations

import json

import pytest

from render.feishu import FeishuMessage, notice_card
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import FeishuError, FeishuNotifier, feishu_client
from tests.fakes.feishu_api import BAD_CARD, BAD_PARAM, FakeFeishuAPI

pytestmark = pytest.mark.slow  # a loopback server


def notifier_for(feishu: FakeFeishuAPI, secret: str | None = None) -> FeishuNotifier:
    config = AppConfig(feishu_app_id=feishu.app_id, feishu_app_secret=secret or feishu.app_secret,
                       feishu_api_url=feishu.url)
    return FeishuNotifier(feishu_client(config))


def test_a_wrong_app_secret_gets_no_token_and_sends_nothing():
    with FakeFeishuAPI() as feishu:
        feishu.expect_refusals(1)
        with pytest.raises(Exception, match="obtain|token|secret"):
            notifier_for(feishu, secret="wrong").post("oc_1", notice_card("hi"))
        assert feishu.sent() == [] and feishu.refusals[0]["path"] == "auth"


def test_a_card_feishu_refuses_goes_as_plain_text():
    with FakeFeishuAPI() as feishu:
        feishu.expect_refusals(1)
        bad = FeishuMessage({"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "x",
                                                                      "colour": "red"}]}}, "纯文本版本")
        notifier_for(feishu).post("oc_1", bad)  # the renderer's check was skipped: 飞书 itself refuses it
        (sent,) = feishu.sent("oc_1")
        assert feishu.refusals[0]["refused"] == BAD_CARD
        assert sent["msg_type"] == "text" and json.loads(sent["content"])["text"].startswith("纯文本版本\n（卡片排版")


def test_a_card_the_contract_refuses_is_never_offered_to_feishu():
    from render.feishu import checked

    with FakeFeishuAPI() as feishu:
        msg = checked({"schema": "2.0", "body": {"elements": [{"tag": "table", "columns": [], "rows": [],
                                                               "page_size": 99}]}}, "表格的纯文本", "zh", "test")
        assert msg.reasons
        notifier_for(feishu).post("oc_1", msg)
        assert feishu.refusals == [] and feishu.sent("oc_1")[0]["msg_type"] == "text"


def test_an_unknown_message_type_is_refused():
    class Odd(FeishuMessage):
        def payload(self):
            return "carousel", "{}"

    with FakeFeishuAPI() as feishu:
        feishu.expect_refusals(1)
        with pytest.raises(FeishuError) as err:
            notifier_for(feishu).post("oc_1", Odd(None, "x"))
        assert err.value.code == BAD_PARAM


def test_only_cards_are_patched_and_a_plain_update_becomes_a_card_of_its_text():
    with FakeFeishuAPI() as feishu:
        notifier = notifier_for(feishu)
        posted = notifier.post("oc_1", notice_card("第一版"))
        notifier.update("oc_1", posted["ts"], "第二版：纯文本")
        (sent,) = feishu.sent("oc_1")
        assert sent["patches"] == 1 and sent["card"]["body"]["elements"][0]["content"] == "第二版：纯文本"
        text_only = notifier.post("oc_1", "一条文字")
        feishu.expect_refusals(1)
        with pytest.raises(FeishuError):
            notifier.update("oc_1", text_only["ts"], notice_card("改不了"))  # a text message is not a card


def test_an_empty_picture_is_not_uploaded():
    with FakeFeishuAPI() as feishu:
        feishu.expect_refusals(1)
        assert notifier_for(feishu).upload("oc_1", b"", "x.png", "t") is False
        assert feishu.images == {}
