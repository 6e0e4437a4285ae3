"""企业微信 and 钉钉 group robots, push only: the monthly summary and the alerts as markdown, exactly once through
the same delivery records, within the robots' documented limits, signed for 钉钉."""

from __future__ import annotations

import io

import pytest

from render.chat_markdown import inert, markdown_of_view
from roi_app.bootstrap import bootstrap
from roi_app.monthly import run_monthly
from roi_app.stores.records import DeliveryStore
from roi_runtime.config import AppConfig
from roi_runtime.webhook_notify import MARKDOWN_BYTES, WebhookError, WebhookNotifier
from scheduler.alerts import run_daily_check
from tests.fakes.chat_webhooks import FakeChatRobots
from tests.scheduler.test_alerts import at
from tests.scheduler.test_alerts import make_book as alert_book
from tests.scheduler.test_job import NOW, OCT
from tests.scheduler.test_job import make_book as month_book

pytestmark = pytest.mark.slow  # a loopback server, whole monthly runs


@pytest.fixture
def robots():
    with FakeChatRobots() as fake:
        yield fake


def cfg(book, tmp_path, **robot) -> AppConfig:
    return AppConfig(source=str(book), database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}", **robot)


@pytest.mark.parametrize("robot", ["wecom", "dingtalk"])
def test_the_month_goes_once_as_markdown(robots, tmp_path, robot):
    settings = ({"wecom_webhook_url": robots.wecom_url} if robot == "wecom" else
                {"dingtalk_webhook_url": robots.dingtalk_url, "dingtalk_secret": robots.dingtalk_secret})
    config = cfg(month_book(tmp_path / "team.xlsx"), tmp_path, **settings)
    notifier = bootstrap(config, role="job").notifier()
    assert isinstance(notifier, WebhookNotifier) and notifier.kind == robot
    first = run_monthly(config, month=OCT, now=NOW, notifier=notifier, out=io.StringIO())
    second = run_monthly(config, month=OCT, now=NOW, notifier=notifier, out=io.StringIO())
    assert (first.status, second.status) == ("posted", "updated")  # a robot cannot edit: nothing sent again
    (message,) = robots.received
    text = message["body"]["markdown"]["content" if robot == "wecom" else "text"]
    assert text.startswith("### 🗓 月报 2026-10") and len(text.encode()) <= MARKDOWN_BYTES
    record = DeliveryStore(config.database).get("2026-10")
    assert (record.status, record.channel) == ("posted", robot)


def test_alerts_go_once_to_the_robot(robots, tmp_path):
    config = cfg(alert_book(tmp_path / "team.xlsx"), tmp_path, wecom_webhook_url=robots.wecom_url)
    notifier = bootstrap(config, role="job").notifier()
    first = run_daily_check(config, now=at(5), notifier=notifier, out=io.StringIO())
    again = run_daily_check(config, now=at(5, 3), notifier=notifier, out=io.StringIO())
    assert (first.sent, again.status) == (["冬促"], "nothing")
    (message,) = robots.received
    # day 5: ¥1,000 × 3 + ¥5,000 = ¥8,000 spent against ¥10,000 × 4/10 = ¥4,000 → +100%
    assert "花费超前 +100.0%" in message["body"]["markdown"]["content"]


def test_a_wrong_signature_and_an_oversize_message_are_refused(robots):
    unsigned = WebhookNotifier("dingtalk", robots.dingtalk_url, "SECwrong", clock=lambda: 1_764_468_000.0)
    with pytest.raises(WebhookError, match="sign not match"):
        unsigned.post("dingtalk", "### hi")
    raw = WebhookNotifier("wecom", robots.wecom_url)
    raw.post("wecom", "数" * 2000)  # 6,000 bytes: the notifier cuts it to 4,096 at a line first
    assert len(robots.received[0]["body"]["markdown"]["content"].encode()) <= MARKDOWN_BYTES
    import requests  # the robot itself refuses more: 1,366 × 3 = 4,098 bytes > 4,096

    answer = requests.post(robots.wecom_url, json={"msgtype": "markdown", "markdown": {"content": "数" * 1366}})
    assert answer.json()["errcode"] == 40058


def test_twenty_a_minute_then_the_robot_refuses(robots):
    notifier = WebhookNotifier("wecom", robots.wecom_url)
    for i in range(20):
        notifier.post("wecom", f"### {i}")
    with pytest.raises(WebhookError, match="20 messages a minute"):
        notifier.post("wecom", "### 21")


def test_sheet_strings_are_inert_in_robot_markdown():
    from roi_core.views.model import Figure, View

    view = View(kind="campaign", lang="zh", title="<@all> **活动**", figures=[Figure("渠道", "[点我](http://x) `x`")])
    text = markdown_of_view(view, MARKDOWN_BYTES)
    assert "<@all>" not in text and "[点我](http://x)" not in text
    assert text.startswith("### ＜@all＞ ＊＊活动＊＊") and inert("#1") == "＃1"
