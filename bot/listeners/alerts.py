"""The buttons of a daily-check alert message: 今天不再提醒 and 静音 7 天 (``roi:alert_mute:<days>``).

The click is acked at once; after the ack the mute is recorded per campaign and kind in the store the
daily check reads (``roi_app.stores.records.AlertStore``, the job store's database), and the clicker is told,
privately, until when. 查看详情 is an ordinary question button (``roi:query:campaign``, bot/listeners/actions.py).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from zoneinfo import ZoneInfo

from slack_bolt import App

from bot.button_values import mute_of
from bot.listeners import bind
from bot.listeners.actions import ack_then
from render.blocks import ACTION_ALERT_MUTE, mrkdwn, notice_message
from render.blocks import error_message as error_msg
from roi_core import RoiError, Settings
from roi_core.monitor import kind_label
from roi_core.views.labels import phrase

log = logging.getLogger(__name__)


def mute_until(alert_day: dt.date, days: int, today: dt.date) -> dt.date:
    """The last muted day: ``days`` days from the alert's day (1 = that day only), never before ``today``'s."""
    return max(alert_day, today) + dt.timedelta(days=days - 1)


def mute_alerts(body, client, respond, action, *, deps, now: dt.datetime | None = None) -> None:
    """Record the mute the button stands for, and say until when (ephemeral)."""
    reply = deps.reply_for_action(client, respond, body)
    try:
        request = mute_of(action.get("value"))
    except RoiError as err:
        reply.send(error_msg(err.message, err.hint, getattr(err, "lang", "zh")))
        return
    from roi_app.stores.records import (
        AlertStore,  # the bot reaches the job's store only when a mute is clicked
    )

    zone = ZoneInfo(deps.config.timezone or Settings().timezone)
    today = (now or dt.datetime.now(dt.UTC)).astimezone(zone).date()
    until = mute_until(request.date, request.days, today)
    user = (body.get("user") or {}).get("id")
    AlertStore(deps.config.database).mute(request.campaign, request.kinds, until, by=user)
    lang = request.lang  # the message's language (the team's), as the button carries it
    kinds = phrase(lang, "list_sep").join(kind_label(k, lang) for k in request.kinds)
    when = phrase(lang, "alert_muted_today") if until == today else phrase(lang, "alert_muted_until",
                                                                            day=until.isoformat())
    reply.send(notice_message(phrase(lang, "alert_muted", campaign=mrkdwn(request.campaign), kinds=kinds, when=when)))


def register(app: App, deps) -> None:
    app.action(re.compile(rf"^{re.escape(ACTION_ALERT_MUTE)}(:.*)?$"))(bind(ack_then, deps, work=mute_alerts))
