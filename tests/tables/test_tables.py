"""Table sources through embedded DuckDB: Parquet, CSV, a .duckdb file give the tab's numbers.

Only aggregates come back (a path table and time-decay credit per channel); the eight models then run in
roi_core on them and must equal the models on the same rows typed into a 触点 tab.
"""

from __future__ import annotations

import duckdb
import pandas as pd
import pytest

import tables
from roi_core.attribution import MODELS, AttributionError, attribute, compare_models, journeys_from_aggregates
from roi_core.errors import DataError
from tables import aggregate_paths, parse_source
from tests.tables import helpers

HAND = pd.DataFrame({
    "客户ID": ["c1", "c1", "c1", "c2", "c3"],
    "时间": pd.to_datetime(["2026-04-01 09:00", "2026-06-01 09:00", "2026-06-08 09:00", "2026-06-02 10:00",
                          "2026-06-01 11:00"]),
    "渠道": ["百度", "微信", "抖音", "抖音", "小红书"],
    "是否转化": [False, False, True, True, False],
    "订单金额": [None, None, 300.0, 100.0, None],
})


def test_a_hand_worked_path_table_and_time_decay(tmp_path):
    HAND.to_parquet(tmp_path / "t.parquet")
    agg = aggregate_paths(f"parquet:{tmp_path}/*.parquet", lookback_days=30, half_life_days=7)
    got = agg.paths.assign(path=agg.paths["path"].str.replace(tables.paths.SEPARATOR, ">")).sort_values("path")
    # c1's 百度 touch is 68 days before its conversion (outside 30): c1 = 微信>抖音 (300), c2 = 抖音 (100),
    # c3 = 小红书 without a conversion
    assert got.set_index("path").loc[["小红书", "微信>抖音", "抖音"]].to_dict("list") == {
        "total_conversions": [0, 1, 1], "total_conversion_value": [0.0, 300.0, 100.0], "total_null": [1, 0, 0]}
    assert agg.outside == 1
    # c1: 微信 is 7 days = one half-life before the conversion → weight 0.5, 抖音 weight 1 → shares 1/3, 2/3;
    # c2: 抖音 alone → 1. 微信 = 1/3 conversion, ¥100; 抖音 = 2/3 + 1 = 5/3, ¥200 + ¥100 = ¥300
    decay = agg.decay.set_index("channel").sort_index()
    assert decay.loc["微信", "conversions"] == pytest.approx(1 / 3) and decay.loc["微信", "revenue"] == pytest.approx(100)
    assert decay.loc["抖音", "conversions"] == pytest.approx(5 / 3) and decay.loc["抖音", "revenue"] == pytest.approx(300)
    credit = attribute(agg.journeys(), "时间衰减", half_life_days=7).set_index("channel")
    assert credit.loc["抖音", "revenue"] == pytest.approx(300) and credit.loc["微信", "revenue"] == pytest.approx(100)
    assert agg.provenance.rows == 5 and agg.provenance.engine == "duckdb"
    assert agg.provenance.last == pd.Timestamp("2026-06-08 09:00").to_pydatetime()
    assert agg.provenance.line() == f"数据来源：parquet:{tmp_path}/*.parquet（duckdb）· 5 行 · 最新 2026-06-08 09:00"


def test_time_decay_summed_for_another_half_life_refuses_alone(tmp_path):
    HAND.to_parquet(tmp_path / "t.parquet")
    journeys = aggregate_paths(f"parquet:{tmp_path}/t.parquet", half_life_days=7).journeys()
    table = compare_models(journeys, MODELS, half_life_days=14)
    assert list(table.attrs["refused"]) == ["time_decay"]
    assert "半衰期 7 天" in str(table.attrs["refused"]["time_decay"])
    with pytest.raises(AttributionError, match="渠道不在路径里"):
        journeys_from_aggregates(pd.DataFrame({"path": ["a"], "total_conversions": [1]}),
                                 pd.DataFrame({"channel": ["b"], "conversions": [1.0], "revenue": [1.0]}),
                                 half_life_days=7)


@pytest.fixture(scope="module")
def rows():
    frame = helpers.touches()
    return frame, helpers.tab_models(helpers.as_tab(frame))


@pytest.mark.slow  # three engines' reads, about 3 s
def test_parquet_csv_and_a_duckdb_file_equal_the_tab(rows, tmp_path):
    frame, expected = rows
    # Parquet with the tab's Chinese headers; CSV with the English names and 是/否 text; a .duckdb table
    frame.rename(columns={"customer_id": "客户ID", "timestamp": "时间", "channel": "渠道", "converted": "是否转化",
                          "revenue": "订单金额"}).to_parquet(tmp_path / "part-0.parquet")
    frame.assign(converted=frame["converted"].map({True: "是", False: "否"})).to_csv(tmp_path / "t.csv", index=False)
    with duckdb.connect(str(tmp_path / "t.duckdb")) as con:
        con.execute("CREATE TABLE touches AS SELECT * FROM frame")
    for source in (f"parquet:{tmp_path}/*.parquet", f"csv:{tmp_path}/t.csv", f"duckdb:{tmp_path}/t.duckdb#touches"):
        agg = aggregate_paths(source, lookback_days=helpers.LOOKBACK, half_life_days=helpers.HALF_LIFE)
        got = compare_models(agg.journeys(), MODELS, half_life_days=helpers.HALF_LIFE)
        assert helpers.credit_gap(expected, got) <= 1e-9, source
        assert agg.provenance.rows == len(frame)


def test_a_month_is_cut_as_the_tab_cuts_it(rows, tmp_path):
    frame, _ = rows
    frame.to_parquet(tmp_path / "t.parquet")
    month = pd.Period("2026-09", freq="M")
    expected = helpers.tab_models(helpers.as_tab(frame), month)
    agg = aggregate_paths(f"parquet:{tmp_path}/t.parquet", lookback_days=helpers.LOOKBACK,
                          half_life_days=helpers.HALF_LIFE, month="2026-09")
    got = compare_models(agg.journeys(), MODELS, half_life_days=helpers.HALF_LIFE)
    assert helpers.credit_gap(expected, got) <= 1e-9


def test_a_missing_column_is_one_line_naming_it(tmp_path):
    HAND.drop(columns="渠道").to_parquet(tmp_path / "t.parquet")
    with pytest.raises(DataError) as err:
        aggregate_paths(f"parquet:{tmp_path}/t.parquet")
    assert str(err.value) == (f"触点来源「parquet:{tmp_path}/t.parquet」缺少列「渠道」（channel）\n"
                              "加上这一列，或把表里对应的列改名为「渠道」或「channel」")


def test_a_file_that_is_not_there_is_one_line(tmp_path):
    with pytest.raises(DataError) as err:
        aggregate_paths(f"parquet:{tmp_path}/none/*.parquet")
    assert str(err.value).startswith(f"打不开数据来源「parquet:{tmp_path}/none/*.parquet」：")
    assert "Traceback" not in str(err.value) and "\n" in str(err.value)


@pytest.mark.parametrize(("text", "kind", "location", "table", "engine"), [
    ("parquet:var/t/*.parquet", "parquet", "var/t/*.parquet", None, "duckdb"),
    ("csv:touches.csv", "csv", "touches.csv", None, "duckdb"),
    ("duckdb:roi.duckdb#触点", "duckdb", "roi.duckdb", "触点", "duckdb"),
    ("postgresql://roi:pw@db:5432/crm#touches", "url", "postgresql://roi:pw@db:5432/crm", "touches", "postgres"),
    ("spark:local#/data/touches", "spark", "local", "/data/touches", "spark"),
    ("sc://spark.internal:15002#crm.touches", "spark_connect", "sc://spark.internal:15002", "crm.touches", "spark"),
    ("clickhouse://u:p@ch:9000/crm#touches", "url", "clickhouse://u:p@ch:9000/crm", "touches", "clickhouse"),
])
def test_source_strings(text, kind, location, table, engine):
    src = parse_source(text)
    assert (src.kind, src.location, src.table, src.engine) == (kind, location, table, engine)
    assert "pw" not in src.redacted() and ":p@" not in src.redacted()


@pytest.mark.parametrize(("text", "why"), [
    ("", "是空的"), ("duckdb:roi.duckdb", "没有写表名"), ("postgresql://db/crm", "没有写表名"),
    ("spark:yarn#t", "应写成 spark:local#路径"), ("ftp://x#t", "的协议「ftp」不认识"), ("touches.xlsx", "的写法不认识"),
])
def test_bad_source_strings_are_one_line(text, why):
    with pytest.raises(DataError) as err:
        parse_source(text)
    assert why in err.value.message


def test_time_decay_in_a_second_pass_past_the_column_limit_gives_the_same(tmp_path, monkeypatch):
    HAND.to_parquet(tmp_path / "t.parquet")
    one_pass = aggregate_paths(f"parquet:{tmp_path}/t.parquet").decay.set_index("channel").sort_index()
    monkeypatch.setattr(tables, "MAX_DECAY_COLUMNS", 0)
    two_passes = aggregate_paths(f"parquet:{tmp_path}/t.parquet").decay.set_index("channel").sort_index()
    # 微信 1/3 and 抖音 5/3 conversions either way (worked out in the first test)
    assert list(two_passes.index) == list(one_pass.index) == ["微信", "抖音"]
    assert (two_passes - one_pass).abs().max().max() <= 1e-12
