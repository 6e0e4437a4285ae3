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
_TOTAL = r"^\s*(?:合计|总计|汇总|总和|(?:total|sum)(?![a-z]))"


def _text(col: pd.Series) -> pd.Series:
    return col.astype(object).where(col.notna(), "").astype(str).str.strip()


def numbers(col: pd.Series) -> pd.Series:
    """Cells → float (NaN for empty or unreadable), thousands separators, currency signs and % understood."""
    if pd.api.types.is_numeric_dtype(col):
        return col.astype(float)
    if col.dtype == object and col.map(type).isin((int, float)).all():  # a workbook's number cells
        return pd.to_numeric(col, errors="coerce").astype(float)
    text = _text(col)
    text = text.str.replace(r"[,，¥￥\s元]", "", regex=True)
    pct = text.str.endswith("%") | text.str.endswith("％")
    text = text.str.rstrip("%％")
    text = text.where(~text.str.casefold().isin(_EMPTY), "")
    values = pd.to_numeric(text.where(text != "", None), errors="coerce").astype(float)
    return values.where(~pct, values / 100.0)


def days(col: pd.Series) -> pd.Series:
    """Cells → day (NaT when unreadable)."""
    out = pd.Series(pd.NaT, index=col.index, dtype="datetime64[ns]")
    if col.dtype == object:  # a workbook's date cells beside text ones (a 合计 row)
        cells = col.map(lambda v: v if isinstance(v, (dt.date, dt.datetime)) else None)
        dated = cells.notna()
        if dated.any():
            out[dated] = pd.to_datetime(cells[dated].astype(str).str.slice(0, 10), errors="coerce")
            if dated.all():
                return out
            col = col.where(~dated, "")
    text = _text(col).str.slice(0, 10).str.replace(r"[/.年月]", "-", regex=True).str.rstrip("日")
    eight = text.str.fullmatch(r"\d{8}")
    text = text.where(~eight, text.str.slice(0, 4) + "-" + text.str.slice(4, 6) + "-" + text.str.slice(6, 8))
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    loose = parsed.isna() & (text != "") & text.str.match(r"\d{4}-\d{1,2}-\d{1,2}")
    if loose.any():  # 2026-6-1 and the like: the strict format misses single digits
        parsed[loose] = pd.to_datetime(text[loose], format="mixed", errors="coerce")
    return out.where(out.notna(), parsed.dt.normalize())


def canonical(body: pd.DataFrame, columns: dict[str, tuple[int, str]], *, platform: str, window: str,
              day: pd.Timestamp | None, first_line: int) -> tuple[pd.DataFrame, int, dict[str, list[int]]]:
    """(rows keyed by day × account × campaign, rows read, reason → file lines skipped).

    ``columns`` is :func:`sheets.imports.platforms.find_columns`'s answer; ``day`` the title line's day for
    an export without a date column; ``first_line`` the file line of ``body``'s first row.
    """
    lines = pd.Series(np.arange(len(body)) + first_line, index=body.index)
    texts = {i: _text(body[i]) for i in body.columns}
    blank = pd.Series(True, index=body.index)
    for t in texts.values():
        blank &= t.isin(_EMPTY)
    body, lines = body[~blank], lines[~blank]
    texts = {i: t[~blank] for i, t in texts.items()}
    skipped: dict[str, list[int]] = {}

    lead = [texts[i] for i in list(body.columns)[:3]]
    campaign = texts[columns["campaign"][0]]
    total = campaign.str.contains(_TOTAL, case=False, regex=True)
    for t in lead:
        total |= t.str.contains(_TOTAL, case=False, regex=True)
    if "day" in columns:
        total |= texts[columns["day"][0]].str.contains(_TOTAL, case=False, regex=True)
    _skip(skipped, "合计/总计行", lines[total])
    keep = ~total

    if "day" in columns:
        when = days(body[columns["day"][0]])
    else:
        when = pd.Series(day, index=body.index, dtype="datetime64[ns]")
    bad_day = keep & when.isna()
    _skip(skipped, "日期看不懂", lines[bad_day])
    keep &= ~bad_day
    no_name = keep & campaign.isin(_EMPTY)
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
