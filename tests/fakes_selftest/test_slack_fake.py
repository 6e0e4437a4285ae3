"""The Slack fake, exercised through REAL slack_sdk / slack_bolt / Flask."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import FakeSlackAPI, SlackRefusal, slack_signed_headers, slash_command_body


def test_auth_test_post_update_ephemeral(slack_api, slack_client):
    me = slack_client.auth_test()
    assert (me["team_id"], me["user_id"], me["bot_id"]) == ("T1", "UBOT", "B1")
    r1 = slack_client.chat_postMessage(channel="C1", text="ROI 报告", blocks=[{"type": "section", "text": {
        "type": "mrkdwn", "text": "*ROI*"}}])
    r2 = slack_client.chat_postMessage(channel="C1", text="second", thread_ts=r1["ts"])
    assert r1["ts"] == "1700000000.000100" and r2["ts"] == "1700000000.000200"
    assert r1["channel"] == "C1" and r1["message"]["text"] == "ROI 报告"
    call = slack_api.calls("chat.postMessage")[0]
    assert call["json"] is True and call["headers"]["has_auth"] is True
    assert call["args"]["blocks"][0]["type"] == "section"
    assert "token" not in call["args"] and SLACK_TEST_TOKEN not in repr(slack_api.calls())
    up = slack_client.chat_update(channel="C1", ts=r1["ts"], text="ROI 报告 (更新)")
    assert up["ts"] == r1["ts"]
    assert slack_api.messages("C1")[0]["text"] == "ROI 报告 (更新)"
    assert slack_api.messages("C1")[1]["thread_ts"] == r1["ts"]
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_update(channel="C1", ts="1.2", text="x")
    assert e.value.response["error"] == "message_not_found"
    slack_client.chat_postEphemeral(channel="C1", user="U1", text="只有你能看到")
    assert slack_api.ephemeral_messages()[0]["text"] == "只有你能看到"
    assert slack_client.conversations_info(channel="C9")["channel"]["id"] == "C9"


def test_no_token_and_unknown_method(slack_api):
    with pytest.raises(SlackApiError) as e:
        WebClient(base_url=slack_api.api_url).chat_postMessage(channel="C1", text="x")
    assert e.value.response["error"] == "not_authed"
    client = WebClient(token="xoxb-1", base_url=slack_api.api_url)
    with pytest.raises(SlackApiError) as e:
        client.api_call("made.up")
    assert e.value.response["error"] == "unknown_method"


def test_files_upload_v2_three_steps(slack_api, slack_client):
    png = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
    res = slack_client.files_upload_v2(channel="C1", file=png, filename="roi.png", title="ROI 图",
                                       initial_comment="渠道 ROI")
    assert res["file"]["name"] == "roi.png" and res["file"]["title"] == "ROI 图"
    assert [c["method"] for c in slack_api.calls()] == [
        "files.getUploadURLExternal", "upload", "files.completeUploadExternal"]
    step1 = slack_api.calls("files.getUploadURLExternal")[0]["args"]
    assert step1["filename"] == "roi.png" and int(step1["length"]) == len(png)
    f = slack_api.files[res["file"]["id"]]
    assert f["content"] == png and f["completed"] and f["channel_id"] == "C1"
    assert f["initial_comment"] == "渠道 ROI"


def test_missing_scope_for_files(slack_api, slack_client):
    slack_api.set_missing_scope("files.", "files:write")
    with pytest.raises(SlackApiError) as e:
        slack_client.files_upload_v2(channel="C1", content="a,b\n1,2\n", filename="roi.csv")
    assert e.value.response["error"] == "missing_scope" and e.value.response["needed"] == "files:write"
    slack_client.chat_postMessage(channel="C1", text="fallback text")  # chat.* unaffected
    slack_api.clear_missing_scope()
    assert slack_client.files_upload_v2(channel="C1", content="a,b\n", filename="roi.csv")["ok"]


def test_rate_limit_with_retry_handler(slack_api):
    slack_api.fail_next("chat.postMessage", 1, retry_after=0)
    client = WebClient(token="xoxb-1", base_url=slack_api.api_url,
                       retry_handlers=[RateLimitErrorRetryHandler(max_retry_count=2)])
    t0 = time.monotonic()
    assert client.chat_postMessage(channel="C1", text="hi")["ok"]
    assert time.monotonic() - t0 < 3
    calls = slack_api.calls("chat.postMessage")
    assert [c["status"] for c in calls] == [429, 200]
    assert len(slack_api.messages()) == 1  # the rate-limited call was not applied


def test_rate_limit_without_handler_raises(slack_api, slack_client):
    slack_api.fail_next("chat.postMessage", 1, retry_after=7)
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_postMessage(channel="C1", text="hi")
    assert e.value.response.status_code == 429 and e.value.response["error"] == "ratelimited"
    assert e.value.response.headers["retry-after"] in (["7"], "7")
    slack_api.fail_next("chat.postMessage", 1, error="channel_not_found", status=200)
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_postMessage(channel="C404", text="hi")
    assert e.value.response["error"] == "channel_not_found"


def test_response_url_via_webhook_client(slack_api):
    url = slack_api.response_url("commands/T1/42/abc")
    resp = WebhookClient(url).send(text="处理中…", response_type="ephemeral", replace_original=False)
    assert resp.status_code == 200 and resp.body == "ok"
    call = slack_api.calls("response_url")[0]
    assert call["path"] == "/hooks/commands/T1/42/abc"
    assert call["args"] == {"text": "处理中…", "response_type": "ephemeral", "replace_original": False}


def test_wait_for_polls_until_background_work_is_done(slack_api, slack_client):
    threading.Timer(0.2, lambda: slack_client.chat_postMessage(channel="C1", text="late")).start()
    got = slack_api.wait_for("chat.postMessage", timeout=5)
    assert got[0]["args"]["text"] == "late"
    with pytest.raises(AssertionError, match="chat.update"):
        slack_api.wait_for("chat.update", timeout=0.1)


def test_signed_headers_verify():
    body = slash_command_body("本月", response_url="http://127.0.0.1:1/hooks/x")
    headers = slack_signed_headers("s3cret", body)
    assert SignatureVerifier("s3cret").is_valid(body, headers["X-Slack-Request-Timestamp"],
                                                headers["X-Slack-Signature"])
    assert not SignatureVerifier("other").is_valid(body, headers["X-Slack-Request-Timestamp"],
                                                   headers["X-Slack-Signature"])


def test_bolt_flask_slash_command_end_to_end(slack_api):
    """The helpers together: a signed slash command into a real bolt+Flask app whose
    listener acks, answers on response_url and posts a message through the fake."""
    from flask import Flask, request
    from slack_bolt import App
    from slack_bolt.adapter.flask import SlackRequestHandler

    bolt = App(client=WebClient(token=SLACK_TEST_TOKEN, base_url=slack_api.api_url),
               signing_secret=SLACK_TEST_SIGNING_SECRET, process_before_response=True)

    @bolt.command("/roi")
    def roi(ack, respond, command, client):
        ack()
        respond(f"收到: {command['text']}")
        client.chat_postMessage(channel=command["channel_id"], text="ROI 结果")

    flask_app = Flask(__name__)
    handler = SlackRequestHandler(bolt)
    flask_app.add_url_rule("/slack/events", view_func=lambda: handler.handle(request), methods=["POST"])
    body = slash_command_body("本月", response_url=slack_api.response_url())
    with flask_app.test_client() as http:
        ok = http.post("/slack/events", data=body, headers=slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body))
        bad = http.post("/slack/events", data=body, headers=slack_signed_headers("wrong", body))
        old = http.post("/slack/events", data=body, headers=slack_signed_headers(
            SLACK_TEST_SIGNING_SECRET, body, timestamp=int(time.time()) - 600))
    assert ok.status_code == 200 and bad.status_code == 401 and old.status_code == 401
    assert slack_api.calls("response_url")[0]["args"]["text"] == "收到: 本月"
    assert slack_api.messages("C1")[0]["text"] == "ROI 结果"
    assert slack_api.calls()[0]["method"] == "auth.test"  # App() verified the token at construction


def test_context_manager_and_restart():
    fake = FakeSlackAPI()
    with fake:
        assert WebClient(token="x", base_url=fake.api_url).auth_test()["ok"]
    with pytest.raises(RuntimeError):
        _ = fake.url
    with fake:
        assert fake.url.startswith("http://127.0.0.1:")  # restarted, maybe on another port than url1
        assert WebClient(token="x", base_url=fake.api_url).auth_test()["ok"]


# ----------------------------------------------------------------------------- the fake refuses what Slack refuses
def _button(text: str = "查看", action_id: str = "a", **extra) -> dict:
    return {"type": "button", "text": {"type": "plain_text", "text": text}, "action_id": action_id, **extra}


def _section(text: str) -> dict:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _cells(*texts: str) -> list[dict]:
    return [{"type": "raw_text", "text": t} for t in texts]


def _chart(n_series: int = 1, title: str = "渠道 ROI", name: str = "ROI") -> dict:
    return {"type": "data_visualization", "title": title, "chart": {
        "type": "bar", "axis_config": {"categories": ["抖音", "微信"]},
        "series": [{"name": f"{name}{i or ''}", "data": [{"label": "抖音", "value": 200.0},
                                                       {"label": "微信", "value": -20.0}]}
                   for i in range(n_series)]}}


def _select(n_options: int, text: str = "线性") -> dict:
    return {"type": "actions", "elements": [{"type": "static_select", "action_id": "roi:model", "options": [
        {"text": {"type": "plain_text", "text": text}, "value": f"m{i}"} for i in range(n_options)]}]}


# name -> (blocks for size n, the largest n Slack accepts, the reason's path when one more)
LIMITS = {
    "blocks per message": (lambda n: [{"type": "divider"}] * n, 50, "blocks"),
    "header text": (lambda n: [{"type": "header", "text": {"type": "plain_text", "text": "标" * n}}], 150,
                    "blocks[0].text.text"),
    "section text": (lambda n: [_section("x" * n)], 3000, "blocks[0].text.text"),
    "section fields": (lambda n: [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f"}] * n}], 10,
                       "blocks[0].fields"),
    "field text": (lambda n: [{"type": "section", "fields": [{"type": "mrkdwn", "text": "f" * n}]}], 2000,
                   "blocks[0].fields[0].text"),
    "context elements": (lambda n: [{"type": "context", "elements": [{"type": "mrkdwn", "text": "c"}] * n}], 10,
                         "blocks[0].elements"),
    "actions elements": (lambda n: [{"type": "actions", "elements": [_button(action_id=f"a{i}") for i in range(n)]}],
                         25, "blocks[0].elements"),
    "button text": (lambda n: [{"type": "actions", "elements": [_button("按" * n)]}], 75,
                    "blocks[0].elements[0].text.text"),
    "button value": (lambda n: [{"type": "actions", "elements": [_button(value="v" * n)]}], 2000,
                     "blocks[0].elements[0].value"),
    "button url": (lambda n: [{"type": "actions", "elements": [_button(url="https://x/" + "u" * (n - 10))]}], 3000,
                   "blocks[0].elements[0].url"),
    "action_id": (lambda n: [{"type": "actions", "elements": [_button(action_id="a" * n)]}], 255,
                  "blocks[0].elements[0].action_id"),
    "block_id": (lambda n: [{"type": "divider", "block_id": "b" * n}], 255, "blocks[0].block_id"),
    "select options": (lambda n: [_select(n)], 100, "blocks[0].elements[0].options"),
    "option text": (lambda n: [_select(1, "选" * n)], 75, "blocks[0].elements[0].options[0].text.text"),
    "table rows": (lambda n: [{"type": "table", "rows": [_cells("x")] * n}], 100, "blocks[0].rows"),
    "table cells": (lambda n: [{"type": "table", "rows": [_cells(*["x"] * n)]}], 20, "blocks[0].rows[0]"),
    "data_table rows": (lambda n: [{"type": "data_table", "caption": "c", "rows": [_cells("x")] * n}], 101,
                        "blocks[0].rows"),
    "chart title": (lambda n: [_chart(title="标" * n)], 50, "blocks[0].title"),
    "chart series": (lambda n: [_chart(n)], 6, "blocks[0].chart.series"),
    "series name": (lambda n: [_chart(name="名" * n)], 20, "blocks[0].chart.series[0].name"),
}


@pytest.mark.parametrize("name", LIMITS)
def test_each_limit_at_its_boundary(slack_api, slack_client, name):
    make, largest, path = LIMITS[name]
    slack_api.expect_refusals()
    assert slack_client.chat_postMessage(channel="C1", text="ROI", blocks=make(largest))["ok"]
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_postMessage(channel="C1", text="ROI", blocks=make(largest + 1))
    assert e.value.response["error"] == "invalid_blocks"
    assert len(e.value.response["errors"]) == 1 and e.value.response["errors"][0].startswith(f"{path}: ")
    assert len(slack_api.messages()) == 1  # the refused one was not posted
    assert [r["method"] for r in slack_api.refusals] == ["chat.postMessage"]


def test_a_null_button_is_refused_with_its_path_and_fails_the_test_at_teardown():
    blocks = [_section("ROI"), {"type": "actions", "elements": [_button(), None]}]
    with FakeSlackAPI() as fake:
        client = WebClient(token="xoxb-1", base_url=fake.api_url)
        with pytest.raises(SlackApiError) as e:
            client.chat_postMessage(channel="C1", text="ROI", blocks=blocks)
        assert e.value.response.status_code == 200
        assert e.value.response.data == {
            "ok": False, "error": "invalid_blocks", "errors": ["blocks[1].elements[1]: null is not allowed"],
            "response_metadata": {"messages": ["[ERROR] blocks[1].elements[1]: null is not allowed"]}}
        call = fake.calls("chat.postMessage")[0]
        assert call["refused"] == {"error": "invalid_blocks", "reasons": ["blocks[1].elements[1]: null is not allowed"]}
        assert fake.messages() == []
    # what the slack_api fixture asserts at teardown
    assert [type(err) for err in fake.errors] == [SlackRefusal]
    assert "blocks[1].elements[1]: null is not allowed" in str(fake.errors[0])


def test_expect_refusals_keeps_the_refusal_but_not_the_teardown_failure(slack_api, slack_client):
    slack_api.expect_refusals()
    with pytest.raises(SlackApiError):
        slack_client.chat_postMessage(channel="C1", text="ROI", blocks=[{"type": "section"}])
    assert slack_api.refusals == [{"method": "chat.postMessage", "path": "/api/chat.postMessage",
                                   "error": "invalid_blocks", "reasons": ["blocks[0]: a section needs text or fields"]}]
    assert slack_api.errors == []


def test_update_ephemeral_and_form_encoded_blocks(slack_api, slack_client):
    slack_api.expect_refusals()
    ts = slack_client.chat_postMessage(channel="C1", text="ROI", blocks=[_section("ROI")])["ts"]
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_update(channel="C1", ts=ts, text="ROI", blocks=[_section("")])
    assert e.value.response["errors"] == ["blocks[0].text.text: mrkdwn text must not be empty"]
    assert slack_api.messages()[0]["blocks"] == [_section("ROI")]  # unchanged
    with pytest.raises(SlackApiError) as e:
        slack_client.chat_postEphemeral(channel="C1", user="U1", text="x" * 40_001)
    assert e.value.response["error"] == "msg_too_long" and "errors" not in e.value.response.data
    # a form body carries blocks as a JSON string: checked the same way, a broken one is invalid_blocks_format
    form = {"channel": "C1", "text": "ROI", "blocks": json.dumps([{"type": "header", "text": {
        "type": "plain_text", "text": "x" * 151}}])}
    with pytest.raises(SlackApiError) as e:
        slack_client.api_call("chat.postMessage", data=form)
    assert e.value.response["errors"] == ["blocks[0].text.text: is 151 characters; at most 150"]
    with pytest.raises(SlackApiError) as e:
        slack_client.api_call("chat.postMessage", data={**form, "blocks": "[{"})
    assert e.value.response["error"] == "invalid_blocks_format"
    with pytest.raises(SlackApiError) as e:
        slack_client.api_call("chat.postMessage", json={"channel": "C1", "text": ""})
    assert e.value.response["error"] == "no_text"
    assert [r["error"] for r in slack_api.refusals] == [
        "invalid_blocks", "msg_too_long", "invalid_blocks", "invalid_blocks_format", "no_text"]


def test_response_url_refusal_is_http_400(slack_api):
    slack_api.expect_refusals()
    url = slack_api.response_url("commands/T1/42/abc")
    resp = WebhookClient(url).send(text="ROI", blocks=[{"type": "actions", "elements": []}])
    assert (resp.status_code, resp.body) == (400, "invalid_blocks")
    assert slack_api.calls("response_url")[0]["refused"]["reasons"] == ["blocks[0].elements: 0 elements; at least 1"]
    assert WebhookClient(url).send(text="ROI", blocks=[_section("ROI")]).status_code == 200
    assert WebhookClient(url).send_dict({"delete_original": True}).status_code == 200  # a deletion needs no text


def test_file_upload_comment_and_blocks(slack_api, slack_client):
    slack_api.expect_refusals()
    assert slack_client.files_upload_v2(channel="C1", content="a,b\n", filename="roi.csv")["ok"]  # no comment: fine
    with pytest.raises(SlackApiError) as e:
        slack_client.files_upload_v2(channel="C1", content="a,b\n", filename="roi.csv", initial_comment="x" * 40_001)
    assert e.value.response["error"] == "msg_too_long"
    step1 = slack_client.files_getUploadURLExternal(filename="roi.csv", length=4)
    requests.post(step1["upload_url"], data=b"a,b\n", timeout=5)
    with pytest.raises(SlackApiError) as e:
        slack_client.files_completeUploadExternal(files=[{"id": step1["file_id"]}], channel_id="C1",
                                                  blocks=json.dumps([None]))
    assert e.value.response["errors"] == ["blocks[0]: null is not allowed"]
    assert not slack_api.files[step1["file_id"]]["completed"]


def test_a_message_from_the_bot_renderer_goes_through(slack_api, slack_client):
    """A real Block Kit answer (the help message: buttons, sections, context) is accepted as it is."""
    from render.blocks import build_message
    from roi_core import HelpAnswer

    msg = build_message(HelpAnswer(campaigns=["春季促销", "夏季大促"]))
    assert slack_client.chat_postMessage(channel="C1", text=msg.text, blocks=msg.blocks)["ok"]
