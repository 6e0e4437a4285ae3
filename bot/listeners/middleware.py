"""What runs before the listeners: who the bot is (authorize), and where it may answer (allow_list).

:class:`BotIdentity` authorizes every request with the configured bot token,
without calling Slack in the ack path.

(Answering once is ``Deps.later``'s claim, after the ack; a refusal is a short notice, ``Deps.notify``.) :func:`allow_list`,
global middleware after bolt's signature check, keeps the app to
``ALLOWED_TEAM_IDS`` / ``ALLOWED_CHANNEL_IDS`` (when set) with a polite Chinese
refusal: in the slash command's ack, in the mention's thread, or to the clicker only.
"""

from __future__ import annotations

import json
import logging
import threading
import time

from slack_bolt import App, BoltResponse
from slack_bolt.authorization import AuthorizeResult

from bot.delivery import RESPONSE_URLS
from bot.listeners import bind
from render.blocks import notice_message

log = logging.getLogger(__name__)

REFUSE_CHANNEL = "抱歉，ROI 助手没有在这个频道开放 🙏 请到已开通的频道使用，或联系管理员把本频道加入 ALLOWED_CHANNEL_IDS。"
REFUSE_TEAM = "抱歉，ROI 助手没有对这个工作区开放 🙏 如需使用请联系管理员。"


class BotIdentity:
    """Authorizes every request with the configured bot token, without calling Slack in the ack path.

    bolt's default single-workspace authorization calls ``auth.test`` (at
    start-up, or on the first request): a slow or unreachable Slack would
    then delay or break the ack. Here ``auth.test`` runs once in the
    background to learn the bot's user id (used to ignore our own events).
    """

    def __init__(self, token: str, client):
        self.token = token
        self.client = client
        self.bot_user_id: str | None = None
        self.bot_id: str | None = None
        self._started = False
        self._next_try = 0.0
        self._lock = threading.Lock()

    def _learn(self) -> None:
        try:
            resp = self.client.auth_test(token=self.token)
            self.bot_user_id, self.bot_id = resp.get("user_id"), resp.get("bot_id")
        except Exception as err:  # noqa: BLE001 - best effort; answers work without it
            log.warning("auth.test failed (%s); continuing without the bot's user id, retrying in a minute",
                        type(err).__name__)
            with self._lock:
                self._started = False
                self._next_try = time.monotonic() + 60

    def authorize(self, enterprise_id, team_id, user_id) -> AuthorizeResult:
        if not self._started and time.monotonic() >= self._next_try:
            with self._lock:
                if not self._started and time.monotonic() >= self._next_try:
                    self._started = True
                    threading.Thread(target=self._learn, name="roi-auth-test", daemon=True).start()
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, user_id=user_id,
                               bot_token=self.token, bot_user_id=self.bot_user_id, bot_id=self.bot_id)

    def as_function(self):
        """bolt reads the parameter names of ``authorize``: hand it a plain function."""
        def authorize(enterprise_id, team_id, user_id):
            return self.authorize(enterprise_id, team_id, user_id)

        return authorize


def allow_list(body, context, client, next, *, deps):  # noqa: A002 - bolt injects ``next`` by this name
    """``next()`` where the team and channel are allowed; else a refusal and no listener runs."""
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
        deps.notify(reply.send, notice_message(refusal, ephemeral=False), body=body)
    elif body.get("type") == "block_actions" and context.response_url:
        respond = RESPONSE_URLS.respond_for(context.response_url, cfg)  # only Slack's hooks host
        deps.notify(respond, text=refusal, response_type="ephemeral", replace_original=False, body=body)
    return BoltResponse(status=200, body="")


def register(app: App, deps) -> None:
    if deps.config.allowed_team_ids or deps.config.allowed_channel_ids:  # no lists: no per-request cost
        app.middleware(bind(allow_list, deps))
