"""``@ROI助手 618活动怎么样``: the /roi grammar in a mention, answered in the mention's thread."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.service import from_slack

log = logging.getLogger(__name__)


def register(app: App, deps) -> None:
    def mention(ack, body, event, client):
        ack()
        deps.later(answer_mention, event, client, body=body)

    def answer_mention(event, client):
        if event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed"):
            return  # never answer another bot (or ourselves)
        reply = deps.reply_for_mention(client, event)
        result = deps.assistant.result_for(from_slack(event.get("text") or ""))
        reply.send(result.message)

    app.event("app_mention")(mention)
