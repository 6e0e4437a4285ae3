"""订单 from a table source (ROI_ORDERS / 设置 订单来源 / --orders): the customer answers and the monthly 客户价值
tab give the same figures as the 订单 tab for the same rows, say where the orders came from, and a missing
column is one line naming it. Only sums per customer and order day come back from the engine."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging

import duckdb
import numpy as np
import pandas as pd
import pytest

from roi_app import table_sources
from roi_app.answers import answer_json, answer_question
from roi_core.cohort_report import cohort_sheet_rows
from roi_core.customers import build_book, orders_from_days
from roi_core.errors import DataError
from roi_core.schema import CAMPAIGNS, TOUCHPOINTS
from roi_core.sheetdata import SheetData, _empty_frame, _finish_campaigns
from roi_runtime.config import AppConfig
from sheets import open_source

TODAY = dt.date(2026, 11, 30)
QUESTIONS = ("618活动 客户价值", "618活动 回本周期", "春节年货节 LTV", "cohort", "生命周期 618活动")
HEADERS = {"order_id": "订单号", "customer_id": "客户ID", "order_date": "下单日期", "amount": "订单金额",
           "gross_profit": "毛利"}


def _no_records(ans, today):
    return []


@pytest.fixture(scope="module")
def demo():
    return open_source(None, AppConfig()).read()


@pytest.fixture(scope="module")
def sources(demo, tmp_path_factory):
    """The demo's 订单 rows as Parquet (the tab's Chinese headers) and as a DuckDB table (English names)."""
    folder = tmp_path_factory.mktemp("orders")
    rows = demo.orders[list(HEADERS)]
    rows.rename(columns=HEADERS).to_parquet(folder / "orders.parquet")
    with duckdb.connect(str(folder / "crm.duckdb")) as con:
        con.register("rows", rows)
        con.execute("CREATE TABLE orders AS SELECT * FROM rows")
    return {"parquet": f"parquet:{folder}/orders.parquet", "duckdb": f"duckdb:{folder}/crm.duckdb#orders"}


def _gap(a, b, path="") -> float:
    """The largest difference between two answers' JSON numbers (relative to max(1, |a|)); any other value
    must be equal. Warnings are compared by the test itself."""
    if isinstance(a, dict):
        assert set(a) == set(b), (path, set(a) ^ set(b))
        return max([_gap(a[k], b[k], f"{path}.{k}") for k in a if k != "warnings"], default=0.0)
    if isinstance(a, list | tuple):
        assert len(a) == len(b), path
        return max([_gap(x, y, f"{path}[{i}]") for i, (x, y) in enumerate(zip(a, b, strict=True))], default=0.0)
    if isinstance(a, float | int) and not isinstance(a, bool) and isinstance(b, float | int):
        return abs(a - b) / max(1.0, abs(a))
    assert a == b, (path, a, b)
    return 0.0


@pytest.mark.slow  # the demo workbook read and five questions summed twice through DuckDB: a few seconds
@pytest.mark.parametrize("kind", ["parquet", "duckdb"])
def test_customer_answers_from_the_source_equal_the_tabs(demo, sources, kind):
    config = AppConfig(orders_source=sources[kind])
    compared = 0
    for question in QUESTIONS:  # five questions
        tab = answer_question(question, demo, TODAY, _no_records)
        table = answer_question(question, demo, TODAY, _no_records, config=config)
        assert _gap(answer_json(tab), answer_json(table)) <= 1e-9, question
        # the demo's 523 订单 rows; the last order was placed on 2026-11-28
        note = f"数据来源：{sources[kind]}（duckdb）· 523 行 · 最新 2026-11-28"
        assert table.warnings == [*tab.warnings, note], question
        compared += 1
    assert compared == len(QUESTIONS)
    # not an empty comparison: 618's 30-day LTV is a real figure in both
    value = answer_json(answer_question("618活动 客户价值", demo, TODAY, _no_records, config=config))
    assert value["ltv"]["30"] > 0 if "30" in value["ltv"] else value["ltv"][30] > 0


@pytest.mark.slow
def test_other_questions_and_no_source_read_the_tab(demo, sources):
    config = AppConfig(orders_source=sources["parquet"])
    query = type("Q", (), {"kind": "attribution", "lang": "zh"})()
    assert table_sources.with_table_orders(query, demo, config) is demo
    query.kind = "cohort"
    assert table_sources.with_table_orders(query, demo, AppConfig()) is demo
    settings = dataclasses.replace(demo.settings, orders_source=sources["parquet"])
    from_settings = table_sources.with_table_orders(query, demo.with_source(settings=settings), AppConfig())
    assert len(from_settings.orders) == 523 and from_settings.table_notes  # 设置 订单来源 is read too


@pytest.mark.slow
def test_the_monthly_cohort_tab_from_the_source_equals_the_tabs(demo, sources, caplog):
    month = pd.Period("2026-10", freq="M")
    expected = cohort_sheet_rows(demo, month, "2026-11-01 09:00")
    got = cohort_sheet_rows(table_sources.monthly_orders(AppConfig(orders_source=sources["duckdb"]), demo), month,
                            "2026-11-01 09:00")
    assert got[0] == expected[0] and len(got[1]) == len(expected[1]) >= 6
    assert _gap(expected[1], got[1]) <= 1e-9
    assert table_sources.monthly_orders(AppConfig(), demo) is demo
    with caplog.at_level(logging.WARNING):
        assert table_sources.monthly_orders(AppConfig(orders_source="parquet:/nowhere/*.parquet"), demo) is None
    assert "订单来源 could not be summed" in caplog.text


def test_a_missing_column_is_one_line(tmp_path):
    pd.DataFrame({"订单号": ["1"], "客户ID": ["a"], "订单金额": [10.0]}).to_parquet(tmp_path / "o.parquet")
    config = AppConfig(orders_source=f"parquet:{tmp_path}/o.parquet")
    data = open_source(None, AppConfig()).read()
    with pytest.raises(DataError) as err:
        answer_question("cohort", data, TODAY, _no_records, config=config)
    assert err.value.message == f"订单来源「parquet:{tmp_path}/o.parquet」缺少列「下单日期」（order_date）"
    assert "\n" not in err.value.message


def test_orders_from_days_by_hand():
    # customer a on 03-01: three orders — the first (订单号 A1) 100 with 毛利 30, A2 50 with 毛利 20, A3 40 with
    # no 毛利; customer b on 03-02: one order of 80 without 毛利
    days = pd.DataFrame({
        "customer_id": ["b", "a"], "day": pd.to_datetime(["2026-03-02", "2026-03-01"]), "orders": [1, 3],
        "first_id": ["B1", "A1"], "first_amount": [80.0, 100.0], "first_gross": [0.0, 30.0], "first_known": [0, 1],
        "known": [0, 2], "known_amount": [0.0, 150.0], "known_gross": [0.0, 50.0], "unknown_amount": [80.0, 40.0],
    })
    rows = orders_from_days(days)
    # in order of first 订单号 (A1 before B1); a's rows: the first order, the other order with 毛利 (150 − 100 = 50,
    # 毛利 50 − 30 = 20), the order without (40, blank)
    assert rows["customer_id"].tolist() == ["a", "a", "a", "b"]
    assert rows["amount"].tolist() == [100.0, 50.0, 40.0, 80.0]
    assert rows["gross_profit"].fillna(-1).tolist() == [30.0, 20.0, -1, -1]
    assert rows["order_date"].dt.strftime("%m-%d").tolist() == ["03-01", "03-01", "03-01", "03-02"]
    # the book reads a's 3 orders and b's 1; a blank 毛利 makes the basis 订单金额 (as a tab with a blank does)
    book = build_book(SheetData(campaigns=_finish_campaigns(_empty_frame(CAMPAIGNS)),
                                touchpoints=_empty_frame(TOUCHPOINTS), orders=rows))
    assert book.people.set_index("customer_id")["n_orders"].to_dict() == {"a": 3, "b": 1}
    assert book.basis == "revenue"
    assert np.isclose(book.orders["value"].sum(), 270.0)  # 100 + 50 + 40 + 80
