"""The daily check delivered: the loopback Slack fake (contract-checked), a real workbook, an injected clock."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bot.listeners import alerts as alert_listeners
from render.blocks.alerts import decode_mute
from roi_app.stores.records import AlertStore
from roi_core.schema import ALERTS_TAB
from roi_runtime.config import AppConfig
from scheduler.alerts import run_daily_check
from scheduler.clock import check_trigger
from tests.fakes.fixtures import SLACK_TEST_TOKEN

ROOT = Path(__file__).resolve().parents[2]
UTC = dt.UTC


def make_book(path: Path, timezone: str = "Asia/Shanghai") -> Path:
    """冬促 on 抖音, planned 2026-11-01 … 11-10 with a ¥10,000 budget (¥1,000 a day on plan).

    Spend: ¥1,000 on 11-01, 02, 03, then ¥5,000 on 11-04 and after. 销售额 5 × cost (ROI 400% ≥ 100%), 3% CTR
    and 10 conversions a day, so pacing is the only rule that can warn. By hand, checked on
    - 11-04 (day 4): 3 days so far, 3,000 vs 10,000 × 3/10 = 3,000 → on plan;
    - 11-05 (day 5): 4 days, 8,000 vs 4,000 → +100%: warns.
    """
    book = Workbook()
    ws = book.active
    ws.title = "活动"
    ws.append(["活动名称", "渠道", "开始日期", "广告费用", "销售额", "曝光量", "点击量", "转化数"])
    for day in range(1, 11):
        cost = 1000 if day <= 3 else 5000
        ws.append(["冬促", "抖音", f"2026-11-{day:02d}", cost, 5 * cost, 10000, 300, 10])
    plan = book.create_sheet("预算")
    plan.append(["活动名称", "渠道", "计划开始", "计划结束", "预算"])
    plan.append(["冬促", "抖音", "2026-11-01", "2026-11-10", 10000])
    settings = book.create_sheet("设置")
    settings.append(["参数", "值"])
    settings.append(["时区", timezone])
    settings.append(["预警频道", "CALERT"])
    book.save(path)
    return path


def config(book: Path, slack_api, tmp_path: Path) -> AppConfig:
    return AppConfig(source=str(book), slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url,
                     database_url=f"sqlite:///{tmp_path / 'clock.sqlite'}")


def at(day: int, hour: int = 2) -> dt.datetime:
    """An instant on 2026-11-<day> in UTC (02:00 UTC is 10:00 in Shanghai)."""
    return dt.datetime(2026, 11, day, hour, 0, tzinfo=UTC)


def posts(slack_api):
    return [c for c in slack_api.calls("chat.postMessage") if c["status"] == 200 and c["response"].get("ok")]


def run(cfg, now, **kw):
    return run_daily_check(cfg, now=now, out=io.StringIO(), **kw)


def test_overspending_on_day_five_warns_once_and_a_rerun_or_second_clock_sends_nothing(tmp_path, slack_api):
    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    assert run(cfg, at(4)).alerts == []  # day 4: on plan
    first = run(cfg, at(5))
    assert (first.status, first.sent) == ("sent", ["冬促"])
    (post,) = posts(slack_api)
    assert post["args"]["channel"] == "CALERT"
    blocks = json.loads(post["args"]["blocks"]) if isinstance(post["args"]["blocks"], str) else post["args"]["blocks"]
    dumped = json.dumps(blocks, ensure_ascii=False)
    assert "花费超前 +100.0%：计划 4/10 天已花 ¥8,000，按预算 ¥10,000 应花 ¥4,000" in dumped
    ids = [e["action_id"] for b in blocks if b["type"] == "actions" for e in b["elements"]]
    assert ids == ["roi:query:campaign", "roi:alert_mute:1", "roi:alert_mute:7"]
    # a re-run an hour later, and a second clock with its own store object: nothing more
    again = run(cfg, at(5, 3))
    other = run_daily_check(cfg, now=at(5, 4), store=AlertStore(cfg.database), out=io.StringIO())
    assert (again.status, again.already, other.status) == ("nothing", [("冬促", "pacing")], "nothing")
    assert len(posts(slack_api)) == 1
    record = AlertStore(cfg.database).delivery("冬促", "pacing", "2026-11-05")
    assert (record["status"], record["channel"], record["message_ts"]) == ("sent", "CALERT", post["response"]["ts"])
    # the 预警 tab holds the alert once, upserted by 日期+活动名称+渠道+类型
    rows = [list(r) for r in load_workbook(cfg.source)[ALERTS_TAB].iter_rows(values_only=True)]
    assert rows[0][:5] == ["日期", "活动名称", "渠道", "类型", "预警"] and len(rows) == 2
    assert rows[1][:4] == ["2026-11-05", "冬促", "抖音", "预算进度"]
    assert json.loads(rows[1][6])["action"] == "reduce"
    # the next day is a new day: 9 of 10 … day 6: 5 days, 13,000 vs 5,000 → +160%, sent again
    assert run(cfg, at(6)).sent == ["冬促"] and len(posts(slack_api)) == 2


def test_a_slack_failure_is_sent_by_the_next_run_once(tmp_path, slack_api):
    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    slack_api.fail_next("chat.postMessage", 1, error="channel_not_found", status=200)
    failed = run(cfg, at(5))
    assert failed.status == "partial" and failed.failed == ["冬促"]
    assert AlertStore(cfg.database).delivery("冬促", "pacing", "2026-11-05")["status"] == "failed"
    assert run(cfg, at(5, 3)).sent == ["冬促"]
    assert run(cfg, at(5, 4)).sent == []
    assert len(posts(slack_api)) == 1


def test_a_crash_during_the_post_never_sends_it_twice(tmp_path, slack_api):
    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    store = AlertStore(cfg.database)
    # a run claimed the kind and marked it posting, then died (no ts recorded): the request may have reached Slack
    assert store.claim("冬促", ["pacing"], "2026-11-05", "dead-run", now=at(5) - dt.timedelta(hours=1)) == ["pacing"]
    store.mark_posting("冬促", ["pacing"], "2026-11-05", "dead-run")
    later = run(cfg, at(5, 8))  # long after the lease: still not sent again
    assert later.sent == [] and posts(slack_api) == []


def test_muting_holds_for_seven_days_then_warns_again(tmp_path, slack_api):
    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    # plan long enough to be running for two weeks: 11-01 … 11-20 with 20,000 (¥1,000 a day), spending ¥5,000 from 11-04
    book = load_workbook(cfg.source)
    book["预算"]["D2"] = "2026-11-20"
    book["预算"]["E2"] = 20000
    for day in range(11, 21):
        book["活动"].append(["冬促", "抖音", f"2026-11-{day:02d}", 5000, 25000, 10000, 300, 10])
    book.save(cfg.source)
    first = run(cfg, at(5))
    assert first.sent == ["冬促"]
    (post,) = posts(slack_api)
    blocks = post["args"]["blocks"]
    week = next(e for b in blocks if b["type"] == "actions" for e in b["elements"] if e["action_id"] == "roi:alert_mute:7")
    request = decode_mute(week["value"])
    assert (request.campaign, request.kinds, request.date, request.days) == ("冬促", ("pacing",), dt.date(2026, 11, 5), 7)
    # the click, as the listener records it (clicked on 11-05 in Shanghai): muted 11-05 … 11-11
    until = alert_listeners.mute_until(request.date, request.days, dt.date(2026, 11, 5))
    assert until == dt.date(2026, 11, 11)
    AlertStore(cfg.database).mute(request.campaign, request.kinds, until, by="U1")
    for day in range(6, 12):
        muted = run(cfg, at(day))
        assert muted.alerts and muted.sent == [] and muted.muted == [("冬促", "pacing")], day
    assert len(posts(slack_api)) == 1
    # 11-12: the week is over; still +X% ahead (8 days of 11 so far: 3,000 + 8 × 5,000 = 43,000 vs 11,000) → warns
    back = run(cfg, at(12))
    assert back.sent == ["冬促"] and len(posts(slack_api)) == 2
    assert back.alerts[0].figures["spent"] == 43000 and back.alerts[0].figures["expected"] == 11000


def test_a_campaign_ending_stops_its_checks(tmp_path, slack_api):
    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    assert run(cfg, at(10)).sent == ["冬促"]  # the plan's last day is still checked
    ended = run(cfg, at(11))
    assert (ended.alerts, ended.status) == ([], "nothing")
    assert len(posts(slack_api)) == 1


def test_the_same_instant_is_a_different_day_in_los_angeles_and_shanghai(tmp_path, slack_api):
    # 2026-11-04 20:00 UTC is 11-05 04:00 in Shanghai (day 5: overspent) and 11-04 12:00 in Los Angeles (day 4: on plan)
    instant = dt.datetime(2026, 11, 4, 20, 0, tzinfo=UTC)
    shanghai = config(make_book(tmp_path / "sh.xlsx", "Asia/Shanghai"), slack_api, tmp_path / "sh")
    los_angeles = config(make_book(tmp_path / "la.xlsx", "America/Los_Angeles"), slack_api, tmp_path / "la")
    (tmp_path / "sh").mkdir()
    (tmp_path / "la").mkdir()
    sh, la = run(shanghai, instant), run(los_angeles, instant)
    assert (sh.date, [a.kind for a in sh.alerts]) == (dt.date(2026, 11, 5), ["pacing"])
    assert (la.date, la.alerts) == (dt.date(2026, 11, 4), [])
    # 12 hours later it is 11-05 00:00 in Los Angeles too
    assert [a.kind for a in run(los_angeles, instant + dt.timedelta(hours=12)).alerts] == ["pacing"]


def test_the_clock_fires_at_the_check_time_in_the_team_zone():
    trigger = check_trigger("10:00", "Asia/Shanghai")
    assert trigger.get_next_fire_time(None, at(4, 3)) == dt.datetime(2026, 11, 5, 2, 0, tzinfo=UTC)
    la = check_trigger("9:30", "America/Los_Angeles")  # PST (UTC−8) in November
    assert la.get_next_fire_time(None, at(4, 3)) == dt.datetime(2026, 11, 4, 17, 30, tzinfo=UTC)
    assert check_trigger("25:99", "UTC").get_next_fire_time(None, at(4, 3)) == at(4, 10)  # unusable → 10:00


def test_the_mute_button_records_the_mute_the_job_reads(tmp_path, slack_api, slack_client):
    from concurrent.futures import ThreadPoolExecutor

    from bot.listeners import Deps
    from render.blocks.alerts import encode_mute
    from roi_app.answers import Assistant
    from roi_app.bootstrap import bootstrap

    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    services = bootstrap(cfg, role="web")
    deps = Deps(config=services.config, assistant=Assistant(services.config, read=services.read_sheet), claims=None,
                executor=ThreadPoolExecutor(1), services=services)
    action = {"action_id": "roi:alert_mute:1", "value": encode_mute("冬促", ["pacing", "roi"], "2026-11-05", 1)}
    body = {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "channel": {"id": "CALERT"},
            "container": {"type": "message", "message_ts": "1.2", "channel_id": "CALERT", "is_ephemeral": False},
            "response_url": slack_api.response_url("actions/T1/1/z"), "actions": [action]}
    alert_listeners.mute_alerts(body, slack_client, None, action, deps=deps, now=at(5))
    deps.executor.shutdown(wait=True)
    store = AlertStore(cfg.database)
    assert store.muted(dt.date(2026, 11, 5)) == {("冬促", "pacing"), ("冬促", "roi")}
    assert store.muted(dt.date(2026, 11, 6)) == set()
    (reply,) = slack_api.calls("response_url")
    assert "已静音「冬促」的预算进度、ROI预警，到 今天为止" in reply["args"]["text"]


def test_check_now_on_the_demo(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'c.sqlite'}"}
    env.pop("ROI_SOURCE", None)
    cmd = [sys.executable, "-m", "scheduler", "check-now", "--date", "2026-11-30", "--dry-run"]
    done = subprocess.run([*cmd, "--json"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert [(a["campaign"], a["channel"], a["kind"]) for a in found] == [
        ("双12预热", "抖音", "pacing"), ("双12预热", "小红书", "roi"), ("双12预热", "小红书", "cvr_drop"),
        ("双12预热", "小红书", "no_conversions")]
    # 抖音 by hand: 7 × 4,500 = 31,500 against 60,000 × 7/20 = 21,000 (+50%); 28,500 left over 13 days = 2,192.31
    assert (found[0]["spent"], found[0]["expected"], found[0]["pace"], found[0]["date"]) == (31500, 21000, 0.5,
                                                                                            "2026-11-30")
    assert found[0]["proposal"]["daily_to"] == 2192.31
    # 小红书: 3 days × ¥1,000, 0 conversions; ROI (4 × 3,000 × 55% − 7,000) / 7,000 = −5.71%
    assert (found[3]["cost"], found[1]["roi"]) == (3000, -0.0571)
    bad = subprocess.run([*cmd[:5], "2026-11-31"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert bad.returncode != 0 and bad.stderr.strip().splitlines()[0] == "❌ 日期「2026-11-31」看不懂"
    assert "Traceback" not in bad.stderr


def test_a_failed_post_is_retried_with_backoff_the_same_day_and_lands_once(tmp_path, slack_api):
    from scheduler.alerts import retry_failed_alerts

    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    store = AlertStore(cfg.database)
    assert retry_failed_alerts(cfg, now=at(5), store=store) is None  # nothing failed: nothing to do
    # Slack answers 500 to the post and to the client's own 2 retries: the run fails
    slack_api.fail_next("chat.postMessage", 3, status=500)
    failed = run(cfg, at(5))
    assert (failed.status, failed.failed) == ("partial", ["冬促"])
    record = store.delivery("冬促", "pacing", "2026-11-05")
    assert (record["status"], record["failures"]) == ("failed", 1)
    # the clock looks every 10 minutes: 9 minutes after the failure it is too early (backoff 10 min)
    assert retry_failed_alerts(cfg, now=at(5) + dt.timedelta(minutes=9), store=store) is None
    # 11 minutes: tried again; Slack rate-limits it past the client's 3 retries → 2 failures, next wait 20 min
    slack_api.fail_next("chat.postMessage", 4, status=429, retry_after=0)
    second = retry_failed_alerts(cfg, now=at(5) + dt.timedelta(minutes=11), store=store)
    assert (second.status, second.failed) == ("partial", ["冬促"])
    assert store.delivery("冬促", "pacing", "2026-11-05")["failures"] == 2
    assert retry_failed_alerts(cfg, now=at(5) + dt.timedelta(minutes=30), store=store) is None  # 19 min after
    third = retry_failed_alerts(cfg, now=at(5) + dt.timedelta(minutes=32), store=store)
    assert (third.status, third.sent) == ("sent", ["冬促"])
    (post,) = posts(slack_api)
    assert "花费超前 +100.0%" in json.dumps(post["args"]["blocks"], ensure_ascii=False)
    record = store.delivery("冬促", "pacing", "2026-11-05")
    assert (record["status"], record["message_ts"]) == ("sent", post["response"]["ts"])
    # later looks, and the day's own re-run, send nothing more
    assert retry_failed_alerts(cfg, now=at(5, 8), store=store) is None
    assert run(cfg, at(5, 9)).sent == [] and len(posts(slack_api)) == 1


def test_a_failed_alert_of_yesterday_expires_unsent(tmp_path, slack_api):
    from scheduler.alerts import retry_failed_alerts

    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    store = AlertStore(cfg.database)
    slack_api.fail_next("chat.postMessage", 1, error="not_in_channel", status=200)
    assert run(cfg, at(5, 15)).failed == ["冬促"]  # 23:00 in Shanghai on 11-05
    # 11-06 00:10 in Shanghai: the 11-05 alert is stale
    assert retry_failed_alerts(cfg, now=at(5, 16) + dt.timedelta(minutes=10), store=store) is None
    record = store.delivery("冬促", "pacing", "2026-11-05")
    assert record["status"] == "expired" and posts(slack_api) == []
    assert store.failed() == []
    # a manual run for 11-05 does not take an expired record either
    assert run_daily_check(cfg, now=at(6), date=dt.date(2026, 11, 5), out=io.StringIO()).sent == []
    assert posts(slack_api) == []


def test_an_alert_table_made_before_failures_existed_gains_the_column(tmp_path):
    import sqlite3

    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE alert_deliveries (key VARCHAR(64) PRIMARY KEY, campaign TEXT NOT NULL, "
                   "kind VARCHAR(32) NOT NULL, day VARCHAR(10) NOT NULL, status VARCHAR(16) NOT NULL, "
                   "lease_owner VARCHAR(64), lease_until DATETIME, channel VARCHAR(64), message_ts VARCHAR(32), "
                   "last_error TEXT, updated_at DATETIME)")
    store = AlertStore(f"sqlite:///{path}")
    assert store.claim("冬促", ["roi"], "2026-11-05", "r1", now=at(5)) == ["roi"]
    store.mark_failed("冬促", ["roi"], "2026-11-05", "r1", "boom", now=at(5))
    assert [(r["kind"], r["failures"]) for r in store.failed()] == [("roi", 1)]


def _edited_book(path: Path, edit) -> Path:
    make_book(path)
    book = load_workbook(path)
    edit(book)
    book.save(path)
    return path


def test_check_now_refuses_a_sheet_it_cannot_stand_on_with_one_line_each(tmp_path, monkeypatch, capsys):
    from scheduler.__main__ import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'c.sqlite'}")
    for name in ("SLACK_BOT_TOKEN", "ROI_SOURCE", "TIMEZONE"):
        monkeypatch.delenv(name, raising=False)
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"PK\x03\x04 not really a workbook")
    cases = {
        "bad_time": (_edited_book(tmp_path / "t.xlsx", lambda b: b["设置"].append(["巡检时间", "25:00"])),
                     "❌ 「设置」第4行 巡检时间「25:00」不是时间（例：09:00）"),
        "bad_zone": (_edited_book(tmp_path / "z.xlsx", lambda b: b["设置"].__setitem__("B2", "Mars/Base")),
                     "❌ 「设置」第2行 时区「Mars/Base」不是有效的时区（例：Asia/Shanghai）"),
        "no_campaigns": (_edited_book(tmp_path / "n.xlsx", lambda b: b.remove(b["活动"])), "❌ 缺少「活动」标签页"),
        "unreadable": (broken, "❌ broken.xlsx 不是可读的 .xlsx 工作簿（CalamineError）"),
    }
    for case, (book, line) in cases.items():
        for extra in ([], ["--dry-run"], ["--json"]):
            code = main(["check-now", "--date", "2026-11-05", "--source", str(book), *extra])
            captured = capsys.readouterr()
            lines = captured.err.strip().splitlines()
            assert code == 1 and lines[0] == line, (case, extra, captured.err)
            assert len(lines) == 2 and lines[1].startswith("提示：") and "Traceback" not in captured.err
            assert captured.out == "", (case, extra)
    # nothing was written to the sheet or recorded
    assert ALERTS_TAB not in load_workbook(cases["bad_time"][0]).sheetnames
    assert AlertStore(f"sqlite:///{tmp_path / 'c.sqlite'}").failed() == []


def test_the_clock_run_goes_on_with_the_default_for_a_bad_check_time(tmp_path, slack_api):
    book = _edited_book(tmp_path / "team.xlsx", lambda b: b["设置"].append(["巡检时间", "25:00"]))
    assert run(config(book, slack_api, tmp_path), at(5)).sent == ["冬促"]


def _deps(cfg, today: dt.date):
    from concurrent.futures import ThreadPoolExecutor

    from bot.listeners import Deps
    from roi_app.answers import Assistant
    from roi_app.bootstrap import bootstrap

    services = bootstrap(cfg, role="web")
    assistant = Assistant(services.config, read=services.read_sheet, today=lambda: today)
    return Deps(config=services.config, assistant=assistant, claims=None, executor=ThreadPoolExecutor(1),
                services=services)


def _click(slack_api, action: dict, ts: str = "1.2") -> dict:
    return {"type": "block_actions", "user": {"id": "U1"}, "team": {"id": "T1"}, "channel": {"id": "CALERT"},
            "container": {"type": "message", "message_ts": ts, "channel_id": "CALERT", "is_ephemeral": False},
            "response_url": slack_api.response_url(f"actions/T1/{ts}/z"), "actions": [action]}


def _buttons(post) -> dict:
    blocks = post["args"]["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return {e["action_id"]: e for b in blocks if b["type"] == "actions" for e in b["elements"]}


def test_the_details_button_asks_the_campaigns_question_and_the_reply_passes_slacks_contract(
        tmp_path, slack_api, slack_client):
    from bot.listeners.actions import answer_query
    from render.blocks import decode_query

    cfg = config(make_book(tmp_path / "team.xlsx"), slack_api, tmp_path)
    assert run(cfg, at(5)).sent == ["冬促"]
    (post,) = posts(slack_api)
    details = _buttons(post)["roi:query:campaign"]
    assert details["text"]["text"] == "🔎 查看详情"
    query = decode_query(details["value"])
    assert (query.kind, query.text, query.lang) == ("campaign", "冬促", "zh")
    deps = _deps(cfg, dt.date(2026, 11, 5))
    action = {"action_id": details["action_id"], "value": details["value"], "type": "button"}
    answer_query(_click(slack_api, action, post["response"]["ts"]), slack_client, None, action, deps=deps)
    deps.executor.shutdown(wait=True)
    (reply,) = [c for c in slack_api.calls("response_url") if c["status"] == 200]
    dumped = json.dumps(reply["args"], ensure_ascii=False)
    # the campaign's own answer (the fake refuses, and fails this test at teardown, what Slack would refuse)
    assert "📊 冬促" in dumped and "2026-11-01 ~ 2026-11-10" in dumped
    # with today's alert among its lists: 11-04's rows are typed, so 4 days so far, as in the alert
    assert "今日预警 1 条" in dumped and "花费超前 +100.0%：计划 4/10 天已花 ¥8,000" in dumped


def test_an_english_team_gets_the_message_buttons_and_mute_reply_in_english(tmp_path, slack_api, slack_client):
    book = _edited_book(tmp_path / "team.xlsx", lambda b: setattr(b["活动"], "title", "Campaigns"))
    cfg = config(book, slack_api, tmp_path)
    sent = run(cfg, at(5))
    assert sent.sent == ["冬促"] and sent.alerts[0].lang == "en"
    (post,) = posts(slack_api)
    dumped = json.dumps(post["args"]["blocks"], ensure_ascii=False)
    assert "⚠️ Alert: 冬促" in dumped and "抖音: spending ahead of plan +100.0%: ¥8,000 spent in 4 of 10" in dumped
    assert "spending ahead of plan" in post["args"]["text"] and "预警" not in post["args"]["text"]
    buttons = _buttons(post)
    assert [b["text"]["text"] for b in buttons.values()] == ["🔎 Details", "🔕 Not again today", "🔇 Mute 7 days"]
    rows = [list(r) for r in load_workbook(cfg.source)[ALERTS_TAB].iter_rows(values_only=True)]
    assert rows[1][3] == "budget pacing" and rows[1][4].startswith("冬促 / 抖音: spending ahead of plan")
    week = buttons["roi:alert_mute:7"]
    assert decode_mute(week["value"]).lang == "en"
    deps = _deps(cfg, dt.date(2026, 11, 5))
    action = {"action_id": week["action_id"], "value": week["value"], "type": "button"}
    alert_listeners.mute_alerts(_click(slack_api, action), slack_client, None, action, deps=deps, now=at(5))
    deps.executor.shutdown(wait=True)
    (reply,) = slack_api.calls("response_url")
    assert reply["args"]["text"] == "🔕 Muted the budget pacing alerts of '冬促' until 2026-11-11 (inclusive)"
    assert AlertStore(cfg.database).muted(dt.date(2026, 11, 11)) == {("冬促", "pacing")}
