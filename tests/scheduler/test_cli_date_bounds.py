"""``python -m scheduler``'s --date and --month: a value a sheet cannot hold (before 1900-01-01 or after 2261-12-31,
roi_core.parse's widest window) or cannot be read is a usage error: one Chinese line naming the option and the
value, exit 2, never a traceback, checked before any setting, database or sheet is touched. The edges themselves
still run. (``python -m sheets`` has no date or month option.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scheduler.__main__ import main

ROOT = Path(__file__).resolve().parents[2]
DATES = "日期要在 1900-01-01 到 2261-12-31 之间"
MONTHS = "月份要在 1900-01 到 2261-12 之间"


@pytest.fixture(autouse=True)
def _env(monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    for name in ("SLACK_BOT_TOKEN", "ROI_SOURCE", "TIMEZONE", "REPORT_CHANNEL"):
        monkeypatch.delenv(name, raising=False)


@pytest.mark.parametrize(("argv", "line"), [
    (["check-now", "--date", "0001-01-01"], f"❌ --date「0001-01-01」超出范围：{DATES}"),
    (["check-now", "--date", "9999-12-31", "--dry-run"], f"❌ --date「9999-12-31」超出范围：{DATES}"),
    (["check-now", "--date", "0000-01-01", "--json"], f"❌ --date「0000-01-01」超出范围：{DATES}"),
    (["check-now", "--date", "1899-12-31"], f"❌ --date「1899-12-31」超出范围：{DATES}"),
    (["check-now", "--date", "2262-01-01"], f"❌ --date「2262-01-01」超出范围：{DATES}"),
    (["run-once", "--month", "9999-12"], f"❌ --month「9999-12」超出范围：{MONTHS}"),
    (["run-once", "--month", "0000-01", "--dry-run"], f"❌ --month「0000-01」超出范围：{MONTHS}"),
    (["run-once", "--month", "1899-12"], f"❌ --month「1899-12」超出范围：{MONTHS}"),
    (["run-once", "--month", "2262年1月"], f"❌ --month「2262年1月」超出范围：{MONTHS}"),
])
def test_a_date_or_month_no_sheet_can_hold_is_one_line_and_exit_2(argv, line, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.err.splitlines() == [line] and captured.out == ""


@pytest.mark.parametrize(("argv", "lines"), [
    (["check-now", "--date", "2026-11-31"], ["❌ 日期「2026-11-31」看不懂", "提示：请写成 2026-11-30"]),
    (["run-once", "--month", "2026-13"], ["❌ 月份「2026-13」不存在", "提示：请写成 2026-10 这样的格式"]),
    (["run-once", "--month", "13-2026"], ["❌ 月份「13-2026」看不懂", "提示：请写成 2026-10"]),
])
def test_a_value_that_is_no_date_is_a_usage_error_too(argv, lines, capsys):
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.err.splitlines() == lines and "Traceback" not in captured.err


@pytest.mark.parametrize("day", ["1900-01-01", "2261-12-31"])
def test_the_first_and_last_day_still_run_the_check(day, capsys):
    assert main(["check-now", "--date", day, "--dry-run"]) == 0  # on the demo: nothing running then
    captured = capsys.readouterr()
    assert captured.out.splitlines() == [f"[dry-run] {day}：没有进行中的活动需要预警"] and captured.err == ""


def test_the_first_month_reaches_the_report(capsys):
    assert main(["run-once", "--month", "1900-01", "--dry-run"]) == 1  # accepted; the demo has no campaigns then
    err = capsys.readouterr().err
    assert err.splitlines()[0] == "❌ 1900-01 没有活动数据" and "超出范围" not in err


def test_a_month_not_over_yet_is_refused_in_one_line(capsys):
    # 2261-12 is inside the sheet's range but still ahead (whatever today is, before 2262): no summary yet
    assert main(["run-once", "--month", "2261-12", "--dry-run"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "❌ --month「2261-12」还没有结束，不能出月报" and err[1].startswith("提示：最近一个完整月是 ")


def test_the_command_people_ran_exits_2_without_a_traceback(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("ROI_SOURCE", "SLACK_BOT_TOKEN")}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'c.sqlite'}"
    done = subprocess.run([sys.executable, "-m", "scheduler", "check-now", "--date", "0001-01-01"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2 and done.stderr.splitlines() == [f"❌ --date「0001-01-01」超出范围：{DATES}"]
    assert not (tmp_path / "c.sqlite").exists()  # refused before the database was opened
