"""One mute, whichever door it was clicked in: an alert's 静音 7 天 clicked in 飞书 silences the next days' alerts
when the alerts go to Slack, and the one clicked in Slack silences it when they go to 飞书. Both doors write the
same record (``AlertStore.mute`` in DATABASE_URL's alert_mutes table) that every daily check reads.

A deployment sends its alerts to one place (飞书 when FEISHU_REPORT_CHAT is set, else Slack); the case here is a
team that switches, or runs both doors on one database: a mute set in one place holds in the other.

The workbook is tests/scheduler/test_alerts.make_book's: 冬促 on 抖音, ¥1,000 a day on plan, ¥5,000 a day from
11-04, so on 11-05 it is +100% ahead (4 days: 3 × 1,000 + 5,000 = 8,000 against 10,000 × 4/10 = 4,000) and on every
day after until the plan ends on 11-10."""

from __future__ import annotations

import datetime as dt
import io
import json
from urllib.parse import urlencode

import pytest

from feishu.app import event_handler
from feishu.door import FeishuDoor
from roi_app.answers import Assistant
from roi_app.bootstrap import bootstrap
from roi_app.stores.claims import ClaimStore
from roi_app.stores.records import AlertStore
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import FeishuNotifier, feishu_client
from scheduler.alerts import run_daily_check
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import slack_signed_headers
from tests.feishu.test_door import action_event, over_long_connection
from tests.scheduler.test_alerts import at, make_book

pytestmark = pytest.mark.slow  # two loopback services and daily checks on a workbook


@pytest.fixture
def feishu():
    with FakeFeishuAPI() as fake:
        yield fake


@pytest.fixture
def configs(tmp_path, feishu, slack_api):
    """(飞书's, Slack's) settings over one workbook and one database."""
    book, db = make_book(tmp_path / "team.xlsx"), f"sqlite:///{tmp_path / 'one.sqlite'}"
    to_feishu = AppConfig(source=str(book), database_url=db, feishu_app_id=feishu.app_id,
                          feishu_app_secret=feishu.app_secret, feishu_api_url=feishu.url,
                          feishu_report_chat="oc_reports")
    to_slack = AppConfig(source=str(book), database_url=db, slack_bot_token=SLACK_TEST_TOKEN,
                         slack_signing_secret=SLACK_TEST_SIGNING_SECRET, slack_api_url=slack_api.api_url,
                         chart_png="off")
    return to_feishu, to_slack


def check(cfg, now):
    notifier = bootstrap(cfg, role="job").notifier()
    return run_daily_check(cfg, now=now, notifier=notifier, out=io.StringIO())


def slack_posts(slack_api) -> list[dict]:
    return [c for c in slack_api.calls("chat.postMessage") if c["status"] == 200 and c["response"].get("ok")]


def test_a_mute_clicked_in_feishu_silences_the_alert_in_slack(configs, feishu, slack_api):
    to_feishu, to_slack = configs
    assert check(to_feishu, at(5)).sent == ["冬促"]
    (card,) = feishu.sent("oc_reports")
    week = next(el["behaviors"][0]["value"] for el in card["card"]["body"]["elements"]
                if el.get("tag") == "button" and "静音 7 天" in el["text"]["content"])
    door = FeishuDoor(Assistant(to_feishu), FeishuNotifier(feishu_client(to_feishu)), ClaimStore(to_feishu.database),
                      now=lambda: at(5))
    toast = over_long_connection(event_handler(door, to_feishu),
                                 action_event("ev-mute", card["message_id"], "oc_reports", week))
    assert "2026-11-11" in toast.toast.content  # 7 days from 11-05, that day counted: 11-05 … 11-11
    for day in (6, 10):  # the team moved its alerts to Slack: still ahead on each day of the plan, and muted
        run = check(to_slack, at(day))
        assert (run.sent, run.muted) == ([], [("冬促", "pacing")]), day
    assert slack_posts(slack_api) == []
    # one record, read by both: muted through 11-11, not on 11-12
    store = AlertStore(to_slack.database)
    assert ("冬促", "pacing") in store.muted(dt.date(2026, 11, 11))
    assert ("冬促", "pacing") not in store.muted(dt.date(2026, 11, 12))


def test_a_mute_clicked_in_slack_silences_the_alert_in_feishu(configs, feishu, slack_api):
    from roi_server import create_app

    to_feishu, to_slack = configs
    assert check(to_slack, at(5)).sent == ["冬促"]
    (post,) = slack_posts(slack_api)
    week = next(e for b in post["args"]["blocks"] if b["type"] == "actions" for e in b["elements"]
                if e["action_id"] == "roi:alert_mute:7")
    payload = {"type": "block_actions", "user": {"id": "U1", "team_id": "T1"}, "api_app_id": "A1",
               "team": {"id": "T1", "domain": "fake"}, "channel": {"id": "CALERT", "name": "alerts"},
               "container": {"type": "message", "message_ts": post["response"]["ts"], "channel_id": "CALERT"},
               "message": {"type": "message", "ts": post["response"]["ts"], "blocks": post["args"]["blocks"]},
               "trigger_id": "trig-mute-1", "response_url": slack_api.response_url("actions/T1/1/mute"),
               "actions": [{"type": "button", "block_id": "b", "action_ts": "1764900000.000100",
                            "action_id": week["action_id"], "value": week["value"]}]}
    body = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
    app = create_app(to_slack)
    resp = app.test_client().post("/slack/events", data=body.encode(),
                                  headers=slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body))
    assert resp.status_code == 200
    (said,) = [c["args"] for c in slack_api.wait_for("response_url", 1, 10.0)]
    assert "冬促" in json.dumps(said, ensure_ascii=False)
    # the Slack listener reads the real clock for "today" (it takes no now): the mute runs at least through
    # 11-05 + 6 = 11-11, later when the real day is later, so only 11-06 is asserted, not the week's end
    run = check(to_feishu, at(6))
    assert (run.sent, run.muted) == ([], [("冬促", "pacing")])
    assert feishu.sent("oc_reports") == []
