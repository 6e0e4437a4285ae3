"""The fake 飞书's sourced rules (tests/fakes/feishu_api.py SOURCES): the token codes of the vendor's generic list,
no token for a wrong secret, and a card patched only when it declares itself a shared card (the patch page)."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.fakes.feishu_api import BAD_PARAM, BAD_TOKEN, NO_TOKEN, FakeFeishuAPI

pytestmark = pytest.mark.slow  # a loopback server

CARD = {"schema": "2.0", "body": {"elements": [{"tag": "markdown", "content": "hi"}]}}


def call(fake, method: str, path: str, body: dict, token: str | None = None) -> dict:
    headers = {"Content-Type": "application/json; charset=utf-8"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    req = urllib.request.Request(f"{fake.url}/open-apis/{path}", data=json.dumps(body).encode(), method=method,
                                 headers=headers)
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return json.loads(resp.read())
    except urllib.error.HTTPError as err:
        return json.loads(err.read())


def token_of(fake, secret: str | None = None) -> dict:
    return call(fake, "POST", "auth/v3/tenant_access_token/internal",
                {"app_id": fake.app_id, "app_secret": secret or fake.app_secret})


def send(fake, token: str | None, card: dict) -> dict:
    return call(fake, "POST", "im/v1/messages?receive_id_type=chat_id",
                {"receive_id": "oc_x", "msg_type": "interactive", "content": json.dumps(card)}, token)


def test_a_missing_token_and_an_unknown_token_get_the_generic_codes():
    with FakeFeishuAPI(strict=False) as fake:
        assert send(fake, None, CARD)["code"] == NO_TOKEN == 99991661
        assert send(fake, "t-made-up", CARD)["code"] == BAD_TOKEN == 99991663
        assert fake.messages == {}  # nothing sent


def test_a_wrong_secret_gets_no_token():
    with FakeFeishuAPI(strict=False) as fake:
        refused = token_of(fake, "not-the-secret")
        assert refused["code"] != 0 and "tenant_access_token" not in refused
        assert fake.tokens == set()


def test_only_a_card_that_declares_update_multi_can_be_patched():
    with FakeFeishuAPI(strict=False) as fake:
        token = token_of(fake)["tenant_access_token"]
        implicit = send(fake, token, CARD)["data"]["message_id"]  # JSON 2.0 takes it (update_multi defaults true)
        shared = send(fake, token, dict(CARD, config={"update_multi": True}))["data"]["message_id"]
        new = json.dumps(dict(CARD, config={"update_multi": True}))
        assert call(fake, "PATCH", f"im/v1/messages/{implicit}", {"content": new}, token)["code"] == BAD_PARAM
        assert call(fake, "PATCH", f"im/v1/messages/{shared}", {"content": new}, token)["code"] == 0
        assert (fake.messages[implicit]["patches"], fake.messages[shared]["patches"]) == (0, 1)
