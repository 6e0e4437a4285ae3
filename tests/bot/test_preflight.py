"""Pre-flight: a message Slack would refuse, or did refuse, still reaches the person as plain text."""

from __future__ import annotations

import csv
import io
import logging

from slack_sdk import WebClient

from bot.delivery import Reply
from render.blocks import Overflow, SlackMessage, csv_safe
from roi_runtime.config import AppConfig
from roi_runtime.notify import plain_version, preflight
from tests.fakes.fixtures import SLACK_TEST_TOKEN

BAD = [{"type": "actions", "elements": [None]}]  # the null element that started it all
GOOD = [{"type": "section", "text": {"type": "mrkdwn", "text": "ROI *157.1%*"}}]


def _reply(slack_api, *, thread: bool) -> Reply:
    config = AppConfig(slack_api_url=slack_api.api_url)
    client = WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url)
    if thread:
        return Reply(config, client, "C1", "U1", thread_ts="1700000000.000100", chart_png="off")
    from bot.delivery import RESPONSE_URLS

    respond = RESPONSE_URLS.respond_for(slack_api.response_url("commands/T1/1/x"), config)
    return Reply(config, client, "C1", "U1", respond=respond, chart_png="off")


def test_preflight_passes_a_good_message_untouched():
    msg = SlackMessage(GOOD, "ROI 157.1%")
    assert preflight(msg) is msg


def test_preflight_turns_a_refused_layout_into_plain_text_with_a_note(caplog):
    msg = SlackMessage(BAD, "春季促销 ROI 157.1%", kind="campaign")
    with caplog.at_level(logging.WARNING, "bot.delivery"):
        sent = preflight(msg)
    assert sent.blocks == [] and sent.plain
    assert sent.text == "春季促销 ROI 157.1%\n（排版未能通过 Slack 的检查，先以纯文本显示）"
    assert "invalid_blocks" in caplog.text and "blocks[0].elements[0]: null is not allowed" in caplog.text


def test_plain_version_speaks_english_to_english_askers():
    sent = plain_version(SlackMessage(BAD, "ROI 157.1%", lang="en"))
    assert sent.text.endswith("(the formatted layout did not pass Slack's checks; shown as plain text)")


def test_a_message_slack_would_refuse_arrives_as_text_through_response_url(slack_api):
    assert _reply(slack_api, thread=False).send(SlackMessage(BAD, "春季促销 ROI 157.1%")) is True
    (call,) = slack_api.calls("response_url")
    assert "blocks" not in call["args"] and call["args"]["text"].startswith("春季促销 ROI 157.1%\n（排版")


def test_slack_refusing_in_a_thread_is_followed_by_the_plain_text(slack_api):
    slack_api.fail_next("chat.postMessage", error="invalid_blocks", status=200)
    assert _reply(slack_api, thread=True).send(SlackMessage(GOOD, "ROI 157.1%")) is True
    first, second = slack_api.calls("chat.postMessage")
    assert first["response"]["error"] == "invalid_blocks" and first["args"].get("blocks")
    assert not second["args"].get("blocks") and second["args"]["text"].startswith("ROI 157.1%\n（排版")
    assert second["response"]["ok"] is True


def test_slack_refusing_a_response_url_is_followed_by_the_plain_text(slack_api):
    slack_api.fail_next("response_url", error="invalid_blocks", status=400)
    assert _reply(slack_api, thread=False).send(SlackMessage(GOOD, "ROI 157.1%")) is True
    first, second = slack_api.calls("response_url")
    assert first["status"] == 400 and first["args"]["blocks"] == GOOD
    assert "blocks" not in second["args"] and second["status"] == 200


def test_a_text_over_40000_characters_goes_out_cut_as_plain_text(slack_api):
    long_text = "渠道" * 30000  # 60,000 characters: msg_too_long
    assert _reply(slack_api, thread=True).send(SlackMessage(GOOD, long_text)) is True
    (call,) = slack_api.calls("chat.postMessage")
    assert len(call["args"]["text"]) <= 40000 and call["args"]["text"].endswith("先以纯文本显示）")


def test_other_errors_are_not_resent(slack_api):
    slack_api.fail_next("chat.postMessage", error="channel_not_found", status=200)
    assert _reply(slack_api, thread=True).send(SlackMessage(GOOD, "ROI")) is False
    assert len(slack_api.calls("chat.postMessage")) == 1


# ----------------------------------------------------------------------------- CSV exports
def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised():
    rows = [["=HYPERLINK(\"http://x\",\"点我\")", "¥1,000", "-12.5%"], ["+cmd", "-¥2,300", "@SUM(A1)"],
            ["\t=1+1", "-", "抖音"]]
    data = Overflow("渠道", "channels.csv", ["渠道", "成本", "ROI"], rows, 1).csv_bytes()
    assert data.startswith("\ufeff".encode())
    read = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert read[1] == ["'=HYPERLINK(\"http://x\",\"点我\")", "¥1,000", "-12.5%"]
    assert read[2] == ["'+cmd", "-¥2,300", "'@SUM(A1)"]
    assert read[3] == ["'\t=1+1", "'-", "抖音"]
    assert csv_safe("-¥2,300.50") == "-¥2,300.50" and csv_safe("+3%") == "+3%"


# ----------------------------------------------------------------------------- the notifier both processes use
def test_the_notifier_sends_a_refused_layout_again_as_plain_text(slack_api):
    from roi_runtime.notify import SlackNotifier

    notifier = SlackNotifier(WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url))
    slack_api.fail_next("chat.postMessage", error="invalid_blocks", status=200)
    response = notifier.post("CREPORT", SlackMessage(GOOD, "月报 2026-10 ROI 125.0%"))
    assert response["ok"] and response["channel"] == "CREPORT"
    first, second = slack_api.calls("chat.postMessage")
    assert first["args"]["blocks"] and not second["args"].get("blocks")
    assert second["args"]["text"] == "月报 2026-10 ROI 125.0%\n（排版未能通过 Slack 的检查，先以纯文本显示）"
    notifier.update("CREPORT", response["ts"], SlackMessage(GOOD, "月报 2026-10 ROI 125.0%"))
    assert slack_api.calls("chat.update")[0]["args"]["blocks"] == GOOD


def test_the_notifier_posts_a_text_notice_as_it_is(slack_api):
    from roi_runtime.notify import SlackNotifier

    SlackNotifier(WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url)).post("CREPORT", "⚠️ 2026-10 月报没有完成")
    (call,) = slack_api.calls("chat.postMessage")
    assert call["args"]["text"] == "⚠️ 2026-10 月报没有完成" and not call["args"].get("blocks")


def test_without_files_write_the_notifier_stops_asking_for_a_while(slack_api):
    from roi_runtime.notify import SlackNotifier, UploadGate

    gate = UploadGate()
    notifier = SlackNotifier(WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url), gate=gate)
    slack_api.set_missing_scope("files.", "files:write")
    assert notifier.upload("C1", b"a,b\n1,2\n", "roi.csv", "ROI") is False
    assert notifier.upload("C1", b"a,b\n1,2\n", "roi.csv", "ROI") is False
    assert len(slack_api.calls("files.getUploadURLExternal")) == 1 and not gate.open()


def test_the_composition_root_gives_each_role_its_client(slack_api):
    from roi_app.bootstrap import bootstrap

    config = AppConfig(slack_bot_token=SLACK_TEST_TOKEN, slack_api_url=slack_api.api_url)
    job, web = bootstrap(config, role="job"), bootstrap(config, role="web")
    assert job.slack.token == SLACK_TEST_TOKEN and web.slack.token is None  # bolt's authorize gives web its token
    assert [h.max_retry_count for h in job.slack.retry_handlers] == [3, 2, 2]  # 429, 5xx, connection errors
    assert [h.max_retry_count for h in web.slack.retry_handlers] == [2, 1]  # someone is waiting
    assert job.slack.base_url == web.slack.base_url == slack_api.api_url
    assert bootstrap(AppConfig(), role="job").notifier() is None  # no bot token: the job prints instead
