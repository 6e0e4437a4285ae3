"""Hostile requests to the real Flask app: nothing is parsed before the signature, bodies are capped,
response_urls go to Slack only, long questions are refused before any work."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlencode

import pytest

from bot.app import MAX_BODY_BYTES
from bot.delivery import response_url_allowed
from roi_core.query import MAX_QUESTION_CHARS
from roi_runtime.config import AppConfig
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET
from tests.fakes.slack_api import slack_signed_headers, slash_command_body


def _unsigned(driver, body: bytes, content_type="application/json", headers=None):
    h = {"Content-Type": content_type, **(headers or {})}
    return driver.client.post("/slack/events", data=body, headers=h)


@pytest.mark.parametrize("body, content_type", [
    (b"{not json", "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'"a string"', "application/json"),
    (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
    (b"\xff\xfe\x00garbage", "application/x-www-form-urlencoded"),
    (b"", "application/json"),
])
def test_unsigned_malformed_bodies_get_401_and_no_traceback(driver, body, content_type, caplog):
    resp = _unsigned(driver, body, content_type)
    assert resp.status_code == 401
    assert "Traceback" not in caplog.text


@pytest.mark.parametrize("timestamp", ["not-a-number", "1e10", "", "１２３"])
def test_a_malformed_timestamp_is_simply_unsigned(driver, timestamp):
    body = "command=%2Froi&text=618"
    headers = slack_signed_headers("secret", body)
    headers["X-Slack-Request-Timestamp"] = timestamp
    resp = driver.client.post("/slack/events", data=body, headers=headers)
    assert resp.status_code == 401


@pytest.mark.parametrize("body", [b"{not json", b"[1, 2, 3]", b'{"type": 5}'])
def test_signed_malformed_json_is_a_400_not_a_500(driver, body):
    headers = slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body.decode(), content_type="application/json")
    resp = driver.client.post("/slack/events", data=body, headers=headers)
    assert resp.status_code in (400, 404)  # never a 500


def test_a_body_over_the_cap_is_refused_before_it_is_read(driver):
    body = b"x" * (MAX_BODY_BYTES + 1)
    resp = _unsigned(driver, body, "application/x-www-form-urlencoded")
    assert resp.status_code == 413


class _Trap(BaseHTTPRequestHandler):
    hits: list = []

    def do_POST(self):  # noqa: N802 - http.server's name
        _Trap.hits.append(self.path)
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def trap():
    _Trap.hits = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Trap)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()  # quick shutdown
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_signed_response_url_elsewhere_is_never_posted_to(driver, slack_api, trap, caplog):
    body = slash_command_body("春季促销", response_url=f"{trap}/steal")
    resp = driver.post(body)
    assert resp.status_code == 200  # acked like any command
    # the work after the ack has answered once it says the answer was not sent (no fixed wait)
    refused = "response_url on host 127.0.0.1 is not Slack's: nothing sent"
    deadline = time.monotonic() + 10
    while refused not in caplog.text and time.monotonic() < deadline:
        time.sleep(0.01)
    assert refused in caplog.text
    assert _Trap.hits == []
    assert slack_api.calls("response_url") == []


@pytest.mark.parametrize("url, allowed", [
    ("https://hooks.slack.com/commands/T1/1/x", True),
    ("https://hooks.slack-gov.com/actions/T1/1/x", True),
    ("http://hooks.slack.com/commands/T1/1/x", False),  # not TLS
    ("https://hooks.slack.com:8443/commands/T1/1/x", False),
    ("https://hooks.slack.com@169.254.169.254/latest/meta-data", False),  # userinfo trick
    ("https://169.254.169.254/latest/meta-data", False),
    ("https://hooks.slack.com.evil.example/x", False),
    ("http://127.0.0.1:9/hooks/x", False),
    ("https://[::1/", False),  # unparseable
])
def test_response_url_allow_list(url, allowed):
    assert response_url_allowed(url, AppConfig()) is allowed


def test_response_url_on_the_configured_api_host_is_allowed():
    config = AppConfig(slack_api_url="http://127.0.0.1:5000/api/")
    assert response_url_allowed("http://127.0.0.1:5000/hooks/commands/T1/1/x", config)
    assert not response_url_allowed("http://127.0.0.1:5001/hooks/commands/T1/1/x", config)


def test_a_long_question_is_refused_with_its_length(driver):
    text = "618" * 5000  # 15,000 characters
    driver.command(text)
    (reply,) = driver.responses(1)
    assert reply["response_type"] == "ephemeral"
    assert "问题太长（15,000 个字符）" in reply["text"] and str(MAX_QUESTION_CHARS) in reply["text"]


def test_a_long_english_question_is_refused_in_english(driver):
    driver.command("how did the campaign do " * 100)
    (reply,) = driver.responses(1)
    assert "too long" in reply["text"]


def test_signed_json_array_event_is_not_a_500(driver):
    body = json.dumps([{"type": "event_callback"}])
    resp = driver.client.post("/slack/events", data=body,
                              headers=slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body,
                                                           content_type="application/json"))
    assert resp.status_code < 500


def test_form_payload_that_is_not_an_object_is_not_a_500(driver):
    body = urlencode({"payload": "[1,2]"})
    resp = driver.client.post("/slack/events", data=body,
                              headers=slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body))
    assert resp.status_code < 500
