"""The loop closed end to end: the monthly job (and the daily check) record proposals in the job's database;
the next month's run, the console and the Slack answers report what the sheet shows happened after. A real
workbook, the contract-checked loopback Slack fake, an injected clock."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pandas as pd
from openpyxl import Workbook, load_workbook

from bot.console import ask
from roi_app.answers import Assistant
from roi_app.monthly import run_monthly
from roi_app.stores.records import AlertStore, ProposalStore
from roi_core.schema import MONTHLY_SUMMARY_TAB
from roi_runtime.config import AppConfig
from scheduler.alerts import run_daily_check
from sheets import open_source
from tests.fakes.fixtures import SLACK_TEST_TOKEN

OCT, NOV = pd.Period("2026-10", freq="M"), pd.Period("2026-11", freq="M")
HEAD = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]
DOUYIN_LINE = "上月建议加大抖音 +¥5,000：实际 +¥4,000，ROI 184.0% → 157.1%；已执行（建议的 80%）"
WECHAT_LINE = "上月建议减少微信 -¥5,000：实际 -¥3,000，ROI 20.0% → 14.3%；部分执行（建议的 60%）"


def config(book: Path, slack_api, tmp_path: Path) -> AppConfig:
    return AppConfig(source=str(book), slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url,
                     report_channel="CREPORT", database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}")


def posted(slack_api) -> list[str]:
    """Each successful post or update, its blocks and text as one JSON string."""
    calls = slack_api.calls("chat.postMessage") + slack_api.calls("chat.update")
    return [json.dumps(c["args"], ensure_ascii=False) for c in calls if c["status"] == 200 and c["response"].get("ok")]


def append_rows(book: Path, rows: list[list]) -> None:
    wb = load_workbook(book)
    for r in rows:
        wb["活动"].append(r)
    wb.save(book)


def test_octobers_proposal_reported_in_novembers_summary(tmp_path, slack_api):
    book = tmp_path / "team.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(HEAD)
    ws.append(["十月", "抖音", "2026-10-01", "2026-10-31", 10000, 28400])  # ROI 184%
    ws.append(["十月", "微信", "2026-10-01", "2026-10-31", 10000, 12000])  # ROI 20%
    wb.save(book)
    cfg = config(book, slack_api, tmp_path)

    october = run_monthly(cfg, month=OCT, now=dt.datetime(2026, 11, 1, 1, tzinfo=dt.UTC), out=io.StringIO())
    assert october.status == "posted"
    assert "上月建议的结果" not in posted(slack_api)[0]  # no records before October: no section
    # October's plan (one month of history: linear, ±50 %): 抖音 +¥5,000, 微信 −¥5,000, recorded with its ROI
    recorded = ProposalStore(cfg.database).proposals("2026-10")
    assert [(p["channel"], p["action"], p["current"], p["proposed"], p["change"]) for p in recorded] == [
        ("抖音", "raise", 10000.0, 15000.0, 5000.0), ("微信", "reduce", 10000.0, 5000.0, -5000.0)]
    assert round(recorded[0]["roi"], 4) == 1.84 and recorded[0]["basis"] == "campaign_tab"

    # November as typed: 抖音 spent 4,000 more (ROI 22,000 / 14,000 = 157.1%), 微信 3,000 less (ROI 14.3%)
    append_rows(book, [["十一月", "抖音", "2026-11-01", "2026-11-30", 14000, 36000],
                       ["十一月", "微信", "2026-11-01", "2026-11-30", 7000, 8000]])
    november = run_monthly(cfg, month=NOV, now=dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC), out=io.StringIO())
    assert november.status == "posted"  # through the contract pre-flight and the fake that refuses what Slack does
    message = posted(slack_api)[-1]
    assert "上月建议的结果" in message and DOUYIN_LINE in message and WECHAT_LINE in message

    grid = [list(r) for r in load_workbook(book)[MONTHLY_SUMMARY_TAB].iter_rows(values_only=True)]
    column = grid[0].index("上月建议的结果")
    by_month = {r[0]: r[column] for r in grid[1:]}
    assert by_month["2026-11"] == f"{DOUYIN_LINE}；{WECHAT_LINE}" and by_month["2026-10"] in (None, "")

    # a re-run of November edits its message and says the same; November's own plan is recorded for December
    again = run_monthly(cfg, month=NOV, now=dt.datetime(2026, 12, 1, 2, tzinfo=dt.UTC), out=io.StringIO())
    assert again.status == "updated" and DOUYIN_LINE in posted(slack_api)[-1]
    assert {p["channel"] for p in ProposalStore(cfg.database).proposals("2026-11")} == {"抖音", "微信"}

    # the console reads the same database: follow_up in the JSON of 月报 2026-11, none in October's
    out = io.StringIO()
    assert ask("月报 2026-11", cfg, as_json=True, out=out, err=io.StringIO(), today=dt.date(2026, 12, 1)) == 0
    items = json.loads(out.getvalue())["follow_up"]
    assert [(f["channel"], f["proposed_change"], f["actual_change"], f["status"]) for f in items] == [
        ("抖音", 5000.0, 4000.0, "done"), ("微信", -5000.0, -3000.0, "partly")]
    assert items[0]["before"]["roi"] == 1.84 and items[0]["text"] == DOUYIN_LINE
    out = io.StringIO()
    assert ask("月报 2026-10", cfg, as_json=True, out=out, err=io.StringIO(), today=dt.date(2026, 12, 1)) == 0
    assert "follow_up" not in json.loads(out.getvalue())


def alert_book(path: Path) -> Path:
    """冬促 planned 11-01 … 11-30: 抖音 ¥1,000 a day (ROI 400 %), 小红书 ¥500 a day with no sales and no
    conversions, typed through 11-04. On 11-05 the check proposes: pause 小红书 (3 days, ¥1,500, no
    conversion: ¥500 → ¥0 a day) and halve it (ROI −100 % so far: ¥500 → ¥250 a day)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "广告费用", "销售额", "曝光量", "点击量", "转化数"])
    for day in range(1, 5):
        ws.append(["冬促", "抖音", f"2026-11-{day:02d}", 1000, 5000, 10000, 300, 10])
        ws.append(["冬促", "小红书", f"2026-11-{day:02d}", 500, 0, 10000, 300, 0])
    plan = wb.create_sheet("预算")
    plan.append(["活动名称", "渠道", "计划开始", "计划结束", "预算"])
    plan.append(["冬促", "抖音", "2026-11-01", "2026-11-30", 30000])
    plan.append(["冬促", "小红书", "2026-11-01", "2026-11-30", 15000])
    settings = wb.create_sheet("设置")
    settings.append(["参数", "值"])
    settings.append(["时区", "Asia/Shanghai"])
    settings.append(["预警频道", "CALERT"])
    wb.save(path)
    return path


def test_an_alert_to_pause_then_zero_spend_reads_paused_in_the_campaign_answer(tmp_path, slack_api):
    book = alert_book(tmp_path / "team.xlsx")
    cfg = config(book, slack_api, tmp_path)
    check = run_daily_check(cfg, now=dt.datetime(2026, 11, 5, 2, tzinfo=dt.UTC), out=io.StringIO())
    assert {(a.channel, a.kind) for a in check.alerts} == {("小红书", "roi"), ("小红书", "no_conversions")}
    logged = AlertStore(cfg.database).proposals(campaign="冬促")
    assert sorted((p["kind"], p["proposal"]["action"], p["proposal"]["daily_to"]) for p in logged) == [
        ("no_conversions", "pause", 0.0), ("roi", "reduce", 250.0)]

    # 11-05 … 11-10: 小红书 stopped (¥0 rows), 抖音 went on
    append_rows(book, [row for day in range(5, 11) for row in (
        ["冬促", "抖音", f"2026-11-{day:02d}", 1000, 5000, 10000, 300, 10],
        ["冬促", "小红书", f"2026-11-{day:02d}", 0, 0, 0, 0, 0])])
    assistant = Assistant(cfg, read=lambda c: open_source(None, c).read(), today=lambda: dt.date(2026, 11, 11))
    result = assistant.result_for("冬促")
    # before: 11-01 … 11-04, ¥500 a day, ROI −100 %; after: 11-05 … 11-10 (yesterday and the sheet's last day), ¥0
    pause = "11-05 预警建议暂停「冬促」小红书 -¥500/天：实际 -¥500/天，ROI -100.0% → —；已暂停"
    halve = "11-05 预警建议减少「冬促」小红书 -¥250/天：实际 -¥500/天，ROI -100.0% → —；超出建议（建议的 200%）"
    blocks = json.dumps(result.message.blocks, ensure_ascii=False)
    assert "预警建议的结果" in blocks and pause in blocks and halve in blocks
    assert [f.status for f in result.answer.follow_up] == ["paused", "beyond"]
    # the answer in the cache stays without it; asked again, the records are read again
    assert assistant.result_for("冬促").answer.follow_up[0].text == pause

    # the month's summary reports the alerts too (they were raised in November)
    november = run_monthly(cfg, month=NOV, now=dt.datetime(2026, 12, 1, 1, tzinfo=dt.UTC), out=io.StringIO())
    assert november.status == "posted" and pause in posted(slack_api)[-1]


def test_no_records_no_section(tmp_path, slack_api):
    book = alert_book(tmp_path / "team.xlsx")
    cfg = config(book, slack_api, tmp_path)
    assistant = Assistant(cfg, read=lambda c: open_source(None, c).read(), today=lambda: dt.date(2026, 11, 11))
    result = assistant.result_for("冬促")
    assert not hasattr(result.answer, "follow_up") and "预警建议的结果" not in json.dumps(result.message.blocks,
                                                                                   ensure_ascii=False)
    assert not (tmp_path / "clock.sqlite").exists()  # a question never creates the job's database
    out = io.StringIO()
    assert ask("月报 2026-11", cfg, as_json=True, out=out, err=io.StringIO(), today=dt.date(2026, 12, 1)) == 0
    assert "follow_up" not in json.loads(out.getvalue())
