"""The view of one campaign's alerts of a day: what the daily check's Slack message shows.

One message per campaign: a heading naming it and the day, one line per alert (its own message, which
cites its numbers and says what to do), and three buttons: 查看详情 (asks the campaign's question),
今天不再提醒 and 静音 7 天 (mute the kinds shown, recorded per campaign and kind). In the alerts' language
(``Alert.lang``: the team's, ``roi_core.monitor.team_lang``); the words are in ``views/labels.py``.

:func:`alerts_today_lists` is the campaign answer's section of the day's alerts ("今日预警 2 条").
"""

from __future__ import annotations

import datetime as dt

from roi_core.monitor import Alert, kind_label
from roi_core.views.labels import phrase
from roi_core.views.model import Action, ItemList, View

MUTE_BUTTONS = (("btn_mute_today", 1), ("btn_mute_week", 7))  # label key, days muted
ALERTS_TODAY_KIND = "alerts_today"


def alert_view(campaign: str, alerts: list[Alert], today: dt.date, lang: str | None = None) -> View:
    """The message of ``alerts`` (all about ``campaign``, all of ``today``), in ``lang`` (default: the alerts')."""
    lang = lang or (alerts[0].lang if alerts else "zh")
    sep = phrase(lang, "list_sep")
    kinds = list(dict.fromkeys(a.kind for a in alerts))
    channels = list(dict.fromkeys(a.channel for a in alerts))
    title = phrase(lang, "alert_title", campaign=campaign)
    context = [phrase(lang, "alert_count", n=len(alerts)), sep.join(kind_label(k, lang) for k in kinds),
               phrase(lang, "alert_channels", channels=sep.join(channels))]
    heading = f"{title} ({today.isoformat()})" if lang == "en" else f"{title}（{today.isoformat()}）"
    view = View(kind="alerts", lang=lang, title=title, heading=heading, when=today.isoformat(), context=context)
    view.lists.append(ItemList("anomalies", phrase(lang, "alert_list"), [a.detail for a in alerts], numbered=False,
                               inline=True))
    view.actions.append(Action(phrase(lang, "btn_alert_details"), "query",
                               {"kind": "campaign", "text": campaign, "lang": lang}))
    for key, days in MUTE_BUTTONS:
        payload = {"campaign": campaign, "kinds": kinds, "date": today.isoformat(), "days": days}
        if lang != "zh":
            payload["lang"] = lang
        view.actions.append(Action(phrase(lang, key), "mute", payload))
    view.actions_id = "roi_alert"
    return view


def alerts_today_lists(ans) -> list[ItemList]:
    """The campaign answer's "今日预警 N 条" section: one line per alert the caller attached
    (``roi_core.monitor.with_alerts``); empty without any."""
    alerts = getattr(ans, "alerts", None) or []
    if not alerts:
        return []
    title = phrase(ans.lang, "alerts_today", n=len(alerts))
    return [ItemList(ALERTS_TODAY_KIND, title, [a.detail for a in alerts], numbered=False, brief_title=title)]


def with_alerts_section(build):
    """Wrap a view builder: its view, with the answer's alerts of today first among its lists."""

    def wrapped(ans, options) -> View:
        view = build(ans, options)
        section = alerts_today_lists(ans)
        if section:
            view.lists[0:0] = section
        return view

    wrapped.__name__, wrapped.__qualname__, wrapped.__doc__ = build.__name__, build.__qualname__, build.__doc__
    return wrapped
