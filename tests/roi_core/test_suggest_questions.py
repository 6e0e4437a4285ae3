"""A question whose campaign was not found gets up to three questions that the sheet answers."""

from __future__ import annotations

import datetime as dt

import pytest

from render.text import render_text
from roi_core import answer, parse_query
from roi_core.answer import answer_json
from roi_core.answer.suggest_questions import period_words
from roi_core.views import view_of
from tests.roi_core.helpers import sheet

TODAY = dt.date(2026, 11, 15)  # 上个月 / last month is 2026-10


@pytest.fixture(scope="module")
def data():
    # 春节大促 ran in October on 抖音 and 小红书; 会员日 in September on 微信; nothing in June
    return sheet(
        {"活动名称": "春节大促", "渠道": "抖音", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 1000,
         "销售额": 3000},
        {"活动名称": "春节大促", "渠道": "小红书", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 500,
         "销售额": 400},
        {"活动名称": "会员日", "渠道": "微信", "开始日期": "2026-09-01", "结束日期": "2026-09-30", "广告费用": 200,
         "销售额": 500})


def ask(data, text):
    return answer(parse_query(text, TODAY), data, TODAY)


@pytest.mark.parametrize(("question", "expected"), [
    # the channel's own figures, the closest campaign on that channel, the channels over the period as typed
    ("抖音 roii 上个月", ["抖音 ROI 上个月", "春节大促 抖音", "渠道 上个月"]),
    # no period: the channel over its last 12 months, then the all-time commands
    ("xyz 小红书", ["小红书 ROI", "春节大促 小红书", "渠道"]),
    # 春节大促 never ran on 微信: that suggestion is dropped, the next command takes its place
    ("xyz 微信", ["微信 ROI", "渠道", "排行"]),
    # 微信 had no rows in October: neither its trend last month nor 春节大促 on 微信
    ("xyz 微信 上个月", ["渠道 上个月", "排行 上个月", "建议 上个月"]),
    # the figure asked goes with the closest campaign
    ("xyz 获客成本", ["春节大促 获客成本", "渠道", "排行"]),
    # an unknown name with a period: the period's commands, the period as typed
    ("不存在 2026-09", ["渠道 2026-09", "排行 2026-09", "建议 2026-09"]),
    ("xyz 2026年10月", ["渠道 2026年10月", "排行 2026年10月", "建议 2026年10月"]),
    ("xyz 近60天", ["渠道 近60天", "排行 近60天", "建议 近60天"]),
    ("不存在的东西", ["渠道", "排行", "建议"]),
    ("zzz last month", ["channels last month", "top last month", "advice last month"]),
    # June has no rows: an empty ranking or a refusal is no suggestion
    ("xyz 2026-06", []),
])
def test_exact_suggestions(data, question, expected):
    ans = ask(data, question)
    assert ans.kind == "no_match" and ans.closest == ["春节大促", "会员日"]
    assert ans.suggested_questions == expected
    assert answer_json(ans)["suggested_questions"] == expected
    for text in expected:  # each one answers, and is not another "no such campaign"
        assert ask(data, text).kind in ("channel_trend", "campaign", "channels", "top", "advice")


def test_period_words_are_the_words_typed(data):
    assert period_words(parse_query("抖音 roii 上个月", TODAY), TODAY) == "上个月"
    assert period_words(parse_query("xyz Q3", TODAY), TODAY) == "Q3"
    assert period_words(parse_query("不存在 2026年9月到10月", TODAY), TODAY) == "2026-09-01 ~ 2026-10-31"
    assert period_words(parse_query("不存在", TODAY), TODAY) == ""


def test_the_view_shows_them_as_a_line_and_as_buttons_that_ask_them(data):
    ans = ask(data, "抖音 roii 上个月")
    assert render_text(ans).splitlines()[:3] == [
        "没有找到活动「roii」。", "最接近的：春节大促、会员日", "可以这样问：抖音 ROI 上个月；春节大促 抖音；渠道 上个月"]
    view = view_of(ans)
    assert [(a.label, a.kind, a.payload) for a in view.actions] == [
        (q, "query", {"kind": "campaign", "lang": "zh", "text": q})
        for q in ["抖音 ROI 上个月", "春节大促 抖音", "渠道 上个月"]]
    none = view_of(ask(data, "xyz 2026-06"))
    assert none.actions == [] and [items.kind for items in none.lists] == ["choose"]
