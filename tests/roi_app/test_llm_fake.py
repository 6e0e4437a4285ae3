"""The fake chat-completions endpoint refuses what the real one refuses (tests/fakes/chat_completions.py),
takes what our client sends, and answers what the openai package itself parses."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import requests

from roi_app.llm import ModelReader
from tests.fakes.chat_completions import (
    SCHEMA_FILE,
    FakeChatCompletions,
    completion,
    generate_request_schema,
    request_problems,
)

KEY = "sk-fake-0123456789abcdef"


@pytest.fixture
def fake():
    with FakeChatCompletions(key=KEY).expect_refusals() as server:
        yield server
    assert not server.errors


def good_body(**changes) -> dict:
    body = {"model": "deepseek-chat", "messages": [{"role": "system", "content": "s"}, {"role": "user", "content": "q"}],
            "response_format": {"type": "json_schema", "json_schema": {
                "name": "roi_query", "strict": True,
                "schema": {"type": "object", "properties": {"kind": {"type": "string"}}, "required": ["kind"],
                           "additionalProperties": False}}}}
    body.update(changes)
    return body


def post(fake, body, key: str | None = KEY, **kw):
    headers = {} if key is None else {"Authorization": f"Bearer {key}"}
    return requests.post(fake.base_url + "/chat/completions", json=body, headers=headers, timeout=10, **kw)


def test_our_own_request_is_one_the_api_takes():
    reader = ModelReader("https://api.example.com/v1", "qwen-plus", KEY)
    body = reader.request_body("年中那次大促各渠道表现咋样", dt.date(2026, 11, 30), ["618活动"], ["抖音"])
    assert request_problems(body) == []


@pytest.mark.parametrize("body, where", [
    (good_body(temprature=0), "Additional properties are not allowed ('temprature'"),  # a typo is unrecognized
    ({k: v for k, v in good_body().items() if k != "model"}, "'model' is a required property"),
    (good_body(messages=[{"role": "wizard", "content": "q"}]), "messages/0"),
    (good_body(stream=True), "stream"),  # a streamed reply is not a chat.completion object
    (good_body(response_format={"type": "json_schema"}), "response_format"),
    (good_body(response_format={"type": "json_schema", "json_schema": {"name": "roi query", "strict": True,
                                                                         "schema": {"type": "object"}}}),
     "name 'roi query' must be"),
    (good_body(response_format={"type": "json_schema", "json_schema": {
        "name": "q", "strict": True, "schema": {"type": "object", "properties": {"kind": {"type": "string"}}}}}),
     "'additionalProperties' is required"),
    (good_body(response_format={"type": "json_schema", "json_schema": {
        "name": "q", "strict": True, "schema": {"type": "object", "properties": {"a": {"type": "string"}},
                                                "required": [], "additionalProperties": False}}}),
     "missing a"),
    (good_body(response_format={"type": "json_schema", "json_schema": {
        "name": "q", "strict": True, "schema": {"anyOf": [{"type": "object"}]}}}), "root of the schema"),
    (good_body(response_format={"type": "json_schema", "json_schema": {
        "name": "q", "strict": True, "schema": {"type": "object", "properties": {
            "a": {"type": "string", "minLength": 1}}, "required": ["a"], "additionalProperties": False}}}),
     "not supported in strict mode: minLength"),
])
def test_a_request_the_api_refuses_is_refused_in_its_error_shape(fake, body, where):
    fake.reply_json({"kind": "campaign"})
    resp = post(fake, body)
    assert resp.status_code == 400
    error = resp.json()["error"]
    assert set(error) == {"message", "type", "param", "code"} and error["type"] == "invalid_request_error"
    assert where in error["message"]
    assert len(fake.refusals) == 1 and fake.bodies() == []


def test_the_key_is_checked_and_a_wrong_one_echoed_masked_as_the_api_does(fake):
    fake.reply_json({"kind": "campaign"})
    assert post(fake, good_body(), key=None).status_code == 401
    wrong = post(fake, good_body(), key="sk-wrong-key-987654")
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
    # "sk-" + 12 stars + the last four: the real service's masking
    assert "Incorrect API key provided: sk-************7654." in wrong.json()["error"]["message"]
    assert post(fake, good_body()).status_code == 200


def test_a_body_that_is_not_json_is_refused(fake):
    resp = requests.post(fake.base_url + "/chat/completions", data=b"{not json",
                         headers={"Authorization": f"Bearer {KEY}", "Content-Type": "application/json"}, timeout=10)
    assert resp.status_code == 400 and "could not parse the JSON body" in resp.json()["error"]["message"]


@pytest.mark.parametrize("status, code", [(429, "rate_limit_exceeded"), (500, None), (401, "invalid_api_key")])
def test_scripted_errors_come_in_openai_s_shape(fake, status, code):
    fake.reply_error(status)
    resp = post(fake, good_body())
    assert resp.status_code == status and resp.json()["error"]["code"] == code


@pytest.mark.slow  # imports openai (about 2 s)
def test_the_stored_request_schema_is_what_the_installed_openai_package_says():
    import jsonschema

    stored = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    assert stored == generate_request_schema(), "python -m tests.fakes.chat_completions regenerates it"
    jsonschema.validators.validator_for(stored).check_schema(stored)


@pytest.mark.slow  # imports openai (about 2 s)
def test_the_fake_s_reply_is_a_chat_completion_of_the_openai_package():
    from openai.types.chat import ChatCompletion

    done = ChatCompletion.model_validate(completion("qwen-plus", '{"kind": "campaign"}'))
    assert done.choices[0].message.content == '{"kind": "campaign"}'
    refused = ChatCompletion.model_validate(completion("qwen-plus", None, "I can't help with that."))
    assert refused.choices[0].message.refusal == "I can't help with that."


@pytest.mark.slow  # imports openai (about 2 s)
def test_the_openai_client_itself_talks_to_the_fake():
    """The SDK's own request passes the contract and the SDK parses the fake's reply."""
    import openai

    with FakeChatCompletions(key=KEY) as server:
        server.reply_json({"kind": "campaign"})
        client = openai.OpenAI(base_url=server.base_url, api_key=KEY, max_retries=0, timeout=10)
        done = client.chat.completions.create(**good_body())
        assert done.choices[0].message.content == '{"kind": "campaign"}'
        assert server.refusals == [] and not server.errors
