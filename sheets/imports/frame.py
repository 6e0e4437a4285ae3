"""An export's rows → canonical import rows: one per day × 账户 × 计划, figures as numbers, bad rows counted.

Vectorised (pandas string methods over whole columns): a million rows take seconds. Cells as exports write
them: ``-``/``--``/blank are empty; ``1,234.5``, ``¥1,234``, ``12.5%`` are numbers; dates as
2026-06-01, 2026/6/1, 20260601, 2026-06-01 00:00:00, or a workbook's date cells. A 合计/总计/汇总 row is
skipped and counted. Rows of a finer grain (单元, 创意) of one campaign and day are summed.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

FIGURES = {"cost": "ad_spend", "impressions": "impressions", "clicks": "clicks", "conversions": "conversions",
           "revenue": "revenue"}
_EMPTY = {"", "-", "--", "—", "——", "/", "n/a", "na", "null", "none", "nan"}
_TOTAL_WORDS = ("合计", "总计", "汇总", "总和", "全部合计", "total", "sum")


def _text(col: pd.Series) -> pd.Series:
    """Cells as trimmed text (blank for a missing cell). A CSV column is already text: trimmed in Arrow."""
    if pd.api.types.is_numeric_dtype(col):  # a figure column the CSV parser already read
        return col.astype(str).where(col.notna(), "")
    if col.dtype != object:
        return col.fillna("").astype(str).str.strip()
    return col.where(col.notna(), "").astype(str).str.strip()


def _empty(text: pd.Series) -> pd.Series:
    return text.str.lower().isin(_EMPTY)


def numbers(col: pd.Series) -> pd.Series:
    """Cells → float (NaN for empty or unreadable), thousands separators, currency signs and % understood."""
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(float)
    if col.dtype == object and col.map(type).isin((int, float)).all():  # a workbook's number cells
        return pd.to_numeric(col, errors="coerce").astype(float)
    text = _text(col)
    for sign in (",", "，", "¥", "￥", "元", " "):  # plain replaces: Arrow kernels, no per-cell Python
        text = text.str.replace(sign, "", regex=False)
    pct = text.str.endswith("%") | text.str.endswith("％")
    text = text.str.rstrip("%％")
    text = text.where(~_empty(text), "")
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    return values.where(~pct, values / 100.0)


def _totals(text: pd.Series) -> pd.Series:
    """Cells that start a 合计/总计/汇总 row."""
    head = text.str.slice(0, 5).str.lower()
    hit = pd.Series(False, index=text.index)
    for word in _TOTAL_WORDS:
        hit |= head.str.startswith(word)
    return hit


def days(col: pd.Series) -> pd.Series:
    """Cells → day (NaT when unreadable). Each distinct value is parsed once (an export repeats a few hundred)."""
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    if col.dtype == object:  # a workbook's date cells beside text ones (a 合计 row)
        cells = col.map(lambda v: v if isinstance(v, (dt.date, dt.datetime)) else None)
        dated = cells.notna()
        if dated.any():
            out[dated] = pd.to_datetime(cells[dated].astype(str).str.slice(0, 10), errors="coerce")
            if dated.all():
                return out
            col = col.where(~dated, "")
    text = _text(col)
    uniques = pd.Series(pd.unique(text), dtype=object).astype(str)
    parsed = pd.Series(_parse_days(uniques).to_numpy(), index=uniques.to_numpy())
    return out.where(out.notna(), text.map(parsed).astype("datetime64[ns]"))


def _parse_days(text: pd.Series) -> pd.Series:
    text = text.str.slice(0, 10)
    for sep in ("/", ".", "年", "月"):
        text = text.str.replace(sep, "-", regex=False)
    text = text.str.rstrip("日")
    eight = text.str.fullmatch(r"\d{8}")
    text = text.where(~eight, text.str.slice(0, 4) + "-" + text.str.slice(4, 6) + "-" + text.str.slice(6, 8))
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    loose = parsed.isna() & (text != "") & text.str.match(r"\d{4}-\d{1,2}-\d{1,2}")
    if loose.any():  # 2026-6-1 and the like: the strict format misses single digits
        parsed[loose] = pd.to_datetime(text[loose], format="mixed", errors="coerce")
    return parsed.dt.normalize()


def canonical(body: pd.DataFrame, columns: dict[str, tuple[int, str]], *, platform: str, window: str,
              day: pd.Timestamp | None, first_line: int) -> tuple[pd.DataFrame, int, dict[str, list[int]]]:
    """(rows keyed by day × account × campaign, rows read, reason → file lines skipped).

    ``columns`` is :func:`sheets.imports.platforms.find_columns`'s answer; ``day`` the title line's day for
    an export without a date column; ``first_line`` the file line of ``body``'s first row.
    """
    lines = pd.Series(np.arange(len(body)) + first_line, index=body.index)
    wide = pd.Series(body.attrs.get("wide") or [False] * len(body), index=body.index, dtype=bool)
    used = sorted({0, *(i for i, _ in columns.values())})  # the first column holds 合计 when the day column is not first
    texts = {i: _text(body[i]) for i in used}
    blank = pd.Series(True, index=body.index)
    for t in texts.values():
        blank &= _empty(t)
    if blank.any():  # rows blank in every column read are not data: skipped without a word
        body, lines, wide = body[~blank], lines[~blank], wide[~blank]
        texts = {i: t[~blank] for i, t in texts.items()}
    skipped: dict[str, list[int]] = {}

    campaign = texts[columns["campaign"][0]]
    total = _totals(campaign) | _totals(texts[0])
    if "day" in columns:
        total |= _totals(texts[columns["day"][0]])
    _skip(skipped, "合计/总计行", lines[total])
    keep = ~total
    _skip(skipped, "列数多于表头（有没加引号的逗号）", lines[keep & wide])
    keep &= ~wide

    if "day" in columns:
        when = days(body[columns["day"][0]])
    else:
        when = pd.Series(day, index=body.index, dtype="datetime64[ns]")
    bad_day = keep & when.isna()
    _skip(skipped, "日期看不懂", lines[bad_day])
    keep &= ~bad_day
    no_name = keep & _empty(campaign)
    _skip(skipped, "没有计划名称", lines[no_name])
    keep &= ~no_name

    out = pd.DataFrame({
        "day": when[keep].astype("datetime64[ns]"),
        "platform": platform,
        "account": texts[columns["account"][0]][keep] if "account" in columns else "",
        "platform_campaign": campaign[keep],
    })
    windows = [w for f, (_, w) in columns.items() if f in ("revenue", "conversions") and w]
    out["window"] = windows[0] if windows else window
    for field, key in FIGURES.items():
        out[key] = numbers(body.loc[keep, columns[field][0]]) if field in columns else np.nan
    rows_read = int(len(body))
    if out.empty:
        return out.reset_index(drop=True), rows_read, skipped
    # a finer grain (单元, 创意) of one campaign and day: summed; a figure no row has stays empty
    grouped = out.groupby(["day", "account", "platform_campaign"], sort=False, dropna=False)
    figures = grouped[list(FIGURES.values())].sum(min_count=1)
    firsts = grouped[["platform", "window"]].first()
    result = pd.concat([firsts, figures], axis=1).reset_index()
    return result, rows_read, skipped


def _skip(skipped: dict[str, list[int]], reason: str, lines: pd.Series) -> None:
    if len(lines):
        skipped.setdefault(reason, []).extend(int(x) for x in lines.tolist())
