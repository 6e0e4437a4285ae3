"""预算建议: the monthly job rewrites next month's budget plan into its own assistant tab (a copy of the
demo workbook), and on Google the tab gets one native chart (checked by the loopback Sheets API against
Google's discovery document)."""

from __future__ import annotations

import datetime as dt
import io
import json
import shutil
from pathlib import Path

import pandas as pd
from openpyxl import load_workbook

from roi_app.monthly import run_monthly
from roi_core.budget.answer import BUDGET_ADVICE_HEADERS
from roi_core.monthly import monthly_summary
from roi_core.schema import BUDGET_ADVICE_TAB
from roi_runtime.config import AppConfig
from sheets import open_source
from sheets.google import GoogleSource, forget_metadata
from sheets.google.budget_chart import BUDGET_CHART_TITLE

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"
KEY = "1BuDgEtAdViCeKeY0123456789abcdefghijklmnop"


def test_the_monthly_job_writes_the_plan_to_its_tab(tmp_path):
    book = tmp_path / "demo.xlsx"
    shutil.copyfile(DEMO, book)
    cfg = AppConfig(source=str(book), database_url=f"sqlite:///{tmp_path / 'job.sqlite'}")
    result = run_monthly(cfg, month=pd.Period("2026-10", freq="M"), now=dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC),
                         out=io.StringIO())
    assert result.status == "sheet_only"
    grid = [list(r) for r in load_workbook(book)[BUDGET_ADVICE_TAB].iter_rows(values_only=True)]
    assert grid[0] == list(BUDGET_ADVICE_HEADERS)
    rows = grid[1:]
    summary = monthly_summary(open_source(str(DEMO)).read(), pd.Period("2026-10", freq="M"))
    plan = {c["channel"]: c for c in summary.budget["channels"]}
    assert {r[1] for r in rows} == set(plan) and all(r[0] == "2026-11" for r in rows)  # the plan is for November
    # whole yuan, the same total as October's spend (rounded), each channel as the plan says
    assert sum(r[3] for r in rows) == sum(r[2] for r in rows) == round(summary.totals["cost"])
    for r in rows:
        c = plan[r[1]]
        assert (r[2], r[3], r[4]) == (round(c["current"]), round(c["proposed"]), round(c["proposed"] - c["current"]))
        assert r[5] == round(c["marginal_roi"] * 100, 1)
        assert r[8] <= r[7] <= r[9]  # expected change inside its 80 % interval
        assert r[15] in ("响应曲线", "线性估算（历史不足）", "线性估算（曲线回测不如平均ROI）") and r[17] == "2026-10 实际投放"


def test_on_google_the_tab_is_rewritten_with_one_combo_chart(sheets_api):
    forget_metadata()
    sheets_api.add_spreadsheet(KEY, "市场部 ROI", {"活动": [["活动名称", "渠道"]]})
    config = AppConfig(source=f"https://docs.google.com/spreadsheets/d/{KEY}/edit",
                       google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url)
    src = GoogleSource(KEY, config, sleep=lambda s: None)
    headers = list(BUDGET_ADVICE_HEADERS)
    first = [["2026-11", "抖音", 64015, 96023, 32008, 158.9, 148.0, 30000, 20000, 40000, "响应曲线", "活动表收益",
              "2026-10 实际投放", "2026-11-01 09:00"],
             ["2026-11", "微信", 22892, 11446, -11446, 122.1, 136.0, -4000, -6000, -3000, "响应曲线", "活动表收益",
              "2026-10 实际投放", "2026-11-01 09:00"]]
    src.replace_rows(BUDGET_ADVICE_TAB, headers, first)
    src.replace_rows(BUDGET_ADVICE_TAB, headers, first[:1])  # next month: one channel fewer
    grid = sheets_api.grid(KEY, BUDGET_ADVICE_TAB)
    assert grid[0] == headers and grid[1][:4] == ["2026-11", "抖音", 64015, 96023]
    assert all(all(v in ("", None) for v in row) for row in grid[2:])  # the old 微信 row is cleared
    charts = sheets_api.charts(KEY, BUDGET_ADVICE_TAB)
    assert len(charts) == 1 and charts[0]["spec"]["title"] == BUDGET_CHART_TITLE
    basic = charts[0]["spec"]["basicChart"]
    assert basic["chartType"] == "COMBO"
    assert [(s["type"], s["targetAxis"]) for s in basic["series"]] == [
        ("COLUMN", "LEFT_AXIS"), ("COLUMN", "LEFT_AXIS"), ("LINE", "RIGHT_AXIS")]
    columns = [s["series"]["sourceRange"]["sources"][0]["startColumnIndex"] for s in basic["series"]]
    assert [headers[i] for i in columns] == ["当前预算", "建议预算", "边际ROI(%)"]
    forget_metadata()
