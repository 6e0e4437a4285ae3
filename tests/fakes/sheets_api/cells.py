"""Cell values: the stored types (Formula, Formatted, dates), serial numbers, USER_ENTERED parsing
and rendering a stored value the way each valueRenderOption / dateTimeRenderOption returns it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from datetime import time as dtime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the model imports the cells, not the other way round
    from .model import _Book


_SERIAL_EPOCH_DT = datetime(1899, 12, 30)
_SERIAL_EPOCH_D = date(1899, 12, 30)


@dataclass
class Formula:
    """A formula cell. ``value`` is what the API returns as the evaluated value
    (FORMATTED_VALUE / UNFORMATTED_VALUE); ``formula`` comes back with FORMULA."""

    formula: str
    value: Any = "#FORMULA"


@dataclass
class Formatted:
    """A number (or date) with a display format: ``Formatted(12345.6, "¥12,345.60")``.
    FORMATTED_VALUE returns ``text``; UNFORMATTED_VALUE returns ``value``."""

    value: Any
    text: str


def _is_empty(v: Any) -> bool:
    return v is None or (isinstance(v, str) and v == "")


def to_serial(v: date | datetime | dtime) -> int | float:
    """Sheets serial number: days since 1899-12-30, fraction for the time of day."""
    if isinstance(v, datetime):
        if v.tzinfo is not None:
            v = v.replace(tzinfo=None)  # Sheets has no time zones in cells: wall time
        d = v - _SERIAL_EPOCH_DT
        s = d.days + (d.seconds + d.microseconds / 1e6) / 86400
    elif isinstance(v, date):
        s = (v - _SERIAL_EPOCH_D).days
    elif isinstance(v, dtime):
        s = (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    else:  # pragma: no cover
        raise TypeError(v)
    return int(s) if float(s).is_integer() else s


def _num(v: int | float | Decimal) -> int | float:
    if isinstance(v, Decimal):
        v = float(v)
    if isinstance(v, float) and v.is_integer() and abs(v) < 2**53:
        return int(v)
    return v


def _fmt_number(v: int | float | Decimal) -> str:
    v = _num(v)
    if isinstance(v, int):
        return str(v)
    return f"{v:.15g}"


_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+|)(?:\.\d+)?(?:[eE][+-]?\d+)?"
_NUM_RE = re.compile(_NUM)
_DATE_RE = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?")


def _parse_number(t: str) -> int | float | None:
    if not _NUM_RE.fullmatch(t) or not any(c.isdigit() for c in t):
        return None
    t = t.replace(",", "")
    if "." in t or "e" in t or "E" in t:
        return _num(float(t))
    return int(t)


def parse_user_entered(s: str) -> Any:
    """What the Sheets UI makes of a typed string (valueInputOption=USER_ENTERED).
    A subset: formulas, numbers (with thousands commas), percentages, $ amounts,
    TRUE/FALSE, ISO-ish dates and date-times, a leading apostrophe forces text."""
    if s.startswith("'"):
        return s[1:]
    if s.startswith("="):
        return Formula(s)
    t = s.strip()
    if t == "":
        return s
    if t.upper() in ("TRUE", "FALSE"):
        return t.upper() == "TRUE"
    n = _parse_number(t)
    if n is not None:
        return n
    if t.endswith("%"):
        n = _parse_number(t[:-1].strip())
        if n is not None:
            return Formatted(_num(n / 100), t)
    if t.startswith("$") or t.startswith("-$"):
        n = _parse_number(t.replace("$", "", 1))
        if n is not None:
            return Formatted(n, t)
    m = _DATE_RE.fullmatch(t)
    if m:
        y, mo, d, hh, mi, ss = m.groups()
        try:
            if hh is None:
                return date(int(y), int(mo), int(d))
            return datetime(int(y), int(mo), int(d), int(hh), int(mi), int(ss or 0))
        except ValueError:
            return s
    return s


def _render(book: _Book, v: Any, vro: str, dtro: str) -> Any:
    if _is_empty(v):
        return ""
    if isinstance(v, Formula):
        if vro == "FORMULA":
            return v.formula
        return _render(book, v.value, vro, dtro)
    if isinstance(v, Formatted):
        if vro == "FORMATTED_VALUE":
            return v.text
        return _render(book, v.value, vro, dtro)
    is_dt = isinstance(v, (date, dtime))
    if vro == "FORMATTED_VALUE" or (is_dt and dtro == "FORMATTED_STRING"):
        if isinstance(v, bool):
            return "TRUE" if v else "FALSE"
        if isinstance(v, (int, float, Decimal)):
            return _fmt_number(v)
        if isinstance(v, datetime):
            return v.strftime(book.datetime_format)
        if isinstance(v, date):
            return v.strftime(book.date_format)
        if isinstance(v, dtime):
            return v.strftime(book.time_format)
        return str(v)
    # UNFORMATTED_VALUE, or FORMULA for a non-formula cell
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float, Decimal)):
        return _num(v)
    if is_dt:
        return to_serial(v)
    return str(v)


def _renderer(book: _Book, vro: str, dtro: str):
    """``_render`` for one read, with the common cell types dispatched on their exact type first
    (same results; a read of millions of cells spends its time here)."""
    formatted = vro == "FORMATTED_VALUE"
    serial = not formatted and dtro == "SERIAL_NUMBER"
    epoch = _SERIAL_EPOCH_DT

    def render(v: Any) -> Any:
        t = type(v)
        if t is str:
            return v
        if v is None:
            return ""
        if t is float:
            return _fmt_number(v) if formatted else _num(v)
        if t is int:
            return str(v) if formatted else v
        if t is datetime and serial and v.tzinfo is None:
            d = v - epoch
            s = d.days + (d.seconds + d.microseconds / 1e6) / 86400
            return int(s) if s.is_integer() else s
        return _render(book, v, vro, dtro)

    return render


def _trim(rows: list[list[Any]], copy: bool = True) -> list[list[Any]]:
    """Trailing empty cells and rows dropped. ``copy=False``: ``rows`` are fresh lists, trimmed in place."""
    out = []
    for row in rows:
        if copy:
            row = list(row)
        while row and row[-1] == "" and row[-1] is not False:
            row.pop()
        out.append(row)
    while out and not out[-1]:
        out.pop()
    return out


def _transpose(rows: list[list[Any]], fill: Any) -> list[list[Any]]:
    width = max((len(r) for r in rows), default=0)
    return [[r[j] if j < len(r) else fill for r in rows] for j in range(width)]
