"""The Slack app on a Google Sheet (the loopback Sheets API): Google's latency never reaches the ack."""

from __future__ import annotations

import json
import time

import pytest

from roi_runtime.config import AppConfig
from tests.bot.conftest import CAMPAIGNS, HEADERS, SlackDriver
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN

KEY = "1RoiBotTestSheetAbcdefghijklmnopqrstuvwxyz"


@pytest.fixture
def google_driver(tmp_path, slack_api, sheets_api):
    from roi_server import create_app

    sheets_api.add_spreadsheet(KEY, "ROI 表", {"活动": [HEADERS, *CAMPAIGNS], "设置": [["参数", "值"], ["目标ROI", "100%"]]})
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url, sheet_cache_ttl=60.0,
                       slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SLACK_TEST_SIGNING_SECRET,
                       slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}",
                       chart_png="off")
    return SlackDriver(create_app(config), slack_api)


def test_ack_within_three_seconds_while_google_takes_longer(google_driver, sheets_api):
    # 3.5 s is past Slack's 3-second ack deadline: the ack cannot have waited for the read
    sheets_api.delay_next(1, 3.5, kind="values.")  # the one batchGet that reads every tab
    t0 = time.monotonic()
    r = google_driver.command("春季促销")
    assert r.status_code == 200 and time.monotonic() - t0 < 3.0
    body = google_driver.responses(1, timeout=30)[0]
    assert time.monotonic() - t0 >= 3.5
    assert body["response_type"] == "in_channel" and "157.1%" in json.dumps(body["blocks"], ensure_ascii=False)
    # the link on "查看表格" is the Google Sheet itself
    buttons = [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert any(e.get("url") == f"https://docs.google.com/spreadsheets/d/{KEY}/edit" for e in buttons)


@pytest.fixture
def fresh_sheets_state(monkeypatch):
    import sheets
    from sheets.google import forget_metadata

    sheets.CACHE.clear()
    forget_metadata()
    monkeypatch.setattr(sheets.CACHE, "wait", 1.0)  # the answer deadline with a copy in hand (8 s in production)
    yield sheets.CACHE
    sheets.CACHE.clear()
    forget_metadata()


def _texts(body: dict) -> str:
    return json.dumps(body, ensure_ascii=False)


def test_slow_google_with_a_warm_cache_answers_from_the_copy_within_the_deadline(
        tmp_path, slack_api, sheets_api, fresh_sheets_state):
    from roi_server import create_app

    sheets_api.add_spreadsheet(KEY, "ROI 表", {"活动": [HEADERS, *CAMPAIGNS], "设置": [["参数", "值"], ["目标ROI", "100%"]]})
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url, sheet_cache_ttl=0.0,  # every question refreshes
                       slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SLACK_TEST_SIGNING_SECRET,
                       slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}",
                       chart_png="off")
    driver = SlackDriver(create_app(config), slack_api)
    driver.command("春季促销")
    assert "157.1%" in _texts(driver.responses(1, timeout=10)[0])
    sheets_api.delay_next(1, 4.0, kind="values.batchGet")
    t0 = time.monotonic()
    driver.command("春季促销")
    body = driver.responses(2, timeout=10)[1]
    assert time.monotonic() - t0 < 2.5  # the 1 s answer deadline, not Google's 4 s
    assert "157.1%" in _texts(body) and "缓存" in _texts(body)


def test_a_sheet_not_shared_says_so_in_slack(google_driver, sheets_api, fresh_sheets_state):
    sheets_api.fail_next(1, status=403, kind="spreadsheets.get")
    google_driver.command("春季促销")
    text = _texts(google_driver.responses(1, timeout=10)[0])
    assert "没有权限读取" in text and "共享" in text and "Traceback" not in text
