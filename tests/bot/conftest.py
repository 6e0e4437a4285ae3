"""Fixtures for the Slack app tests: a small hand-made workbook, the fake Slack API, signed requests."""

from __future__ import annotations

import datetime as dt
import json
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from openpyxl import Workbook

from roi_runtime.config import AppConfig
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import event_body, slack_signed_headers, slash_command_body

HEADERS = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "促销费用", "人员费用", "其他费用", "销售额",
           "新客户数", "曝光量", "点击量", "转化数"]

# Worked by hand (no 毛利 anywhere, so every ROI is on 销售额; 目标ROI 100%):
#   春季促销 / 抖音   cost 40,000+5,000+3,000+2,000 = 50,000   revenue 150,000   ROI 200.0%
#   春季促销 / 微信   cost 20,000                               revenue  30,000   ROI  50.0%
#   春季促销          cost 70,000  revenue 180,000  ROI 110,000/70,000 = 157.1%  ROAS 1:2.6
#   <!channel> / 小红书  cost 10,000  revenue 8,000   ROI -20.0%
#   *粗体*活动 / 微信    cost  5,000  revenue 20,000  ROI 300.0%
#   夏季大促 / 抖音     (June) cost 10,000  revenue 25,000  ROI 150.0%
# March by channel: 抖音 50,000 → 150,000 (200.0%), 微信 25,000 → 50,000 (100.0%), 小红书 10,000 → 8,000 (-20.0%)
# March total: cost 85,000, revenue 208,000, ROI 123,000/85,000 = 144.7%
CAMPAIGNS = [
    ["春季促销", "抖音", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 40000, 5000, 3000, 2000, 150000, 500, 1000000,
     20000, 1000],
    ["春季促销", "微信", dt.date(2026, 3, 1), dt.date(2026, 3, 31), 20000, 0, 0, 0, 30000, 100, 200000, 4000, 200],
    ["<!channel>", "小红书", dt.date(2026, 3, 5), dt.date(2026, 3, 20), 10000, 0, 0, 0, 8000, 20, 50000, 500, 40],
    ["*粗体*活动", "微信", dt.date(2026, 3, 10), dt.date(2026, 3, 20), 5000, 0, 0, 0, 20000, 50, 40000, 800, 100],
    ["夏季大促", "抖音", dt.date(2026, 6, 1), dt.date(2026, 6, 18), 10000, 0, 0, 0, 25000, 60, 90000, 1800, 150],
]
# Journeys in March: C1 抖音 → 微信 (converts, ¥100); C2 微信 (converts, ¥200).
# Linear: 抖音 0.5 conversions ¥50, 微信 1.5 conversions ¥250. (C3 converted in February: not March's.)
TOUCHES = [
    ["客户ID", "时间", "渠道", "活动名称", "是否转化", "订单金额"],
    ["C3", dt.datetime(2026, 2, 20, 10), "短信", "", "是", 50],
    ["C1", dt.datetime(2026, 3, 1, 10), "抖音", "春季促销", "否", None],
    ["C1", dt.datetime(2026, 3, 3, 10), "微信", "春季促销", "是", 100],
    ["C2", dt.datetime(2026, 3, 5, 10), "微信", "春季促销", "是", 200],
]


def workbook_tabs(campaigns: list[list], touches: list[list] | None = TOUCHES,
                  settings: dict | None = None) -> dict[str, list[list]]:
    """The small workbook's tabs (活动, 触点 when given, 设置) as rows, header first."""
    tabs = {"活动": [HEADERS, *campaigns]}
    if touches:
        tabs["触点"] = list(touches)
    tabs["设置"] = [["参数", "值"], *([k, v] for k, v in (settings or {"目标ROI": "100%"}).items())]
    return tabs


def write_workbook(path: Path, campaigns: list[list], touches: list[list] | None = TOUCHES,
                   settings: dict | None = None) -> Path:
    """:func:`workbook_tabs` saved as an .xlsx (for tests that go through the workbook adapter)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, rows in workbook_tabs(campaigns, touches, settings).items():
        ws = wb.create_sheet(title)
        for row in rows:
            ws.append(row)
    wb.save(path)
    return path


@pytest.fixture
def workbook(tmp_path) -> Path:
    return write_workbook(tmp_path / "small.xlsx", CAMPAIGNS)


@pytest.fixture
def bot_config(tmp_path, slack_api, workbook) -> AppConfig:
    return AppConfig(source=str(workbook), slack_bot_token=SLACK_TEST_TOKEN,
                     slack_signing_secret=SLACK_TEST_SIGNING_SECRET, slack_api_url=slack_api.api_url,
                     database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}", chart_png="off")


class SlackDriver:
    """Sends signed requests to the Flask app the way Slack does, and reads what reached the fake."""

    def __init__(self, app, slack):
        self.app = app
        self.client = app.test_client()
        self.slack = slack
        self._n = 0

    def post(self, body: str, *, content_type="application/x-www-form-urlencoded", timestamp=None,
             secret=SLACK_TEST_SIGNING_SECRET, headers=None):
        h = slack_signed_headers(secret, body, timestamp=timestamp, content_type=content_type)
        h.update(headers or {})
        return self.client.post("/slack/events", data=body.encode("utf-8"), headers=h)

    def command(self, text: str, *, trigger_id=None, channel_id="C1", team_id="T1", **kw):
        self._n += 1
        body = slash_command_body(text, response_url=self.slack.response_url(f"commands/T1/{self._n}/x"),
                                  trigger_id=trigger_id or f"trig-{self._n}-{time.monotonic_ns()}",
                                  channel_id=channel_id, team_id=team_id)
        return self.post(body, **kw)

    def mention(self, text: str, *, event_id="Ev1", channel="C1", ts="1700000001.000100", thread_ts=None,
                headers=None, team_id="T1"):
        event = {"type": "app_mention", "user": "U1", "text": f"<@UBOT> {text}", "ts": ts, "channel": channel,
                 "event_ts": ts}
        if thread_ts:
            event["thread_ts"] = thread_ts
        return self.post(event_body(event, event_id=event_id, team_id=team_id), content_type="application/json",
                         headers=headers)

    def action(self, action: dict, *, message_blocks=None, ephemeral=False, thread_ts=None, channel="C1",
               trigger_id=None):
        self._n += 1
        container = {"type": "message", "message_ts": "1700000000.000100", "channel_id": channel,
                     "is_ephemeral": ephemeral}
        message = {"type": "message", "ts": "1700000000.000100", "blocks": message_blocks or []}
        if thread_ts:
            container["thread_ts"] = thread_ts
            message["thread_ts"] = thread_ts
        payload = {
            "type": "block_actions", "user": {"id": "U1", "team_id": "T1"}, "api_app_id": "A1",
            "team": {"id": "T1", "domain": "fake"}, "channel": {"id": channel, "name": "general"},
            "container": container, "trigger_id": trigger_id or f"act-{self._n}-{time.monotonic_ns()}",
            "response_url": self.slack.response_url(f"actions/T1/{self._n}/y"),
            "actions": [{"type": "button", "block_id": "b", "action_ts": f"{time.time():.6f}", **action}],
        }
        if not ephemeral:
            payload["message"] = message
        return self.post(urlencode({"payload": json.dumps(payload, ensure_ascii=False)}))

    # ---------------------------------------------------------------- reading the fake
    def responses(self, count=1, timeout=10.0) -> list[dict]:
        """Bodies POSTed to response_urls (waits for ``count``)."""
        return [c["args"] for c in self.slack.wait_for("response_url", count, timeout)]

    def posts(self, count=1, timeout=10.0) -> list[dict]:
        return [c["args"] for c in self.slack.wait_for("chat.postMessage", count, timeout)]


@pytest.fixture
def make_driver(bot_config, slack_api):
    from roi_server import create_app

    def make(config: AppConfig | None = None, **overrides) -> SlackDriver:
        return SlackDriver(create_app(config or bot_config, **overrides), slack_api)

    return make


@pytest.fixture
def driver(make_driver) -> SlackDriver:
    return make_driver()


def all_texts(blocks: list[dict]) -> list[tuple[str, str]]:
    """Every text object in ``blocks`` as (type, text): mrkdwn, plain_text, raw_text, chart labels."""
    out: list[tuple[str, str]] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") in ("mrkdwn", "plain_text", "raw_text") and isinstance(node.get("text"), str):
                out.append((node["type"], node["text"]))
            if "label" in node and isinstance(node["label"], str):
                out.append(("chart", node["label"]))
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(blocks)
    return out
