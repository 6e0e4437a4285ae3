"""Customer aggregates where 订单 live: the cohort table equals roi_core.customers.cohorts on the same rows
as tabs, and the LTV windows add up by hand. Only cohort-level rows come back."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

import tables
from roi_core.customers import cohorts
from roi_core.schema import CAMPAIGNS, ORDERS
from roi_core.sheetdata import SheetData, _empty_frame, _finish_campaigns, normalize_table
from tables import columns, customers
from tests.tables import helpers

ASOF = dt.date(2026, 11, 15)


def _orders(n: int = 3000, seed: int = 5) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "order_id": [f"O{i}" for i in range(n)],
        "customer_id": [f"C{c:04d}" for c in rng.integers(0, 800, n)],
        "order_date": pd.Timestamp("2026-01-01") + pd.to_timedelta(rng.integers(0, 330, n), unit="D"),
        "amount": rng.integers(10, 900, n).astype(float),
    })


def _orders_tab(orders: pd.DataFrame) -> pd.DataFrame:
    rows = [["订单号", "客户ID", "下单日期", "订单金额"]]
    rows += [[r.order_id, r.customer_id, r.order_date.strftime("%Y-%m-%d"), f"{r.amount:.2f}"]
             for r in orders.itertuples()]  # building a test tab
    return normalize_table("订单", rows, ORDERS).frame


@pytest.mark.slow  # two sources summed through DuckDB and the tab parsed: about 3 s
def test_the_cohort_table_equals_the_tabs(tmp_path):
    touches, orders = helpers.touches(), _orders()
    data = SheetData(campaigns=_finish_campaigns(_empty_frame(CAMPAIGNS)), touchpoints=helpers.as_tab(touches),
                     orders=_orders_tab(orders))
    expected = cohorts(data, ASOF, 12)
    orders.to_parquet(tmp_path / "orders.parquet")
    touches.to_parquet(tmp_path / "touches.parquet")
    got = tables.aggregate_cohorts(f"parquet:{tmp_path}/orders.parquet", ASOF, 12,
                                   touches_source=f"parquet:{tmp_path}/touches.parquet")
    assert got.customers.tolist() == expected.customers.tolist()
    assert got.customers.sum() > 500  # not an empty comparison
    for table in ("per_customer", "active"):
        a = getattr(expected, table).astype(float).fillna(-1).to_numpy()
        b = getattr(got, table).astype(float).fillna(-1).to_numpy()
        assert np.abs(a - b).max() <= 1e-9


def test_ltv_windows_by_hand(tmp_path):
    orders = pd.DataFrame({"客户ID": ["a", "a", "a", "b"],
                           "下单日期": pd.to_datetime(["2026-03-01", "2026-03-20", "2026-07-01", "2026-03-05"]),
                           "订单金额": [100.0, 50.0, 400.0, 80.0], "毛利": [30.0, None, 100.0, 20.0],
                           "订单号": ["1", "2", "3", "4"]})
    orders.to_parquet(tmp_path / "o.parquet")
    table, con = tables.open_table(f"parquet:{tmp_path}/o.parquet")
    out = con.execute(customers.customer_windows(columns.orders(table, "o"))).set_index("cohort")
    # both acquired in 2026-03 (first orders 03-01 and 03-05). Within 30 days: a's 100 + 50 (19 days), b's 80
    # = 230, margin 30 + 0 + 20 = 50; within 180 days also a's 07-01 order (122 days): 630 and 150
    row = out.loc["2026-03"]
    assert row["customers"] == 2
    assert (row["amount_30"], row["margin_30"], row["amount_90"]) == (230.0, 50.0, 230.0)
    assert (row["amount_180"], row["margin_180"], row["amount_365"]) == (630.0, 150.0, 630.0)
