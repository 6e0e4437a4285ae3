"""The read cache in front of a slow or failing Google (the loopback Sheets API, real gspread)."""

from __future__ import annotations

import json
import logging
import threading
import time

import pytest

from roi_runtime.config import AppConfig
from sheets import SheetCache
from sheets.errors import PermissionDenied, SourceUnavailable
from sheets.google import GoogleSource

KEY = "1CacheCacheCacheCacheCacheCache0123"
CAMPAIGNS = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
             ["春季促销", "抖音", 46100, 46110, 1000, 3000]]


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def sheet(sheets_api):
    sheets_api.add_spreadsheet(KEY, "缓存演练", {"活动": CAMPAIGNS, "设置": [["参数", "值"]]})
    return sheets_api


@pytest.fixture
def load(sheet):
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(sheet.service_account_info()),
                       google_sheets_api_url=sheet.url)
    return lambda: GoogleSource(KEY, config, sleep=lambda s: None).read()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_slow_google_gets_every_asker_the_stale_copy_within_the_answer_deadline(sheet, load):
    cache = SheetCache(wait=0.5)
    first = cache.get("k", load, ttl=60)
    sheet.delay_next(1, seconds=1.5, kind="values.batchGet")
    answers, took = [], []

    def ask():
        started = time.monotonic()
        answers.append(cache.get("k", load, ttl=0))
        took.append(time.monotonic() - started)

    askers = [threading.Thread(target=ask) for _ in range(4)]
    for t in askers:
        t.start()
    for t in askers:
        t.join()
    assert len(answers) == 4 and all(a.stale_seconds is not None and len(a.campaigns) == 1 for a in answers)
    assert max(took) < 0.9  # the 0.5 s answer deadline, not Google's 1.5 s
    assert len(sheet.calls("values.batchGet")) == 2  # the first read and ONE refresh for all four
    # the refresh finishes in the background and the next asker gets its result, fresh
    deadline = time.monotonic() + 3
    fresh = cache.get("k", load, ttl=60)
    while fresh.fetched_at == first.fetched_at and time.monotonic() < deadline:
        time.sleep(0.05)
        fresh = cache.get("k", load, ttl=60)
    assert fresh.fetched_at != first.fetched_at and fresh.stale_seconds is None
    assert len(sheet.calls("values.batchGet")) == 2


def test_a_lost_share_is_said_then_becomes_an_error(sheet, load, caplog):
    clock = Clock()
    cache = SheetCache(clock, wait=5.0, max_stale_denied=900)
    cache.get("k", load, ttl=60)
    clock.now += 120
    sheet.fail_next(1, status=403, kind="values.batchGet")
    with caplog.at_level(logging.WARNING, logger="sheets.cache"):
        stale = cache.get("k", load, ttl=60)
    assert stale.stale_seconds == 120.0
    assert "没有权限读取" in caplog.text  # the cause is named, not swallowed
    if hasattr(stale, "stale_reason"):
        assert "没有权限读取" in stale.stale_reason
    clock.now += 900  # the copy is now 1020 s old, past the 900 s allowed while access is denied
    sheet.fail_next(1, status=403, kind="values.batchGet")
    with pytest.raises(PermissionDenied, match="没有权限读取"):
        cache.get("k", load, ttl=60)


def test_google_down_serves_the_copy_up_to_max_stale_then_fails(sheet, load):
    clock = Clock()
    cache = SheetCache(clock, wait=5.0, max_stale=3600)
    cache.get("k", load, ttl=60)
    clock.now += 1800
    sheet.fail_next(100, status=503, kind="values.batchGet")
    assert cache.get("k", load, ttl=60).stale_seconds == 1800.0
    clock.now += 1801
    with pytest.raises(SourceUnavailable, match="HTTP 503"):
        cache.get("k", load, ttl=60)


def test_without_a_copy_the_error_is_raised_and_a_bug_is_never_hidden(sheet, load):
    cache = SheetCache(wait=0.1)
    sheet.fail_next(100, status=503, kind="values.batchGet")
    with pytest.raises(SourceUnavailable):
        cache.get("k", load, ttl=60)
    sheet.clear_faults()
    cache.get("k", load, ttl=60)

    def broken():
        raise KeyError("a bug, not an outage")

    with pytest.raises(KeyError):
        cache.get("k", broken, ttl=0)
