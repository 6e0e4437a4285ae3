"""How numbers read to people: ¥ with thousands separators, percentages, `—` for no number."""

from __future__ import annotations

import unicodedata

import pandas as pd

DASH = "—"


def _missing(value) -> bool:
    return value is None or (not isinstance(value, str) and pd.isna(value))


def money(value, symbol: str = "¥") -> str:
    """¥12,345 (no decimals from 100 up, cents below); negatives as -¥1,000; no number as —."""
    if _missing(value):
        return DASH
    sign = "-" if value < 0 else ""
    v = abs(float(value))
    return f"{sign}{symbol}{v:,.0f}" if v >= 100 or v == int(v) else f"{sign}{symbol}{v:,.2f}"


def pct(value, digits: int = 1) -> str:
    """0.1234 → 12.3%; no number → —."""
    if _missing(value):
        return DASH
    return f"{float(value) * 100:,.{digits}f}%"


def count(value) -> str:
    """1234.0 → 1,234 (spread-by-month counts may be fractional: rounded)."""
    if _missing(value):
        return DASH
    return f"{float(value):,.0f}"


def display_width(text: str) -> int:
    """Columns a string takes in a terminal or monospace block: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def pad(text: str, width: int, align: str = "left") -> str:
    gap = max(0, width - display_width(text))
    return text + " " * gap if align == "left" else " " * gap + text


def table(headers: list[str], rows: list[list[str]], align: list[str] | None = None) -> str:
    """A plain-text table aligned for CJK text (first column left, the rest right by default)."""
    align = align or ["left"] + ["right"] * (len(headers) - 1)
    widths = [max(display_width(str(r[i])) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(pad(str(h), w, a) for h, w, a in zip(headers, widths, align, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(pad(str(c), w, a) for c, w, a in zip(r, widths, align, strict=True)).rstrip())
    return "\n".join(lines)
