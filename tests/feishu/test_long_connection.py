"""The door's default way in, end to end: ``feishu.app.run_long_connection`` runs the official SDK's WebSocket
client, which asks the fake 飞书 for its endpoint, connects to the fake long connection, and gets a question and a
button click as 飞书 sends them; the answers go out through lark-oapi's HTTP client into the fake OpenAPI.

The SDK's client runs on a module-level event loop and has no stop: it runs once per test process, in a daemon
thread, so this module holds one test."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import pytest

from feishu.app import run_long_connection
from roi_runtime.config import AppConfig
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.feishu_ws import FakeLongConnection
from tests.feishu.test_door import action_event, message_event

pytestmark = pytest.mark.slow  # two loopback servers and the SDK's client

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"


def test_a_question_and_a_click_over_the_long_connection(tmp_path):
    with FakeFeishuAPI() as feishu, FakeLongConnection() as ws:
        feishu.ws_url = ws.url
        config = AppConfig(source=str(DEMO), database_url=f"sqlite:///{tmp_path / 'db.sqlite'}",
                           today=dt.date(2026, 11, 30), feishu_app_id=feishu.app_id,
                           feishu_app_secret=feishu.app_secret, feishu_api_url=feishu.url)
        threading.Thread(target=run_long_connection, args=(config,), daemon=True, name="lark-ws").start()
        asked = feishu.incoming("oc_ws", "@_user_1 618活动")
        ack = ws.push(message_event("ev-ws-1", asked, "oc_ws", "@_user_1 618活动"))
        assert ack["code"] == 200  # the SDK acknowledged the event at once
        (card,) = feishu.wait_for(1, "oc_ws")
        assert card["reply_to"] == asked and card["card"]["header"]["title"]["content"] == "📊 618活动"
        value = next(el["behaviors"][0]["value"] for el in card["card"]["body"]["elements"]
                     if el.get("tag") == "button")
        clicked = ws.push(action_event("ev-ws-2", card["message_id"], "oc_ws", value))
        assert clicked["data"]["toast"]["content"] == "正在查询…"
        (updated,) = feishu.wait_for(1, "oc_ws", patches=1)
        assert updated["card"]["header"]["title"]["content"] != "📊 618活动"  # the card became the follow-up
