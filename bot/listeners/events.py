"""``@ROI助手 618活动怎么样``: the /roi grammar in a mention, answered in the mention's thread."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.listeners import bind, busy_text, from_slack
from render.blocks import notice_message

log = logging.getLogger(__name__)


def _from_a_bot(event: dict) -> bool:
    return bool(event.get("bot_id")) or event.get("subtype") in ("bot_message", "message_changed")


def mention(ack, body, event, client, *, deps) -> None:
    """Ack, then answer in the mention's thread after the ack; the busy notice there when the queue is full."""
    ack()
    if not deps.later(answer_mention, event, client, deps=deps, body=body) and not _from_a_bot(event):
        deps.notify(busy_in_thread, event, client, deps=deps)


def answer_mention(event, client, *, deps) -> None:
    """The answer to the mention's text, in its thread; another bot's (or our own) message is ignored."""
    if _from_a_bot(event):
        return  # never answer another bot (or ourselves)
    reply = deps.reply_for_mention(client, event)
    result = deps.assistant.result_for(from_slack(event.get("text") or ""))
    reply.send(result.message)


def busy_in_thread(event, client, *, deps) -> None:
    """"正忙，请稍后再试" in the mention's thread: the question was not queued."""
    reply = deps.reply_for_mention(client, event)
    reply.send(notice_message(busy_text(from_slack(event.get("text") or "")), ephemeral=False))


def register(app: App, deps) -> None:
    app.event("app_mention")(bind(mention, deps))
