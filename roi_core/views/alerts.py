"""The view of one campaign's alerts of a day: what the daily check's Slack message shows.

One message per campaign: a heading naming it and the day, one line per alert (its own message, which
cites its numbers and says what to do), and three buttons: 查看详情 (asks the campaign's question),
今天不再提醒 and 静音 7 天 (mute the kinds shown, recorded per campaign and kind).
"""

from __future__ import annotations

import datetime as dt

from roi_core.monitor import KIND_LABELS, Alert
from roi_core.views.model import Action, ItemList, View

DETAILS = "🔎 查看详情"
MUTE_TODAY = "🔕 今天不再提醒"
MUTE_WEEK = "🔇 静音 7 天"
MUTE_DAYS = {MUTE_TODAY: 1, MUTE_WEEK: 7}


def alert_view(campaign: str, alerts: list[Alert], today: dt.date) -> View:
    """The message of ``alerts`` (all about ``campaign``, all of ``today``)."""
    kinds = list(dict.fromkeys(a.kind for a in alerts))
    channels = list(dict.fromkeys(a.channel for a in alerts))
    title = f"⚠️ 预警：{campaign}"
    context = [f"{len(alerts)} 条", "、".join(KIND_LABELS[k] for k in kinds), "渠道：" + "、".join(channels)]
    view = View(kind="alerts", lang="zh", title=title, heading=f"{title}（{today.isoformat()}）",
                when=today.isoformat(), context=context)
    view.lists.append(ItemList("anomalies", "预警", [a.detail for a in alerts], numbered=False, inline=True))
    view.actions.append(Action(DETAILS, "query", {"kind": "campaign", "text": campaign, "lang": "zh"}))
    for label, days in MUTE_DAYS.items():
        view.actions.append(Action(label, "mute", {"campaign": campaign, "kinds": kinds, "date": today.isoformat(),
                                                   "days": days}))
    view.actions_id = "roi_alert"
    return view
