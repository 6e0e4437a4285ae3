"""The plugin's pages through the real app (roi_server.create_app, plugin only: no Slack tokens): who may open what,
what the pages show (figures worked out by hand on a small workbook), the monthly message's signed report link."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import types
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pandas as pd
import pytest
from openpyxl import Workbook

from roi_app import links
from roi_app.monthly import run_monthly
from roi_app.report_links import campaign_scope, month_scope, report_path, report_token
from roi_app.stores.tokens import source_id
from roi_runtime.config import AppConfig
from roi_server import create_app
from tests.fakes.fixtures import SLACK_TEST_TOKEN

SECRET = "pages-test-secret-0123456789"
HOSTILE = "<b>促</b>/A&\"x\""


def make_book(path):
    book = Workbook()
    ws = book.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"])
    ws.append(["国庆", "抖音", "2026-10-01", "2026-10-07", 1000, 3000])  # ROI (3000-1000)/1000 = 200%
    ws.append(["国庆", "微信", "2026-10-01", "2026-10-07", 1000, 1500])  # ROI 50%
    ws.append(["九月", "抖音", "2026-09-01", "2026-09-30", 1000, 2000])  # ROI 100%
    ws.append([HOSTILE, "抖音", "2026-08-01", "2026-08-31", 500, 1000])  # ROI 100%
    book.save(path)
    return path


@pytest.fixture
def book(tmp_path):
    return make_book(tmp_path / "team.xlsx")


@pytest.fixture
def cfg(book, tmp_path):
    return AppConfig(source=str(book), web_secret=SECRET, database_url=f"sqlite:///{tmp_path / 'web.sqlite'}")


@pytest.fixture
def client(cfg):
    app = create_app(cfg)
    yield app.test_client()
    links.configure(None)


def session(cfg, ttl=3600):
    return links.sign({"src": source_id(cfg.source), "sid": "test"}, ttl, secret=SECRET)


def text_of(html: str) -> str:
    return unescape(re.sub(r"<[^>]+>", " ", html))


def test_chat_page_with_a_session(client, cfg):
    token = session(cfg)
    resp = client.get(f"/app?s={token}")
    assert resp.status_code == 200 and resp.mimetype == "text/html"
    page = resp.get_data(as_text=True)
    assert '<html lang="zh-CN">' in page and 'name="viewport"' in page
    assert f'data-session="{token}"' in page and 'id="roi-q"' in page and "/assets/roi/roi.js" in page
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]  # no inline script anywhere
    assert "<script>" not in page and " style=" not in page
    assert resp.headers["Referrer-Policy"] == "no-referrer" and resp.headers["Cache-Control"] == "no-store"
    assert client.get("/assets/roi/roi.css").status_code == 200


@pytest.mark.parametrize("token", ["", "nonsense", None])
def test_a_bad_link_gets_a_chinese_403(client, cfg, token):
    if token is None:  # signed with another secret
        token = links.sign({"src": source_id(cfg.source)}, 3600, secret="another-secret-0123456789")
    resp = client.get(f"/app?s={token}")
    assert resp.status_code == 403
    page = resp.get_data(as_text=True)
    assert "链接已过期或无效" in page and "「ROI 助手」菜单重新打开" in page and "Traceback" not in page


def test_an_expired_link_gets_403(client, cfg, monkeypatch):
    signed_at = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC).timestamp()  # the links' clock, fixed
    clock = types.SimpleNamespace(time=lambda: signed_at)
    monkeypatch.setattr(links, "time", clock)
    token = session(cfg, ttl=60)
    clock.time = lambda: signed_at + 60  # the last second it is valid
    assert client.get(f"/report/2026-10?s={token}").status_code == 200
    clock.time = lambda: signed_at + 61
    assert client.get(f"/report/2026-10?s={token}").status_code == 403


def test_another_sheets_session_gets_403(client, tmp_path):
    other = links.sign({"src": source_id(str(tmp_path / "other.xlsx"))}, 3600, secret=SECRET)
    assert client.get(f"/app?s={other}").status_code == 403


def test_monthly_report_page_figures_by_hand(client, cfg):
    resp = client.get(f"/report/2026-10?s={session(cfg)}")
    assert resp.status_code == 200
    page = resp.get_data(as_text=True)
    words = text_of(page)
    # October: 国庆 only: cost 1,000 + 1,000 = ¥2,000, revenue 3,000 + 1,500 = ¥4,500 → ROI 2,500 / 2,000 = 125.0%
    assert "月报 2026-10" in words and "¥2,000" in words and "¥4,500" in words and "125.0%" in words
    assert page.count("<svg") == 1 and "<table" in page
    assert 'class="roi-report"' in page  # opened with a session: buttons ask in the chat


def test_campaign_report_page_and_a_hostile_name(client, cfg):
    page = client.get(f"/report/campaign/国庆?s={session(cfg)}").get_data(as_text=True)
    rows = [text_of(r).split() for r in re.findall(r"<tr>(.*?)</tr>", page)]
    assert ["抖音", "¥1,000", "¥3,000", "200.0%"] == [c for c in rows[1] if c][:4]
    assert ["微信", "¥1,000", "¥1,500", "50.0%"] == [c for c in rows[2] if c][:4]
    hostile = client.get(report_path(campaign_scope(HOSTILE)) + f"?s={session(cfg)}")
    assert hostile.status_code == 200
    body = hostile.get_data(as_text=True)
    assert "<b>促</b>" not in body and "&lt;b&gt;促&lt;/b&gt;/A&amp;&#34;x&#34;" in body
    assert "100.0%" in text_of(body)  # (1,000 - 500) / 500


def test_a_report_link_opens_its_report_only(client, cfg):
    token = report_token(cfg.source, month_scope("2026-10"))
    assert client.get(f"/report/2026-10?s={token}").status_code == 200
    page = client.get(f"/report/2026-10?s={token}").get_data(as_text=True)
    assert "roi-static" in page and "roi.js" not in page  # no session: no chat behind the buttons
    assert client.get(f"/report/2026-09?s={token}").status_code == 403
    assert client.get(f"/report/campaign/国庆?s={token}").status_code == 403
    assert client.get(f"/app?s={token}").status_code == 403
    api = client.post("/api/v1/ask", json={"q": "国庆"}, headers={"X-ROI-Session": token})
    assert api.status_code == 401 and api.get_json()["ok"] is False  # a shared report link is not an API key


def test_not_a_month_is_404_and_a_month_without_data_says_so(client, cfg):
    resp = client.get(f"/report/2026-13?s={session(cfg)}")
    assert resp.status_code == 404 and "不是月份" in resp.get_data(as_text=True)
    empty = client.get(f"/report/2020-01?s={session(cfg)}")
    assert empty.status_code in (200, 422) and "Traceback" not in empty.get_data(as_text=True)


def test_the_pages_questions_reach_the_api_and_its_buttons_too(client, cfg):
    """What the chat page's script sends: a typed question, then one of the answer's buttons."""
    headers = {"X-ROI-Session": session(cfg)}
    first = client.post("/api/v1/ask", json={"q": "国庆"}, headers=headers).get_json()
    assert first["ok"] and "200.0%" in text_of(first["html"])
    values = [unescape(v) for v in re.findall(r'data-q="([^"]+)"', first["html"])]
    channels = next(v for v in values if json.loads(v)["k"] == "channels")
    second = client.post("/api/v1/ask", json={"button": channels}, headers=headers).get_json()
    assert second["ok"] and second["answer"]["kind"] == "channels"


def test_the_monthly_message_links_its_web_report(book, cfg, slack_api, tmp_path):
    job = AppConfig(source=str(book), slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url,
                    report_channel="CREPORT", database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}",
                    web_secret=SECRET, public_url="https://roi.example.com/")
    now = dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC)
    result = run_monthly(job, month=pd.Period("2026-10", freq="M"), now=now, out=io.StringIO())
    assert result.status == "posted"
    blocks = slack_api.calls("chat.postMessage")[-1]["args"]["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks  # form-encoded or JSON body
    urls = [el["url"] for b in blocks if b["type"] == "actions" for el in b["elements"] if el.get("url")]
    report = [u for u in urls if "/report/" in u]
    assert len(report) == 1 and report[0].startswith("https://roi.example.com/report/2026-10?s=")
    token = parse_qs(urlsplit(report[0]).query)["s"][0]
    assert links.verify(token, secret=SECRET) == {"report": "month:2026-10", "source": source_id(str(book))}
    assert create_app(cfg).test_client().get(f"/report/2026-10?s={token}").status_code == 200


def test_no_public_url_no_report_button(book, slack_api, tmp_path):
    job = AppConfig(source=str(book), slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url,
                    report_channel="CREPORT", database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}",
                    web_secret=SECRET)
    run_monthly(job, month=pd.Period("2026-10", freq="M"), now=dt.datetime(2026, 11, 1, 1, 0, tzinfo=dt.UTC),
                out=io.StringIO())
    args = slack_api.calls("chat.postMessage")[-1]["args"]
    assert "/report/" not in json.dumps(args, ensure_ascii=False)

