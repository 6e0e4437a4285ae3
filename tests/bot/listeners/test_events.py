"""``@ROI助手 …``: the callback acks, and the answer is posted in the mention's thread."""

from __future__ import annotations

import json

from bot.listeners import events
from tests.bot.listeners.conftest import finish


def _mention(text: str, **extra) -> tuple[dict, dict]:
    event = {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {text}", "ts": "1700000050.000100",
             "channel": "C1", **extra}
    return event, {"type": "event_callback", "team_id": "T1", "event_id": "EvL1", "event": event}


def test_mention_is_acked_and_answered_in_its_thread(ack, deps, slack_api, slack_client):
    event, body = _mention("渠道 2026-03")
    events.mention(ack, body, event, slack_client, deps=deps)
    assert ack.calls == [{}]
    finish(deps)
    (post,) = slack_api.calls("chat.postMessage")
    assert post["args"]["channel"] == "C1" and post["args"]["thread_ts"] == "1700000050.000100"
    # March by channel: 抖音 50,000 → 150,000 (200.0%), 微信 25,000 → 50,000 (100.0%), 小红书 10,000 → 8,000
    # (-20.0%); in all 85,000 → 208,000: ROI 123,000 / 85,000 = 144.7%
    dumped = json.dumps(post["args"]["blocks"], ensure_ascii=False)
    for figure in ("¥85,000", "¥208,000", "144.7%", "200.0%", "-20.0%"):
        assert figure in dumped, figure


def test_a_mention_inside_a_thread_is_answered_in_that_thread(ack, deps, slack_api, slack_client):
    event, body = _mention("春季促销", thread_ts="1700000040.000100")
    events.mention(ack, body, event, slack_client, deps=deps)
    finish(deps)
    (post,) = slack_api.calls("chat.postMessage")
    assert post["args"]["thread_ts"] == "1700000040.000100" and "157.1%" in json.dumps(post["args"]["blocks"])


def test_another_bots_message_is_never_answered(deps, slack_api, slack_client):
    event, _ = _mention("春季促销", bot_id="B2")
    events.answer_mention(event, slack_client, deps=deps)
    assert slack_api.calls("chat.postMessage") == []
