"""Buttons and menus on our answers.

- ``roi:choose:<i>``: one campaign among several matches (or the closest names);
  the chosen report is sent and the ephemeral picker removed.
- ``roi:query:<kind>``: ask another question (channel breakdown, advice, …).
- ``roi:model``: the attribution model menu; the answer is replaced in place.
- ``roi:chart_png``: upload the answer's chart as a PNG.
- ``roi:open_sheet``: a url button ("查看表格"); Slack opens the link, we only ack.

Every listener is :func:`ack_then` bound to its work: it acks at once, and the
work (``answer_query``, ``choose_campaign``, …) runs after the ack (``deps.later``);
when the work queue is full the clicker is told "正忙，请稍后再试" instead.
A button's value is read within bounds (``bot.button_values``): one we did not
write is answered with a sentence saying why, never a traceback.
"""

from __future__ import annotations

import logging
import re

from slack_bolt import App

from bot.button_values import query_of
from bot.listeners import bind, busy_text
from render.blocks import (
    ACTION_CHART_PNG,
    ACTION_CHOOSE,
    ACTION_MODEL,
    ACTION_OPEN_REPORT,
    ACTION_OPEN_SHEET,
    ACTION_QUERY,
    notice_message,
)
from render.blocks import error_message as error_msg
from roi_core import RoiError

log = logging.getLogger(__name__)


def _value(action: dict) -> str:
    option = action.get("selected_option")
    value = (option.get("value") if isinstance(option, dict) else None) if option else action.get("value")
    return value if isinstance(value, str) else ""


def ack_only(ack) -> None:
    ack()


def ack_then(ack, body, client, respond, action, *, deps, work) -> None:
    """Ack the click, then ``work(body, client, respond, action, deps=deps)`` after the ack; the busy
    notice, to the clicker, when the work queue is full."""
    ack()
    if not deps.later(work, body, client, respond, action, deps=deps, body=body):
        deps.notify(busy_reply, body, client, respond, action, deps=deps)


def busy_reply(body, client, respond, action, *, deps) -> None:
    """"正忙，请稍后再试" to the clicker (in the button's language): the click was not queued."""
    lang = "en" if '"l":"en"' in _value(action).replace(" ", "")[:2000] else "zh"
    deps.reply_for_action(client, respond, body).send(notice_message(busy_text(lang=lang)))


def _run(body, client, respond, action, deps, *, replace: bool = False):
    reply = deps.reply_for_action(client, respond, body)
    try:
        query = query_of(_value(action))
    except RoiError as err:
        reply.send(error_msg(err.message, err.hint, getattr(err, "lang", "zh")))
        return None
    result = deps.assistant.result_for_query(query)
    reply.send(result.message, replace=replace)
    return reply, result


def answer_query(body, client, respond, action, *, deps) -> None:
    """Another question from a button (channel breakdown, advice, …)."""
    _run(body, client, respond, action, deps)


def choose_campaign(body, client, respond, action, *, deps) -> None:
    """The chosen campaign's report; the ephemeral picker is removed."""
    done = _run(body, client, respond, action, deps)
    if done and (body.get("container") or {}).get("is_ephemeral"):
        done[0].delete_original()  # the picker has served its purpose


def switch_model(body, client, respond, action, *, deps) -> None:
    """The attribution answer under the chosen model, replacing the one clicked on."""
    _run(body, client, respond, action, deps, replace=True)


def chart_png(body, client, respond, action, *, deps) -> None:
    """The answer's chart as a PNG file, or a message saying why it could not be uploaded."""
    reply = deps.reply_for_action(client, respond, body)
    try:
        query = query_of(_value(action))
    except RoiError as err:
        reply.send(error_msg(err.message, err.hint, getattr(err, "lang", "zh")))
        return
    result = deps.assistant.result_for_query(query)
    chart = result.message.chart
    if chart is None or not reply.upload_chart(chart):
        reply.send(error_msg("图表没有上传成功", "需要应用有 files:write 权限，且已被邀请进本频道"))


def register(app: App, deps) -> None:
    app.action(re.compile(rf"^{re.escape(ACTION_CHOOSE)}(:.*)?$"))(bind(ack_then, deps, work=choose_campaign))
    app.action(re.compile(rf"^{re.escape(ACTION_QUERY)}(:.*)?$"))(bind(ack_then, deps, work=answer_query))
    app.action(ACTION_MODEL)(bind(ack_then, deps, work=switch_model))
    app.action(ACTION_CHART_PNG)(bind(ack_then, deps, work=chart_png))
    app.action(ACTION_OPEN_SHEET)(ack_only)
    app.action(ACTION_OPEN_REPORT)(ack_only)
