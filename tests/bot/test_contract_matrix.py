"""Every answer kind, in every setting that changes its layout, is a message Slack accepts.

Two layers:

* the whole matrix (answer kind × data × SHEET_URL set / unset / a Google source × PNG chart on a
  button or not × 中文 / English, plus the scheduler's monthly message and the follow-up tables) on
  the rendered messages, checked with ``render.contract.check_message``, the same check the bot runs
  before every send;
* the same questions through the real bolt app on Flask, signed like Slack signs, into the fake
  Slack that refuses what Slack refuses (it fails the test on any refusal), for every
  ``CHART_PNG`` × ``REPORTS_IN_CHANNEL`` × language × data, and once on a Google source.

"Zero refusals" means the pre-flight never had to fall back to plain text either: every answer
that reached the fake still has its blocks.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from bot.delivery import Reply
from render.blocks import RenderOptions, build_message
from render.contract import check_message
from roi_app.answers import Assistant
from roi_core import answer, parse_query
from roi_runtime.config import AppConfig
from tests.bot.conftest import HEADERS, SlackDriver, write_workbook
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"
TODAY = dt.date(2026, 11, 30)
NASTY = "<!channel> <@U1> <https://x|y> * _ ~ ``` "


def _nasty_name(i: int, kind: str) -> str:
    # 110 characters, every one unique only after the first 90: cutting to 20 or 75 makes them collide
    return (f"{NASTY}{kind}" * 6)[:90] + f"{kind}{i:03d}".rjust(20, "~")


def hostile_workbook(path: Path) -> Path:
    """40 channels and 3 campaigns whose names are 110 characters of Slack syntax, in March 2026."""
    campaigns = [_nasty_name(c, "活动") for c in range(3)]
    rows = []
    for c, campaign in enumerate(campaigns):
        for i in range(40):
            cost = 1000 + 37 * i + c
            rows.append([campaign, _nasty_name(i, "渠道"), dt.date(2026, 3, 1), dt.date(2026, 3, 31), cost, 0, 0, 0,
                         cost * (0.5 + (i % 7) / 2), 10 + i, 10000 + i, 500 + i, 20 + i])
    touches = [["客户ID", "时间", "渠道", "活动名称", "是否转化", "订单金额"]]
    for j in range(120):
        customer = f"C{j // 3}"
        converts = j % 3 == 2
        touches.append([customer, dt.datetime(2026, 3, 1 + j % 28, 10), _nasty_name(j % 40, "渠道"), campaigns[0],
                        "是" if converts else "否", 100 + j if converts else None])
    assert len(HEADERS) == len(rows[0])
    return write_workbook(path, rows, touches, {"目标ROI": "100%"})


def questions(data: str, lang: str) -> dict[str, str]:
    """One question per answer kind (the kind is the key)."""
    if data == "demo":
        campaign, several, month = "618", "双", "2026-10"
    else:
        campaign, several, month = "活动000", "活动00", "2026-03"
    if lang == "en":
        return {"campaign": campaign, "channels": f"channels {month}", "top": "top 20", "advice": f"advice {month}",
                "monthly": f"summary {month}", "attribution": f"attribution linear {month}", "help": "help",
                "monthly_range": "summary Q3" if data == "demo" else "summary Q1",  # several months; Jan, Feb empty
                **({"channel_trend": "抖音 this year"} if data == "demo" else {}),  # hostile channels can't be typed
                "compare": f"compare {month} and 2026-02",  # hostile: February is empty, one side shows —
                "candidates": several, "no_match": "zzzz-no-such-campaign", "error": "channels 2026-13",
                # customer value over time; the hostile sheet has no 订单/客户: what they would add, cohort refused
                "customer_value": f"{campaign} customer value", "lifecycle": f"lifecycle {campaign}",
                "cohort": "cohort"}
    return {"campaign": campaign, "channels": f"渠道 {month}", "top": "排行 20", "advice": f"建议 {month}",
            "monthly": f"月报 {month}", "attribution": f"归因 线性 {month}", "help": "帮助",
            "monthly_range": "Q3 月报" if data == "demo" else "Q1 月报",
            **({"channel_trend": "抖音 ROI"} if data == "demo" else {}),
            "compare": "618 vs 双11" if data == "demo" else "活动000 vs 活动001",
            "candidates": several, "no_match": "不存在的活动xyz", "error": "渠道 2026-13",
            "customer_value": f"{campaign} 回本周期", "lifecycle": f"生命周期 {campaign}", "cohort": "同期群"}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    return hostile_workbook(tmp_path_factory.mktemp("hostile") / "hostile.xlsx")


def _sources(hostile: Path) -> dict[str, Path]:
    return {"demo": DEMO, "hostile": hostile}


# ---------------------------------------------------------------------------- the rendered matrix
@pytest.mark.parametrize("data", ["demo", "hostile"])
def test_every_answer_kind_renders_a_message_slack_accepts(data, hostile):
    source = _sources(hostile)[data]
    sheet_links = [None, "https://docs.google.com/spreadsheets/d/1AbC/edit"]  # unset, set (or a Google source)
    refused = []
    kinds_seen = set()
    for lang in ("zh", "en"):
        assistant = Assistant(AppConfig(source=str(source)), today=lambda: TODAY)
        for kind, text in questions(data, lang).items():
            result = assistant.result_for(text)
            kinds_seen.add(result.message.kind)
            for link in sheet_links:
                for chart_button in (False, True):
                    msg = (build_message(result.answer, RenderOptions(sheet_url=link, chart_button=chart_button))
                           if result.answer is not None else result.message)
                    assert msg.blocks, (kind, lang)
                    for reason in check_message({"text": msg.text, "blocks": msg.blocks}):
                        refused.append(f"{data}/{lang}/{kind}/link={bool(link)}/button={chart_button}: {reason}")
                    if msg.overflow is not None:  # the follow-up tables, as text in the thread
                        for chunk in msg.overflow.text_chunks():
                            follow = {"text": "…", "blocks": [{"type": "section",
                                                               "text": {"type": "mrkdwn", "text": chunk}}]}
                            refused += [f"{data}/{lang}/{kind}/overflow: {r}" for r in check_message(follow)]
    assert refused == []
    assert {"campaign", "channels", "top", "advice", "monthly", "attribution", "help", "no_match",
            "error"} <= kinds_seen
    assert {"customer_value", "lifecycle"} <= kinds_seen and (data != "demo" or "cohort" in kinds_seen)


@pytest.mark.parametrize("data", ["demo", "hostile"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_scheduler_message_is_accepted(data, lang, hostile):
    from roi_app.monthly import summary_message
    from roi_core.monthly import monthly_summary
    from sheets import open_source

    sheet = open_source(str(_sources(hostile)[data]))
    month = "2026-10" if data == "demo" else "2026-03"
    summary = monthly_summary(sheet.read(), __import__("pandas").Period(month, freq="M"))
    if lang == "en":
        summary.lang = "en"
    for link in (None, "https://docs.google.com/spreadsheets/d/1AbC/edit"):
        msg = summary_message(summary, link)
        assert check_message({"text": msg.text, "blocks": msg.blocks}) == []


def test_hostile_attribution_answers_with_all_40_channels(hostile):
    query = parse_query("归因 线性 2026-03", TODAY)
    from sheets import open_source

    ans = answer(query, open_source(str(hostile)).read(), TODAY)
    assert len(ans.channels) == 40
    assert abs(sum(r["conversions"] for r in ans.channels) - 40) < 1e-9  # 40 converting journeys


# ---------------------------------------------------------------------------- through bolt and the fake
SETTINGS = [("auto", True), ("button", False), ("off", True)]  # CHART_PNG × REPORTS_IN_CHANNEL, both of each
# Every pair of (setting, data, language) values meets in one run (6 runs instead of all 12): the rendered
# messages above already cover the whole matrix, and a fault of the path through bolt and the fake shows up
# as the interaction of two of these at most.
PAIRWISE = [(*SETTINGS[0], "demo", "zh"), (*SETTINGS[0], "hostile", "en"), (*SETTINGS[1], "demo", "en"),
            (*SETTINGS[1], "hostile", "zh"), (*SETTINGS[2], "demo", "zh"), (*SETTINGS[2], "hostile", "en")]


@pytest.mark.parametrize("chart_png, in_channel, data, lang", PAIRWISE)
def test_every_answer_through_bolt_is_accepted(tmp_path, slack_api, hostile, chart_png, in_channel, data, lang,
                                               monkeypatch):
    from roi_server import create_app

    Reply.render_png = None
    config = AppConfig(source=str(_sources(hostile)[data]), slack_bot_token=SLACK_TEST_TOKEN,
                       slack_signing_secret=SLACK_TEST_SIGNING_SECRET, slack_api_url=slack_api.api_url,
                       database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}", chart_png=chart_png,
                       reports_in_channel=in_channel)
    driver = SlackDriver(create_app(config), slack_api)
    qs = questions(data, lang)
    for text in qs.values():
        assert driver.command(text).status_code == 200
    bodies = driver.responses(len(qs), timeout=60)
    for body in bodies:
        assert body.get("blocks"), body.get("text", "")[:200]  # never the plain-text fallback
        assert check_message(body) == []
    public = [b for b in bodies if b.get("response_type") == "in_channel"]
    assert bool(public) is in_channel
    # what followed the answers (charts, CSV files, text tables) was accepted too: the fake fails the
    # test at teardown on any refusal, once the work after the acks has finished
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)


def test_google_source_without_sheet_url_links_the_sheet_and_is_accepted(tmp_path, slack_api, sheets_api):
    from roi_server import create_app
    from tests.bot.conftest import CAMPAIGNS

    key = "1MatrixSheetAbcdefghijklmnopqrstuvwxyz0123"
    sheets_api.add_spreadsheet(key, "ROI 表", {"活动": [HEADERS, *CAMPAIGNS], "设置": [["参数", "值"], ["目标ROI", "100%"]]})
    config = AppConfig(source=key, google_service_account_json=json.dumps(sheets_api.service_account_info()),
                       google_sheets_api_url=sheets_api.url, slack_bot_token=SLACK_TEST_TOKEN,
                       slack_signing_secret=SLACK_TEST_SIGNING_SECRET, slack_api_url=slack_api.api_url,
                       database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}", chart_png="off")
    driver = SlackDriver(create_app(config), slack_api)
    for text in ("春季促销", "渠道 2026-03", "排行", "建议 2026-03", "月报 2026-03", "帮助"):
        driver.command(text)
    bodies = driver.responses(6, timeout=60)
    link = f"https://docs.google.com/spreadsheets/d/{key}/edit"
    for body in bodies:
        assert body.get("blocks") and check_message(body) == []
    assert sum(link in json.dumps(b["blocks"]) for b in bodies) == 6
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)


# ---------------------------------------------------------------------------- customer-value buttons round-trip
def _query_buttons(blocks: list[dict]) -> list[dict]:
    return [e for b in blocks if b["type"] == "actions" for e in b["elements"]
            if e.get("type") == "button" and e.get("value") and e["action_id"].startswith("roi:query")]


CUSTOMER_CLICKS = [  # (question, button label, what the click must answer: kind, campaign, channel, period label)
    ("抖音 客户价值 上季度", "🧭 生命周期", ("lifecycle", None, "抖音", "2026-07-01 ~ 2026-09-30")),
    ("抖音 客户价值 上季度", "🧊 同期群", ("cohort", None, None, None)),
    ("生命周期 618", "💎 客户价值", ("customer_value", "618活动", None, None)),
    ("抖音 生命周期 上季度", "💎 客户价值", ("customer_value", None, "抖音", "2026-07-01 ~ 2026-09-30")),
    ("how long did 618 take to pay back", "🧭 Lifecycle", ("lifecycle", "618活动", None, None)),
]


@pytest.mark.parametrize("question, label, expected", CUSTOMER_CLICKS)
def test_customer_value_buttons_round_trip(question, label, expected):
    from render.blocks.parts import decode_query

    assistant = Assistant(AppConfig(source=str(DEMO)), today=lambda: TODAY)
    first = assistant.result_for(question)
    buttons = {b["text"]["text"]: b for b in _query_buttons(build_message(first.answer, RenderOptions()).blocks)}
    value = json.loads(buttons[label]["value"])
    assert value["k"] == expected[0]  # the new kind itself, not the raw text re-asked as a campaign
    query = decode_query(buttons[label]["value"])
    assert (query.kind, query.resolved, query.lang) == (expected[0], True, "en" if question.isascii() else "zh")
    clicked = assistant.result_for_query(query)
    ans = clicked.answer
    assert clicked.message.kind == expected[0]
    assert (getattr(ans, "campaign", None), getattr(ans, "channel", None), getattr(ans, "label", None)) == expected[1:]
    assert check_message({"text": clicked.message.text, "blocks": clicked.message.blocks}) == []


def test_customer_value_button_values_we_did_not_write_are_refused():
    from render.blocks.parts import decode_query, encode_query
    from roi_core import RoiError

    value = encode_query("customer_value", text="618活动", channel="抖音", metric="payback",
                         period="2026-07-01~2026-09-30", lang="en")
    assert json.loads(value) == {"k": "customer_value", "c": "抖音", "f": "payback", "p": "2026-07-01~2026-09-30",
                                 "t": "618活动", "l": "en"}
    query = decode_query(value)
    assert (query.text, query.channel, query.metric, query.period) == (
        "618活动", "抖音", "payback", (dt.date(2026, 7, 1), dt.date(2026, 9, 30)))
    for forged in ('{"k":"lifecycle","f":"rm -rf"}', '{"k":"cohort","p":"2026-09-30~2026-07-01"}',
                   '{"k":"lifecycle","p":"yesterday"}'):
        with pytest.raises(RoiError, match="按钮已失效"):
            decode_query(forged)


def test_a_customer_value_button_clicked_through_bolt_answers_its_kind(tmp_path, slack_api):
    from roi_server import create_app

    Reply.render_png = None
    config = AppConfig(source=str(DEMO), slack_bot_token=SLACK_TEST_TOKEN,
                       slack_signing_secret=SLACK_TEST_SIGNING_SECRET, slack_api_url=slack_api.api_url,
                       database_url=f"sqlite:///{tmp_path / 'bot.sqlite'}", chart_png="off")
    driver = SlackDriver(create_app(config), slack_api)
    driver.app.config["BOLT_APP"].deps.assistant._today = lambda: TODAY
    assert driver.command("抖音 客户价值 上季度").status_code == 200
    [answer_body] = driver.responses(1, timeout=60)
    button = next(b for b in _query_buttons(answer_body["blocks"]) if b["text"]["text"] == "🧭 生命周期")
    assert driver.action({"action_id": button["action_id"], "value": button["value"]}).status_code == 200
    clicked = driver.responses(2, timeout=60)[1]
    assert check_message(clicked) == []
    assert "抖音 生命周期 2026-07-01 ~ 2026-09-30" in json.dumps(clicked["blocks"], ensure_ascii=False)
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)
