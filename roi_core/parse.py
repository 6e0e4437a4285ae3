"""Vectorised parsers for the values people really type into the sheet.

Every parser takes a pandas Series of raw cells (strings, numbers, dates or
None, exactly as a Google Sheet or an .xlsx workbook hands them over) and
returns a :class:`Parsed`: the parsed values, a boolean mask of blank cells,
and a Series of Chinese reasons for the cells that could not be parsed
(``None`` where the cell is fine or blank).

The work is done with pandas string methods and numpy over whole columns;
Python only ever touches the (few) distinct problem cells to word a reason.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

# Google Sheets and Excel count days from 1899-12-30.
SERIAL_EPOCH = pd.Timestamp("1899-12-30")
# Serial numbers that look like dates at all: 1954-10-06 .. 2173-10-14. A number
# in a date column outside these is far more likely a typo than a date.
SERIAL_MIN, SERIAL_MAX = 20000, 100000

# Plausible values. A campaign's money or count beyond 1,000 万亿 (1e15) in
# absolute value, or a non-zero amount under one 分 (0.01), is a wrong unit, a
# slipped decimal point or a formula artefact; dividing by it would show a
# ratio nobody can act on, so such cells are problems, never numbers.
MAX_MAGNITUDE = 1e15
MIN_AMOUNT = 0.01
# Dates outside 2000-01-01 .. 2100-12-31 are typos unless 设置 (最早日期 /
# 最晚日期) says otherwise; 设置 may widen the window up to 1900-01-01 ..
# 2261-12-31 (pandas keeps dates in nanoseconds, which end in April 2262).
DATE_MIN, DATE_MAX = pd.Timestamp("2000-01-01"), pd.Timestamp("2100-12-31")
WIDEST_DATE_MIN, WIDEST_DATE_MAX = pd.Timestamp("1900-01-01"), pd.Timestamp("2261-12-31")

TOO_LARGE = "数值超出合理范围（绝对值应不超过 1,000 万亿），检查单位或小数点"
TOO_SMALL = "金额不足 0.01（1 分），填 0 或检查单位和小数点"
NOT_INTEGER = "应为整数"
NEGATIVE = "不能为负数"


@dataclass(frozen=True)
class Parsed:
    """The outcome of parsing one column.

    values: parsed values (float64, datetime64[ns] or bool/object); NaN/NaT where blank or bad.
    blank:  True where the cell was empty (None, NaN, or only whitespace).
    reason: a Chinese one-line reason where the cell was not blank but could not be parsed.
    """

    values: pd.Series
    blank: pd.Series
    reason: pd.Series

    @property
    def bad(self) -> pd.Series:
        return self.reason.notna()


def normalize_text(value: object) -> str:
    """NFKC, trim and case-fold one label (tab name, header, setting key, name)."""
    if value is None:
        return ""
    return unicodedata.normalize("NFKC", str(value)).strip().casefold()


_NUMBER_TYPES = (int, float, np.int64, np.int32, np.float64, np.float32)
_DATE_TYPES = (dt.datetime, dt.date, pd.Timestamp, np.datetime64)


# ufuncs over object arrays: a C loop calling the str method, no Series built per call
_isspace = np.frompyfunc(str.isspace, 1, 1)
_strip = np.frompyfunc(str.strip, 1, 1)
_NUMERIC_COLUMNS = ("floating", "integer", "mixed-integer-float", "decimal", "empty")


def _column_kind(raw: pd.Series) -> str:
    """pandas' one-pass (C) guess of what a column holds: "floating", "string", "mixed", ..."""
    return pd.api.types.infer_dtype(raw, skipna=True)


def _types(raw: pd.Series) -> pd.Series:
    """The Python type of every cell (a C-level map: cheap even for 100k cells)."""
    return raw.map(type)


def _is_number_cell(raw: pd.Series) -> pd.Series:
    """True where the raw cell is already a real number (not a bool, not text, not NaN)."""
    if _column_kind(raw) in _NUMERIC_COLUMNS:
        return raw.notna()
    return _types(raw).isin(_NUMBER_TYPES) & raw.notna()


def _is_str_cell(raw: pd.Series) -> pd.Series:
    kind = _column_kind(raw)
    if kind in _NUMERIC_COLUMNS:
        return pd.Series(False, index=raw.index)
    if kind == "string":
        return raw.notna()
    return _types(raw).isin((str,))


def blank_mask(raw: pd.Series) -> pd.Series:
    """True where a cell is empty: None, NaN, or a string of only whitespace."""
    blank = raw.isna().to_numpy().copy()
    if _column_kind(raw) in _NUMERIC_COLUMNS:  # numbers only: the common case from Sheets
        return pd.Series(blank, index=raw.index)
    is_str = _is_str_cell(raw).to_numpy()
    if is_str.any():
        strings = raw.to_numpy()[is_str]
        # str.isspace and == "" run per cell in C, no Python frame per cell
        blank[is_str] = (strings == "") | _isspace(strings).astype(bool)
    return pd.Series(blank, index=raw.index)


def _text(raw: pd.Series) -> pd.Series:
    """Cells as NFKC-normalised, trimmed strings (pandas string dtype)."""
    return raw.astype("string").str.normalize("NFKC").str.strip()


def _reasons(mask: pd.Series, reason: str, index: pd.Index) -> pd.Series:
    out = pd.Series(None, index=index, dtype="object")
    out[mask.to_numpy()] = reason
    return out


_NUMBER_RE = r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?$"


def parse_number(raw: pd.Series, *, kind: str = "money", blank: pd.Series | None = None) -> Parsed:
    """Parse money-like cells into finite, plausible float64 values.

    Accepts ``12345.6``, ``12,345.60``, ``¥12,345``, ``￥1.2万`` (12000), ``3亿``,
    ``12,345元``, ``RMB 100``, ``(1,000)`` (negative), full-width digits and
    commas, and number cells as they come.

    Every kind rejects values beyond ±1e15 (:data:`MAX_MAGNITUDE`, also
    ``1e400`` and infinities). ``kind="money"`` also rejects a non-zero amount
    under 0.01; ``kind="count"`` accepts only whole numbers ≥ 0;
    ``kind="number"`` only the magnitude rule. Rejected cells are NaN with a reason.

    >>> parse_number(pd.Series(["￥1.2万", "(1,000)", "abc"])).values.tolist()
    [12000.0, -1000.0, nan]
    """
    index = raw.index
    blank = blank_mask(raw) if blank is None else blank
    # Number cells and plain numeric strings convert in C; only the messy rest
    # (currency signs, separators, 万/亿, parentheses) takes the text path.
    # a checkbox (True/False) is not an amount, though pandas would read it as 1/0
    has_bools = _column_kind(raw) not in (*_NUMERIC_COLUMNS, "string")
    plain = raw.where(~_types(raw).isin((bool, np.bool_)), None) if has_bools else raw
    values = _to_float(plain)
    # "inf" and "nan" typed as text are not numbers: send them down the text path, which rejects them
    values[~np.isfinite(values.to_numpy())] = np.nan
    values[blank.to_numpy()] = np.nan
    text_mask = ~blank & values.isna()
    if text_mask.any():
        t = _text(raw[text_mask]).str.casefold()
        negative = t.str.startswith("(") & t.str.endswith(")")
        t = t.str.replace(r"^\((.*)\)$", r"\1", regex=True)
        # currency words and symbols, thousands separators, inner spaces
        t = t.str.replace(r"(rmb|cny|人民币|¥|元|\$|,|\s)", "", regex=True)
        multiplier = pd.Series(1.0, index=t.index)
        multiplier[t.str.endswith("万").fillna(False).to_numpy()] = 1e4
        multiplier[t.str.endswith("亿").fillna(False).to_numpy()] = 1e8
        t = t.str.replace(r"[万亿]$", "", regex=True)
        ok = t.str.fullmatch(_NUMBER_RE).fillna(False).astype(bool)
        parsed = pd.to_numeric(t.where(ok), errors="coerce").astype("float64") * multiplier
        parsed[negative.fillna(False).to_numpy()] *= -1
        values[text_mask] = parsed.to_numpy()

    v = values.to_numpy(dtype="float64", copy=True)
    reason = np.full(len(v), None, dtype=object)
    unreadable = ~blank.to_numpy() & np.isnan(v)
    reason[unreadable] = {"money": "不是金额（例：12,345 或 ￥1.2万）"}.get(kind, "不是数字")
    with np.errstate(invalid="ignore"):
        magnitude = np.abs(v)
        # ±inf arrives only from text such as "1e400" or "1e308万": too large, like any |x| > 1e15
        rules = [(magnitude > MAX_MAGNITUDE, TOO_LARGE)]
        if kind == "count":
            rules = [(np.isfinite(v) & (v != np.floor(v)), NOT_INTEGER), (v < 0, NEGATIVE), *rules]
        elif kind == "money":
            rules = [((magnitude > 0) & (magnitude < MIN_AMOUNT), TOO_SMALL), *rules]
    for broken, why in rules:  # later rules win: "-1e16" is too large before it is negative
        if broken.any():
            reason[broken] = why
            v[broken] = np.nan
    return Parsed(pd.Series(v, index=index), blank, pd.Series(reason, index=index, dtype="object"))


def _to_float(cells: pd.Series) -> pd.Series:
    """Cells as float64 where they are numbers or numeric strings (C speed), NaN elsewhere; never raises."""
    try:
        return pd.to_numeric(cells, errors="coerce").astype("float64")
    except (OverflowError, TypeError, ValueError):
        # an integer cell too big for a float (an .xlsx can hold one): it is ±inf, i.e. too large
        return pd.to_numeric(cells.map(_int_as_float), errors="coerce").astype("float64")


def _int_as_float(value: object) -> object:
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return float(value)
        except OverflowError:
            return np.inf if value > 0 else -np.inf
    return value


def parse_count(raw: pd.Series, blank: pd.Series | None = None) -> Parsed:
    """Parse counts: whole numbers 0..1e15 (``1,234``, ``1.2万``, number cells); anything else is a problem."""
    return parse_number(raw, kind="count", blank=blank)


def parse_percent(raw: pd.Series, blank: pd.Series | None = None) -> Parsed:
    """Parse percentages: ``12.5%`` / ``12.5％`` → 0.125; plain ``0.125`` stays 0.125."""
    index = raw.index
    blank = blank_mask(raw) if blank is None else blank
    t = _text(raw.where(~blank))
    has_pct = t.str.endswith("%").fillna(False).astype(bool)
    stripped = t.str.rstrip("%").str.strip()
    as_number = parse_number(stripped.astype(object).where(~blank, None), kind="number")
    values = as_number.values.copy()
    numeric_cells = _is_number_cell(raw)
    # number cells are fractions already; only text with % is divided
    values[(has_pct & ~numeric_cells).to_numpy()] /= 100.0
    reason = _reasons(~blank & values.isna(), "不是百分比（例：12.5% 或 0.125）", index)
    return Parsed(values, blank, reason)


_TRUE = {"1", "是", "true", "y", "yes", "t", "已转化", "转化", "√", "✓", "1.0"}
_FALSE = {"0", "否", "false", "n", "no", "f", "未转化", "0.0", "×", "✗"}
# True == 1 and False == 0 hash alike, so numbers and real booleans are covered too
_TRUE_CELLS = [*_TRUE, True, "Y", "TRUE", "True", "YES", "Yes"]
_FALSE_CELLS = [*_FALSE, False, "N", "FALSE", "False", "NO", "No"]


def parse_bool(raw: pd.Series, blank: pd.Series | None = None) -> Parsed:
    """Parse yes/no cells: 1/0, 是/否, true/false, Y/N (any case, full-width too)."""
    index = raw.index
    blank = blank_mask(raw) if blank is None else blank
    # the usual spellings and cell types match as they are (C-level hashing); only the rest is normalised
    is_true = raw.isin(_TRUE_CELLS).to_numpy() & ~blank.to_numpy()
    is_false = raw.isin(_FALSE_CELLS).to_numpy() & ~blank.to_numpy()
    rest = ~blank.to_numpy() & ~is_true & ~is_false
    if rest.any():
        t = _text(raw[rest]).str.casefold()
        is_true[rest] = t.isin(_TRUE).fillna(False).to_numpy(dtype=bool)
        is_false[rest] = t.isin(_FALSE).fillna(False).to_numpy(dtype=bool)
    values = pd.Series(is_true, index=index, dtype="bool")
    reason = _reasons(pd.Series(~blank.to_numpy() & ~is_true & ~is_false, index=index),
                      "不是 是/否（可填 1/0、是/否、Y/N、true/false）", index)
    return Parsed(values, blank, reason)


_DATE_RE = (
    r"^(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})\s*日?"
    r"(?:(?:\s+|t)(?P<H>\d{1,2}):(?P<M>\d{2})(?::(?P<S>\d{2})(?:\.\d+)?)?)?\s*(?P<tz>z|(?P<sign>[+-])(?P<oh>\d{2}):?(?P<om>\d{2}))?$"
)
_NO_YEAR_RE = r"^\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?(?:\s.*)?$"
_ONE_DAY = pd.Timedelta(days=1)


def date_window(earliest: object = None, latest: object = None) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The accepted (first day, last day) for date cells: 2000-01-01 .. 2100-12-31 unless given,
    and never wider than 1900-01-01 .. 2261-12-31."""
    lo = DATE_MIN if earliest is None else max(pd.Timestamp(earliest).normalize(), WIDEST_DATE_MIN)
    hi = DATE_MAX if latest is None else min(pd.Timestamp(latest).normalize(), WIDEST_DATE_MAX)
    return lo, hi


def out_of_window_reason(lo: pd.Timestamp, hi: pd.Timestamp) -> str:
    return (f"日期超出范围（应在 {lo:%Y-%m-%d} 至 {hi:%Y-%m-%d} 之间；"
            "确有更早或更晚的日期，在「设置」填写 最早日期 / 最晚日期）")


def parse_date(raw: pd.Series, blank: pd.Series | None = None, tz: str | None = None,
               earliest: object = None, latest: object = None) -> Parsed:
    """Parse dates and date-times into naive ``datetime64[ns]``; never raises on any cell.

    Accepts ``2026-06-18``, ``2026/6/18``, ``2026.6.18``, ``2026年6月18日``
    (each optionally followed by ``HH:MM[:SS]``), Sheets/Excel serial numbers
    (days since 1899-12-30, fractions are the time of day) and real date cells.
    A date without a year (``6月18日``) is reported, never guessed.

    Only days from ``earliest`` to ``latest`` (default 2000-01-01 .. 2100-12-31,
    see :func:`date_window`) are dates; any other day, however written, is a
    problem, as is a time of day that does not exist (``25:00``).

    Wall-clock cells stay as written. A cell that names its own offset
    (``2026-10-31T20:00Z``, ``…+08:00``, an aware datetime) is converted to
    ``tz`` (the team's 时区) first, so it lands in the team's day and month.
    """
    blank = blank_mask(raw) if blank is None else blank
    lo, hi = date_window(earliest, latest)
    outside = out_of_window_reason(lo, hi)
    # positions as labels: every path below writes straight into these two arrays
    cells = raw.reset_index(drop=True)
    not_blank = ~blank.to_numpy()
    values = np.full(len(cells), np.datetime64("NaT"), dtype="datetime64[ns]")
    reason = np.full(len(cells), None, dtype=object)

    def keep(stamps: pd.Series, why_outside: str) -> None:
        """Store naive stamps (any unit, labelled by position) that fall in the window; the rest get
        ``why_outside``. pandas compares across units; only in-window stamps become nanoseconds."""
        known = stamps.notna().to_numpy()
        inside = known & ((stamps >= lo) & (stamps < hi + _ONE_DAY)).to_numpy()
        where = stamps.index.to_numpy()
        values[where[inside]] = stamps.to_numpy()[inside].astype("datetime64[ns]")
        reason[where[known & ~inside]] = why_outside

    is_dt = _types(cells).isin(_DATE_TYPES).to_numpy() & not_blank
    if is_dt.any():
        stamps = _date_cells(cells[is_dt], tz)
        keep(stamps, outside)
        # a real date cell that no timestamp can hold (year 20000, ...) is out of range too
        reason[stamps.index.to_numpy()[stamps.isna().to_numpy()]] = outside

    numeric = _is_number_cell(cells).to_numpy() & not_blank & ~is_dt
    if numeric.any():
        serial = _to_float(cells[numeric])
        first = (lo - SERIAL_EPOCH) / _ONE_DAY
        end = (hi + _ONE_DAY - SERIAL_EPOCH) / _ONE_DAY
        in_window = ((serial >= first) & (serial < end)).to_numpy()
        days = serial.where(in_window)
        keep(SERIAL_EPOCH + pd.to_timedelta(days * 86400.0, unit="s").dt.round("s"), outside)
        # a serial that could be a date (1954..2173) is a date out of range; any other number is no date
        out = serial[~in_window]
        reason[out.index.to_numpy()] = np.where(out.between(SERIAL_MIN, SERIAL_MAX).to_numpy(), outside,
                                                "不是日期（数字超出日期范围）")

    text = not_blank & ~is_dt & ~numeric
    if text.any():
        _text_dates(cells[text], tz, lo, hi, keep, reason)
    return Parsed(pd.Series(values, index=raw.index), blank, pd.Series(reason, index=raw.index, dtype="object"))


def _text_dates(cells: pd.Series, tz: str | None, lo: pd.Timestamp, hi: pd.Timestamp, keep,
                reason: np.ndarray) -> None:
    """Typed dates (``cells`` labelled by position in ``reason``): pattern-matched and built as whole
    columns; every cell gets a value (through ``keep``) or a reason."""
    t = _text(cells).str.casefold()
    parts = t.str.extract(_DATE_RE)
    matched = parts["y"].notna()
    comp = parts[matched.to_numpy()]
    zone = comp[["tz", "sign"]]
    comp = comp.drop(columns=["tz", "sign"]).astype("float64").fillna({"H": 0, "M": 0, "S": 0, "oh": 0, "om": 0})
    # a clock that does not exist is a typo, not the next day (pandas would roll 25:00 over)
    bad_time = (comp["H"] > 23) | (comp["M"] > 59) | (comp["S"] > 59) | (comp["oh"] > 14) | (comp["om"] > 59)
    # whole years outside the window are never built: a year like 9999 would overflow nanoseconds
    bad_year = (comp["y"] < lo.year) | (comp["y"] > hi.year)
    build = ~bad_time & ~bad_year
    c = comp[build.to_numpy()]
    stamps = pd.to_datetime(
        pd.DataFrame({"year": c["y"], "month": c["m"], "day": c["d"], "hour": c["H"], "minute": c["M"],
                      "second": c["S"]}),
        errors="coerce",
    )
    zoned = zone.loc[c.index, "tz"].notna()
    if zoned.any():
        minutes = (c["oh"] * 60 + c["om"]) * zone.loc[c.index, "sign"].map({"-": -1.0}).fillna(1.0)
        utc = (stamps[zoned] - pd.to_timedelta(minutes[zoned], unit="min")).dt.tz_localize("UTC")
        stamps = stamps.copy()
        stamps[zoned] = utc.dt.tz_convert(tz or "UTC").dt.tz_localize(None)
    keep(stamps, out_of_window_reason(lo, hi))
    reason[stamps.index.to_numpy()[stamps.isna().to_numpy()]] = "日期不存在（检查月份和日）"
    reason[comp.index.to_numpy()[bad_time.to_numpy()]] = "时间不存在（时 0-23，分和秒 0-59）"
    reason[comp.index.to_numpy()[(bad_year & ~bad_time).to_numpy()]] = out_of_window_reason(lo, hi)
    unmatched = t[~matched.to_numpy()]
    no_year = unmatched.str.fullmatch(_NO_YEAR_RE).fillna(False).astype(bool).to_numpy()
    reason[unmatched.index.to_numpy()[no_year]] = "日期缺少年份（请写成 2026-06-18）"
    reason[unmatched.index.to_numpy()[~no_year]] = "不是日期（例：2026-06-18 或 2026年6月18日）"


def _date_cells(cells: pd.Series, tz: str | None) -> pd.Series:
    """Real date cells as naive local times, in whatever unit pandas picks; NaT where no timestamp can
    hold the cell. One C-level conversion when the cells agree on a zone (or have none, the usual
    case); cell by cell for a mix of zones or a value out of pandas' range."""
    try:
        stamps = pd.to_datetime(cells, errors="raise")
        if getattr(stamps.dt, "tz", None) is not None:
            stamps = stamps.dt.tz_convert(tz or "UTC").dt.tz_localize(None)
        if pd.api.types.is_datetime64_dtype(stamps):
            return stamps
    except (ValueError, TypeError, OverflowError):  # OutOfBoundsDatetime is a ValueError
        pass
    local = [_as_local(v, tz) for v in cells.tolist()]
    return pd.Series(np.array(local, dtype="datetime64[us]"), index=cells.index)


def _as_local(value: object, tz: str | None) -> np.datetime64:
    """One date cell as the team's naive wall-clock time in microseconds; NaT if it cannot be one."""
    try:
        stamp = pd.Timestamp(value)
        if stamp.tzinfo is not None:
            stamp = stamp.tz_convert(tz or "UTC").tz_localize(None)
        return stamp.as_unit("us").to_datetime64()
    except (ValueError, TypeError, OverflowError):
        return np.datetime64("NaT", "us")


def parse_text(raw: pd.Series, blank: pd.Series | None = None) -> Parsed:
    """Text cells, trimmed; blanks marked. Names are kept as written (matching normalises on its own)."""
    blank = blank_mask(raw) if blank is None else blank
    values = pd.Series(None, index=raw.index, dtype=object)
    keep = ~blank.to_numpy()
    is_str = _is_str_cell(raw).to_numpy() & keep
    if is_str.any():
        values[is_str] = _strip(raw.to_numpy()[is_str])
    other = keep & ~is_str
    if other.any():
        # a campaign called 618 typed as a number arrives as 618 or 618.0: show it as 618
        values[other] = raw[other].map(_cell_as_text).to_numpy()
    return Parsed(values, blank, pd.Series(None, index=raw.index, dtype="object"))


def _cell_as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


PARSERS = {
    "text": parse_text,
    "money": parse_number,
    "count": parse_count,
    "number": lambda raw, blank=None: parse_number(raw, kind="number", blank=blank),
    "percent": parse_percent,
    "bool": parse_bool,
    "date": parse_date,
}


def parse_score(raw: pd.Series, blank: pd.Series | None = None) -> Parsed:
    """Satisfaction: a number 0-5, or a percentage (``90%`` → 4.5 on the same 0-5 scale)."""
    pct = parse_percent(raw, blank)
    blank = pct.blank
    text = _text(raw.where(~blank))
    has_pct = text.str.endswith("%").fillna(False).astype(bool) & ~_is_number_cell(raw)
    values = pct.values.copy()
    values[has_pct.to_numpy()] *= 5.0
    reason = pct.reason.copy()
    reason[pct.bad.to_numpy()] = "不是评分（0-5 或百分比）"
    out_of_range = values.notna() & ~values.between(0, 5)
    reason[out_of_range.to_numpy()] = "评分应在 0-5 之间（或填百分比）"
    values[out_of_range.to_numpy()] = np.nan
    return Parsed(values, blank, reason)


PARSERS["score"] = parse_score
