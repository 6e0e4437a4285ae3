"""``@ROI助手 618活动怎么样``: the /roi grammar in a mention, answered in the mention's thread."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.listeners import bind
from bot.service import from_slack

log = logging.getLogger(__name__)


def mention(ack, body, event, client, *, deps) -> None:
    """Ack, then answer in the mention's thread after the ack."""
    ack()
    deps.later(answer_mention, event, client, deps=deps, body=body)


def answer_mention(event, client, *, deps) -> None:
    """The answer to the mention's text, in its thread; another bot's (or our own) message is ignored."""
    if event.get("bot_id") or event.get("subtype") in ("bot_message", "message_changed"):
        return  # never answer another bot (or ourselves)
    reply = deps.reply_for_mention(client, event)
    result = deps.assistant.result_for(from_slack(event.get("text") or ""))
    reply.send(result.message)


def register(app: App, deps) -> None:
    app.event("app_mention")(bind(mention, deps))
