"""/api/v1/monthly is the scheduler's monthly job with its delivery record: posted exactly once per month,
whoever asks and however often, across gunicorn's two workers (the Procfile's layout), with Slack set up
(the loopback Slack fake)."""

from __future__ import annotations

import threading

import pytest

from roi_app.stores.records import DeliveryStore
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import FakeSlackAPI
from tests.web.conftest import start_web_server
from tests.web.test_api import ROI_618


@pytest.fixture(scope="module")
def slack_server(tmp_path_factory):
    with FakeSlackAPI() as slack:
        server = start_web_server(tmp_path_factory.mktemp("monthly"), workers=2, threads=8, env_extra={
            "SLACK_BOT_TOKEN": SLACK_TEST_TOKEN, "SLACK_SIGNING_SECRET": SLACK_TEST_SIGNING_SECRET,
            "SLACK_API_URL": slack.api_url, "REPORT_CHANNEL": "CREPORTS"})
        server.extra["slack"] = slack
        yield server
        log = server.stop()
    assert "Traceback" not in log, log
    assert not slack.errors


def test_monthly_is_posted_once_however_many_ask_at_once(slack_server):
    slack = slack_server.extra["slack"]
    results: list = [None] * 6
    gate = threading.Barrier(6)

    def ask(i: int) -> None:
        gate.wait()
        results[i] = slack_server.post("/api/v1/monthly", {"month": "2026-06"}, timeout=120)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    statuses = sorted((r[0], r[2].get("status")) for r in results)
    assert (200, "sent") in statuses and statuses.count((200, "sent")) == 1, statuses
    # the others found it sent, or found the run in progress (409: one line saying so)
    assert all(s in ((200, "already_sent"), (409, None)) for s in statuses if s != (200, "sent")), statuses
    assert all(r[2]["error"] == "2026-06 的月报正在生成中" for r in results if r[0] == 409)
    posts = slack.calls("chat.postMessage")
    assert len(posts) == 1 and posts[0]["args"]["channel"] == "CREPORTS"
    # again, later: already sent, nothing posted; the delivery record is the scheduler's own
    status, _, body = slack_server.post("/api/v1/monthly", {"month": "2026-06"})
    assert (status, body) == (200, {"ok": True, "status": "already_sent", "month": "2026-06"})
    assert len(slack.calls("chat.postMessage")) == 1
    record = DeliveryStore(slack_server.env["DATABASE_URL"]).get("2026-06")
    assert record.status == "posted" and record.channel == "CREPORTS"


def test_with_slack_set_up_the_api_answers_beside_it(slack_server):
    status, _, body = slack_server.post("/api/v1/ask", {"q": "618活动"})
    assert status == 200 and body["answer"]["roi"] == pytest.approx(ROI_618)
    status, _, body = slack_server.post("/slack/events", "{}", token=None)
    assert status == 401  # Slack's own endpoint is served, and still checks signatures
