"""The Slack fake, exercised through REAL slack_sdk / slack_bolt / Flask."""

from __future__ import annotations

import threading
import time

import pytest
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_handlers import RateLimitErrorRetryHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import FakeSlackAPI, slack_signed_headers, slash_command_body


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
