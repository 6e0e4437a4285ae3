"""Campaign and channel names in the text: where a sheet's names stand, never cutting a number
or a word in two, and a channel word inside a campaign's name left to the campaign."""

from __future__ import annotations

import re

from roi_core.parse import normalize_text
from roi_core.query.normalize import _Text


def _key(name: str) -> str:
    from roi_core.matching import match_key

    return match_key(name)


def _campaign_keys(campaigns: tuple[str, ...]) -> list[tuple[str, str]]:
    keys = [(name, normalize_text(name)) for name in campaigns if name and len(normalize_text(name)) >= 2]
    return sorted(keys, key=lambda nk: len(nk[1]), reverse=True)


def _find_channel(text: _Text, channels: tuple[str, ...], campaigns: tuple[str, ...] = ()) -> str | None:
    view = text.view()
    campaign_keys = [normalize_text(c) for c in campaigns]
    for name in sorted(channels, key=len, reverse=True):
        key = normalize_text(name)
        if not key:
            continue
        at = _find_word(view, key)
        if at < 0 and len(key) >= 4 and not key.isascii():
            # "百度" for 百度搜索, "天猫" for 天猫直通车: the first two characters, when no other channel shares them
            short = key[:2]
            if sum(normalize_text(c).startswith(short) for c in channels) == 1:
                key = short
                at = _find_word(view, key)
        if at >= 0 and not _inside_campaign(view, at, at + len(key), campaign_keys):
            text.take(at, at + len(key))
            return name
    return None


def _inside_campaign(view: str, a: int, b: int, campaign_keys: list[str]) -> bool:
    """The channel word is part of a campaign name written in part ("线下品鉴会" of 线下品鉴会（上海）):
    the character next to it continues a campaign name that contains it."""
    key = view[a:b]
    for name in campaign_keys:
        o = name.find(key)
        if o < 0 or name == key:
            continue
        after = o + len(key) < len(name) and b < len(view) and view[b] == name[o + len(key)]
        before = o > 0 and a > 0 and view[a - 1] == name[o - 1]
        if after or before:
            return True
    return False


def _find_name(view: str, key: str) -> int:
    """Where a campaign name stands in the text, never cutting a number or a Latin word in two
    (a campaign "06" is not inside "2026-06")."""
    at = view.find(key)
    while at >= 0:
        end = at + len(key)
        cut_before = key[0].isascii() and key[0].isalnum() and _joined(view[max(0, at - 2):at][::-1])
        cut_after = key[-1].isascii() and key[-1].isalnum() and _joined(view[end:end + 2])
        if not (cut_before or cut_after):
            return at
        at = view.find(key, at + 1)
    return -1


def _joined(beside: str) -> bool:
    """The characters beside a name (nearest first) continue a number or word: "6", "a", "-0" of 2026-06."""
    if not beside or not beside[0].isascii():
        return False
    return beside[0].isalnum() or (beside[0] in "-/.:" and len(beside) > 1 and beside[1].isdigit())


def _find_word(view: str, key: str) -> int:
    if not key.isascii():
        return view.find(key)
    m = re.search(rf"(?<![a-z0-9]){re.escape(key)}(?![a-z0-9])", view)
    return m.start() if m else -1


def _most_of_a_name(cleaned: str, campaigns: tuple[str, ...]) -> str:
    """The question, when it is most (70 % or more) of one campaign's name: "!channel" for a
    campaign named "<!channel>" is that campaign, not the command word inside it."""
    key = _key(cleaned)
    if not key or not campaigns:
        return ""
    hits = {c for c in campaigns if key in _key(c) and len(key) >= 0.7 * len(_key(c))}
    return cleaned if len(hits) == 1 else ""
