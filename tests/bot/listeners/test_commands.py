"""``/roi``: the callback acks with what it is looking up, then the answer reaches the response_url."""

from __future__ import annotations

import json

from bot.listeners import commands
from roi_app.stores.claims import ClaimStore
from tests.bot.listeners.conftest import finish, no_respond


def _command(slack_api, text: str, trigger_id: str = "trig-1") -> tuple[dict, dict]:
    command = {"command": "/roi", "text": text, "team_id": "T1", "channel_id": "C1", "user_id": "U1",
               "trigger_id": trigger_id, "response_url": slack_api.response_url(f"commands/T1/{trigger_id}/x")}
    return command, dict(command)  # bolt hands the same payload as ``command`` and ``body``


def test_roi_acks_with_the_text_and_the_answer_reaches_the_response_url(ack, deps, slack_api, slack_client):
    command, body = _command(slack_api, "春季促销")
    commands.roi(ack, body, command, no_respond, slack_client, deps=deps)
    assert ack.calls == [{"response_type": "ephemeral", "text": "⏳ 正在查询「春季促销」…"}]
    finish(deps)
    (call,) = slack_api.calls("response_url")
    answer = call["args"]
    assert answer["response_type"] == "in_channel"
    # 春季促销: cost 70,000, revenue 180,000 → ROI 110,000 / 70,000 = 157.1%, ROAS 1:2.6 (tests/bot/conftest.py)
    dumped = json.dumps(answer["blocks"], ensure_ascii=False)
    for figure in ("¥70,000", "¥180,000", "157.1%", "1:2.6"):
        assert figure in dumped, figure


def test_an_empty_roi_is_a_bare_ack_and_the_help_to_the_asker_only(ack, deps, slack_api, slack_client):
    command, body = _command(slack_api, "")
    commands.roi(ack, body, command, no_respond, slack_client, deps=deps)
    assert ack.calls == [{}]
    finish(deps)
    (call,) = slack_api.calls("response_url")
    assert call["args"]["response_type"] == "ephemeral" and "/roi 618活动" in json.dumps(call["args"]["blocks"],
                                                                                       ensure_ascii=False)


def test_the_ack_cuts_a_long_question_and_escapes_slack_syntax(ack, deps, slack_api, slack_client):
    text = "<!channel> " + "很长的活动名" * 20  # 131 characters
    command, body = _command(slack_api, text)
    commands.roi(ack, body, command, no_respond, slack_client, deps=deps)
    (acked,) = ack.calls
    assert acked["text"].startswith("⏳ 正在查询「&lt;!channel&gt; 很长的活动名") and acked["text"].endswith("…」…")
    assert "<!channel>" not in acked["text"]
    finish(deps)
    assert len(slack_api.calls("response_url")) == 1


def test_the_same_command_delivered_twice_is_answered_once(ack, make_deps, slack_api, slack_client, tmp_path):
    deps = make_deps(claims=ClaimStore(f"sqlite:///{tmp_path / 'claims.sqlite'}"))
    command, body = _command(slack_api, "春季促销", trigger_id="same")
    commands.roi(ack, body, command, no_respond, slack_client, deps=deps)
    commands.roi(ack, body, command, no_respond, slack_client, deps=deps)
    finish(deps)
    assert len(ack.calls) == 2  # Slack gets both acks in time
    assert len(slack_api.calls("response_url")) == 1  # but one answer
