"""Faults of the Google adapter, with the real gspread, google-auth and urllib3 against the loopback Sheets API.

Pauses between retries go through an injected clock (``FakeClock``): its ``sleep`` advances the clock
instead of waiting, so a 30 s Retry-After costs nothing, while socket timeouts stay real and short.
"""

from __future__ import annotations

import json
import time

import pytest

from roi_core.monthly import MONTHLY_SUMMARY_HEADERS
from roi_core.schema import DATA_CHECK_HEADERS, DATA_CHECK_TAB, MONTHLY_SUMMARY_TAB
from roi_runtime.config import AppConfig
from sheets.errors import CredentialsRejected, NotConfigured, PermissionDenied, SourceUnavailable, WriteDenied
from sheets.google import CHART_TITLE, RETRY_AFTER_CAP, GoogleSource, forget_metadata
from tests.fakes._server import Response
from tests.fakes.sheets_api import ApiError, FakeSheetsAPI

KEY = "1FaultFaultFaultFaultFaultFault0123"
CAMPAIGNS = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
             ["春季促销", "抖音", 46100, 46110, 1000, 3000]]
OLD_CHECK = [list(DATA_CHECK_HEADERS), ["活动", 3, "销售额", "很多", "不是金额", "2026-10-01 09:00"],
             ["活动", 4, "广告费用", "-", "不是金额", "2026-10-01 09:00"]]


class GoogleLikeFake(FakeSheetsAPI):
    """Two behaviours of the real API the shared fake does not model (yet): an addChart with a chartId that
    already exists is refused ("It is an error to specify the ID of an embedded object that already
    exists", AddChartRequest reference), and a token endpoint can answer 200 with an HTML page."""

    garbled_tokens = 0

    def _one_request(self, book, name, arg):
        chart_id = (arg.get("chart") or {}).get("chartId") if name == "addChart" else None
        if chart_id is not None and any(c.get("chartId") == chart_id for t in book.tabs for c in t.charts):
            raise ApiError(400, f"An object with id {chart_id} already exists.")
        return super()._one_request(book, name, arg)

    def _token(self, request, call):
        if self.garbled_tokens:
            self.garbled_tokens -= 1
            return Response.text("<html><body>Service temporarily unavailable</body></html>", 200)
        return super()._token(request, call)


class FakeClock:
    """A monotonic clock whose sleep() moves it forward instead of waiting."""

    def __init__(self):
        self.offset = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return time.monotonic() + self.offset

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.offset += seconds


pytestmark = pytest.mark.usefixtures("fresh_google_metadata")


@pytest.fixture
def api():
    with GoogleLikeFake() as fake:
        fake.add_spreadsheet(KEY, "故障演练", {"活动": CAMPAIGNS, "设置": [["参数", "值"]]})
        yield fake
    assert not fake.errors


@pytest.fixture
def config(api):
    return AppConfig(source=KEY, google_service_account_json=json.dumps(api.service_account_info()),
                     google_sheets_api_url=api.url)


@pytest.fixture
def clock():
    return FakeClock()


def source(config, clock, **kw) -> GoogleSource:
    return GoogleSource(KEY, config, sleep=clock.sleep, clock=clock, **kw)


def settled(api, kind: str, timeout: float = 5.0) -> list[dict]:
    """The calls of ``kind``, once every one of them has been answered (a delayed one lands late)."""
    end = time.monotonic() + timeout
    while any(c["status"] is None for c in api.calls(kind)) and time.monotonic() < end:
        time.sleep(0.02)
    return api.calls(kind)


# ------------------------------------------------------------------ Retry-After and deadlines
def test_retry_after_3600_is_waited_only_up_to_the_cap(api, config, clock):
    src = source(config, clock, deadline=120.0)  # the monthly job's deadline
    src.metadata()
    api.fail_next(1, status=429, retry_after=3600, kind="values.batchGet")
    data = src.read()
    assert len(data.campaigns) == 1
    assert clock.sleeps == [RETRY_AFTER_CAP] == [30]
    assert len(api.calls("values.batchGet")) == 2


def test_retry_after_longer_than_the_deadline_fails_at_once_and_says_so(api, config, clock):
    src = source(config, clock)  # interactive: 20 s, less than the 30 s pause
    src.metadata()
    api.fail_next(1, status=429, retry_after=3600, kind="values.batchGet")
    with pytest.raises(SourceUnavailable, match="HTTP 429，Google 要求 3600 秒后再试") as caught:
        src.read()
    assert caught.value.retryable
    assert clock.sleeps == [] and len(api.calls("values.batchGet")) == 1


def test_503_every_time_stops_inside_the_deadline(api, config, clock):
    src = source(config, clock, deadline=20.0)
    src.metadata()
    api.fail_next(100, status=503, kind="values.batchGet")
    with pytest.raises(SourceUnavailable, match=r"暂时不可用（HTTP 503，已重试 \d 次）"):
        src.read()
    calls = len(api.calls("values.batchGet"))
    # backoff with jitter: pauses grow (0-0.5, 1-1.5, 2-2.5, 4-4.5, 8-8.5 s) and all fit in 20 s
    assert 4 <= calls <= 6 and len(clock.sleeps) == calls - 1
    assert sum(clock.sleeps) <= 20.0 - 0.5
    assert all(b >= a for a, b in zip(clock.sleeps[1:], clock.sleeps[2:], strict=False))


def test_a_read_that_timed_out_once_is_retried(api, config, clock):
    src = source(config, clock, timeout=(5.0, 0.3))
    src.metadata()
    api.delay_next(1, seconds=1.0, kind="values.batchGet")
    data = src.read()
    assert len(data.campaigns) == 1 and len(api.calls("values.batchGet")) == 2


def test_the_token_fetch_has_the_deadline_too(api, config):
    api.delay_next(5, seconds=3.0, kind="token")
    src = GoogleSource(KEY, config, deadline=1.0)
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="访问令牌（Google 迟迟没有答复）") as caught:
        src.read()
    assert time.monotonic() - started < 1.6 and caught.value.retryable


# ------------------------------------------------------------------ structural writes are reconciled
def _summary_row(month: str, cost: float) -> list:
    return [month, "按销售额", cost, 3000.0, "", 3000.0, 2000.0, 200.0, 3.0] + [""] * (len(MONTHLY_SUMMARY_HEADERS) - 9)


def test_add_chart_timed_out_once_gives_exactly_one_chart(api, config, clock):
    api.add_tab(KEY, MONTHLY_SUMMARY_TAB, [list(MONTHLY_SUMMARY_HEADERS)])
    src = source(config, clock, timeout=(5.0, 0.3))
    src.metadata()
    api.delay_next(1, seconds=0.8, kind="spreadsheets.batchUpdate")  # Google applies it, late
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [_summary_row("2026-10", 1000.0)], ["月份"])
    updates = settled(api, "spreadsheets.batchUpdate")
    # the re-read found the chart missing and sent it again with the same chartId; the late first
    # attempt was then refused by the API: one chart, not two
    assert len(updates) == 2 and sorted(c["status"] for c in updates) == [200, 400]
    assert updates[0]["body"] == updates[1]["body"]
    charts = api.charts(KEY, MONTHLY_SUMMARY_TAB)
    assert [c["spec"]["title"] for c in charts] == [CHART_TITLE]
    assert api.grid(KEY, MONTHLY_SUMMARY_TAB)[1][:3] == ["2026-10", "按销售额", 1000.0]


def test_a_timed_out_structure_change_that_landed_is_not_sent_again(api, config, clock):
    src = source(config, clock, timeout=(5.0, 0.5))
    src.metadata()
    api.delay_next(1, seconds=0.7, kind="spreadsheets.batchUpdate")  # addSheet + addChart, applied at 0.7 s
    api.delay_next(1, seconds=0.4, kind="spreadsheets.get")  # the re-read, answered at ~0.9 s
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [_summary_row("2026-10", 1000.0)], ["月份"])
    assert len(settled(api, "spreadsheets.batchUpdate")) == 1  # the tab and chart were there: nothing re-sent
    assert api.tab_titles(KEY).count(MONTHLY_SUMMARY_TAB) == 1
    assert len(api.charts(KEY, MONTHLY_SUMMARY_TAB)) == 1
    assert api.grid(KEY, MONTHLY_SUMMARY_TAB)[1][0] == "2026-10"


def test_a_grid_grown_by_a_timed_out_append_is_not_grown_again(api, config, clock):
    api.add_tab(KEY, DATA_CHECK_TAB, OLD_CHECK, rows=10, cols=6)
    src = source(config, clock, timeout=(5.0, 0.5))
    src.metadata()
    api.delay_next(1, seconds=0.7, kind="spreadsheets.batchUpdate")
    api.delay_next(1, seconds=0.4, kind="spreadsheets.get")
    rows = [["活动", r, "销售额", "x", "不是金额", "2026-11-01 09:00"] for r in range(2, 32)]  # 30 rows + header
    src.replace_rows(DATA_CHECK_TAB, list(DATA_CHECK_HEADERS), rows)
    assert len(settled(api, "spreadsheets.batchUpdate")) == 1
    # grown once: 10 + (31 - 10 + 100) = 131 rows, not 252
    assert api.sheet_properties(KEY, DATA_CHECK_TAB)["gridProperties"]["rowCount"] == 131
    assert len(api.grid(KEY, DATA_CHECK_TAB)) == 31


def test_a_503_on_add_sheet_is_followed_by_a_reread_and_one_add(api, config, clock):
    src = source(config, clock)
    src.metadata()
    api.reset_calls()
    api.fail_next(1, status=503, kind="spreadsheets.batchUpdate")  # not applied
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [_summary_row("2026-10", 1000.0)], ["月份"])
    kinds = [c["kind"] for c in api.calls() if c["kind"] != "token"]
    assert kinds == ["spreadsheets.batchUpdate", "spreadsheets.get", "spreadsheets.batchUpdate", "values.batchUpdate"]
    assert api.tab_titles(KEY).count(MONTHLY_SUMMARY_TAB) == 1 and len(api.charts(KEY)) == 1
    assert clock.sleeps == []  # a 5xx on a structural change is not retried by the transport


def test_duplicate_charts_left_by_an_older_version_are_removed(api, config, clock):
    src = source(config, clock)
    src.upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS), [_summary_row("2026-10", 1000.0)], ["月份"])
    sheet_id = api.sheet_properties(KEY, MONTHLY_SUMMARY_TAB)["sheetId"]
    chart = api.charts(KEY, MONTHLY_SUMMARY_TAB)[0]
    del chart["chartId"]
    with api._lock:  # the old adapter's second chart (no id of ours)
        api._books[KEY].tab_by_id(sheet_id).charts.append({**chart, "chartId": 5})
    forget_metadata()
    source(config, clock).upsert_rows(MONTHLY_SUMMARY_TAB, list(MONTHLY_SUMMARY_HEADERS),
                                      [_summary_row("2026-11", 1200.0)], ["月份"])
    assert len(api.charts(KEY, MONTHLY_SUMMARY_TAB)) == 1


# ------------------------------------------------------------------ a refused write destroys nothing
def test_403_on_a_write_leaves_data_check_as_it_was_and_says_write(api, config, clock):
    api.add_tab(KEY, DATA_CHECK_TAB, OLD_CHECK)
    src = source(config, clock)
    src.read()
    before = api.grid(KEY, DATA_CHECK_TAB)
    api.reset_calls()
    api.fail_next(1, status=403, kind="values.update")
    with pytest.raises(WriteDenied, match="没有权限写入") as caught:
        src.replace_rows(DATA_CHECK_TAB, list(DATA_CHECK_HEADERS), [])
    assert "编辑者" in str(caught.value) and "roi-bot@fake-project.iam.gserviceaccount.com" in str(caught.value)
    assert "读取" not in str(caught.value) and not caught.value.retryable
    assert api.grid(KEY, DATA_CHECK_TAB) == before
    assert not api.calls("values.clear") and not api.calls("values.batchClear")


def test_403_on_growing_the_tab_leaves_it_as_it_was(api, config, clock):
    api.add_tab(KEY, DATA_CHECK_TAB, OLD_CHECK, rows=3, cols=6)
    src = source(config, clock)
    before = api.grid(KEY, DATA_CHECK_TAB)
    api.fail_next(1, status=403, kind="spreadsheets.batchUpdate")
    with pytest.raises(WriteDenied, match="写入"):
        src.replace_rows(DATA_CHECK_TAB, list(DATA_CHECK_HEADERS), [["活动", r, "x", "y", "z", "t"] for r in range(9)])
    assert api.grid(KEY, DATA_CHECK_TAB) == before


def test_a_shorter_rewrite_clears_only_the_leftover_rows(api, config, clock):
    api.add_tab(KEY, DATA_CHECK_TAB, OLD_CHECK + [["", "", "", "", "", "", "旁边的备注"]])
    src = source(config, clock)
    src.metadata()
    api.reset_calls()
    src.replace_rows(DATA_CHECK_TAB, list(DATA_CHECK_HEADERS), [["活动", 9, "销售额", "?", "不是金额", "2026-11-01 09:00"]])
    # the old problem rows are cleared; the note a person typed beside them (column G) is theirs and stays
    assert api.grid(KEY, DATA_CHECK_TAB) == [list(DATA_CHECK_HEADERS), ["活动", 9, "销售额", "?", "不是金额", "2026-11-01 09:00"],
                                             [], ["", "", "", "", "", "", "旁边的备注"]]
    kinds = [c["kind"] for c in api.calls() if c["kind"] != "token"]
    assert kinds == ["values.get", "spreadsheets.get", "values.update"]  # one write, nothing cleared before it


def test_403_on_a_read_says_read_and_share(api, config, clock):
    api.fail_next(1, status=403, kind="spreadsheets.get")
    with pytest.raises(PermissionDenied, match="(?s)没有权限读取.*共享.*roi-bot@") as caught:
        source(config, clock).read()
    assert not caught.value.retryable


# ------------------------------------------------------------------ settings and the token service
def test_token_endpoint_500_is_a_plain_retryable_error(api, config, clock):
    api.fail_next(10, status=500, kind="token")
    started = time.monotonic()
    with pytest.raises(SourceUnavailable, match="拿不到 Google 的访问令牌（登录服务答复 HTTP 500）") as caught:
        source(config, clock).read()
    assert caught.value.retryable and time.monotonic() - started < 2
    assert 2 <= len(api.calls("token")) <= 9 and not api.calls("values.batchGet")


def test_token_endpoint_answering_html_is_a_plain_error(api, config, clock):
    api.garbled_tokens = 1
    with pytest.raises(SourceUnavailable, match="JSON"):
        source(config, clock).read()


def test_a_refused_key_names_the_setting(api, config, clock):
    api.fail_next(1, status=400, kind="token", message="invalid_grant: Invalid JWT Signature.")
    with pytest.raises(CredentialsRejected, match="GOOGLE_SERVICE_ACCOUNT_JSON") as caught:
        source(config, clock).read()
    assert not caught.value.retryable


@pytest.mark.parametrize("mangle, message", [
    (lambda info: json.dumps({**info, "private_key": "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n"}),
     "私钥（private_key）读不出来"),
    (lambda info: json.dumps(info)[:-40], "不是有效的 JSON"),
    (lambda info: json.dumps({k: v for k, v in info.items() if k != "token_uri"}), "缺少 token_uri"),
    (lambda info: json.dumps({**info, "type": "authorized_user"}), "不是服务账号密钥"),
    (lambda info: "/no/such/key.json", "既不是 JSON，也不是存在的密钥文件路径"),
])
def test_a_bad_service_account_json_names_the_setting_and_the_fix(api, mangle, message):
    info = api.service_account_info()
    config = AppConfig(source=KEY, google_service_account_json=mangle(info), google_sheets_api_url=api.url)
    with pytest.raises(NotConfigured, match=message) as caught:
        GoogleSource(KEY, config)
    assert "GOOGLE_SERVICE_ACCOUNT_JSON" in str(caught.value) or "private_key" in str(caught.value)
    assert "bm90IGEga2V5" not in str(caught.value)  # key material is never echoed


@pytest.mark.parametrize("url", ["127.0.0.1:8080", "http://", "http://127.0.0.1:port", "ftp://example.com",
                                 "https://example.com/?x=1"])
def test_a_malformed_api_url_names_the_setting(api, url):
    config = AppConfig(source=KEY, google_service_account_json=json.dumps(api.service_account_info()),
                       google_sheets_api_url=url)
    with pytest.raises(NotConfigured, match="GOOGLE_SHEETS_API_URL"):
        GoogleSource(KEY, config)
