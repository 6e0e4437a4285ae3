"""``/roi <text>``: acknowledged at once; the sheet is read and the answer computed after the ack."""

from __future__ import annotations

import logging

from slack_bolt import App

from bot.blocks import cut, mrkdwn
from bot.service import from_slack

log = logging.getLogger(__name__)

COMMAND = "/roi"


def register(app: App, deps) -> None:
    def ack_roi(ack, command):
        # Slack's 3 seconds never depend on the sheet: this does no I/O at all
        text = (command.get("text") or "").strip()
        if text:
            ack(response_type="ephemeral", text=f"⏳ 正在查询「{mrkdwn(cut(text, 60))}」…")
        else:
            ack()

    def answer_roi(command, respond, client):
        reply = deps.reply_for_command(client, respond, command)
        result = deps.assistant.result_for(from_slack(command.get("text") or ""))
        reply.send(result.message)

    app.command(COMMAND)(ack=ack_roi, lazy=[answer_roi])
