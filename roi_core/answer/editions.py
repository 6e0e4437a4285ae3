"""Editions of a recurring event: "2025双11大促", "双11大促" and "2026双11狂欢" are one event (双11), each
edition a year. A name's event is its match key without years and without the decorations marketers add
at its end (大促, 狂欢, 活动, 节, 预热, 回馈…), so a bare "双11" takes the latest edition and says which
others there are; 去年 / 前年 / 2025 / 上一届 pick one; a year without an edition falls back to the latest,
said first."""

from __future__ import annotations

import re

import pandas as pd

from roi_core.matching import match_key

# stripped from a name's end, again and again ("双12年终回馈" → 双12年终 → 双12); never from its middle, so
# 春节年货节 keeps its 春节
DECORATIONS = ("狂欢节", "购物节", "年终回馈", "回馈", "年终", "大促", "狂欢", "活动", "盛典", "专场", "特卖", "预热",
               "预售", "返场", "促销", "节", "sale", "festival")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年?")
_PUNCT = re.compile(r"[\s()（）\[\]【】\-_·.,，、]+")


def event_key(name: str) -> str:
    """The event a campaign name is an edition of: ``2026双11狂欢`` → ``双11``, ``618活动`` → ``618``.
    A name that is only decoration keeps its own key (a campaign called 活动 is its own event)."""
    key = _PUNCT.sub("", _YEAR.sub("", match_key(str(name))))
    stripped = True
    while stripped:
        stripped = False
        for word in DECORATIONS:
            if key.endswith(word) and len(key) > len(word):
                key, stripped = key[: -len(word)], True
    return key or match_key(str(name))


def edition_year(name: str, rows: pd.DataFrame) -> int:
    """An edition's year: the one in its name, else the year its first row starts."""
    found = re.search(r"(?:19|20)\d{2}", name)
    return int(found[0]) if found else int(rows.loc[rows["campaign"] == name, "start_date"].min().year)


def editions_of(key: str, rows: pd.DataFrame) -> list[str]:
    """Every campaign of the sheet that is an edition of ``key``, oldest first."""
    names = [n for n in dict.fromkeys(rows["campaign"].tolist()) if n and event_key(n) == key]
    starts = rows.groupby("campaign")["start_date"].min()
    return sorted(names, key=lambda n: (edition_year(n, rows), starts.get(n)))


def pick_edition(names: tuple[str, ...], edition: int | None, rows: pd.DataFrame, lang: str) -> tuple[str | None, str]:
    """The edition a question means among the names it matched, and a sentence to say first ("" for none).

    None when the names are not all editions of one event (the answer asks which one), or when there is
    one name and no edition asked (the usual path answers it)."""
    keys = {event_key(n) for n in names}
    if len(keys) != 1 or (len(names) == 1 and edition is None):
        return None, ""
    key = keys.pop()
    editions = editions_of(key, rows) or list(names)
    latest = editions[-1]
    en = lang == "en"
    if edition is None:
        if len(editions) == 1:
            return latest, ""
        others = ("、" if not en else ", ").join(f"{n}（{edition_year(n, rows)}）" if not en else
                                                 f"{n} ({edition_year(n, rows)})" for n in editions[:-1])
        return latest, (f"「{key}」有 {len(editions)} 届，以下是最新一届「{latest}」；往届：{others}（问「去年{key}」看上一年的）"
                        if not en else f"{key} has {len(editions)} editions; this is the latest, {latest}; "
                        f"earlier: {others}")
    if edition == -1:
        if len(editions) >= 2:
            return editions[-2], ""
        return latest, ("只有一届「" + latest + "」，以下是它的数据" if not en
                        else f"There is only one edition of {latest}")
    same_year = [n for n in editions if edition_year(n, rows) == edition]
    if same_year:
        return same_year[-1], ""
    return latest, (f"没有 {edition} 年的「{key}」，以下是 {edition_year(latest, rows)} 年的「{latest}」"
                    if not en else f"No {edition} edition of {latest}; showing the latest")
