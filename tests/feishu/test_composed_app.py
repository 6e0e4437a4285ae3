"""POST /feishu/events on the composed app (``roi_server.create_app``) under gunicorn, as a deployment runs it:
events encrypted and signed as 飞书 sends them are answered through lark-oapi into the loopback fake; an
unsigned, wrongly signed, oversized or stale (replayed) request is refused before anything is parsed, and a
request replayed inside the window is acknowledged without a second answer (the event_id claim).

The signatures carry the real time (as tests/bot's Slack signatures do): the server measures the replay window
on its own clock."""

from __future__ import annotations

import datetime as dt
import json
import time

import pytest

from feishu.http import MAX_BODY, REPLAY_WINDOW, signature_of
from roi_runtime.config import AppConfig
from tests.fakes.feishu_api import FakeFeishuAPI
from tests.feishu.test_door import KEY, TOKEN, encrypt, message_event
from tests.web.conftest import start_web_server

pytestmark = pytest.mark.slow  # a gunicorn process and a loopback 飞书


@pytest.fixture(scope="module")
def feishu():
    with FakeFeishuAPI() as fake:
        yield fake


@pytest.fixture(scope="module")
def server(feishu, tmp_path_factory):
    env = {"FEISHU_APP_ID": feishu.app_id, "FEISHU_APP_SECRET": feishu.app_secret, "FEISHU_API_URL": feishu.url,
           "FEISHU_ENCRYPT_KEY": KEY, "FEISHU_VERIFICATION_TOKEN": TOKEN}
    server = start_web_server(tmp_path_factory.mktemp("feishu-web"), env_extra=env)
    yield server
    log = server.stop()
    assert "Traceback" not in log, log
    for secret in (feishu.app_secret, KEY, TOKEN):
        assert secret not in log  # the app's secrets are redacted from its log


def signed(body: bytes, *, key: str = KEY, at: int | None = None) -> dict:
    stamp = str(int(time.time()) if at is None else at)
    return {"X-Lark-Request-Timestamp": stamp, "X-Lark-Request-Nonce": "n0nce-1",
            "X-Lark-Signature": signature_of(stamp, "n0nce-1", key, body), "Content-Type": "application/json"}


def post(server, body: bytes, headers: dict):
    return server.request("POST", "/feishu/events", body, token=None, headers=headers)


def test_a_signed_event_is_answered_and_the_other_doors_still_serve(server, feishu):
    msg = feishu.incoming("oc_composed", "@_user_1 帮助")
    body = encrypt(message_event("ev-c1", msg, "oc_composed", "@_user_1 帮助"))
    status, _, _ = post(server, body, signed(body))
    assert status == 200
    (reply,) = feishu.wait_for(1, "oc_composed")
    assert reply["reply_to"] == msg and reply["msg_type"] == "interactive"
    assert server.get("/healthz", token=None)[0] == 200  # the plugin's app is the same process
    assert server.request("POST", "/slack/events", b"{}", token=None)[0] == 503  # Slack not set up: says so


def test_unsigned_wrongly_signed_and_oversized_requests_are_refused(server, feishu):
    msg = feishu.incoming("oc_refused", "@_user_1 帮助")
    body = encrypt(message_event("ev-c2", msg, "oc_refused", "@_user_1 帮助"))
    assert post(server, body, {"Content-Type": "application/json"})[0] == 401  # no signature, not a URL check
    assert post(server, body, signed(body, key="another-key"))[0] == 401
    tampered = body.replace(b'"encrypt": "', b'"encrypt": "A')
    assert post(server, tampered, signed(body))[0] == 401  # signed for other bytes
    huge = b'{"encrypt":"' + b"A" * MAX_BODY + b'"}'
    assert post(server, huge, signed(huge))[0] == 413  # refused by its length, before the signature is computed
    assert feishu.sent("oc_refused")[1:] == []  # nothing answered (the first is the person's own message)


def test_a_replay_is_refused_when_stale_and_answered_once_inside_the_window(server, feishu):
    msg = feishu.incoming("oc_replay", "@_user_1 帮助")
    body = encrypt(message_event("ev-c3", msg, "oc_replay", "@_user_1 帮助"))
    stale = signed(body, at=int(time.time()) - REPLAY_WINDOW - 60)  # correctly signed, an hour and a minute old
    assert post(server, body, stale)[0] == 401
    headers = signed(body)
    assert post(server, body, headers)[0] == 200
    assert post(server, body, headers)[0] == 200  # the same bytes again: acknowledged, so 飞书 would not retry
    feishu.wait_for(1, "oc_replay")
    other = feishu.incoming("oc_replay", "@_user_1 帮助")
    later = encrypt(message_event("ev-c4", other, "oc_replay", "@_user_1 帮助"))
    assert post(server, later, signed(later))[0] == 200
    feishu.wait_for(2, "oc_replay")
    time.sleep(1.0)  # room for a second answer to the replay, were one coming
    replies = [m["reply_to"] for m in feishu.sent("oc_replay") if not m.get("from_user")]
    assert replies == [msg, other]


def test_the_url_check_is_answered_by_the_composed_app(server):
    check = encrypt({"type": "url_verification", "challenge": "ch-9", "token": TOKEN})
    assert post(server, check, {"Content-Type": "application/json"})[2] == {"challenge": "ch-9"}
    wrong = encrypt({"type": "url_verification", "challenge": "ch-9", "token": "guess"})
    assert post(server, wrong, {"Content-Type": "application/json"})[0] == 401


def test_the_feishu_door_shares_the_one_assistant_with_slack_and_the_plugin(tmp_path, slack_api, feishu):
    from roi_app.answers import Assistant
    from roi_server import create_app
    from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
    from tests.feishu.test_door import DEMO

    config = AppConfig(source=str(DEMO), slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SLACK_TEST_SIGNING_SECRET,
                       slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'one.sqlite'}",
                       chart_png="off", feishu_app_id=feishu.app_id, feishu_app_secret=feishu.app_secret,
                       feishu_api_url=feishu.url, feishu_encrypt_key=KEY, feishu_verification_token=TOKEN)
    shared = Assistant(config, today=lambda: dt.date(2026, 11, 30))
    app = create_app(config, assistant=shared)
    assert app.extensions["roi_feishu"].assistant is shared
    assert app.extensions["roi_web"].assistant is shared
    assert "/feishu/events" in {rule.rule for rule in app.url_map.iter_rules()}


def test_without_the_callback_keys_there_is_no_feishu_route(tmp_path, slack_api):
    from roi_server import create_app
    from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
    from tests.feishu.test_door import DEMO

    config = AppConfig(source=str(DEMO), slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SLACK_TEST_SIGNING_SECRET,
                       slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'two.sqlite'}",
                       chart_png="off", feishu_encrypt_key=KEY)  # a key alone is not the callback
    app = create_app(config)
    assert "roi_feishu" not in app.extensions
    assert app.test_client().post("/feishu/events", data=b"{}").status_code == 404


def test_the_callback_keys_without_the_app_credentials_stop_the_app_with_one_line(tmp_path, slack_api, capsys):
    from roi_server import create_app
    from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
    from tests.feishu.test_door import DEMO

    config = AppConfig(source=str(DEMO), slack_bot_token=SLACK_TEST_TOKEN, slack_signing_secret=SLACK_TEST_SIGNING_SECRET,
                       slack_api_url=slack_api.api_url, database_url=f"sqlite:///{tmp_path / 'three.sqlite'}",
                       feishu_encrypt_key=KEY, feishu_verification_token=TOKEN)
    with pytest.raises(SystemExit) as stop:
        create_app(config)
    assert stop.value.code == 2
    err = capsys.readouterr().err
    assert "FEISHU_APP_ID" in err and "FEISHU_APP_SECRET" in err and "Traceback" not in err
    assert json.dumps(KEY) not in err
