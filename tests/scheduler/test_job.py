"""The monthly job against the loopback Slack fake and a real workbook: exactly once, whatever happens."""

from __future__ import annotations

import datetime as dt
import io
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from openpyxl import Workbook, load_workbook

from roi_app.bootstrap import bootstrap
from roi_app.monthly import run_monthly
from roi_app.stores.records import DeliveryStore
from roi_core.schema import CHANNEL_MONTHLY_TAB, MONTHLY_SUMMARY_TAB
from roi_runtime.config import AppConfig
from scheduler.clock import JOB_FUNC, JOB_ID, build_scheduler
from scheduler.schedule import Schedule, monthly_trigger
from tests.fakes.fixtures import SLACK_TEST_TOKEN
from tests.fakes.slack_api import without_backoff

ROOT = Path(__file__).resolve().parents[2]
OCT = pd.Period("2026-10", freq="M")
NOW = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 on Nov 1 in Shanghai


def make_book(path: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"])
    ws.append(["国庆", "抖音", "2026-10-01", "2026-10-07", 1000, 3000])  # ROI 200%
    ws.append(["国庆", "微信", "2026-10-01", "2026-10-07", 1000, 1500])  # ROI 50%
    ws.append(["九月", "抖音", "2026-09-01", "2026-09-30", 1000, 2000])
    ws.append(["坏行", "抖音", "2026-10-01", None, "很多", 1])           # a problem for 数据校验
    people = book.create_sheet("设置")
    people.append(["参数", "值"])
    people.append(["目标ROI", "=1+0"])  # a formula in a people tab must survive our writes
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path):
    return make_book(tmp_path / "team.xlsx")


def config(book, slack_api, tmp_path, **extra) -> AppConfig:
    return AppConfig(source=str(book), slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url,
                     report_channel="CREPORT", database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}", **extra)


def posts(slack_api):
    return [c for c in slack_api.calls("chat.postMessage") if c["status"] == 200 and c["response"].get("ok")]


def tab(book, title):
    return [list(r) for r in load_workbook(book)[title].iter_rows(values_only=True)]


def test_run_twice_one_row_one_post_one_update(book, slack_api, tmp_path):
    cfg = config(book, slack_api, tmp_path)
    people_before = tab(book, "活动"), tab(book, "设置")
    first = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    second = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    assert (first.status, second.status) == ("posted", "updated")
    assert len(posts(slack_api)) == 1 and len(slack_api.calls("chat.update")) == 1
    assert slack_api.calls("chat.update")[0]["args"]["ts"] == first.ts
    summary = tab(book, MONTHLY_SUMMARY_TAB)
    assert [r[0] for r in summary] == ["月份", "2026-10"]
    # October: cost 2,000, revenue 4,500 → ROI 125%
    header = summary[0]
    assert summary[1][header.index("总成本")] == 2000 and summary[1][header.index("ROI(%)")] == 125.0
    assert summary[1][header.index("未计入行数")] == 1
    channels = tab(book, CHANNEL_MONTHLY_TAB)
    assert sorted(r[1] for r in channels[1:]) == ["微信", "抖音"]
    checks = [r[:3] for r in tab(book, "数据校验")[1:]]
    assert ["活动", 5, "广告费用"] in checks
    assert ["设置", 2, "值"] in checks  # openpyxl saved "=1+0" with no value: named, not read as blank
    assert (tab(book, "活动"), tab(book, "设置")) == people_before  # people's tabs cell for cell
    record = DeliveryStore(cfg.database).get("2026-10")
    assert (record.status, record.message_ts, record.channel) == ("posted", first.ts, "CREPORT")


def test_two_at_once_post_once(book, slack_api, tmp_path):
    cfg = config(book, slack_api, tmp_path)
    results = []
    threads = [threading.Thread(target=lambda: results.append(
        run_monthly(cfg, month=OCT, now=NOW, store=DeliveryStore(cfg.database), out=io.StringIO())))
        for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    statuses = sorted(r.status for r in results)
    assert len(posts(slack_api)) == 1
    assert statuses in (["locked", "posted"], ["posted", "updated"])


def test_a_month_held_by_another_run_is_skipped_before_the_sheet_is_read(book, slack_api, tmp_path):
    cfg = config(book, slack_api, tmp_path)
    store = DeliveryStore(cfg.database)
    holder = store.acquire("2026-10", now=NOW)
    book.unlink()  # were the sheet read, this run would fail on it; it is not read at all
    out = io.StringIO()
    result = run_monthly(cfg, month=OCT, now=NOW, store=store, out=out)
    assert result.status == "locked" and "另一个进程" in out.getvalue()
    assert posts(slack_api) == []
    assert store.get("2026-10").status == "pending"  # nothing recorded against the run that holds it
    store.release("2026-10", holder)


@pytest.mark.slow
def test_two_clock_processes_post_once(book, slack_api, tmp_path):
    env = {**os.environ, "ROI_SOURCE": str(book), "SLACK_BOT_TOKEN": SLACK_TEST_TOKEN,
           "SLACK_API_URL": slack_api.api_url, "REPORT_CHANNEL": "CREPORT",
           "DATABASE_URL": f"sqlite:///{tmp_path / 'clock.sqlite'}"}
    cmd = [sys.executable, "-m", "scheduler", "run-once", "--month", "2026-10"]
    procs = [subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    outs = [p.communicate(timeout=120) for p in procs]
    assert len(posts(slack_api)) == 1, outs
    assert all("Traceback" not in err for _, err in outs)


def test_failure_after_the_sheet_write_is_completed_once_by_the_next_run(book, slack_api, tmp_path):
    cfg = config(book, slack_api, tmp_path)
    dead = AppConfig(**{**cfg.__dict__, "slack_api_url": "http://127.0.0.1:9/api/"})  # nothing listens there
    # the job's own client and retry counts; only the backoff between the retries is not waited out
    notifier = bootstrap(dead, role="job").notifier()
    without_backoff(notifier.client)
    failed = run_monthly(dead, month=OCT, now=NOW, notifier=notifier, out=io.StringIO())
    assert failed.status == "failed"
    record = DeliveryStore(cfg.database).get("2026-10")
    assert record.status == "failed" and record.sheet_written_at is not None and record.last_error
    assert tab(book, MONTHLY_SUMMARY_TAB)[1][0] == "2026-10"
    done = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    again = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    assert (done.status, again.status) == ("posted", "updated")
    assert len(posts(slack_api)) == 1
    assert len(tab(book, MONTHLY_SUMMARY_TAB)) == 2


def test_slack_429_then_success_posts_once(book, slack_api, tmp_path):
    slack_api.fail_next("chat.postMessage", 1, error="ratelimited", status=429, retry_after=0)
    result = run_monthly(config(book, slack_api, tmp_path), month=OCT, now=NOW, out=io.StringIO())
    assert result.status == "posted"
    assert len(posts(slack_api)) == 1
    assert len(slack_api.calls("chat.postMessage")) == 2  # the 429 and the retry


def test_without_slack_the_summary_goes_to_the_sheet_and_stdout(book, tmp_path):
    cfg = AppConfig(source=str(book), database_url=f"sqlite:///{tmp_path / 'c.sqlite'}")
    out = io.StringIO()
    result = run_monthly(cfg, month=OCT, now=NOW, out=out)
    assert result.status == "sheet_only" and "月报 2026-10" in out.getvalue()
    assert tab(book, MONTHLY_SUMMARY_TAB)[1][0] == "2026-10"


def test_dry_run_writes_nothing(book, slack_api, tmp_path):
    before = book.read_bytes()
    out = io.StringIO()
    result = run_monthly(config(book, slack_api, tmp_path), month=OCT, now=NOW, dry_run=True, out=out)
    assert result.status == "dry_run" and "[dry-run]" in out.getvalue()
    assert book.read_bytes() == before and not slack_api.calls("chat.postMessage")


def test_default_month_is_the_last_full_month_in_shanghai(book, slack_api, tmp_path):
    # 2026-10-31 20:00 UTC is already November 1 in Shanghai: October is the last full month
    result = run_monthly(config(book, slack_api, tmp_path), now=dt.datetime(2026, 10, 31, 20, 0, tzinfo=dt.UTC),
                         out=io.StringIO())
    assert result.month == "2026-10"


def frozen_clock(monkeypatch, start: dt.datetime) -> None:
    """APScheduler and the job read a clock that starts at ``start`` and runs at real speed (time
    passes, so the scheduler's waits still work), whatever the date: both APScheduler modules that read
    the time (the scheduler and the executor's misfire check) and the job's one clock seam."""
    t0 = time.monotonic()

    class Clock(dt.datetime):
        @classmethod
        def now(cls, tz=None):
            moment = start + dt.timedelta(seconds=time.monotonic() - t0)
            return moment.astimezone(tz) if tz is not None else moment.replace(tzinfo=None)

    import apscheduler.executors.base
    import apscheduler.schedulers.base

    import roi_app.monthly

    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", Clock)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", Clock)
    monkeypatch.setattr(roi_app.monthly, "utc_now", lambda: Clock.now(dt.UTC))


def _seed_job(cfg: AppConfig, schedule: Schedule, next_run_time: dt.datetime) -> None:
    """A clock that was down: its stored job still waits for a run time now in the past.

    The job is added by a paused scheduler, then its next run time is set in the
    store directly (a stopping scheduler may wake once more and move it on).
    """
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

    seed = BackgroundScheduler(jobstores={"default": SQLAlchemyJobStore(url=cfg.database)}, timezone=schedule.zone)
    seed.start(paused=True)
    seed.add_job(JOB_FUNC, trigger=monthly_trigger(schedule), id=JOB_ID)
    seed.shutdown(wait=True)
    store = SQLAlchemyJobStore(url=cfg.database)
    store.start(BackgroundScheduler(timezone=schedule.zone), "default")
    job = store.lookup_job(JOB_ID)
    job._modify(next_run_time=next_run_time)
    store.update_job(job)
    store.shutdown()


@pytest.mark.parametrize("down_for, expect", [(dt.timedelta(hours=1), "posted"), (dt.timedelta(hours=10), "missed")])
def test_downtime_within_grace_runs_once_beyond_is_missed(book, slack_api, tmp_path, monkeypatch, down_for, expect):
    cfg = config(book, slack_api, tmp_path)
    for key, value in {"ROI_SOURCE": str(book), "SLACK_BOT_TOKEN": SLACK_TEST_TOKEN, "SLACK_API_URL": slack_api.api_url,
                       "REPORT_CHANNEL": "CREPORT", "DATABASE_URL": cfg.database}.items():
        monkeypatch.setenv(key, value)
    schedule = Schedule(1, 9, 0, "Asia/Shanghai")
    missed_at = NOW  # the run due at 09:00 on Nov 1; the clock comes back ``down_for`` later
    frozen_clock(monkeypatch, NOW + down_for)
    _seed_job(cfg, schedule, missed_at)
    clock = build_scheduler(cfg, schedule, BackgroundScheduler)
    clock.start()
    try:
        month = str(pd.Period(missed_at.astimezone(schedule.zone).date(), freq="M") - 1)
        deadline = time.monotonic() + 30
        store = DeliveryStore(cfg.database)
        while time.monotonic() < deadline:
            record = store.get(month)
            if record and record.status in ("posted", "missed"):
                break
            time.sleep(0.02)
        time.sleep(0.5)  # a second run, if there were one, would have started by now
    finally:
        clock.shutdown(wait=True)
    record = store.get(month)
    assert record.status == expect
    if expect == "posted":
        assert len(posts(slack_api)) == 1
    else:
        (notice,) = posts(slack_api)
        assert "错过了计划时间" in notice["args"]["text"] and f"--month {month}" in notice["args"]["text"]
        assert MONTHLY_SUMMARY_TAB not in load_workbook(book).sheetnames  # missed: nothing was run


def test_run_twice_against_the_google_sheets_fake(sheets_api, slack_api, tmp_path):
    import json

    from sheets.google import forget_metadata

    key = "1SchedulerSchedulerScheduler000001"
    rows = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
            ["国庆", "抖音", dt.date(2026, 10, 1), dt.date(2026, 10, 7), 1000, 3000],
            ["国庆", "微信", dt.date(2026, 10, 1), dt.date(2026, 10, 7), 1000, 1500]]
    sheets_api.add_spreadsheet(key, "团队表", {"活动": rows})
    cfg = AppConfig(source=key, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                    google_sheets_api_url=sheets_api.url, slack_bot_token=SLACK_TEST_TOKEN,
                    slack_api_url=slack_api.api_url, report_channel="CREPORT",
                    database_url=f"sqlite:///{tmp_path / 'g.sqlite'}")
    forget_metadata()
    people = sheets_api.grid(key, "活动")
    sheets_api.reset_calls()
    first = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    calls_first = [c["kind"] for c in sheets_api.calls() if c["kind"] != "token"]
    sheets_api.reset_calls()
    second = run_monthly(cfg, month=OCT, now=NOW, out=io.StringIO())
    calls_second = [c["kind"] for c in sheets_api.calls() if c["kind"] != "token"]
    assert (first.status, second.status) == ("posted", "updated")
    assert len(posts(slack_api)) == 1 and len(slack_api.calls("chat.update")) == 1
    summary = sheets_api.grid(key, MONTHLY_SUMMARY_TAB)
    assert [r[0] for r in summary] == ["月份", "2026-10"]
    assert sheets_api.grid(key, "活动") == people
    # one read each run; the re-run writes with 2 calls per assistant tab (tab titles are cached)
    assert calls_first.count("values.batchGet") == 1 and calls_second.count("values.batchGet") == 1
    assert len(calls_second) == 9, calls_second  # 月度汇总, 渠道月度, 数据校验, 预算建议
    forget_metadata()


def test_a_month_whose_sheet_cannot_be_read_is_recorded_told_once_and_retried(book, slack_api, tmp_path):
    from roi_app.monthly import retry_delay, retry_failed

    good = book.read_bytes()
    book.write_bytes(b"PK\x03\x04 not really a workbook")  # the read fails (like Google answering 503)
    cfg = config(book, slack_api, tmp_path)
    clock = [NOW]  # the store records its times on this clock, so the backoff is worked out from NOW, any date
    store = DeliveryStore(cfg.database, clock=lambda: clock[0])

    def retry_at(when: dt.datetime):
        clock[0] = when
        return retry_failed(cfg, now=when, store=store, out=io.StringIO())

    out = io.StringIO()
    first = run_monthly(cfg, now=NOW, store=store, out=out)
    assert (first.month, first.status) == ("2026-10", "failed")
    record = store.get("2026-10")
    assert (record.status, record.attempts) == ("failed", 1) and "不是可读的 .xlsx" in record.last_error
    (notice,) = slack_api.calls("chat.postMessage")
    assert notice["args"]["channel"] == "CREPORT" and "2026-10 月报没有完成" in notice["args"]["text"]
    assert "10 分钟后自动重试" in out.getvalue()
    # the clock looks again every 10 minutes; the backoff decides: 10 min after the 1st failure, 20 after the 2nd
    assert (retry_delay(1), retry_delay(2), retry_delay(3), retry_delay(30)) == (600, 1200, 2400, 6 * 3600)
    assert store.last_update("2026-10") == NOW
    assert retry_at(NOW + dt.timedelta(minutes=9)) is None
    second = retry_at(NOW + dt.timedelta(minutes=11))
    assert second.status == "failed" and store.get("2026-10").attempts == 2
    assert len(slack_api.calls("chat.postMessage")) == 1  # the channel heard about it once
    book.write_bytes(good)  # Google is back
    last = store.last_update("2026-10")
    assert last == NOW + dt.timedelta(minutes=11)
    assert retry_at(last + dt.timedelta(minutes=19)) is None
    third = retry_at(last + dt.timedelta(minutes=21))
    assert third.status == "posted" and len(posts(slack_api)) == 2
    assert retry_at(last + dt.timedelta(hours=5)) is None  # delivered: done
    assert store.get("2026-10").status == "posted"


def test_a_month_with_no_rows_is_recorded_told_once_and_retried_not_raised(book, slack_api, tmp_path):
    """Nothing in 活动 for November yet: the run does not raise into the clock; it is recorded as failed,
    the channel hears once, and a retry after the backoff picks up rows typed in meanwhile."""
    from roi_app.monthly import retry_failed

    cfg = config(book, slack_api, tmp_path)
    dec1 = dt.datetime(2026, 12, 1, 1, 0, tzinfo=dt.UTC)  # 09:00 on Dec 1 in Shanghai: the month is November
    clock = [dec1]
    store = DeliveryStore(cfg.database, clock=lambda: clock[0])
    out = io.StringIO()
    first = run_monthly(cfg, now=dec1, store=store, out=out)
    assert (first.month, first.status) == ("2026-11", "failed") and "2026-11 没有活动数据" in first.message
    record = store.get("2026-11")
    assert (record.status, record.attempts) == ("failed", 1) and "没有活动数据" in record.last_error
    (notice,) = slack_api.calls("chat.postMessage")
    assert "2026-11 月报没有完成" in notice["args"]["text"] and "--month 2026-11" in notice["args"]["text"]
    assert "10 分钟后自动重试" in out.getvalue()
    clock[0] = dec1 + dt.timedelta(minutes=11)
    again = retry_failed(cfg, now=clock[0], store=store, out=io.StringIO())
    assert again.status == "failed" and store.get("2026-11").attempts == 2
    assert len(slack_api.calls("chat.postMessage")) == 1  # told once, not on every retry
    book_rows = load_workbook(book)
    book_rows["活动"].append(["双十一", "抖音", "2026-11-01", "2026-11-11", 2000, 5000])  # ROI 150%
    book_rows.save(book)
    clock[0] = dec1 + dt.timedelta(minutes=32)  # 21 min after the 2nd failure (backoff 20 min)
    third = retry_failed(cfg, now=clock[0], store=store, out=io.StringIO())
    assert third.status == "posted" and store.get("2026-11").status == "posted"
    summary = tab(book, MONTHLY_SUMMARY_TAB)
    assert summary[1][summary[0].index("ROI(%)")] == 150.0  # (5,000 − 2,000) / 2,000


def test_the_monthly_message_links_a_google_source_without_sheet_url():
    from roi_app.monthly import summary_message
    from sheets import sheet_link

    key = "1AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"
    assert sheet_link(key) == f"https://docs.google.com/spreadsheets/d/{key}/edit"
    assert sheet_link(f"https://docs.google.com/spreadsheets/d/{key}/edit#gid=0") == sheet_link(key)
    assert sheet_link("team.xlsx") is None and sheet_link("team.xlsx", "https://example.com/s") == "https://example.com/s"
    from roi_core.monthly import monthly_summary
    from sheets import open_source

    summary = monthly_summary(open_source(str(ROOT / "examples" / "demo.xlsx")).read(), OCT)
    blocks = summary_message(summary, sheet_link(key)).blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert any(e.get("url") == sheet_link(key) for e in buttons)
    assert all(e is not None for b in summary_message(summary, None).blocks for e in b.get("elements", []))
