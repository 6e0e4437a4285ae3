"""A button's value is read within bounds: 1e400, NaN, huge integers and deep nesting get a plain sentence.

Clicks are signed block_actions sent to the real Flask app; the reply is what reached the loopback
Slack fake's response_url. No traceback in the reply, and none in the log.
"""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from bot.button_values import ButtonValueError, mute_of, query_of, read_value
from render.blocks import encode_query
from render.blocks.alerts import encode_mute

HINT = "请重新输入 /roi 命令"


def _click(driver, value, action_id="roi:query:top"):
    assert driver.action({"action_id": action_id, "value": value}).status_code == 200
    (reply,) = driver.responses(1)
    return reply


@pytest.mark.parametrize("value, why", [
    # 1e400 is infinity once parsed: int() of it raised OverflowError, and the clicker heard nothing
    ('{"k":"top","n":1e400}', "数字「1e400」不是 ±1,000 万亿以内的整数"),
    ('{"k":"top","n":-1e400}', "数字「-1e400」不是 ±1,000 万亿以内的整数"),
    ('{"k":"top","n":NaN}', "数字「NaN」不是 ±1,000 万亿以内的整数"),
    ('{"k":"top","n":Infinity}', "数字「Infinity」不是 ±1,000 万亿以内的整数"),
    ('{"k":"top","n":2.5}', "数字「2.5」不是 ±1,000 万亿以内的整数"),
    # 10^16 = ten times the bound
    ('{"k":"top","n":10000000000000000}', "数字「10000000000000000」不是 ±1,000 万亿以内的整数"),
    # a 1,500-digit integer: refused before int() reads it (the first 24 digits are shown)
    ('{"k":"top","n":' + "9" * 1500 + "}", "数字「" + "9" * 24 + "…」不是 ±1,000 万亿以内的整数"),
    # 900 levels of lists: refused before json.loads recurses into them
    ('{"k":"top","t":' + "[" * 900 + "]" * 900 + "}", "数据嵌套过深，最多 2 层"),
    ('{"k":"top","t":{"a":1}}', "含有不认识的数据"),  # an object inside: no button of ours writes one
    # 16 characters before the text, 2,000 in it, 2 after: 2,018 > Slack's 2,000
    ('{"k":"top","t":"' + "长" * 2000 + '"}', "内容过长：2,018 个字符，最多 2,000"),
    ('[1,2]', "不是按钮写下的数据"),
    ('{"k":"top"', "不是按钮写下的数据"),
    ('{"k":"top","n":0}', "排行数量 0 不在 1-500 之间"),
    ('{"k":"top","n":501}', "排行数量 501 不在 1-500 之间"),
])
def test_a_value_we_did_not_write_gets_a_chinese_sentence_not_a_traceback(driver, caplog, value, why):
    with caplog.at_level(logging.WARNING):
        reply = _click(driver, value)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == f"❌ 这个按钮已失效（{why}）（{HINT}）"
    assert "Traceback" not in json.dumps(reply, ensure_ascii=False)
    assert not [r for r in caplog.records if r.exc_info]  # nothing failed inside: no traceback in the log either


def test_an_english_button_is_answered_in_english(driver):
    reply = _click(driver, '{"k":"top","n":1e400,"l":"en"}')
    assert reply["text"].startswith("❌ This button no longer works (the number 「1e400」 is not a whole number "
                                    "within ±1e15)")


def test_a_mute_button_with_1e400_days_is_refused_in_a_sentence(driver, caplog):
    value = '{"c":"春季促销","k":["roas"],"d":"2026-03-31","n":1e400}'
    with caplog.at_level(logging.WARNING):
        reply = _click(driver, value, action_id="roi:alert_mute:1")
    assert reply["text"] == "❌ 这个按钮已失效（数字「1e400」不是 ±1,000 万亿以内的整数）（等下一次预警消息再试）"
    assert not [r for r in caplog.records if r.exc_info]


def test_a_good_button_still_answers(driver):
    # the three best campaigns by ROI: *粗体*活动 300.0%, 春季促销 157.1%, 夏季大促 150.0% (tests/bot/conftest.py)
    reply = _click(driver, encode_query("top", top_n=3))
    dumped = json.dumps(reply["blocks"], ensure_ascii=False)
    assert reply["response_type"] == "in_channel" and "300.0%" in dumped and "150.0%" in dumped


def test_the_values_our_buttons_write_are_read_back():
    assert query_of(encode_query("top", top_n=500, lang="en")).top_n == 500
    assert query_of(encode_query("attribution", month="2026-03", model="linear")).model == "linear"
    mute = mute_of(encode_mute("春季促销", ["roas", "spend"], dt.date(2026, 3, 31), 7, "en"))
    assert (mute.kinds, mute.days, mute.lang) == (("roas", "spend"), 7, "en")
    assert read_value('{"k":"top","n":1000000000000000}') == {"k": "top", "n": 10**15}  # the bound itself


@pytest.mark.parametrize("raw", [None, 5, "", "   ", '"text"', '{"k":true,"t":[1]}', '{"k":["a",["b"]]}'])
def test_anything_else_is_a_button_value_error(raw):
    with pytest.raises(ButtonValueError) as err:
        read_value(raw)
    assert err.value.message.startswith("这个按钮已失效（") and err.value.hint == HINT
