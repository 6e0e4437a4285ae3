"""The plugin's JSON API through real gunicorn on 127.0.0.1 (one server for the module), over a copy of the
demo workbook, plugin only (no Slack tokens). Figures worked out by hand from the demo's 活动 rows:

618活动 (设置 毛利率 55%, no 毛利 column filled, so ROI is on 毛利 = 销售额 × 55%):

    渠道        广告+促销+人员+其他 = 成本      销售额
    抖音        80,000+20,000+6,000         = 106,000   520,000
    天猫直通车   60,000+30,000+4,000         =  94,000   410,000
    微信        15,000+8,000+5,000+2,000    =  30,000   126,000
    小红书       40,000+6,000                =  46,000    78,000
    百度搜索     25,000+2,000−1,000 "(1,000)" =  26,000    21,000
    total                                    302,000 1,155,000
    毛利 = 0.55 × 1,155,000 = 635,250; ROI = (635,250 − 302,000) / 302,000 = 1.103477 (110.3%)
    抖音 alone: 毛利 0.55 × 520,000 = 286,000; ROI = 180,000 / 106,000 = 1.698113; ROAS 520,000/106,000 = 4.9057
    CAC = 302,000 / (2,100+1,600+900+640+180 = 5,420 new customers) = 55.7196
"""

from __future__ import annotations

import io
import json
import sqlite3
import time

import pytest

from roi_runtime.config import AppConfig
from tests.web.conftest import make_token

ROI_618 = (635_250 - 302_000) / 302_000
ROI_618_DOUYIN = (286_000 - 106_000) / 106_000


def console_json(text: str, source: str) -> dict:
    """What ``python -m bot ask <text> --json`` prints for the same workbook."""
    from bot.console import ask

    out, err = io.StringIO(), io.StringIO()
    assert ask(text, AppConfig(source=source), source=source, as_json=True, out=out, err=err) == 0, err.getvalue()
    return json.loads(out.getvalue())


# ------------------------------------------------------------------------------------------- auth
def test_missing_wrong_and_other_sheets_tokens_get_401_and_no_data(web_server, tmp_path):
    for token in (None, "roi_wrong", "Basic abc"):
        headers = {"Authorization": token} if token == "Basic abc" else {}
        status, _, body = web_server.get("/api/v1/metric?name=roi&campaign=618", token=None if token != "roi_wrong"
                                         else token, headers=headers)
        assert status == 401, body
        assert body["ok"] is False and body["error"].startswith("未授权") and "value" not in body
        assert "\n" not in body["error"]
    # a token made for another sheet, in the same database: refused, the message says why, no figure
    other = tmp_path / "other.xlsx"
    other.write_bytes(b"")
    other_token = make_token(web_server.env, str(other))
    status, _, body = web_server.post("/api/v1/ask", {"q": "618活动"}, token=other_token)
    assert status == 401 and "另一个表格" in body["error"] and set(body) == {"ok", "error"}
    status, _, body = web_server.get("/api/v1/snapshot", token=other_token)
    assert status == 401 and "campaigns" not in body
    # only the SHA-256 is stored: neither token appears in the database
    db = web_server.env["DATABASE_URL"].removeprefix("sqlite:///")
    with sqlite3.connect(db) as conn:
        stored = conn.execute("SELECT token_sha256, source FROM addon_tokens").fetchall()
    assert len(stored) == 2 and all(len(h) == 64 for h, _ in stored)
    assert web_server.token not in repr(stored) and other_token not in repr(stored)


def test_sessions_from_the_token_open_the_api_and_bad_ones_do_not(web_server):
    session = web_server.session()
    status, _, body = web_server.get("/api/v1/metric?name=roi&campaign=618活动", token=None,
                                     headers={"X-ROI-Session": session})
    assert status == 200 and body["value"] == pytest.approx(ROI_618)
    # a session cannot make sessions; a tampered, expired or other sheet's session is refused
    assert web_server.post("/api/v1/session", token=None, headers={"X-ROI-Session": session})[0] == 401
    expiring = web_server.sign({"src": web_server.source_id, "sid": "x"}, 1)
    time.sleep(2.1)
    for bad in (session[:-2] + "xx", expiring,
                web_server.sign({"src": "1OtherSheetKeyAbcdefghijklmnopqrstuvwxyz", "sid": "y"})):
        status, _, body = web_server.get("/api/v1/snapshot", token=None, headers={"X-ROI-Session": bad})
        assert status == 401 and "campaigns" not in body, body


# ------------------------------------------------------------------------------------------- ask
def test_ask_returns_what_the_console_prints_plus_text_and_html(web_server):
    status, headers, body = web_server.post("/api/v1/ask", {"q": "618活动"})
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert body["ok"] is True
    assert body["answer"] == console_json("618活动", web_server.source)
    answer = body["answer"]
    assert answer["cost"] == 302_000 and answer["revenue"] == 1_155_000 and answer["gross_profit"] == 635_250
    assert answer["roi"] == pytest.approx(ROI_618) and answer["new_customers"] == 5_420
    assert "110.3%" in body["text"]
    assert body["html"].startswith("<article") and "110.3%" in body["html"] and "618活动" in body["html"]
    # the keys in the console's order, not sorted
    assert list(body) == ["ok", "answer", "text", "html"] and list(answer)[:3] == ["kind", "campaign", "basis"]


def test_ask_not_understood_is_an_answer_and_bad_questions_are_one_line_errors(web_server):
    status, _, body = web_server.post("/api/v1/ask", {"q": "asdfgh"})
    assert status == 200 and body["answer"]["kind"] == "no_match" and body["answer"]["closest"]
    assert body["answer"].get("suggested_questions")
    status, _, body = web_server.post("/api/v1/ask", {"q": "渠道 2026-13"})
    assert status == 400 and body == {"ok": False, "error": "月份「2026-13」不存在", "hint": "请写成 2026-10 这样的格式",
                                      "html": body["html"]}
    status, _, body = web_server.post("/api/v1/ask", {"q": "summary Q3 2030"})  # English in, English out
    assert status == 422 and body["error"] == "No campaign data in 2030-07 ~ 2030-09"
    # a button's value (as the page sends it back) asks its question
    status, _, body = web_server.post("/api/v1/ask", {"button": '{"k":"channels","m":"2026-06"}'})
    assert status == 200 and body["answer"]["kind"] == "channels" and body["answer"]["month"] == "2026-06"


def test_malformed_and_oversized_requests_get_readable_json(web_server):
    cases = [
        (web_server.post("/api/v1/ask", "not json"), 400, "请求体应是 JSON 对象"),
        (web_server.post("/api/v1/ask", {"q": ""}), 400, "缺少问题 q"),
        (web_server.post("/api/v1/ask", {"q": ["618"]}), 400, "q 和 button 应为文字"),
        (web_server.post("/api/v1/ask", {"q": "x" * 70_000}), 413, "请求太大：最多 64 KiB"),
        (web_server.get("/api/v1/ask"), 405, "不支持这个请求方法"),
        (web_server.get("/api/v1/nothing"), 404, "没有这个接口"),
        (web_server.get("/api/v1/metric?name=ltv&campaign=618"), 400, "不认识的指标「ltv」"),
        (web_server.get("/api/v1/metric?name=roi&campaign=618&period=blah"), 400, "看不懂时间段「blah」"),
        (web_server.post("/api/v1/ask", {"button": "{broken"}), 422, "这个按钮已失效"),
    ]
    for (status, headers, body), want_status, want_error in cases:
        assert status == want_status, (want_error, body)
        assert isinstance(body, dict) and body["ok"] is False and body["error"] == want_error, body
        assert headers["Content-Type"].startswith("application/json")


# ------------------------------------------------------------------------------------------- metric
def test_metric_values_worked_out_by_hand(web_server):
    def metric(query: str):
        status, _, body = web_server.get("/api/v1/metric?" + query)
        assert status == 200, body
        return body

    body = metric("name=roi&campaign=618")
    assert body == {"ok": True, "value": pytest.approx(ROI_618), "display": "110.3%"}
    assert metric("name=cost&campaign=" + web_server.quote("618活动"))["value"] == 302_000
    assert metric("name=cac&campaign=618")["value"] == pytest.approx(302_000 / 5_420)
    douyin = "&channel=" + web_server.quote("抖音")
    assert metric("name=roi&campaign=618" + douyin)["value"] == pytest.approx(ROI_618_DOUYIN)
    assert metric("name=roas&campaign=618" + douyin)["value"] == pytest.approx(520_000 / 106_000)
    # 618活动 ran 2026-05-20..06-18; in 2026-07 it has no rows: no number, a reason
    body = metric("name=roi&campaign=618&period=2026-07")
    assert body["value"] is None and "没有数据" in body["reason"]
    # the period cut: 抖音's row runs 30 days, 18 of them in June → 18/30 of its cost and 销售额
    body = metric("name=cost&campaign=618&period=2026-06" + douyin)
    assert body["value"] == pytest.approx(106_000 * 18 / 30)


def test_unknown_campaign_and_channel_are_404_with_the_closest_names(web_server):
    status, _, body = web_server.get("/api/v1/metric?name=roi&campaign=" + web_server.quote("不存在的活动"))
    assert status == 404 and body["error"] == "没有找到活动「不存在的活动」" and isinstance(body["closest"], list)
    status, _, body = web_server.get("/api/v1/metric?name=roi&campaign=618&channel=" + web_server.quote("电视"))
    assert status == 404 and body["error"] == "「618活动」没有「电视」渠道的数据" and "抖音" in body["hint"]


# ------------------------------------------------------------------------------------------- snapshot
def test_snapshot_has_every_figure_the_formulas_need_and_agrees_with_metric(web_server):
    status, _, body = web_server.get("/api/v1/snapshot")
    assert status == 200 and body["ok"] is True and body["period"] is None
    c618 = body["campaigns"]["618活动"]
    assert c618["roi"] == pytest.approx(ROI_618) and c618["cost"] == 302_000 and c618["revenue"] == 1_155_000
    assert c618["channels"]["抖音"]["roi"] == pytest.approx(ROI_618_DOUYIN)
    assert body["aliases"]["618"] == "618活动" and body["default_model"] == "markov"
    assert set(body["attributed"]) >= {"markov", "linear", "first", "last"}
    assert body["attributed"]["markov"]["抖音"] > 0
    # what /metric says for the same cell
    _, _, m = web_server.get("/api/v1/metric?name=attributed&model=markov&channel=" + web_server.quote("抖音"))
    assert m["value"] == pytest.approx(body["attributed"]["markov"]["抖音"])
    _, _, m = web_server.get("/api/v1/metric?name=roi_channel&channel=" + web_server.quote("抖音"))
    assert m["value"] == pytest.approx(body["channels"]["抖音"]["roi"])
    # the same contents, the same version; a period is echoed as dates
    assert web_server.get("/api/v1/snapshot")[2]["version"] == body["version"]
    _, _, june = web_server.get("/api/v1/snapshot?period=2026-06")
    assert june["period"] == {"start": "2026-06-01", "end": "2026-06-30"}
    assert june["campaigns"]["618活动"]["channels"]["抖音"]["cost"] == pytest.approx(106_000 * 18 / 30)


# ------------------------------------------------------------------------------------------- check, monthly
def test_check_rewrites_the_check_tab_and_lists_the_problems(web_server):
    status, _, body = web_server.post("/api/v1/check")
    assert status == 200 and body["count"] == len(body["problems"]) >= 1
    assert all(set(p) == {"tab", "row", "column", "value", "reason"} for p in body["problems"])
    from openpyxl import load_workbook

    book = load_workbook(web_server.source, read_only=True)
    assert "数据校验" in book.sheetnames


def test_monthly_without_slack_writes_the_sheet(web_server):
    status, _, body = web_server.post("/api/v1/monthly", {"month": "2026-06"})
    assert status == 200 and body == {"ok": True, "status": "written", "month": "2026-06"}
    status, _, body = web_server.post("/api/v1/monthly", {"month": "2099-01"})
    assert status == 400 and "还没有结束" in body["error"]


def test_slack_events_answer_503_in_one_line_without_slack_tokens(web_server):
    status, _, body = web_server.post("/slack/events", "{}", token=None)
    assert status == 503 and body.startswith("Slack 未配置") and "\n" not in body
