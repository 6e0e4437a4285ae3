"""Global middleware, after bolt's signature check: answer only where allowed.

(Answering once is ``Deps.later``'s claim, after the ack.) ``allow_list`` keeps the app to ``ALLOWED_TEAM_IDS`` / ``ALLOWED_CHANNEL_IDS``
(when set) with a polite Chinese refusal: in the slash command's ack, in the
mention's thread, or to the clicker only.
"""

from __future__ import annotations

import json
import logging

from slack_bolt import App, BoltResponse

from bot.blocks import notice_message
from bot.delivery import RESPONSE_URLS

log = logging.getLogger(__name__)

REFUSE_CHANNEL = "抱歉，ROI 助手没有在这个频道开放 🙏 请到已开通的频道使用，或联系管理员把本频道加入 ALLOWED_CHANNEL_IDS。"
REFUSE_TEAM = "抱歉，ROI 助手没有对这个工作区开放 🙏 如需使用请联系管理员。"


def register(app: App, deps) -> None:
    def allow_list(body, context, client, next):
        cfg = deps.config
        team = context.team_id or body.get("team_id")
        channel = context.channel_id
        team_ok = not cfg.allowed_team_ids or team in cfg.allowed_team_ids
        channel_ok = not cfg.allowed_channel_ids or channel is None or channel in cfg.allowed_channel_ids
        if team_ok and channel_ok:
            return next()
        refusal = REFUSE_TEAM if not team_ok else REFUSE_CHANNEL
        log.info("refused a request from team %s channel %s (allow-list)", team, channel)
        if body.get("command"):  # the slash command's ack carries the refusal, to the asker only
            return BoltResponse(status=200, body=json.dumps({"response_type": "ephemeral", "text": refusal},
                                                            ensure_ascii=False),
                                headers={"content-type": ["application/json;charset=utf-8"]})
        event = body.get("event") or {}
        if team_ok and event.get("type") == "app_mention" and not event.get("bot_id"):
            reply = deps.reply_for_mention(client, event)
            deps.later(reply.send, notice_message(refusal, ephemeral=False), body=body)
        elif body.get("type") == "block_actions" and context.response_url:
            respond = RESPONSE_URLS.respond_for(context.response_url, cfg)  # only Slack's hooks host
            deps.later(respond, text=refusal, response_type="ephemeral", replace_original=False, body=body)
        return BoltResponse(status=200, body="")

    if deps.config.allowed_team_ids or deps.config.allowed_channel_ids:  # no lists: no per-request cost
        app.middleware(allow_list)
