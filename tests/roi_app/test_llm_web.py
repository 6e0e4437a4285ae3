"""The plugin's API under gunicorn, with ROI_LLM_URL pointing at the loopback chat-completions fake: a
question the rules cannot read is answered through the model, end to end, over real HTTP both ways."""

from __future__ import annotations

import json

import pytest

from tests.fakes.chat_completions import FakeChatCompletions
from tests.roi_app.test_llm import GOOD, KEY, MISSED, NOTE, full
from tests.web.conftest import start_web_server

pytestmark = pytest.mark.slow  # starts gunicorn


@pytest.fixture(scope="module")
def chat():
    with FakeChatCompletions(key=KEY) as fake:
        yield fake
    assert not fake.errors, fake.errors


@pytest.fixture(scope="module")
def server(tmp_path_factory, chat):
    env = {"ROI_TODAY": "2026-11-30", "ROI_LLM_URL": chat.base_url, "ROI_LLM_MODEL": "test-model", "ROI_LLM_KEY": KEY}
    web = start_web_server(tmp_path_factory.mktemp("llm-web"), env_extra=env)
    yield web
    log = web.stop()
    assert KEY not in log and KEY[-8:] not in log  # the key is in no line gunicorn or the app logged


def test_the_plugin_answers_a_question_the_rules_miss_through_the_model(server, chat):
    chat.reply_json(GOOD)
    status, _headers, body = server.post("/api/v1/ask", {"q": MISSED})
    assert status == 200, body
    answer = body["answer"]
    # 618活动 in the demo: cost 302,000; 销售额 1,155,000; ROI (635,250 - 302,000) / 302,000 = 110.3 %
    assert answer["read_by"] == "llm" and answer["campaign"] == "618活动"
    assert answer["cost"] == 302_000 and answer["revenue"] == 1_155_000
    assert NOTE in body["text"] and NOTE in body["html"]
    sent = json.loads(chat.calls()[-1]["body"])
    assert sent["messages"][1]["content"] == MISSED


def test_a_model_reply_that_does_not_help_leaves_the_rules_refusal(server, chat):
    chat.reply_json(full(kind="campaign", text="年中大促"))  # not a campaign of the sheet
    status, _headers, body = server.post("/api/v1/ask", {"q": "年中那次大促的渠道数据咋样"})
    assert status == 400 and body["error"].startswith("看不懂「"), body
    assert "read_by" not in json.dumps(body, ensure_ascii=False)
