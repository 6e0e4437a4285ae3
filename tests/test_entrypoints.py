"""Every command as a user runs it: bad settings are one Chinese line and exit 2, never a traceback; and the
shipped demo workbook is never written.

Most commands run in this process (their ``main(argv)`` with a clean environment, stdout and stderr captured):
what they prove is the wording and the exit code, not the process. Two tests start real processes, where the
process boundary is the point: a bad setting seen by ``python -m …`` itself, and the demo left untouched by
commands run from a fresh folder."""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.test_layers import PACKAGES  # every package of ours: the copy runs as the repository does

ROOT = Path(__file__).resolve().parents[1]


def _environment(tmp_path: Path, env: dict) -> dict[str, str]:
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path), "LANG": "C.UTF-8",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'roi.sqlite'}"}
    for key in ("LD_PRELOAD", "FAKETIME", "FAKETIME_DONT_FAKE_MONOTONIC"):  # a suite run at another date
        if key in os.environ:
            base[key] = os.environ[key]
    base.update(env)
    return {k: v for k, v in base.items() if v is not None}


def run_process(args: list[str], tmp_path: Path, cwd: Path = ROOT, **env) -> subprocess.CompletedProcess:
    """``python -m <args>`` in a real process with only the environment given."""
    return subprocess.run([sys.executable, "-m", *args], cwd=cwd, env=_environment(tmp_path, env),
                          capture_output=True, text=True, timeout=120)


@pytest.fixture
def run(monkeypatch):
    """``python -m <args>`` in this process: the command's ``main(argv)`` with only the environment given."""

    def run_in_process(args: list[str], tmp_path: Path, **env) -> subprocess.CompletedProcess:
        for key in list(os.environ):
            monkeypatch.delenv(key)
        for key, value in _environment(tmp_path, env).items():
            monkeypatch.setenv(key, value)
        out, err = io.StringIO(), io.StringIO()
        main = importlib.import_module(f"{args[0]}.__main__").main
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(args[1:])
        return subprocess.CompletedProcess(args, code, out.getvalue(), err.getvalue())

    return run_in_process


def assert_one_clear_line(proc: subprocess.CompletedProcess, *words: str) -> None:
    assert proc.returncode == 2, (proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert lines[0].startswith("❌ ") and all(w in lines[0] for w in words), proc.stderr
    assert len(lines) <= 2 and (len(lines) == 1 or lines[1].startswith("提示："))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------------------ bad environment settings
@pytest.mark.parametrize("command", [
    ["bot", "ask", "618活动"], ["bot", "serve"], ["sheets", "check"], ["scheduler"], ["scheduler", "next"],
    ["scheduler", "run-once", "--month", "2026-10"],
])
def test_an_unknown_timezone_stops_every_command_in_one_line(command, tmp_path, run):
    assert_one_clear_line(run(command, tmp_path, TIMEZONE="Mars/Base"), "TIMEZONE", "Mars/Base")


@pytest.mark.parametrize("name, value, words", [
    ("REPORT_TIME", "25:99", ("REPORT_TIME", "25:99", "不是时间")),
    ("REPORT_DAY", "15.5", ("REPORT_DAY", "15.5", "1-31")),
    ("SLACK_WORKERS", "many", ("SLACK_WORKERS", "many")),
])
def test_a_bad_schedule_or_number_setting_is_named(name, value, words, tmp_path, run):
    assert_one_clear_line(run(["scheduler", "next"], tmp_path, **{name: value}), *words)


# ------------------------------------------------------------------------------ databases that cannot be used
def test_a_database_under_a_file_cannot_be_created(tmp_path, run):
    (tmp_path / "afile").write_text("not a folder")
    url = f"sqlite:///{tmp_path / 'afile' / 'roi.sqlite'}"
    for command in (["scheduler"], ["scheduler", "run-once", "--month", "2026-10"], ["bot", "socket"]):
        assert_one_clear_line(run(command, tmp_path, DATABASE_URL=url), "无法创建数据库目录", "afile")


def test_a_database_path_that_is_a_folder_or_not_sqlite(tmp_path, run):
    (tmp_path / "folder").mkdir()
    assert_one_clear_line(run(["bot", "serve"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'folder'}"),
                          "是一个目录")
    (tmp_path / "junk.sqlite").write_bytes(b"this is not a database, " * 100)
    assert_one_clear_line(run(["scheduler"], tmp_path, DATABASE_URL=f"sqlite:///{tmp_path / 'junk.sqlite'}"),
                          "不是 SQLite 数据库")


@pytest.mark.parametrize("url", ["sqlite://", "sqlite:///:memory:"])
def test_an_in_memory_database_is_refused_for_the_clock_and_the_web(url, tmp_path, run):
    for command in (["scheduler"], ["bot", "serve"]):
        assert_one_clear_line(run(command, tmp_path, DATABASE_URL=url), "内存数据库", "无法共享")


def test_malformed_and_unreachable_databases(tmp_path, run):
    assert_one_clear_line(run(["scheduler"], tmp_path, DATABASE_URL="roi.sqlite"), "DATABASE_URL", "roi.sqlite")
    # nothing listens on this port: PostgreSQL refuses at once, named without the password
    proc = run(["scheduler", "run-once", "--month", "2026-10"], tmp_path,
               DATABASE_URL=f"postgres://roi:hunter2@127.0.0.1:{free_port()}/roi")
    assert_one_clear_line(proc, "连不上 PostgreSQL 127.0.0.1:", "连接被拒绝")
    assert "hunter2" not in proc.stderr


# ------------------------------------------------------------------------------ scheduler next and the sheet
def test_next_warns_for_each_sheet_setting_it_replaced(tmp_path, run):
    book = Workbook()
    book.active.title = "活动"
    book.active.append(["活动名称", "渠道", "开始日期", "销售额"])
    ws = book.create_sheet("设置")
    for row in (["参数", "值"], ["月报日", 15.5], ["月报时间", "25:99"], ["时区", "UTC"]):
        ws.append(row)
    book.save(tmp_path / "team.xlsx")
    proc = run(["scheduler", "next"], tmp_path, ROI_SOURCE=str(tmp_path / "team.xlsx"))
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert proc.stderr.splitlines() == [
        "⚠ 「设置」第 2 行 月报日「15.5」不是 1-31 之间的整数，已改用默认值 1",
        "⚠ 「设置」第 3 行 月报时间「25:99」不是 时:分 格式的时间（例：09:00），已改用默认值 09:00",
    ]
    assert "计划：每月 1 日 09:00（UTC）" in proc.stdout


# ------------------------------------------------------------------------------ the demo stays as shipped
@pytest.fixture
def repo_copy(tmp_path) -> Path:
    """The packages and the demo workbook in a fresh folder: var/ starts empty, the real repo is not touched."""
    repo = tmp_path / "repo"
    for name in PACKAGES:
        shutil.copytree(ROOT / name, repo / name, ignore=shutil.ignore_patterns("__pycache__"))
    (repo / "examples").mkdir()
    shutil.copyfile(ROOT / "examples" / "demo.xlsx", repo / "examples" / "demo.xlsx")
    return repo


@pytest.mark.slow
def test_a_bad_setting_stops_the_real_process_in_one_line(tmp_path):
    assert_one_clear_line(run_process(["bot", "ask", "618活动"], tmp_path, TIMEZONE="Mars/Base"), "TIMEZONE", "Mars/Base")


@pytest.mark.slow
def test_writing_commands_leave_the_demo_untouched(repo_copy, tmp_path):
    demo = repo_copy / "examples" / "demo.xlsx"
    before = demo.read_bytes()
    env = {"DATABASE_URL": None}  # the default: var/roi_assistant.sqlite in the copy

    check = run_process(["sheets", "check"], tmp_path, cwd=repo_copy, **env)
    assert check.returncode in (0, 1), check.stderr
    assert "新建了它的副本 var/demo.xlsx" in check.stdout

    once = run_process(["scheduler", "run-once", "--month", "2026-10"], tmp_path, cwd=repo_copy, **env)
    assert once.returncode == 0, once.stderr
    assert "使用它的副本 var/demo.xlsx" in once.stdout and "2026-10: 已写入表格" in once.stdout

    # ROI_SOURCE naming the demo itself is the demo too
    again = run_process(["scheduler", "run-once", "--month", "2026-10"], tmp_path, cwd=repo_copy,
                ROI_SOURCE="examples/demo.xlsx", **env)
    assert again.returncode == 0 and "使用它的副本 var/demo.xlsx" in again.stdout, again.stderr

    ask = run_process(["bot", "ask", "618活动"], tmp_path, cwd=repo_copy, **env)  # reading: the demo itself
    assert ask.returncode == 0 and "618" in ask.stdout and "副本" not in ask.stdout + ask.stderr

    assert demo.read_bytes() == before
    copy = load_workbook(repo_copy / "var" / "demo.xlsx")
    rows = list(copy["月度汇总"].iter_rows(values_only=True))
    assert rows[0][0] == "月份" and [r[0] for r in rows[1:]] == ["2026-10"]  # one row, re-run replaced it
    assert (repo_copy / "var" / "roi_assistant.sqlite").exists()
