"""An answer from a cached copy keeps the cause of the failed read: 403 → 没有权限, 404 → 表格已删除,
5xx → 暂时读不到 (before, all three said 暂时读不到 and a lost share looked like a passing outage).

The sheet is a Google Sheet on the loopback Sheets API, read by the real GoogleSource through the read
cache (sheets.cache.SheetCache, its clock injected so the copy's age is exact); the answers go through
the Assistant, and once through the Slack app with signed requests.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from roi_app.answers import Assistant
from roi_runtime.config import AppConfig
from sheets.cache import STALE_DELETED, STALE_DENIED, STALE_UNAVAILABLE, SheetCache, StaleCopy
from sheets.google import GoogleSource
from tests.bot.conftest import CAMPAIGNS, HEADERS

KEY = "1StaleCauseSheetAbcdefghijklmnopqrstuvwxyz"
TODAY = dt.date(2026, 4, 1)
DENIED = "没有权限读取表格（Google 返回 403，共享可能已被取消），以下是 10 分钟前的缓存数据；在表格里点「共享」，" \
         "把服务账号 roi-bot@fake-project.iam.gserviceaccount.com 加为「编辑者」（Editor）"
DELETED = "表格已删除或找不到（Google 返回 404），以下是 10 分钟前的缓存数据；检查链接或 ID 是否正确，以及表格是否已被删除"
DOWN = "表格暂时读不到，以下是 10 分钟前的缓存数据"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def google(sheets_api, bot_config):
    """(config, clock, cache) for the Google Sheet KEY, holding 春季促销 and the rest (tests/bot/conftest.py)."""
    sheets_api.add_spreadsheet(KEY, "ROI 表", {"活动": [HEADERS, *CAMPAIGNS], "设置": [["参数", "值"], ["目标ROI", "100%"]]})
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url, slack_bot_token=bot_config.slack_bot_token,
                       slack_signing_secret=bot_config.slack_signing_secret, slack_api_url=bot_config.slack_api_url,
                       database_url=bot_config.database_url, chart_png="off")
    clock = Clock()
    return config, clock, SheetCache(clock, wait=5.0)


def _assistant(config, cache) -> Assistant:
    def read(cfg):  # what sheets.read_sheet does, on this test's cache (SHEET_CACHE_TTL 60 s)
        return cache.get(KEY, lambda: GoogleSource(KEY, cfg, sleep=lambda s: None).read(), 60.0)

    return Assistant(config, read=read, today=lambda: TODAY)


def _warnings(assistant, text="春季促销"):
    result = assistant.result_for(text)
    assert result.answer is not None, result.message.text
    return result.answer.warnings, json.dumps(result.message.blocks, ensure_ascii=False)


def test_a_removed_share_keeps_its_cause_in_a_warm_cache(google, sheets_api):
    config, clock, cache = google
    assistant = _assistant(config, cache)
    warnings, _ = _warnings(assistant)  # the answer cache is warm with the fresh answer
    assert warnings == []
    clock.now += 600  # 10 minutes on: past the 60 s TTL, so the next question reads again
    sheets_api.fail_next(1, status=403, kind="values.batchGet")  # the share was removed
    warnings, blocks = _warnings(assistant)
    assert warnings == [DENIED]
    assert DENIED in blocks and "157.1%" in blocks  # the copy's figures, under the cause


def test_a_deleted_sheet_says_so(google, sheets_api):
    config, clock, cache = google
    assistant = _assistant(config, cache)
    _warnings(assistant)
    clock.now += 600
    sheets_api.remove_spreadsheet(KEY)  # Google answers 404
    assert _warnings(assistant)[0] == [DELETED]


def test_google_down_still_says_temporarily_unreadable(google, sheets_api):
    config, clock, cache = google
    assistant = _assistant(config, cache)
    _warnings(assistant)
    clock.now += 600
    sheets_api.fail_next(100, status=503, kind="values.batchGet")  # every retry fails
    assert _warnings(assistant)[0] == [DOWN]


def test_the_cause_and_the_age_are_never_taken_from_an_older_answer(google, sheets_api):
    config, clock, cache = google
    assistant = _assistant(config, cache)
    _warnings(assistant)
    clock.now += 600
    sheets_api.fail_next(100, status=503, kind="values.batchGet")
    assert _warnings(assistant)[0] == [DOWN]
    sheets_api.clear_faults()
    sheets_api.fail_next(1, status=403, kind="values.batchGet")  # the same copy, now for a removed share
    assert _warnings(assistant)[0] == [DENIED]
    clock.now += 300  # 15 minutes old (900 s is the most a copy answers for a lost share)
    sheets_api.fail_next(1, status=403, kind="values.batchGet")
    assert _warnings(assistant)[0] == [DENIED.replace("10 分钟前", "15 分钟前")]


def test_an_english_question_gets_the_cause_in_english(google, sheets_api):
    config, clock, cache = google
    assistant = _assistant(config, cache)
    _warnings(assistant, "channels 2026-03")
    clock.now += 600
    sheets_api.remove_spreadsheet(KEY)
    assert _warnings(assistant, "channels 2026-03")[0] == [
        "The sheet was deleted or cannot be found (Google answered 404); this answer uses a copy from 10 min ago. "
        "Check the link, or restore the sheet from the bin"]


@pytest.mark.parametrize("status, cause", [(403, STALE_DENIED), (404, STALE_DELETED), (503, STALE_UNAVAILABLE)])
def test_the_cache_hands_the_cause_with_the_copy(google, sheets_api, status, cause):
    config, clock, cache = google

    def load():
        return GoogleSource(KEY, config, sleep=lambda s: None).read()

    cache.get(KEY, load, 60.0)
    clock.now += 120
    sheets_api.fail_next(100, status=status, kind="values.batchGet")
    copy = cache.get(KEY, load, 60.0)
    assert isinstance(copy, StaleCopy) and (copy.stale_seconds, copy.stale_cause) == (120.0, cause)
    assert len(copy.campaigns) == len(CAMPAIGNS)  # 5 rows, as read before the failure


def test_the_cause_reaches_slack(google, sheets_api, make_driver):
    config, clock, cache = google
    driver = make_driver(config, assistant=_assistant(config, cache))
    driver.command("春季促销")
    driver.responses(1)
    clock.now += 600
    sheets_api.fail_next(1, status=403, kind="values.batchGet")
    driver.command("春季促销")
    body = driver.responses(2)[1]
    dumped = json.dumps(body["blocks"], ensure_ascii=False)
    assert body["response_type"] == "in_channel" and "没有权限读取表格（Google 返回 403" in dumped
    assert "暂时读不到" not in dumped
