"""``/roi <text>``: acknowledged at once; the sheet is read and the answer computed after the ack.

The ack says what follows: "⏳ 正在查询「…」…" when the question is queued (its answer will come to the
response_url), or "正忙，请稍后再试" when the work queue is full (nothing else will come).
"""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.listeners import bind, busy_text, from_slack
from render.blocks import cut, mrkdwn

log = logging.getLogger(__name__)

COMMAND = "/roi"


def roi(ack, body, command, respond, client, *, deps) -> None:
    """Queue the answer, then ack with "⏳ 正在查询「…」…" (a bare ack for an empty text); when the queue
    is full, ack with the busy notice instead, and nothing follows."""
    # Slack's 3 seconds never depend on the sheet: the ack does no I/O, the answer comes after
    text = (command.get("text") or "").strip()
    if not deps.later(answer_roi, command, respond, client, deps=deps, body=body):
        ack(response_type="ephemeral", text=busy_text(from_slack(text)))
    elif text:
        ack(response_type="ephemeral", text=f"⏳ 正在查询「{mrkdwn(cut(text, 60))}」…")
    else:
        ack()


def answer_roi(command, respond, client, *, deps) -> None:
    """The answer to the command's text, to its response_url."""
    reply = deps.reply_for_command(client, respond, command)
    result = deps.assistant.result_for(from_slack(command.get("text") or ""))
    reply.send(result.message)


def register(app: App, deps) -> None:
    app.command(COMMAND)(bind(roi, deps))
