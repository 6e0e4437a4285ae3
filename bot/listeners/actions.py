"""Buttons and menus on our answers.

- ``roi:choose:<i>``: one campaign among several matches (or the closest names);
  the chosen report is sent and the ephemeral picker removed.
- ``roi:query:<kind>``: ask another question (channel breakdown, advice, …).
- ``roi:model``: the attribution model menu; the answer is replaced in place.
- ``roi:chart_png``: upload the answer's chart as a PNG.
- ``roi:open_sheet``: a url button ("查看表格"); Slack opens the link, we only ack.

Every handler acks at once; the work runs after the ack (``deps.later``).
"""

from __future__ import annotations

import logging
import re

from slack_bolt import App

from bot.blocks import (
    ACTION_CHART_PNG,
    ACTION_CHOOSE,
    ACTION_MODEL,
    ACTION_OPEN_SHEET,
    ACTION_QUERY,
    decode_query,
)
from bot.blocks import error_message as error_msg
from roi_core import RoiError

log = logging.getLogger(__name__)


def _value(action: dict) -> str:
    if action.get("selected_option"):
        return action["selected_option"].get("value") or ""
    return action.get("value") or ""


def register(app: App, deps) -> None:
    def ack_only(ack):
        ack()

    def run(body, client, respond, action, *, replace: bool = False):
        reply = deps.reply_for_action(client, respond, body)
        try:
            query = decode_query(_value(action))
        except RoiError as err:
            reply.send(error_msg(err.message, err.hint))
            return None
        result = deps.assistant.result_for_query(query)
        reply.send(result.message, replace=replace)
        return reply, result

    def answer_query(body, client, respond, action):
        run(body, client, respond, action)

    def choose_campaign(body, client, respond, action):
        done = run(body, client, respond, action)
        if done and (body.get("container") or {}).get("is_ephemeral"):
            done[0].delete_original()  # the picker has served its purpose

    def switch_model(body, client, respond, action):
        run(body, client, respond, action, replace=True)

    def chart_png(body, client, respond, action):
        reply = deps.reply_for_action(client, respond, body)
        try:
            query = decode_query(_value(action))
        except RoiError as err:
            reply.send(error_msg(err.message, err.hint))
            return
        result = deps.assistant.result_for_query(query)
        chart = result.message.chart
        if chart is None or not reply.upload_chart(chart):
            reply.send(error_msg("图表没有上传成功", "需要应用有 files:write 权限，且已被邀请进本频道"))

    def acked(work):
        def listener(ack, body, client, respond, action):
            ack()
            deps.later(work, body, client, respond, action, body=body)

        listener.__name__ = f"ack_then_{work.__name__}"
        return listener

    app.action(re.compile(rf"^{re.escape(ACTION_CHOOSE)}(:.*)?$"))(acked(choose_campaign))
    app.action(re.compile(rf"^{re.escape(ACTION_QUERY)}(:.*)?$"))(acked(answer_query))
    app.action(ACTION_MODEL)(acked(switch_model))
    app.action(ACTION_CHART_PNG)(acked(chart_png))
    app.action(ACTION_OPEN_SHEET)(ack_only)
