"""Finding the campaign a user meant: exact, then substring, then fuzzy."""

from __future__ import annotations

import re
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from roi_core.parse import normalize_text

# People write the same festival in digits or in Chinese numerals.
_NUMERAL_ALIASES = (("双十一", "双11"), ("双十二", "双12"), ("六一八", "618"), ("三八", "38"), ("五一", "51"),
                    ("十一", "11"))
FUZZY_CUTOFF = 60.0


def match_key(name: str) -> str:
    """The form names are compared in: NFKC, case-folded, spaces dropped, numerals unified."""
    key = normalize_text(name)
    key = re.sub(r"\s+", "", key)
    for words, digits in _NUMERAL_ALIASES:
        key = key.replace(words, digits)
    return key


@dataclass(frozen=True)
class CampaignMatch:
    """``how`` is exact | substring | fuzzy | none; ``names`` the candidates (one when decided)."""

    how: str
    names: tuple[str, ...]

    @property
    def unique(self) -> str | None:
        return self.names[0] if self.how != "none" and len(self.names) == 1 else None


def match_campaign(query: str, names: list[str], *, limit: int = 5) -> CampaignMatch:
    """Match a typed name against the campaign names in the sheet.

    Exact (after normalising) wins; else every name containing the query (or
    contained in it); else fuzzy matches above a cutoff. No match returns the
    closest names as ``how="none"`` so the answer can suggest them.
    """
    distinct = list(dict.fromkeys(n for n in names if n))
    keys = {n: match_key(n) for n in distinct}
    q = match_key(query)
    if not q:
        return CampaignMatch("none", ())
    exact = [n for n in distinct if keys[n] == q]
    if exact:
        return CampaignMatch("exact", tuple(exact[:1]))
    contains = [n for n in distinct if q in keys[n]]
    if not contains:
        contains = [n for n in distinct if len(keys[n]) >= 2 and keys[n] in q]
    if contains:
        return CampaignMatch("substring", tuple(sorted(contains, key=lambda n: (len(keys[n]), n))))
    choices = {n: keys[n] for n in distinct}
    scored = process.extract(q, choices, scorer=fuzz.WRatio, limit=limit)
    good = [name for _key, score, name in scored if score >= FUZZY_CUTOFF]
    if good:
        best = scored[0][1]
        # one clear winner is an answer; near-ties are a question back to the user
        close = [name for _key, score, name in scored if score >= FUZZY_CUTOFF and best - score < 5]
        return CampaignMatch("fuzzy", tuple(close))
    closest = [name for _key, _score, name in process.extract(q, choices, scorer=fuzz.ratio, limit=3)]
    return CampaignMatch("none", tuple(closest))
