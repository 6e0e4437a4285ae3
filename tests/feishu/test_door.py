"""The 飞书 door end to end: events in (the long connection's path through lark-oapi's dispatcher, and the HTTP
callback, signed and encrypted as 飞书 does), answers out through lark-oapi's client into the loopback fake.

* ``@ROI助手 618活动`` in a group and any private message get the same card as /roi 618活动;
* a group message that does not mention the bot is not a question; a redelivered event is answered once;
* a card button asks the follow-up and the clicked card becomes the answer (PATCH);
* an alert's mute button records the mute the daily check reads;
* the HTTP callback checks the body size and the signature before anything is parsed.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import os
from pathlib import Path

import pytest
from Crypto.Cipher import AES

from feishu.app import event_handler
from feishu.door import FeishuDoor, question_of
from feishu.http import MAX_BODY, create_app, signature_of
from render.blocks import encode_query
from render.blocks.alerts import encode_mute
from roi_app.answers import Assistant
from roi_app.stores.claims import ClaimStore
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import FeishuNotifier, feishu_client
from tests.fakes.feishu_api import FakeFeishuAPI

pytestmark = pytest.mark.slow  # a loopback server and answers on the demo workbook

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"
TODAY = dt.date(2026, 11, 30)
KEY, TOKEN = "encrypt-key-for-tests", "verification-token-for-tests"


@pytest.fixture
def feishu():
    with FakeFeishuAPI() as fake:
        yield fake


@pytest.fixture
def setup(feishu, tmp_path):
    config = AppConfig(source=str(DEMO), database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                       feishu_app_id=feishu.app_id, feishu_app_secret=feishu.app_secret, feishu_api_url=feishu.url,
                       feishu_encrypt_key=KEY, feishu_verification_token=TOKEN)
    assistant = Assistant(config, today=lambda: TODAY)
    door = FeishuDoor(assistant, FeishuNotifier(feishu_client(config)), ClaimStore(config.database),
                      now=lambda: dt.datetime(2026, 11, 30, 2, 0, tzinfo=dt.UTC))
    return config, door, event_handler(door, config)


def message_event(event_id: str, message_id: str, chat_id: str, text: str, *, group: bool = True,
                  mention: bool = True) -> dict:
    mentions = [{"key": "@_user_1", "id": {"open_id": "ou_bot"}, "name": "ROI助手", "tenant_key": "t1"}]
    return {"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "im.message.receive_v1", "token": TOKEN,
                       "create_time": "1764468000000", "app_id": "cli_x", "tenant_key": "t1"},
            "event": {"sender": {"sender_id": {"open_id": "ou_asker"}, "sender_type": "user", "tenant_key": "t1"},
                      "message": {"message_id": message_id, "chat_id": chat_id,
                                  "chat_type": "group" if group else "p2p", "message_type": "text",
                                  "content": json.dumps({"text": text}, ensure_ascii=False),
                                  **({"mentions": mentions} if mention else {})}}}


def action_event(event_id: str, message_id: str, chat_id: str, value: dict) -> dict:
    return {"schema": "2.0",
            "header": {"event_id": event_id, "event_type": "card.action.trigger", "token": TOKEN,
                       "create_time": "1764468000000", "app_id": "cli_x", "tenant_key": "t1"},
            "event": {"operator": {"open_id": "ou_clicker"}, "token": "c-1",
                      "action": {"value": value, "tag": "button"},
                      "context": {"open_message_id": message_id, "open_chat_id": chat_id}}}


def over_long_connection(handler, payload: dict):
    """What lark-oapi's WebSocket client does with a frame's payload."""
    return handler._do_without_validation(json.dumps(payload, ensure_ascii=False).encode())


def test_the_mention_is_taken_out_of_the_question():
    assert question_of('{"text":"@_user_1 618活动"}') == "618活动"
    assert question_of('{"text":"@_user_1  @_user_2 渠道 2026-10 "}') == "渠道 2026-10"
    assert question_of("not json") == ""


def test_a_mention_in_a_group_and_a_private_message_get_the_roi_answer(feishu, setup):
    _, door, handler = setup
    expected = door.answer_text("618活动").payload()[1]  # the card /roi 618活动 renders, for the door's path
    group_msg = feishu.incoming("oc_group", "@_user_1 618活动")
    over_long_connection(handler, message_event("ev1", group_msg, "oc_group", "@_user_1 618活动"))
    private_msg = feishu.incoming("oc_p2p", "618活动")
    over_long_connection(handler, message_event("ev2", private_msg, "oc_p2p", "618活动", group=False,
                                                mention=False))
    group, private = feishu.wait_for(1, "oc_group"), feishu.wait_for(1, "oc_p2p")
    assert group[0]["reply_to"] == group_msg and private[0]["reply_to"] == private_msg
    assert group[0]["msg_type"] == private[0]["msg_type"] == "interactive"
    assert group[0]["content"] == private[0]["content"] == expected
    assert group[0]["card"]["header"]["title"]["content"] == "📊 618活动"


def test_an_event_delivered_twice_is_answered_once_and_a_group_chat_without_mention_is_ignored(feishu, setup):
    _, door, handler = setup
    msg = feishu.incoming("oc_group", "@_user_1 排行 3")
    for _ in range(3):  # 飞书 redelivers an event it thinks was not acknowledged
        over_long_connection(handler, message_event("ev-same", msg, "oc_group", "@_user_1 排行 3"))
    chatter = feishu.incoming("oc_group", "午饭吃什么")
    over_long_connection(handler, message_event("ev-chat", chatter, "oc_group", "午饭吃什么", mention=False))
    door.pool.shutdown(wait=True)
    assert len(feishu.wait_for(1, "oc_group")) == 1


def test_a_button_asks_the_follow_up_and_the_card_becomes_the_answer(feishu, setup):
    _, door, handler = setup
    msg = feishu.incoming("oc_group", "@_user_1 618活动")
    over_long_connection(handler, message_event("ev1", msg, "oc_group", "@_user_1 618活动"))
    card = feishu.wait_for(1, "oc_group")[0]
    value = next(el["behaviors"][0]["value"] for el in card["card"]["body"]["elements"]
                 if el.get("tag") == "button" and el["behaviors"][0]["type"] == "callback")
    response = over_long_connection(handler, action_event("ev-click", card["message_id"], "oc_group", value))
    assert response.toast.content == "正在查询…"
    over_long_connection(handler, action_event("ev-click", card["message_id"], "oc_group", value))  # a resend
    updated = feishu.wait_for(1, "oc_group", patches=1)[0]
    door.pool.shutdown(wait=True)
    assert updated["patches"] == 1  # the resend changed nothing
    expected = door.answer_query(__import__("render.blocks", fromlist=["decode_query"]).decode_query(value["q"]))
    assert json.loads(updated["content"]) == expected.card


def test_a_channels_button_answers_channels(feishu, setup):
    _, door, handler = setup
    msg = feishu.incoming("oc_g", "@_user_1 618活动")
    over_long_connection(handler, message_event("ev1", msg, "oc_g", "@_user_1 618活动"))
    card = feishu.wait_for(1, "oc_g")[0]
    value = {"q": encode_query("channels", month="2026-10")}
    over_long_connection(handler, action_event("ev-ch", card["message_id"], "oc_g", value))
    updated = feishu.wait_for(1, "oc_g", patches=1)[0]
    assert "2026-10" in json.loads(updated["content"])["header"]["title"]["content"] + \
        json.loads(updated["content"])["header"].get("subtitle", {}).get("content", "")


def test_a_mute_button_records_the_mute(feishu, setup):
    from roi_app.stores.records import AlertStore

    config, door, handler = setup
    value = {"mute": encode_mute("618", ["pace"], "2026-11-30", 7)}
    response = over_long_connection(handler, action_event("ev-mute", "om_any", "oc_g", value))
    # 7 days from the alert's day 2026-11-30 (today too): 11-30 + 6 days = 2026-12-06
    assert "2026-12-06" in response.toast.content
    store = AlertStore(config.database)
    assert ("618", "pace") in store.muted(dt.date(2026, 12, 6))
    assert ("618", "pace") not in store.muted(dt.date(2026, 12, 7))


# ------------------------------------------------------------------ the HTTP callback
def encrypt(payload: dict, key: str = KEY) -> bytes:
    raw = json.dumps(payload, ensure_ascii=False).encode()
    pad = 16 - len(raw) % 16
    iv = os.urandom(16)
    cipher = AES.new(hashlib.sha256(key.encode()).digest(), AES.MODE_CBC, iv)
    return json.dumps({"encrypt": base64.b64encode(iv + cipher.encrypt(raw + bytes([pad]) * pad)).decode()}).encode()


SIGNED_AT = 1764468000  # the requests' X-Lark-Request-Timestamp, and the server's "now" (no real clock)


def signed(body: bytes, key: str = KEY) -> dict:
    return {"X-Lark-Request-Timestamp": str(SIGNED_AT), "X-Lark-Request-Nonce": "n0nce",
            "X-Lark-Signature": signature_of(str(SIGNED_AT), "n0nce", key, body), "Content-Type": "application/json"}


def test_the_http_callback_checks_size_and_signature_before_parsing(feishu, setup):
    config, door, _ = setup
    client = create_app(door, config, now=lambda: SIGNED_AT).test_client()
    msg = feishu.incoming("oc_http", "@_user_1 帮助")
    body = encrypt(message_event("ev-http", msg, "oc_http", "@_user_1 帮助"))
    assert client.post("/feishu/events", data=body, headers=signed(body, "another-key")).status_code == 401
    assert client.post("/feishu/events", data=body, headers={"Content-Type": "application/json"}).status_code == 401
    huge = b'{"encrypt":"' + b"A" * MAX_BODY + b'"}'
    assert client.post("/feishu/events", data=huge, headers=signed(huge)).status_code == 413
    assert feishu.sent("oc_http")[1:] == []  # nothing answered yet
    ok = client.post("/feishu/events", data=body, headers=signed(body))
    assert ok.status_code == 200
    assert feishu.wait_for(1, "oc_http")[0]["card"]["header"]["title"]["content"]


def test_the_url_check_is_answered_only_for_the_right_token(setup):
    config, door, _ = setup
    client = create_app(door, config, now=lambda: SIGNED_AT).test_client()
    check = {"type": "url_verification", "challenge": "ch-123", "token": TOKEN}
    assert client.post("/feishu/events", data=encrypt(check)).get_json() == {"challenge": "ch-123"}
    wrong = dict(check, token="guess")
    assert client.post("/feishu/events", data=encrypt(wrong)).status_code == 401
    assert client.post("/feishu/events", data=encrypt(check, key="other")).status_code == 401


def test_past_its_bound_the_door_says_busy_at_once_and_never_leaves_a_question_unanswered(feishu, setup, monkeypatch):
    import threading

    config, door, handler = setup
    small = FeishuDoor(door.assistant, door.notifier, door.claims, workers=1)  # room for 1 × 5 questions
    release = threading.Event()
    answered = []
    monkeypatch.setattr(small, "_answer_message", lambda *args: (release.wait(10), answered.append(args)))
    small_handler = event_handler(small, config)
    for i in range(6):
        msg = feishu.incoming("oc_busy", f"@_user_1 排行 {i}")
        over_long_connection(small_handler, message_event(f"ev-b{i}", msg, "oc_busy", f"@_user_1 排行 {i}"))
    (busy,) = feishu.wait_for(1, "oc_busy")  # the sixth, at once, in its thread
    assert busy["card"]["body"]["elements"][0]["content"] == "正忙，请稍后再试"
    release.set()
    small.pool.shutdown(wait=True)
    assert len(answered) == 5  # the five that were queued were all worked on


def test_a_card_that_can_no_longer_change_gets_its_answer_beside_it(feishu, setup):
    _, door, handler = setup
    text_msg = feishu.incoming("oc_old", "旧消息")  # not a card: 飞书 refuses to patch it, as it does a 15-day-old card
    feishu.expect_refusals(1)
    over_long_connection(handler, action_event("ev-old", text_msg, "oc_old", {"q": encode_query("top", top_n=3)}))
    (reply,) = feishu.wait_for(1, "oc_old")
    assert reply["reply_to"] == text_msg and reply["msg_type"] == "interactive"
