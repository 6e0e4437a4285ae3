"""The monthly summary and the daily alerts reach a 飞书 chat (FEISHU_REPORT_CHAT) exactly once, through the same
delivery records as Slack, via the notifier the clock gets from bootstrap (lark-oapi into the loopback fake)."""

from __future__ import annotations

import io
import json

import pytest

from roi_app.bootstrap import bootstrap
from roi_app.monthly import run_monthly
from roi_app.stores.records import AlertStore, DeliveryStore
from roi_runtime.config import AppConfig
from roi_runtime.feishu_notify import FeishuNotifier
from scheduler.alerts import run_daily_check
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.scheduler.test_alerts import at
from tests.scheduler.test_alerts import make_book as alert_book
from tests.scheduler.test_job import NOW, OCT
from tests.scheduler.test_job import make_book as month_book

pytestmark = pytest.mark.slow  # a loopback server, whole monthly runs


@pytest.fixture
def feishu():
    with FakeFeishuAPI() as fake:
        yield fake


def config(book, feishu, tmp_path) -> AppConfig:
    return AppConfig(source=str(book), database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}",
                     feishu_app_id=feishu.app_id, feishu_app_secret=feishu.app_secret, feishu_api_url=feishu.url,
                     feishu_report_chat="oc_reports")


def test_the_clock_gets_the_feishu_notifier_when_feishu_takes_the_reports(feishu, tmp_path):
    cfg = config(month_book(tmp_path / "t.xlsx"), feishu, tmp_path)
    assert isinstance(bootstrap(cfg, role="job").notifier(), FeishuNotifier)
    assert bootstrap(AppConfig(), role="job").notifier() is None  # neither Slack nor 飞书: text only, as before


def test_the_month_is_posted_once_then_updated_in_place(feishu, tmp_path):
    cfg = config(month_book(tmp_path / "team.xlsx"), feishu, tmp_path)
    notifier = bootstrap(cfg, role="job").notifier()
    first = run_monthly(cfg, month=OCT, now=NOW, notifier=notifier, out=io.StringIO())
    second = run_monthly(cfg, month=OCT, now=NOW, notifier=notifier, out=io.StringIO())
    assert (first.status, second.status) == ("posted", "updated")
    cards = [m for m in feishu.sent("oc_reports") if m["msg_type"] == "interactive"]
    assert len(cards) == 1 and cards[0]["patches"] == 1  # one message, edited by the re-run
    assert cards[0]["card"]["header"]["title"]["content"] == "🗓 月报 2026-10"
    # the 12-month trend follows as a picture in reply to the card (uploaded through im/v1/images)
    assert [(m["msg_type"], m["reply_to"]) for m in feishu.sent("oc_reports")][1:] == [("image", cards[0]["message_id"])]
    record = DeliveryStore(cfg.database).get("2026-10")
    assert (record.status, record.channel, record.message_ts) == ("posted", "oc_reports", cards[0]["message_id"])


def test_alerts_go_once_and_a_rerun_sends_nothing(feishu, tmp_path):
    cfg = config(alert_book(tmp_path / "team.xlsx"), feishu, tmp_path)
    notifier = bootstrap(cfg, role="job").notifier()
    first = run_daily_check(cfg, now=at(5), notifier=notifier, out=io.StringIO())
    again = run_daily_check(cfg, now=at(5, 3), notifier=notifier, out=io.StringIO())
    assert (first.status, first.sent, first.channel) == ("sent", ["冬促"], "oc_reports")
    assert (again.status, again.already) == ("nothing", [("冬促", "pacing")])
    (card,) = feishu.sent("oc_reports")
    text = json.dumps(card["card"], ensure_ascii=False)
    # day 5 of 10: 4 days spent ¥1,000 × 3 + ¥5,000 = ¥8,000 against ¥10,000 × 4/10 = ¥4,000 → +100%
    assert "花费超前 +100.0%" in text and "¥8,000" in text
    mutes = [el["behaviors"][0]["value"] for el in card["card"]["body"]["elements"]
             if el.get("tag") == "button" and "mute" in el["behaviors"][0].get("value", {})]
    assert len(mutes) == 2  # 今天不再提醒, 静音 7 天
    record = AlertStore(cfg.database).delivery("冬促", "pacing", "2026-11-05")
    assert (record["status"], record["channel"], record["message_ts"]) == ("sent", "oc_reports", card["message_id"])
