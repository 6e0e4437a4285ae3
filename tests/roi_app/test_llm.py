"""The language model for questions the rules cannot read (roi_app.llm), against the loopback chat-completions
fake (tests/fakes/chat_completions.py): real HTTP through requests, the demo workbook, its real figures."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import logging
import re
import time

import pytest

from bot.console import ask
from render.text import render_text
from roi_app.answers import Assistant, answer_json
from roi_app.llm import ModelReader, answer_or_read, rules_failed
from roi_app.llm_query import query_fields
from roi_core import parse_query
from roi_core.answer import CampaignReport, NoMatchAnswer
from roi_core.errors import QueryError, RoiError
from roi_runtime.config import AppConfig, ConfigError
from sheets import open_source
from tests.fakes.chat_completions import FakeChatCompletions

KEY = "sk-fake-llm-5f2c9e71d3a8"
TODAY = dt.date(2026, 11, 30)
# 年中那次大促 is 618活动 to a marketer; to the rules an unknown name beside 渠道: 看不懂「年中那次大促」
MISSED = "年中那次大促各渠道表现咋样"
# the same words alone: the rules look for a campaign of that name (没有找到活动「年中那次大促」)
NO_SUCH = "年中那次大促"
NOTE = "（由语言模型理解）"


def full(**given) -> dict:
    """The model's reply as strict structured output gives it: every field, null where nothing was said."""
    return {f.name: None for f in query_fields()} | given


GOOD = full(kind="campaign", text="618活动")


@pytest.fixture(scope="module")
def demo():
    return open_source(None, AppConfig()).read()


@pytest.fixture
def chat():
    with FakeChatCompletions(key=KEY) as fake:
        yield fake
    assert not fake.errors, fake.errors  # a request the real API would refuse fails the test


def reader_for(fake: FakeChatCompletions, deadline: float = 5.0, key: str = KEY) -> ModelReader:
    return ModelReader(fake.base_url, "test-model", key, deadline=deadline)


def rules_answer(demo, text: str):
    """What the rules alone say to ``text`` (an answer, or the error they raise)."""
    return answer_with(None, demo, text)


def answer_with(reader, demo, text: str):
    try:
        return answer_or_read(reader, parse_query(text, TODAY), demo, TODAY)
    except RoiError as err:
        return err


@pytest.fixture(scope="module")
def rules_no_such(demo):
    """The rules' answer to NO_SUCH (a no-match answer with its suggestions: about a second to work out)."""
    return rules_answer(demo, NO_SUCH)


def assistant(tmp_path, demo, reader) -> Assistant:
    config = AppConfig(database_url=f"sqlite:///{tmp_path / 'none.sqlite'}")
    return Assistant(config, read=lambda _c: demo, today=lambda: TODAY, reader=reader)


def assert_618(ans) -> None:
    # the demo's 618活动 rows: cost 106,000 + 94,000 + 30,000 + 46,000 + 26,000 = 302,000; 销售额
    # 520,000 + 410,000 + 126,000 + 78,000 + 21,000 = 1,155,000; 毛利 55% of it = 635,250;
    # ROI = (635,250 - 302,000) / 302,000 = 110.3 %
    assert isinstance(ans, CampaignReport) and ans.campaign == "618活动"
    assert ans.figures["cost"] == 302_000 and ans.figures["revenue"] == 1_155_000
    assert ans.figures["roi"] == pytest.approx((635_250 - 302_000) / 302_000)


def test_the_questions_truly_fail_the_rules_today(demo, rules_no_such):
    err = rules_answer(demo, MISSED)
    assert isinstance(err, QueryError) and err.message.startswith("看不懂「") and rules_failed(err)
    assert isinstance(rules_no_such, NoMatchAnswer) and rules_no_such.query == NO_SUCH


def test_a_question_the_rules_miss_is_answered_through_the_model_with_the_618_figures(chat, demo, tmp_path):
    chat.reply_json(GOOD)
    helper = assistant(tmp_path, demo, reader_for(chat))
    ans, _data, _key = helper.answer_with_key(parse_query(MISSED, TODAY))
    assert_618(ans)
    assert ans.read_by == "llm" and ans.warnings[0].startswith(NOTE)
    out = answer_json(ans)
    assert out["read_by"] == "llm" and out["cost"] == 302_000 and out["revenue"] == 1_155_000
    text = render_text(ans)
    assert "¥302,000" in text and "ROI 110.3%" in text and NOTE in text
    # the Slack message: the same answer (cached: the model was asked once), saying who read the question
    message = helper.result_for(MISSED).message
    assert NOTE in json.dumps(message.blocks, ensure_ascii=False) and "¥302,000" in message.text
    assert len(chat.calls()) == 1


def test_the_request_carries_the_question_and_the_names_never_a_figure_or_a_row(chat, demo):
    chat.reply_json(GOOD)
    answer_or_read(reader_for(chat), parse_query(MISSED, TODAY), demo, TODAY)
    (call,) = chat.calls()
    assert call["headers"]["authorization"] == f"Bearer {KEY}"
    body = json.loads(call["body"])
    system, user = body["messages"]
    assert user == {"role": "user", "content": MISSED} and body["model"] == "test-model"
    assert body["response_format"]["json_schema"]["strict"] is True
    rows = demo.campaigns
    for name in set(rows["campaign"].dropna()) | set(rows["channel"].dropna()):
        assert f'"{name}"' in system["content"]
    sent = call["body"].decode("utf-8")
    # no 广告费用 (ad_spend) and no 销售额 of any row, written plainly or with thousands separators, and no
    # total; no row's dates either (today's date is sent: periods are worked out from it)
    figures = set(rows["ad_spend"].dropna()) | set(rows["revenue"].dropna()) | {302_000, 1_155_000}
    assert len(figures) > 40
    for value in figures:
        for shown in (f"{value:.0f}", f"{value:,.0f}", f"{value:.1f}"):
            assert re.search(rf"(?<![\d,.]){re.escape(shown)}(?![\d])", sent) is None, shown
    for day in set(rows["start_date"].dropna()) | set(rows["end_date"].dropna()):
        assert day.date().isoformat() not in sent
    assert TODAY.isoformat() in sent


SCRIPTS = {
    "malformed JSON": lambda f: f.reply_text('{"kind": "campaign", "text": "618活动"'),
    "not an object": lambda f: f.reply_json(["618活动"]),
    "wrong-typed field": lambda f: f.reply_json(full(kind="top", top_n="十")),
    "a kind that does not exist": lambda f: f.reply_json(full(kind="campaign_report", text="618活动")),
    "a campaign not in the sheet": lambda f: f.reply_json(full(kind="campaign", text="年中大促")),
    "a field that is not the query's": lambda f: f.reply_json(GOOD | {"figures": {"cost": 1}}),
    "help": lambda f: f.reply_json(full(kind="help")),
    "refusal": lambda f: f.reply_refusal(),
    "a reading the core refuses": lambda f: f.reply_json(full(kind="monthly", start="2026-10-01", end="2026-10-14")),
    "401": lambda f: f.reply_error(401),
    "429": lambda f: f.reply_error(429),
    "500": lambda f: f.reply_error(500),
}


@pytest.mark.parametrize("script", SCRIPTS, ids=list(SCRIPTS))
def test_a_reply_that_does_not_help_leaves_the_rules_answer_standing(chat, demo, caplog, script):
    SCRIPTS[script](chat)
    rules = rules_answer(demo, MISSED)
    with caplog.at_level(logging.INFO, logger="roi_app.llm"), pytest.raises(QueryError) as caught:
        answer_or_read(reader_for(chat), parse_query(MISSED, TODAY), demo, TODAY)
    # the rules' not-understood answer, with its suggestions, as if no model had been asked
    assert (caught.value.message, caught.value.hint) == (rules.message, rules.hint)
    assert getattr(caught.value, "suggested_questions", None) == getattr(rules, "suggested_questions", None)
    assert len(chat.calls()) == 1  # one attempt, no retry: the user is waiting
    assert any(r.levelno == logging.WARNING for r in caplog.records)
    assert KEY not in caplog.text and KEY[-8:] not in caplog.text


def test_a_wrong_key_is_refused_and_logged_without_any_key(chat, demo, caplog):
    chat.expect_refusals().reply_json(GOOD)
    wrong = "sk-wrong-key-9d81c7e6"
    with caplog.at_level(logging.INFO, logger="roi_app.llm"), pytest.raises(QueryError):
        answer_or_read(reader_for(chat, key=wrong), parse_query(MISSED, TODAY), demo, TODAY)
    assert [c["status"] for c in chat.calls()] == [401]
    assert "HTTP 401 (invalid_request_error/invalid_api_key)" in caplog.text
    # the API echoes the key masked (sk-***…c7e6): the log carries neither it nor any piece of it
    assert wrong not in caplog.text and wrong[-4:] not in caplog.text and KEY not in caplog.text


def test_a_slow_model_is_not_waited_for_past_the_deadline(chat, demo, caplog):
    chat.reply_json(GOOD, delay=3)  # the fake answers after 3 s; the reader's deadline here is 0.3 s
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="roi_app.llm"), pytest.raises(QueryError) as caught:
        answer_or_read(reader_for(chat, deadline=0.3), parse_query(MISSED, TODAY), demo, TODAY)
    assert time.monotonic() - started < 1.5
    assert caught.value.message == rules_answer(demo, MISSED).message
    assert "no reply within 0.3 s" in caplog.text


def test_a_campaign_the_rules_cannot_find_is_read_by_the_model_too(chat, demo):
    chat.reply_json(GOOD)
    ans = answer_or_read(reader_for(chat), parse_query(NO_SUCH, TODAY), demo, TODAY)
    assert_618(ans)
    assert ans.read_by == "llm"


def test_when_the_model_does_not_help_the_rules_no_match_answer_stands(chat, demo, rules_no_such):
    chat.reply_json(full(kind="campaign", text="年中大促"))
    ans = answer_or_read(reader_for(chat), parse_query(NO_SUCH, TODAY), demo, TODAY)
    rules = rules_no_such
    assert isinstance(ans, NoMatchAnswer) and not hasattr(ans, "read_by")
    assert (ans.query, ans.closest, ans.suggested_questions) == (rules.query, rules.closest, rules.suggested_questions)


@pytest.mark.parametrize("text", ["618活动", "渠道 上个月", "上个月ROI最高的5个活动", "月报 2026-13", "月报 2027-01"])
def test_the_model_is_never_asked_what_the_rules_read(chat, demo, text):
    """Answered questions, and those understood and refused (a month that does not exist, one with no data)."""
    chat.reply_json(GOOD)
    mine = answer_with(reader_for(chat), demo, text)
    assert not hasattr(mine, "read_by") and chat.calls() == []
    assert type(mine) is type(rules_answer(demo, text))


def test_off_by_default_and_the_key_never_shown(tmp_path):
    assert AppConfig().llm_url is None and ModelReader.from_config(AppConfig()) is None
    assert Assistant(AppConfig(database_url=f"sqlite:///{tmp_path / 'x.sqlite'}")).reader is None
    config = AppConfig.from_env({"ROI_LLM_URL": "https://api.deepseek.com/v1", "ROI_LLM_MODEL": "deepseek-chat",
                                 "ROI_LLM_KEY": KEY})
    reader = ModelReader.from_config(config)
    assert reader.endpoint == "https://api.deepseek.com/v1/chat/completions" and reader.model == "deepseek-chat"
    assert KEY not in repr(config) and KEY not in repr(reader) and KEY not in str(vars(config).get("llm_url"))


@pytest.mark.parametrize("env, words", [
    ({"ROI_LLM_URL": "http://llm.example.com/v1", "ROI_LLM_MODEL": "m"}, "用的是 http"),
    ({"ROI_LLM_URL": "api.deepseek.com", "ROI_LLM_MODEL": "m"}, "不是网址"),
    ({"ROI_LLM_URL": "https://api.deepseek.com/v1"}, "没有 ROI_LLM_MODEL"),
    ({"ROI_LLM_KEY": KEY}, "没有 ROI_LLM_URL"),
    ({"ROI_LLM_URL": "https://api.deepseek.com/v1", "ROI_LLM_MODEL": "m", "ROI_LLM_KEY": KEY + " 密钥"}, "不能放进请求头"),
])
def test_settings_that_cannot_work_are_refused_naming_the_variable_never_the_key(env, words):
    with pytest.raises(ConfigError) as caught:
        AppConfig.from_env(env)
    assert words in str(caught.value) and KEY not in str(caught.value)


@pytest.mark.parametrize("url", ["http://127.0.0.1:11434/v1", "http://localhost:8000/v1", "https://x.example/v1"])
def test_plain_http_only_to_this_machine(url):
    assert AppConfig.from_env({"ROI_LLM_URL": url, "ROI_LLM_MODEL": "qwen2.5:7b"}).llm_url == url


def test_the_console_answers_through_the_model_in_json(chat, tmp_path):
    chat.reply_json(GOOD)
    config = dataclasses.replace(AppConfig(database_url=f"sqlite:///{tmp_path / 'none.sqlite'}"),
                                 llm_url=chat.base_url, llm_model="test-model", llm_key=KEY)
    out, err = io.StringIO(), io.StringIO()
    assert ask(MISSED, config, as_json=True, today=TODAY, out=out, err=err) == 0
    data = json.loads(out.getvalue())
    assert data["read_by"] == "llm" and data["campaign"] == "618活动" and data["cost"] == 302_000
    assert data["warnings"][0].startswith(NOTE)


def test_two_questions_the_rules_parse_alike_are_each_read_by_the_model(chat, demo, tmp_path):
    """Without the sheet's names both parse to the same query (channels of 「年中那次大促」): the answer cache
    must not hand the first one's reading to the second."""
    other = "年中那次大促的渠道数据咋样"
    assert parse_query(other, TODAY) == dataclasses.replace(parse_query(MISSED, TODAY), raw=other)
    chat.reply_json(GOOD)
    chat.reply_json(full(kind="campaign", text="年中大促"))  # the second reading names no campaign of the sheet
    helper = assistant(tmp_path, demo, reader_for(chat))
    assert_618(helper.answer(parse_query(MISSED, TODAY))[0])
    with pytest.raises(QueryError, match="看不懂「年中那次大促」"):
        helper.answer(parse_query(other, TODAY))
    assert len(chat.calls()) == 2
