"""The real Flask app and bolt listeners, driven by signed requests; Slack's side is the loopback fake."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import subprocess
import sys
import time

import pytest

from bot.app import SlackConfigError
from roi_app.answers import Assistant
from roi_runtime.config import REPO_ROOT, AppConfig
from roi_server import create_app
from sheets.errors import SourceUnavailable
from tests.bot.conftest import all_texts, write_workbook
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN


def blocks_json(body: dict) -> str:
    return json.dumps(body.get("blocks", []), ensure_ascii=False)


def table_rows(body: dict) -> list[list[str]]:
    table = next(b for b in body["blocks"] if b["type"] == "table")
    return [[c["text"] for c in row] for row in table["rows"]]


def test_healthz(driver):
    r = driver.client.get("/healthz")
    assert r.status_code == 200 and r.get_json()["ok"] is True


def test_events_url_verification(driver):
    """What Slack sends when the Events request URL is saved in the app settings."""
    r = driver.post(json.dumps({"token": "t", "challenge": "c-123", "type": "url_verification"}),
                    content_type="application/json")
    assert r.status_code == 200 and r.get_json()["challenge"] == "c-123"


# ------------------------------------------------------------------------------ the grammar, row by row
@pytest.mark.parametrize("text, response_type, expected", [
    ("", "ephemeral", ["/roi 618活动", "/roi 渠道 2026-10", "/roi 排行 10"]),
    ("帮助", "ephemeral", ["ROI 助手用法"]),
    ("春季促销", "in_channel", ["¥70,000", "¥180,000", "157.1%", "1:2.6", "200.0%", "50.0%"]),
    ("渠道 2026-03", "in_channel", ["渠道排行 2026-03", "¥85,000", "¥208,000", "144.7%", "-20.0%"]),
    ("归因 线性 2026-03", "in_channel", ["归因：线性 2026-03", "¥250", "¥50"]),
    ("月报 2026-03", "in_channel", ["月报 2026-03", "¥85,000", "¥208,000", "144.7%"]),
    ("建议", "in_channel", ["下月预算调整", "预计收益变化"]),
    ("排行 3", "in_channel", ["300.0%", "157.1%", "150.0%"]),
])
def test_each_grammar_row_is_answered(driver, text, response_type, expected):
    t0 = time.monotonic()
    r = driver.command(text)
    assert r.status_code == 200 and time.monotonic() - t0 < 1.0
    body = driver.responses(1)[0]
    assert body["response_type"] == response_type
    assert body["text"]  # a plain-text fallback on every message
    dumped = blocks_json(body)
    for item in expected:
        assert item in dumped, item


def test_ack_is_immediate_and_says_what_is_being_looked_up(driver):
    r = driver.command("春季促销")
    assert r.status_code == 200
    assert r.get_json() == {"response_type": "ephemeral", "text": "⏳ 正在查询「春季促销」…"}
    driver.responses(1)


def test_top_list_numbers(driver):
    driver.command("排行")
    rows = table_rows(driver.responses(1)[0])
    assert rows[1][1:] == ["*粗体*活动", "¥5,000", "¥20,000", "300.0%", "1:4.0"]
    assert rows[4][1] == "<!channel>" and rows[4][4] == "-20.0%"


def test_sheet_strings_cannot_ping_or_format(driver, slack_api):
    driver.command("排行")
    body = driver.responses(1)[0]
    assert "<!channel>" not in body["text"] and "*粗体*" not in body["text"]
    for kind, text in all_texts(body["blocks"]):
        if kind == "mrkdwn":
            assert "<!" not in text and "*粗体*" not in text
    # a user typing the name: Slack delivers it escaped, the bot finds the campaign
    driver.command("&lt;!channel&gt;")
    report = driver.responses(2)[1]
    assert report["blocks"][0]["text"]["text"] == "📊 <!channel>"  # plain text header, shown as typed
    assert "<!channel>" not in report["text"]


def test_no_such_campaign_is_a_friendly_ephemeral_answer(driver):
    driver.command("完全没有这个活动")
    body = driver.responses(1)[0]
    assert body["response_type"] == "ephemeral"
    assert "没有找到活动「完全没有这个活动」" in blocks_json(body)


def test_bad_month_is_a_friendly_error(driver):
    driver.command("渠道 2026-13")
    body = driver.responses(1)[0]
    assert body["response_type"] == "ephemeral" and "月份「2026-13」不存在" in body["text"]
    assert "Traceback" not in body["text"]


# ------------------------------------------------------------------------------ security
def test_bad_signature_is_401(driver, slack_api):
    from tests.fakes.slack_api import slash_command_body

    body = slash_command_body("春季促销", response_url=slack_api.response_url())
    assert driver.post(body, secret="not-the-secret").status_code == 401
    assert driver.client.post("/slack/events", data=body).status_code == 401  # no signature at all
    time.sleep(0.2)
    assert slack_api.calls("response_url") == []


def test_six_minute_old_request_is_401(driver, slack_api):
    from tests.fakes.slack_api import slash_command_body

    body = slash_command_body("春季促销", response_url=slack_api.response_url())
    assert driver.post(body, timestamp=int(time.time()) - 360).status_code == 401
    assert driver.post(body, timestamp=int(time.time()) - 240).status_code == 200  # within 5 minutes
    driver.responses(1)


def test_event_retry_is_answered_once(driver, slack_api):
    assert driver.mention("春季促销", event_id="EvR1").status_code == 200
    for n in (1, 2):
        r = driver.mention("春季促销", event_id="EvR1",
                           headers={"X-Slack-Retry-Num": str(n), "X-Slack-Retry-Reason": "http_timeout"})
        assert r.status_code == 200
    driver.posts(1)
    time.sleep(0.5)
    assert len(slack_api.calls("chat.postMessage")) == 1


def test_retry_landing_on_another_worker_is_answered_once(make_driver, slack_api):
    first, second = make_driver(), make_driver()  # two app instances, one shared database (two workers)
    first.mention("春季促销", event_id="EvW1")
    second.mention("春季促销", event_id="EvW1", headers={"X-Slack-Retry-Num": "1"})
    driver_posts = first.posts(1)
    time.sleep(0.5)
    assert len(slack_api.calls("chat.postMessage")) == 1 and driver_posts[0]["thread_ts"] == "1700000001.000100"


def test_same_slash_command_delivered_twice_is_answered_once(driver, slack_api):
    driver.command("春季促销", trigger_id="same-trigger")
    driver.command("春季促销", trigger_id="same-trigger")
    driver.responses(1)
    time.sleep(0.5)
    assert len(slack_api.calls("response_url")) == 1


def test_allow_lists_refuse_politely(make_driver, bot_config, slack_api):
    config = dataclasses.replace(bot_config, allowed_channel_ids=frozenset({"CALLOWED"}),
                                 allowed_team_ids=frozenset({"T1"}))
    d = make_driver(config)
    r = d.command("春季促销", channel_id="COTHER")
    assert r.status_code == 200 and r.get_json()["response_type"] == "ephemeral"
    assert "没有在这个频道开放" in r.get_json()["text"]
    d.mention("春季促销", event_id="EvA1", channel="COTHER")
    refusal = d.posts(1)[0]
    assert refusal["channel"] == "COTHER" and refusal["thread_ts"] and "没有在这个频道开放" in refusal["text"]
    r = d.command("春季促销", channel_id="CALLOWED", team_id="T9")
    assert "没有对这个工作区开放" in r.get_json()["text"]
    d.command("春季促销", channel_id="CALLOWED")
    assert d.responses(1)[0]["response_type"] == "in_channel"
    assert len(slack_api.calls("response_url")) == 1  # the refused commands got no answer beyond the ack


def test_tokens_never_reach_the_logs(bot_config, slack_api):
    from tests.bot.conftest import SlackDriver

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    root = logging.getLogger()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        d = SlackDriver(create_app(bot_config), slack_api)
        d.command("春季促销")
        d.responses(1)
        logging.getLogger("bot.test").warning("leak attempt %s / %s", SLACK_TEST_TOKEN, SLACK_TEST_SIGNING_SECRET)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)
    out = stream.getvalue()
    assert "leak attempt" in out and "[redacted]" in out
    assert SLACK_TEST_TOKEN not in out and SLACK_TEST_SIGNING_SECRET not in out


# ------------------------------------------------------------------------------ mentions
def test_mention_is_answered_in_its_thread(driver, slack_api):
    driver.mention("春季促销怎么样？", event_id="EvM1", ts="1700000050.000100")
    post = driver.posts(1)[0]
    assert post["channel"] == "C1" and post["thread_ts"] == "1700000050.000100"
    assert "157.1%" in blocks_json(post)


def test_mention_inside_a_thread_stays_in_that_thread(driver):
    driver.mention("渠道 2026-03", event_id="EvM2", ts="1700000060.000200", thread_ts="1700000040.000100")
    assert driver.posts(1)[0]["thread_ts"] == "1700000040.000100"


# ------------------------------------------------------------------------------ buttons
def _buttons(body: dict) -> list[dict]:
    return [e for b in body["blocks"] if b["type"] == "actions" for e in b["elements"]]


def test_choose_among_candidates(driver, slack_api):
    driver.command("促")  # 春季促销 and 夏季大促
    picker = driver.responses(1)[0]
    assert picker["response_type"] == "ephemeral"
    choice = next(b for b in _buttons(picker) if b["text"]["text"] == "春季促销")
    assert driver.action({"action_id": choice["action_id"], "value": choice["value"]}, ephemeral=True).status_code == 200
    calls = driver.responses(3)
    report, cleanup = calls[1], calls[2]
    assert report["response_type"] == "in_channel" and "157.1%" in blocks_json(report)
    assert cleanup["delete_original"] is True


def test_switch_attribution_model_replaces_the_answer(driver):
    driver.command("归因 线性 2026-03")
    answer = driver.responses(1)[0]
    select = next(e for e in _buttons(answer) if e["type"] == "static_select")
    first = next(o for o in select["options"] if json.loads(o["value"])["o"] == "first")
    driver.action({"type": "static_select", "action_id": select["action_id"], "selected_option": first},
                  message_blocks=answer["blocks"])
    replaced = driver.responses(2)[1]
    assert replaced["replace_original"] is True and "归因：首次触点 2026-03" in blocks_json(replaced)
    rows = {r[0]: r for r in table_rows(replaced)[1:]}
    assert rows["抖音"][2] == "¥100" and rows["微信"][2] == "¥200"  # first touch: C1's ¥100 to 抖音


def test_channel_breakdown_button(driver):
    driver.command("春季促销")
    report = driver.responses(1)[0]
    button = next(b for b in _buttons(report) if b["action_id"] == "roi:query:channels")
    driver.action({"action_id": button["action_id"], "value": button["value"]})
    ranking = driver.responses(2)[1]
    assert "渠道排行 2026-03" in blocks_json(ranking) and "144.7%" in blocks_json(ranking)


def test_button_in_a_thread_answers_in_the_thread(driver):
    driver.mention("春季促销", event_id="EvT1", ts="1700000070.000100")
    post = driver.posts(1)[0]
    button = next(b for b in _buttons(post) if b["action_id"] == "roi:query:channels")
    driver.action({"action_id": button["action_id"], "value": button["value"]}, thread_ts="1700000070.000100")
    assert driver.posts(2)[1]["thread_ts"] == "1700000070.000100"


def test_open_sheet_button_is_acknowledged(make_driver, bot_config):
    d = make_driver(dataclasses.replace(bot_config, sheet_url="https://docs.google.com/spreadsheets/d/abc/edit"))
    d.command("春季促销")
    button = next(b for b in _buttons(d.responses(1)[0]) if b["action_id"] == "roi:open_sheet")
    assert button["url"] == "https://docs.google.com/spreadsheets/d/abc/edit"
    assert d.action({"action_id": "roi:open_sheet", "url": button["url"]}).status_code == 200


def test_forged_button_value_gets_a_friendly_error(driver):
    driver.action({"action_id": "roi:query:channels", "value": "{not json"})
    body = driver.responses(1)[0]
    assert body["response_type"] == "ephemeral" and "按钮已失效" in body["text"]


# ------------------------------------------------------------------------------ charts and long lists
def test_channel_chart_png_is_uploaded(make_driver, bot_config, slack_api):
    d = make_driver(dataclasses.replace(bot_config, chart_png="auto"))
    d.command("渠道 2026-03")
    assert "data_visualization" in blocks_json(d.responses(1)[0])
    slack_api.wait_for("files.completeUploadExternal", 1, timeout=20)
    (f,) = slack_api.files.values()
    assert f["content"].startswith(b"\x89PNG") and f["filename"] == "channel_roi.png" and f["channel_id"] == "C1"


def test_missing_files_scope_skips_the_upload_cleanly(make_driver, bot_config, slack_api):
    from roi_runtime.notify import UPLOADS

    UPLOADS.close(0)  # forget any earlier missing_scope
    slack_api.set_missing_scope("files.", "files:write")
    d = make_driver(dataclasses.replace(bot_config, chart_png="auto"))
    d.command("渠道 2026-03")
    d.responses(1)
    slack_api.wait_for("files.getUploadURLExternal", 1)
    time.sleep(0.3)
    assert slack_api.files == {} and len(slack_api.calls("response_url")) == 1
    UPLOADS.close(0)


def test_long_list_is_cut_and_the_full_table_follows(make_driver, bot_config, slack_api, tmp_path):
    rows = [[f"活动{i:03d}", "抖音", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 1000 + i, 0, 0, 0, 3000 + 7 * i,
             1, 100, 10, 1] for i in range(200)]
    book = write_workbook(tmp_path / "big.xlsx", rows, touches=None)
    d = make_driver(dataclasses.replace(bot_config, source=str(book)))
    d.command("排行 200")
    body = d.responses(1)[0]
    assert len(body["blocks"]) <= 50 and "…还有 170 项" in blocks_json(body)
    slack_api.wait_for("files.completeUploadExternal", 1)
    (f,) = slack_api.files.values()
    assert f["filename"] == "top_200.csv" and f["content"].decode("utf-8-sig").count("\n") == 201


# ------------------------------------------------------------------------------ errors a user can meet
def _driver_with_read(make_driver, bot_config, read):
    return make_driver(bot_config, assistant=Assistant(bot_config, read=read))


def test_google_down_without_a_cached_copy(make_driver, bot_config):
    def down(config):
        raise SourceUnavailable("Google 表格暂时无法访问（已重试 3 次）", "稍后再试；如持续失败请检查 Google 服务状态")

    d = _driver_with_read(make_driver, bot_config, down)
    d.command("春季促销")
    body = d.responses(1)[0]
    assert body["response_type"] == "ephemeral"
    assert "Google 表格暂时无法访问" in body["text"] and "稍后再试" in blocks_json(body)


def test_google_down_with_a_cached_copy_says_so(make_driver, bot_config, workbook):
    from sheets import open_source

    def cached(config):  # what sheets.read_sheet returns when Google fails and a copy answers
        return dataclasses.replace(open_source(str(workbook)).read(), stale_seconds=600.0)

    d = _driver_with_read(make_driver, bot_config, cached)
    d.command("春季促销")
    body = d.responses(1)[0]
    assert body["response_type"] == "in_channel" and "10 分钟前的缓存数据" in blocks_json(body)


@pytest.mark.parametrize("content, message", [
    (b"not a workbook", "不是可读的 .xlsx 工作簿"),
    (None, "「活动」表还没有数据"),
])
def test_broken_or_empty_sheet(make_driver, bot_config, tmp_path, content, message):
    path = tmp_path / "broken.xlsx"
    if content is None:
        write_workbook(path, [], touches=None)
    else:
        path.write_bytes(content)
    d = make_driver(dataclasses.replace(bot_config, source=str(path)))
    d.command("春季促销")
    body = d.responses(1)[0]
    assert body["response_type"] == "ephemeral" and message in body["text"]


def test_our_own_bug_is_logged_and_the_user_gets_a_plain_message(make_driver, bot_config, caplog):
    def buggy(config):
        raise ZeroDivisionError("oops")

    d = _driver_with_read(make_driver, bot_config, buggy)
    with caplog.at_level(logging.ERROR):
        d.command("春季促销")
        body = d.responses(1)[0]
    assert "ROI 助手自己的问题" in body["text"] and "ZeroDivisionError" not in json.dumps(body)
    assert any(r.exc_info and r.exc_info[0] is ZeroDivisionError for r in caplog.records)


def test_acks_are_not_queued_behind_busy_workers(make_driver, bot_config):
    """Every after-ack thread busy with a slow sheet: new commands are still acked at once.
    (The slow-Google case, 3.5 s, is tests/bot/test_google_source.py.)"""
    def slow(config):
        time.sleep(0.5)
        from sheets import open_source

        return open_source(config.source).read()

    config = dataclasses.replace(bot_config, slack_workers=1)
    d = make_driver(config, assistant=Assistant(config, read=slow))
    for _ in range(5):
        t0 = time.monotonic()
        assert d.command("春季促销").status_code == 200
        assert time.monotonic() - t0 < 0.5
    assert len(d.responses(5, timeout=20)) == 5  # and every one is answered (the burst shares reads)


def test_a_question_asked_during_a_read_gets_a_read_that_started_after_it():
    """The burst rule of the sheet cache (the one read cache): with SHEET_CACHE_TTL=0 a question arriving
    while a read runs is never answered from that older read, and reads never overlap."""
    import threading

    from sheets.cache import SheetCache

    cache = SheetCache(wait=30.0)
    first_started, release = threading.Event(), threading.Event()
    reads, running, overlap = [], [], []
    lock = threading.Lock()

    def load():
        with lock:
            n = len(reads)
            reads.append(n)
            running.append(n)
            overlap.append(len(running))
        if n == 0:
            first_started.set()
            release.wait(30)
        with lock:
            running.remove(n)
        return n  # the read's number stands in for its data

    got = {}
    first = threading.Thread(target=lambda: got.__setitem__("first", cache.get("k", load, ttl=0)))
    first.start()
    assert first_started.wait(30)
    later = [threading.Thread(target=lambda i=i: got.__setitem__(i, cache.get("k", load, ttl=0))) for i in range(3)]
    for t in later:
        t.start()
    release.set()
    for t in [first, *later]:
        t.join(30)
    assert got["first"] == 0
    assert all(got[i] >= 1 for i in range(3))  # read 0 began before they asked: never theirs
    assert max(overlap) == 1 and len(reads) <= 4


# ------------------------------------------------------------------------------ configuration
def test_missing_tokens_fail_with_a_chinese_message(tmp_path):
    with pytest.raises(SlackConfigError) as err:
        create_app(AppConfig(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}"))
    assert "缺少 Slack 配置" in err.value.message and "SLACK_SIGNING_SECRET" in err.value.message


def test_serve_without_tokens_prints_a_message_not_a_traceback(tmp_path):
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"}
    proc = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", "0"], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2
    assert "缺少 Slack 配置" in proc.stderr and "Traceback" not in proc.stderr
