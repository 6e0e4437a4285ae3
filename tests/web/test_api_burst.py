"""A burst on the API makes one sheet read; the rate limit answers 429 with Retry-After.

The server reads a Google Sheet served by the loopback Sheets fake (the demo's own tabs), so every read
the app makes is a request in the fake's log: ``values.batchGet`` is one whole-sheet read. gunicorn runs
one worker with 32 threads: the read cache is per process (with N workers a burst costs up to N reads).
"""

from __future__ import annotations

import json
import threading

import pytest

from roi_runtime.config import DEMO_WORKBOOK
from sheets.xlsx import XlsxSource
from tests.fakes.sheets_api import FakeSheetsAPI
from tests.web.conftest import start_web_server
from tests.web.test_api import ROI_618

KEY = "1RoiApiBurstSheetAbcdefghijklmnopqrstuvwxyz"
RATE = 60  # requests per 60 s per token or session, this module's server


@pytest.fixture(scope="module")
def google_server(tmp_path_factory):
    with FakeSheetsAPI() as fake:
        fake.add_spreadsheet(KEY, "ROI 表", XlsxSource(DEMO_WORKBOOK).read_tabs())
        server = start_web_server(tmp_path_factory.mktemp("burst"), source=KEY, threads=32, env_extra={
            "GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(fake.service_account_info()),
            "GOOGLE_SHEETS_API_URL": fake.url, "SHEET_CACHE_TTL": "300", "ROI_API_RATE": f"{RATE}/60"})
        server.extra["fake"] = fake
        yield server
        log = server.stop()
    assert "Traceback" not in log, log
    assert not fake.errors and not fake.unexpected_contract_violations()


def test_fifty_concurrent_snapshot_and_metric_requests_make_one_sheet_read(google_server):
    fake = google_server.extra["fake"]
    assert fake.calls("values.batchGet") == []  # nothing read before the burst
    results: list = [None] * 50
    start = threading.Barrier(50)

    def hit(i: int) -> None:
        start.wait()
        path = "/api/v1/snapshot" if i % 2 else "/api/v1/metric?name=roi&campaign=618"
        results[i] = google_server.get(path)

    threads = [threading.Thread(target=hit, args=(i,)) for i in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert all(r is not None and r[0] == 200 for r in results), [r[:1] + (str(r[2])[:200],) for r in results if r]
    assert len(fake.calls("values.batchGet")) == 1  # one read of the whole sheet for the fifty
    metrics = [r[2] for i, r in enumerate(results) if i % 2 == 0]
    snapshots = [r[2] for i, r in enumerate(results) if i % 2]
    assert all(m["value"] == pytest.approx(ROI_618) for m in metrics)
    assert len({s["version"] for s in snapshots}) == 1
    assert all(s["campaigns"]["618活动"]["roi"] == pytest.approx(ROI_618) for s in snapshots)


def test_the_rate_limit_answers_429_with_retry_after(google_server):
    # the session counts against the sheet's token (one bucket per token, its sessions included): opening it
    # was one request, so RATE more from the session reach the limit whatever the other test spent
    session = google_server.session()
    headers = {"X-ROI-Session": session}
    statuses = [google_server.get("/api/v1/metric?name=cost&campaign=618", token=None, headers=headers)[0]
                for _ in range(RATE)]
    served = statuses.count(200)
    assert 1 <= served < RATE and statuses == [200] * served + [429] * (RATE - served), statuses
    assert google_server.get("/api/v1/metric?name=cost&campaign=618")[0] == 429  # the token itself: same bucket
    status, got, body = google_server.get("/api/v1/metric?name=cost&campaign=618", token=None, headers=headers)
    assert status == 429 and body["ok"] is False and "value" not in body
    assert body["error"] == f"请求太频繁：每 60 秒最多 {RATE} 次，请 {got['Retry-After']} 秒后再试"
    assert 1 <= int(got["Retry-After"]) <= 60
