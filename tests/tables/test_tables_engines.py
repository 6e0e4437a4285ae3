"""The same rows in PostgreSQL (a real server) and through Spark local give the tab's numbers, every model.

PostgreSQL: the server tests/test_postgres.py starts (skipped with its reason when the binaries are not
on the machine; .ci/run installs them). Spark: pyspark in this process on local[2], which needs Java 17
(Debian's openjdk-17-jre-headless): skipped with the reason when Java or pyspark is missing.
"""

from __future__ import annotations

import importlib.util
import os
import shutil

import pandas as pd
import pytest
from sqlalchemy import create_engine

from roi_core.attribution import MODELS, compare_models
from tables import aggregate_paths
from tests.tables import helpers
from tests.test_postgres import pg_server  # noqa: F401  (the module's server, reused)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def rows():
    frame = helpers.touches()
    return frame, helpers.tab_models(helpers.as_tab(frame))


def test_postgresql_equals_the_tab(rows, pg_server):  # noqa: F811
    frame, expected = rows
    url = pg_server.replace("postgres://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    with engine.begin() as conn:
        # the tab's Chinese headers, as a team's CRM export might name them
        frame.rename(columns={"customer_id": "客户ID", "timestamp": "时间", "channel": "渠道", "converted": "是否转化",
                              "revenue": "订单金额"}).to_sql("crm_touches", conn, if_exists="replace", index=False)
    engine.dispose()
    for source in (f"{pg_server}#crm_touches", pg_server.replace("postgres://", "postgresql://", 1) + "#crm_touches"):
        agg = aggregate_paths(source, lookback_days=helpers.LOOKBACK, half_life_days=helpers.HALF_LIFE)
        got = compare_models(agg.journeys(), MODELS, half_life_days=helpers.HALF_LIFE)
        assert helpers.credit_gap(expected, got) <= 1e-9
        assert agg.provenance.engine == "postgres" and agg.provenance.rows == len(frame)
    month = pd.Period("2026-09", freq="M")
    agg = aggregate_paths(f"{pg_server}#crm_touches", lookback_days=helpers.LOOKBACK,
                          half_life_days=helpers.HALF_LIFE, month=month)
    got = compare_models(agg.journeys(), MODELS, half_life_days=helpers.HALF_LIFE)
    assert helpers.credit_gap(helpers.tab_models(helpers.as_tab(frame), month), got) <= 1e-9


def test_spark_local_equals_the_tab(rows, tmp_path, monkeypatch):
    missing = None if shutil.which("java") else "Java not found: Spark local needs a JRE (apt-get install -y " \
        "openjdk-17-jre-headless; .ci/run does it)"
    if missing is None and importlib.util.find_spec("pyspark") is None:
        missing = "pyspark not installed (requirements-dev.txt)"
    if missing:
        if os.environ.get("CI"):  # CI installs both: a missing one there is a broken CI, not a skip
            pytest.fail(missing)
        pytest.skip(missing)
    # The JVM pyspark starts runs on the real clock: under tools/faketime/run-at libfaketime inside Java made this
    # test take six minutes instead of one, and nothing here depends on the date (as for the browser tests).
    for key in ("LD_PRELOAD", "FAKETIME"):
        monkeypatch.delenv(key, raising=False)
    frame, expected = rows
    (tmp_path / "touches").mkdir()
    frame.to_parquet(tmp_path / "touches" / "part-0.parquet")
    agg = aggregate_paths(f"spark:local#{tmp_path}/touches", lookback_days=helpers.LOOKBACK,
                          half_life_days=helpers.HALF_LIFE)
    got = compare_models(agg.journeys(), MODELS, half_life_days=helpers.HALF_LIFE)
    assert helpers.credit_gap(expected, got) <= 1e-9
    assert agg.provenance.engine == "spark" and agg.provenance.rows == len(frame)
