"""Buttons: ``ack_then`` acks the click, then its work answers where the button was."""

from __future__ import annotations

import json

from bot.listeners import actions
from tests.bot.listeners.conftest import finish, no_respond


def _button(deps, question: str, action_id: str) -> dict:
    """The button ``action_id`` on the answer to ``question``, as rendered for Slack."""
    blocks = deps.assistant.result_for(question).message.blocks
    return next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == action_id)


def _click(slack_api, action: dict, *, thread_ts: str | None = None) -> dict:
    container = {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C1", "is_ephemeral": False}
    if thread_ts:
        container["thread_ts"] = thread_ts
    return {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "channel": {"id": "C1"},
            "container": container, "trigger_id": "act-1", "message": {"ts": "1700000000.000100"},
            "response_url": slack_api.response_url("actions/T1/1/y"), "actions": [action]}


def test_channel_button_acks_and_the_ranking_reaches_the_response_url(ack, deps, slack_api, slack_client):
    button = _button(deps, "春季促销", "roi:query:channels")
    body = _click(slack_api, button)
    actions.ack_then(ack, body, slack_client, no_respond, button, deps=deps, work=actions.answer_query)
    assert ack.calls == [{}]
    finish(deps)
    (call,) = slack_api.calls("response_url")
    # 春季促销 is a March campaign: the button asks for March's channels, 144.7% in all
    dumped = json.dumps(call["args"]["blocks"], ensure_ascii=False)
    assert "渠道排行 2026-03" in dumped and "144.7%" in dumped


def test_a_button_in_a_thread_answers_in_the_thread(ack, deps, slack_api, slack_client):
    button = _button(deps, "春季促销", "roi:query:channels")
    body = _click(slack_api, button, thread_ts="1700000070.000100")
    actions.ack_then(ack, body, slack_client, no_respond, button, deps=deps, work=actions.answer_query)
    finish(deps)
    (post,) = slack_api.calls("chat.postMessage")
    assert post["args"]["thread_ts"] == "1700000070.000100" and "144.7%" in json.dumps(post["args"]["blocks"])


def test_a_forged_value_gets_a_friendly_error(ack, deps, slack_api, slack_client):
    action = {"action_id": "roi:query:channels", "value": "{not json"}
    actions.ack_then(ack, _click(slack_api, action), slack_client, no_respond, action, deps=deps,
                     work=actions.answer_query)
    finish(deps)
    (call,) = slack_api.calls("response_url")
    assert call["args"]["response_type"] == "ephemeral" and "按钮已失效" in call["args"]["text"]


def test_the_open_sheet_button_is_only_acked(ack, slack_api):
    actions.ack_only(ack)
    assert ack.calls == [{}] and slack_api.calls() == []
