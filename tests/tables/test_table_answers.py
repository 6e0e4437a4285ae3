"""Attribution answers from a table source: the same figures as the tab, where the touches came from, and a
closed month's sums kept so the next question does not rescan (the monthly job fills that cache)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from roi_app import table_sources
from roi_app.answers import answer_question
from roi_core.attribution_report import attribution_report
from roi_core.errors import DataError
from roi_runtime.config import AppConfig
from sheets import open_source
from tests.tables import helpers

TODAY = dt.date(2026, 11, 30)
pytestmark = pytest.mark.slow  # reads the demo workbook and sums through DuckDB: seconds


def _no_records(ans, today):
    return []


@pytest.fixture
def setup(tmp_path, monkeypatch):
    monkeypatch.setattr(table_sources, "CACHE_DIR", tmp_path / "cache")
    frame = helpers.touches()
    (tmp_path / "t").mkdir()
    frame.to_parquet(tmp_path / "t" / "part-0.parquet")
    config = AppConfig(touches_source=f"parquet:{tmp_path}/t/*.parquet")
    data = open_source(None, config).read()
    settings = dataclasses.replace(data.settings, lookback_days=helpers.LOOKBACK, half_life_days=helpers.HALF_LIFE)
    return config, data.with_source(settings=settings), frame, tmp_path


def test_an_attribution_answer_reads_the_table_and_says_so(setup):
    config, data, frame, tmp_path = setup
    expected = attribution_report(data.with_source(touchpoints=helpers.as_tab(frame)), None,
                                  pd.Period("2026-09", freq="M"))
    got = answer_question("归因 2026-09", data, TODAY, _no_records, config=config)
    assert [c["channel"] for c in got.channels] == [c["channel"] for c in expected.channels]
    for mine, theirs in zip(got.channels, expected.channels, strict=True):
        assert mine["revenue"] == pytest.approx(theirs["revenue"], rel=1e-9, abs=1e-9)
        assert mine["conversions"] == pytest.approx(theirs["conversions"], rel=1e-9, abs=1e-9)
    assert (got.journeys, got.converting_journeys) == (expected.journeys, expected.converting_journeys)
    line = f"数据来源：parquet:{tmp_path}/t/*.parquet（duckdb）· {len(frame):,} 行 · 最新 2026-10-29 23:57"
    assert line in got.warnings
    # September is over on 2026-11-30: its sums were kept, and the next question reads them
    assert len(list((tmp_path / "cache").glob("2026-09-*/meta.json"))) == 1
    again = answer_question("归因 2026-09", data, TODAY, _no_records, config=config)
    assert line + "（月报任务汇总）" in again.warnings
    assert [c["revenue"] for c in again.channels] == [c["revenue"] for c in got.channels]


def test_other_questions_and_no_source_leave_the_sheet_as_it_is(setup):
    config, data, _, _ = setup
    query = type("Q", (), {"kind": "channels", "month": None, "period": None, "lang": "zh"})()
    assert table_sources.with_table_touches(query, data, config, TODAY) is data
    assert table_sources.with_table_touches(query, data, AppConfig(), TODAY) is data


def test_the_monthly_job_warms_the_month_and_a_broken_source_costs_only_the_cache(setup, caplog):
    config, data, _, tmp_path = setup
    table_sources.warm_table_month(config, data, pd.Period("2026-10", freq="M"), TODAY)
    assert len(list((tmp_path / "cache").glob("2026-10-*/meta.json"))) == 1
    broken = AppConfig(touches_source=f"parquet:{tmp_path}/none/*.parquet")
    table_sources.warm_table_month(broken, data, pd.Period("2026-10", freq="M"), TODAY)  # logged, not raised
    assert "could not be summed" in caplog.text


def test_a_month_without_touches_is_one_line(setup):
    config, data, _, tmp_path = setup
    with pytest.raises(DataError) as err:
        answer_question("归因 2026-03", data, TODAY, _no_records, config=config)
    assert err.value.message == f"触点来源「parquet:{tmp_path}/t/*.parquet」2026-03 没有可归因的触点"
