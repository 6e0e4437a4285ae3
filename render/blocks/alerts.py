"""The mute buttons of an alert message: their action id and the value they carry.

A mute button's value names the campaign, the kinds of alert the message showed, the alert's date and how
many days to stay quiet (1: 今天不再提醒, 7: 静音 7 天). bot/listeners/alerts.py decodes it and records the
mute in the store the daily check reads (roi_app.stores.records.AlertStore).
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass

from render.blocks.kit import ACTION_ALERT_MUTE, BUTTON_VALUE, button
from roi_core import RoiError


@dataclass(frozen=True)
class MuteRequest:
    campaign: str
    kinds: tuple[str, ...]
    date: dt.date  # the alert's date (the team's local day)
    days: int  # 1 = the rest of that day; 7 = that day and the 6 after it
    lang: str = "zh"  # the message's language: the clicker is answered in it


def encode_mute(campaign: str, kinds, date: dt.date | str, days: int, lang: str = "zh") -> str:
    """A compact JSON value for a mute button (see :func:`decode_mute`); ``lang`` is written only when not zh."""
    day = date if isinstance(date, str) else date.isoformat()
    value = {"c": campaign, "k": list(kinds), "d": day, "n": int(days)}
    if lang != "zh":
        value["l"] = lang
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def decode_mute(value: str) -> MuteRequest:
    """The mute a button's value stands for. Raises RoiError for a value we did not write."""
    try:
        data = json.loads(value)
        kinds = tuple(str(k) for k in data["k"])
        days = int(data["n"])
        if not kinds or not 1 <= days <= 31 or not isinstance(data["c"], str) or not data["c"]:
            raise ValueError(value)
        lang = "en" if data.get("l") == "en" else "zh"
        return MuteRequest(data["c"], kinds, dt.date.fromisoformat(data["d"]), days, lang)
    except (ValueError, KeyError, TypeError) as err:
        raise RoiError("这个按钮已失效", "等下一次预警消息再试") from err


def mute_button(label: str, payload: dict) -> dict | None:
    """The Block Kit button for a view's ``mute`` action (None when its value would be too long for Slack)."""
    value = encode_mute(payload["campaign"], payload["kinds"], payload["date"], payload["days"],
                        payload.get("lang", "zh"))
    if len(value) > BUTTON_VALUE:
        return None
    return button(label, f"{ACTION_ALERT_MUTE}:{payload['days']}", value)
