"""The 飞书 card without 飞书: ``python -m bot ask … --format feishu`` and ``python -m scheduler run-once --dry-run
--format feishu`` print the content im/v1/messages would carry; ``python -m feishu`` without its settings is one
line and exit 2."""

from __future__ import annotations

import json

import pytest

from render.contract.feishu_card import check_content
from tests.test_entrypoints import assert_one_clear_line, run  # noqa: F401 (the fixture)

pytestmark = pytest.mark.slow  # whole answers and a monthly summary on the demo workbook (~2 s each)


def test_ask_prints_the_card_the_door_would_send(run, tmp_path):  # noqa: F811
    proc = run(["bot", "ask", "618活动", "--format", "feishu", "--today", "2026-11-30"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert check_content(proc.stdout.strip()) == []
    card = json.loads(proc.stdout)
    assert card["schema"] == "2.0" and card["header"]["title"]["content"] == "📊 618活动"
    assert any(el["tag"] == "table" for el in card["body"]["elements"])


def test_a_refused_question_prints_its_error_card(run, tmp_path):  # noqa: F811
    proc = run(["bot", "ask", "渠道 2026-13", "--format", "feishu", "--today", "2026-11-30"], tmp_path)
    assert proc.returncode == 1
    card = json.loads(proc.stdout)
    assert check_content(proc.stdout.strip()) == [] and card["body"]["elements"][0]["content"].startswith("❌")


def test_run_once_dry_run_prints_the_monthly_card(run, tmp_path):  # noqa: F811
    proc = run(["scheduler", "run-once", "--month", "2026-10", "--dry-run", "--format", "feishu"], tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert check_content(proc.stdout.strip()) == []
    assert json.loads(proc.stdout)["header"]["title"]["content"] == "🗓 月报 2026-10"


def test_the_door_without_its_settings_is_one_line(run, tmp_path):  # noqa: F811
    assert_one_clear_line(run(["feishu"], tmp_path), "FEISHU_APP_ID", "FEISHU_APP_SECRET")
    proc = run(["feishu", "http"], tmp_path, FEISHU_APP_ID="cli_1", FEISHU_APP_SECRET="s")
    assert_one_clear_line(proc, "FEISHU_ENCRYPT_KEY", "FEISHU_VERIFICATION_TOKEN")
