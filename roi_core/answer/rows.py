"""The campaign rows an answer is computed from: the sheet checked for any, then cut to one
month, any period (each row's figures scaled by its days inside) or one channel."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core.errors import DataError
from roi_core.metrics import (
    ADDITIVE,
    prepare_rows,
    spread_by_month,
)
from roi_core.query import Query, period_label
from roi_core.sheetdata import SheetData


def _require_campaigns(data: SheetData) -> None:
    if data.missing:
        raise DataError("；".join(data.missing), "请按模板补齐后再试（python -m sheets init 可生成模板）")
    if data.campaigns.empty:
        if data.rows_skipped:
            described = [p.describe() for p in data.problems[:5]]
            raise DataError(f"「活动」表的 {data.rows_skipped} 行都有问题，没有可计算的数据：" + "；".join(described),
                            "改正这些单元格后再试（python -m sheets check 会列出所有问题）")
        raise DataError("「活动」表还没有数据", "每个活动在每个渠道填一行：活动名称、渠道、开始日期、费用、销售额")


def _month_rows(rows: pd.DataFrame, month: pd.Period | None) -> pd.DataFrame:
    if month is None:
        return rows
    spread = spread_by_month(rows)
    return spread[spread["month"] == month].drop(columns=["month", "share"])


def period_rows(rows: pd.DataFrame, start: dt.date, end: dt.date) -> pd.DataFrame:
    """The part of each campaign row inside ``start``..``end`` (inclusive): additive figures scaled
    by the share of the row's days that fall in the period, as months are (spread_by_month)."""
    if rows.empty:
        return rows
    first = rows["start_date"].dt.normalize()
    last = rows["end_date"].dt.normalize()
    lo = first.clip(lower=pd.Timestamp(start))
    hi = last.clip(upper=pd.Timestamp(end))
    days = (hi - lo).dt.days + 1
    share = days.clip(lower=0) / ((last - first).dt.days + 1)
    out = rows[(share > 0).to_numpy()].copy()
    share = share[share > 0]
    for col in (*ADDITIVE, "cvr_base", "gross_profit"):  # gross_profit: a raw row's, before prepare_rows
        if col in out:
            out[col] = out[col] * share.to_numpy()
    return out


def _rows_for(data: SheetData, month: pd.Period | None, period: tuple[dt.date, dt.date] | None,
              channel: str | None = None) -> pd.DataFrame:
    rows = prepare_rows(data.campaigns, data.settings)
    if channel is not None:
        rows = rows[rows["channel"] == channel]
    if month is not None or period is None:
        return _month_rows(rows, month)
    return period_rows(rows, *period)

def _label(month: pd.Period | None, period: tuple[dt.date, dt.date] | None) -> str | None:
    if month is not None:
        return str(month)
    if period is None:
        return None
    return period_label(Query("channels", start=period[0], end=period[1]))


def latest_full_month(today: dt.date) -> pd.Period:
    return pd.Period(today, freq="M") - 1
