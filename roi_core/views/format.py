"""Figures as people read them in an answer, whatever the medium (built on :mod:`roi_core.fmt`)."""

from __future__ import annotations

from roi_core.fmt import DASH, count, money, pct
from roi_core.views.punct import reason_bracket


def figure(value, kind: str, symbol: str = "¥", reason: str | None = None, lang: str = "zh") -> str:
    """One figure for people; a missing one shows — and, when known, why (in ``lang``'s brackets)."""
    text = {"money": lambda v: money(v, symbol), "pct": pct, "count": count, "ratio": lambda v: v or DASH}[kind](value)
    if text == DASH and reason:
        return DASH + reason_bracket(reason, lang)
    return text


def signed_pct(value, points: bool = False, lang: str = "zh") -> str:
    """A change with its sign: 0.123 → "+12.3%" (or "+12.3个百分点" for ``points``, "+12.3 pp" in English);
    no number → —."""
    if value is None:
        return DASH
    unit = (" pp" if lang == "en" else "个百分点") if points else "%"
    return f"{'+' if value >= 0 else ''}{value * 100:.1f}{unit}"
