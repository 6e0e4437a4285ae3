"""python -m sheets: the next step names the file just made; bad settings are one line and exit 2."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from sheets.__main__ import main


@pytest.fixture(autouse=True)
def clean_env(monkeypatch, tmp_path):
    for name in ("ROI_SOURCE", "TIMEZONE", "REPORT_TIME", "REPORT_DAY", "DATABASE_URL", "SHEET_CACHE_TTL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)


@pytest.mark.parametrize("name, shown", [("team.xlsx", "team.xlsx"), ("我的 表格.xlsx", "'我的 表格.xlsx'")])
def test_init_then_check_the_same_file(name, shown, tmp_path, capsys):
    assert main(["init", "--source", name]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[-1].endswith(f"然后运行 python -m sheets check --source {shown}")
    # the printed step works as printed: the template's two example rows check clean or list problems
    assert main(["check", "--source", name]) in (0, 1)
    checked = capsys.readouterr().out
    assert "副本" not in checked  # a team's own file is written where it is
    assert "数据校验" in load_workbook(tmp_path / name).sheetnames


def test_init_without_a_source_names_the_default_file(tmp_path, capsys):
    assert main(["init"]) == 0
    assert "python -m sheets check --source roi-template.xlsx" in capsys.readouterr().out
    assert (tmp_path / "roi-template.xlsx").exists()


def test_a_bad_setting_is_one_line_and_exit_2(monkeypatch, capsys):
    monkeypatch.setenv("SHEET_CACHE_TTL", "soon")
    assert main(["check", "--source", "whatever.xlsx"]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err[0] == "❌ SHEET_CACHE_TTL「soon」不是有效的数字" and err[1].startswith("提示：")
