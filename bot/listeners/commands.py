"""``/roi <text>``: acknowledged at once; the sheet is read and the answer computed after the ack."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.blocks import cut, mrkdwn
from bot.service import from_slack

log = logging.getLogger(__name__)

COMMAND = "/roi"


def register(app: App, deps) -> None:
    def roi(ack, body, command, respond, client):
        # Slack's 3 seconds never depend on the sheet: the ack does no I/O, the answer comes after
        text = (command.get("text") or "").strip()
        if text:
            ack(response_type="ephemeral", text=f"⏳ 正在查询「{mrkdwn(cut(text, 60))}」…")
        else:
            ack()
        deps.later(answer_roi, command, respond, client, body=body)

    def answer_roi(command, respond, client):
        reply = deps.reply_for_command(client, respond, command)
        result = deps.assistant.result_for(from_slack(command.get("text") or ""))
        reply.send(result.message)

    app.command(COMMAND)(roi)
