"""The month's new-customer cohort for the monthly summary, and the cohort table the monthly job writes to the
客户价值 tab. Pure: the sheet's data and the dates in, plain data out (the job does the writing).

Both read :func:`roi_core.customers.cohorts` (definitions there): a cohort is the customers acquired in one
calendar month; a cell is their 订单金额 in the k-th month after it ÷ the cohort's customers.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core.customers import build_book, cohorts
from roi_core.sheetdata import SheetData

#: months of cohorts the 客户价值 tab holds (acquisition months up to the summary's month)
TAB_MONTHS = 12
CUSTOMER_VALUE_KEY = "获客月份"
CUSTOMER_VALUE_HEADERS = (CUSTOMER_VALUE_KEY, "客户数", *(f"第{k}月" for k in range(TAB_MONTHS)), "口径", "更新时间")
TAB_NOTE = "每位客户销售额：该月获客的客户在获客后第 k 个月的订单金额 ÷ 客户数；空白 = 尚未到的月份"


def _month_end(month: pd.Period) -> dt.date:
    return month.end_time.date()


def cohort_line(data: SheetData, month: pd.Period) -> dict:
    """The new customers acquired in ``month`` and their 订单金额 per customer in that month, beside the month
    before's (``{}`` without a 订单 tab). Keys: month, customers, per_customer, previous_customers,
    previous_per_customer (the month before's cohort in its own first month)."""
    if data.orders.empty:
        return {}
    table = cohorts(build_book(data), asof=_month_end(month), months=2)
    now, before = str(month), str(month - 1)
    return {
        "month": now,
        "customers": int(table.customers.get(now, 0)),
        "per_customer": table.per_customer.loc[now, 0] if int(table.customers.get(now, 0)) else None,
        "previous_customers": int(table.customers.get(before, 0)),
        "previous_per_customer": table.per_customer.loc[before, 0] if int(table.customers.get(before, 0)) else None,
    }


def cohort_sheet_rows(data: SheetData, month: pd.Period, updated: str) -> tuple[list[str], list[list]]:
    """The 客户价值 tab's headers and one row per acquisition month (the 12 up to ``month``), upserted by
    获客月份; a month that has not come yet is a blank cell, never 0. No rows without a 订单 tab."""
    if data.orders.empty:
        return list(CUSTOMER_VALUE_HEADERS), []
    table = cohorts(build_book(data), asof=_month_end(month), months=TAB_MONTHS)
    rows = []
    for cohort, size in table.customers.items():
        if size <= 0:
            continue
        cells = ["" if v is None else round(float(v), 2) for v in table.per_customer.loc[cohort].tolist()]
        rows.append([cohort, int(size), *cells, TAB_NOTE, updated])
    return list(CUSTOMER_VALUE_HEADERS), rows
