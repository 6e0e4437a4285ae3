"""A Google write that fails for a known, named reason (403: not shared for editing; 500 past every retry) is said
in ONE line with its cause and fix, never with a stack: by ``python -m sheets check``, by the daily check's 预警
write and by the clock's daily run. The stack is kept for what we did not foresee (a bug of ours). Real gspread,
google-auth and urllib3 against the loopback Sheets API; the retries' pauses go through the client's clock."""

from __future__ import annotations

import json
import logging

import pytest

from scheduler.__main__ import main as scheduler_main
from scheduler.alerts import _clock_run, scheduled_check
from sheets.__main__ import main as sheets_main
from sheets.google import forget_metadata
from sheets.google.client import _GoogleHTTPClient

KEY = "1WrItEeRrOrLoGsOnEliNe0123456789abcdef"
TITLE = "市场部 ROI"
SHARE = ("提示：在表格里点「共享」，把服务账号 roi-bot@fake-project.iam.gserviceaccount.com 设为「编辑者」（Editor）；"
         "如果助手的标签页设了保护范围，也要允许它编辑")


def _campaigns() -> list[list]:
    """冬促 on 抖音, ¥1,000 a day on 11-01…03 then ¥5,000: on 11-05, 4 days spent 8,000 against a plan of
    10,000 × 4/10 = 4,000 (+100 %), so the check has a 预算进度 alert to write (as in test_alerts.make_book)."""
    rows = [["活动名称", "渠道", "开始日期", "广告费用", "销售额", "曝光量", "点击量", "转化数"]]
    for day in range(1, 11):
        cost = 1000 if day <= 3 else 5000
        rows.append(["冬促", "抖音", f"2026-11-{day:02d}", cost, 5 * cost, 10000, 300, 10])
    return rows


@pytest.fixture
def google(sheets_api, monkeypatch, tmp_path):
    forget_metadata()
    sheets_api.add_spreadsheet(KEY, TITLE, {
        "活动": _campaigns(),
        "预算": [["活动名称", "渠道", "计划开始", "计划结束", "预算"], ["冬促", "抖音", "2026-11-01", "2026-11-10", 10000]],
        "设置": [["参数", "值"], ["时区", "Asia/Shanghai"]],
    })
    monkeypatch.setenv("GOOGLE_SERVICE_ACCOUNT_JSON", json.dumps(sheets_api.service_account_info()))
    monkeypatch.setenv("GOOGLE_SHEETS_API_URL", sheets_api.url)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'job.sqlite'}")
    monkeypatch.setenv("ROI_SOURCE", KEY)
    for name in ("SLACK_BOT_TOKEN", "TIMEZONE", "REPORT_CHANNEL"):
        monkeypatch.delenv(name, raising=False)
    # the retries' pauses (up to 8 s each) pass at once: the client's own sleep, as GoogleSource(sleep=...) does
    monkeypatch.setattr(_GoogleHTTPClient, "sleep", staticmethod(lambda seconds: None))
    yield sheets_api
    forget_metadata()


def _stacks(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info]


def test_sheets_check_says_a_refused_write_in_one_line(google, capsys, caplog):
    google.fail_next(5, status=403, kind="values.update")  # the 数据校验 rewrite
    with caplog.at_level(logging.DEBUG):  # as with --debug: google-auth's own debug lines included
        assert sheets_main(["check", "--source", KEY]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"❌ 没有权限写入 Google 表格「{TITLE}」（HTTP 403）", SHARE]
    assert _stacks(caplog) == [] and len(google.calls("values.update")) == 1  # a 403 is not retried


def test_sheets_check_says_a_google_down_past_its_retries_in_one_line(google, capsys, caplog):
    google.fail_next(50, status=500, kind="values.update")
    with caplog.at_level(logging.WARNING):
        assert sheets_main(["check", "--source", KEY]) == 2
    err = capsys.readouterr().err
    assert err.splitlines() == [f"❌ Google 表格「{TITLE}」暂时不可用（HTTP 500，已重试 8 次）", "提示：稍后再试"]
    assert len(google.calls("values.update")) == 9  # the first try and 8 retries (MAX_RETRIES)
    retries = [r.getMessage() for r in caplog.records if r.name == "sheets.google"]
    # one line per retry, naming the tab and cells in plain text; no stack anywhere
    assert len(retries) == 8 and all("'数据校验'!A1:F1; retry" in m for m in retries), retries
    assert _stacks(caplog) == []


def test_the_daily_check_logs_a_refused_alerts_write_once_and_still_says_the_alerts(google, capsys, caplog):
    google.fail_next(5, status=403, kind="values.batchUpdate")  # the 预警 upsert
    with caplog.at_level(logging.INFO):
        assert scheduler_main(["check-now", "--date", "2026-11-05", "--source", KEY]) == 0
    out = capsys.readouterr().out
    assert "花费超前 +100.0%" in out  # no Slack configured: the alert is printed
    assert f"「预警」没有写成：没有权限写入 Google 表格「{TITLE}」（HTTP 403）" in out
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == [f"the 预警 tab could not be written: 没有权限写入 Google 表格「{TITLE}」（HTTP 403）；"
                      + SHARE.removeprefix("提示：")]
    assert _stacks(caplog) == []


def test_the_clocks_daily_run_logs_a_lost_share_once(google, caplog):
    google.fail_next(5, status=403, kind="spreadsheets.get")  # the sheet can no longer be read
    with caplog.at_level(logging.INFO):
        scheduled_check()  # the job the clock fires; it never raises into APScheduler
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    # the title is unknown (the first request was refused): the sheet is named by its key
    assert errors == [f"the daily check failed: 没有权限读取 Google 表格「{KEY[:8]}…」（HTTP 403）；在表格里点「共享」，"
                      "把服务账号 roi-bot@fake-project.iam.gserviceaccount.com 加为「编辑者」（Editor）"]
    assert _stacks(caplog) == []


def test_a_bug_of_ours_keeps_its_stack(google, caplog):
    def broken(config, notifier):
        raise KeyError("设置")  # not a named fault: someone must read the stack

    with caplog.at_level(logging.INFO):
        _clock_run("daily check", broken)
    assert _stacks(caplog) == ["the daily check failed"]
