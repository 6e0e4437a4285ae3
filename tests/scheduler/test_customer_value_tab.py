"""The monthly job writes the cohort table to the 客户价值 tab of a copy of the demo workbook; cells checked by hand.

The demo's 客户 lists every customer of 订单 once, with a 获客日期, so a cohort is 客户's rows of one 获客日期 month,
and a cell is their 订单金额 in the k-th month after it ÷ their number:
June 2026: 27 customers; 订单金额 in June 25,232 → 934.52, July 5,288 → 195.85, October 1,026 → 38.00,
November 1,216 → 45.04 (blank in October's run: that month had not come yet).
"""

from __future__ import annotations

import datetime as dt
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from roi_app.monthly import run_monthly
from roi_core.cohort_report import TAB_NOTE
from roi_core.schema import CUSTOMER_VALUE_TAB
from roi_runtime.config import AppConfig
from sheets import open_source

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"


@pytest.fixture
def book(tmp_path) -> Path:
    copy = tmp_path / "demo.xlsx"
    shutil.copyfile(DEMO, copy)
    return copy


def rows_by_month(book: Path) -> tuple[list, dict[str, list]]:
    grid = [list(r) for r in load_workbook(book)[CUSTOMER_VALUE_TAB].iter_rows(values_only=True)]
    return grid[0], {r[0]: r for r in grid[1:] if r[0]}


def test_the_demo_june_cohort_from_the_tabs_by_hand():
    data = open_source(str(DEMO)).read()
    acquired = data.customers.drop_duplicates("customer_id").set_index("customer_id")["acquired_date"]
    june = acquired[acquired.dt.to_period("M") == pd.Period("2026-06", freq="M")]
    orders = data.orders[data.orders["customer_id"].isin(june.index)]
    by_month = orders.groupby(orders["order_date"].dt.to_period("M"))["amount"].sum()
    assert len(june) == 27
    assert by_month.to_dict() == {pd.Period(m, freq="M"): v for m, v in [
        ("2026-06", 25_232), ("2026-07", 5_288), ("2026-08", 1_381), ("2026-09", 478), ("2026-10", 1_026),
        ("2026-11", 1_216)]}


def test_the_monthly_job_writes_the_cohort_table_and_upserts_it(book, tmp_path):
    cfg = AppConfig(source=str(book), database_url=f"sqlite:///{tmp_path / 'job.sqlite'}")
    october = run_monthly(cfg, month=pd.Period("2026-10", freq="M"),
                          now=dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC), out=io.StringIO())
    assert october.status == "sheet_only"
    headers, rows = rows_by_month(book)
    assert headers == ["获客月份", "客户数", *(f"第{k}月" for k in range(12)), "口径", "更新时间"]
    # 12 months to 2026-10 (2025-11 … 2026-10); 2025-11 acquired nobody: no row
    assert list(rows) == [f"{m}" for m in pd.period_range("2025-12", "2026-10", freq="M")]
    june = rows["2026-06"]
    assert june[1] == 27
    assert june[2:7] == [934.52, 195.85, 51.15, 17.7, 38.0]  # 25,232 / 27 … 1,026 / 27
    assert june[7:14] == [None] * 7  # November onwards: not come yet, blank (never 0)
    assert june[14] == TAB_NOTE
    assert rows["2025-12"][1:4] == [15, 808.53, 385.67]

    november = run_monthly(cfg, month=pd.Period("2026-11", freq="M"),
                           now=dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC), out=io.StringIO())
    assert november.status == "sheet_only"
    _, rows = rows_by_month(book)
    assert len(rows) == 12 and "2026-11" in rows  # upserted by 获客月份: no month twice
    assert rows["2026-06"][2:8] == [934.52, 195.85, 51.15, 17.7, 38.0, 45.04]  # November: 1,216 / 27
