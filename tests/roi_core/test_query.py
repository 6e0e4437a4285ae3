"""Every grammar row of docs/grammar.md, in Chinese and English."""

import datetime as dt

import pandas as pd
import pytest

from roi_core import QueryError, parse_query

TODAY = dt.date(2026, 11, 22)


def q(text):
    return parse_query(text, TODAY)


@pytest.mark.parametrize("text, lang", [("", "zh"), ("帮助", "zh"), ("help", "en"), ("HELP", "en"), ("?", "zh")])
def test_help(text, lang):
    assert (q(text).kind, q(text).lang) == ("help", lang)


def test_campaign_names_and_mention_filler():
    assert (q("618活动").kind, q("618活动").text) == ("campaign", "618活动")
    assert q("双11怎么样？").text == "双11"
    assert q("<@U0BOT> 618活动的ROI如何").text == "618活动"
    assert q("how is Spring Sale doing?").text == "Spring Sale"
    assert q("how is Spring Sale doing?").lang == "en"


@pytest.mark.parametrize("text, kind, month, lang", [
    ("渠道", "channels", None, "zh"),
    ("渠道 2026-10", "channels", "2026-10", "zh"),
    ("channels 2026/10", "channels", "2026-10", "en"),
    ("渠道 2026年9月", "channels", "2026-09", "zh"),
    ("渠道2026-10", "channels", "2026-10", "zh"),
    ("渠道 上月", "channels", "2026-10", "zh"),
    ("channels last month", "channels", "2026-10", "en"),
    ("渠道 12月", "channels", "2025-12", "zh"),  # the latest December that has begun
    ("月报", "monthly", None, "zh"),
    ("summary 2026-10", "monthly", "2026-10", "en"),
    ("建议 2026-10", "advice", "2026-10", "zh"),
    ("advice", "advice", None, "en"),
])
def test_month_commands(text, kind, month, lang):
    query = q(text)
    assert query.kind == kind and query.lang == lang
    assert query.month == (None if month is None else pd.Period(month, freq="M"))


@pytest.mark.parametrize("text, n, lang", [("排行", 10, "zh"), ("排行 5", 5, "zh"), ("top 20", 20, "en"),
                                           ("top", 10, "en"), ("前3", 3, "zh")])
def test_top(text, n, lang):
    assert (q(text).kind, q(text).top_n, q(text).lang) == ("top", n, lang)


@pytest.mark.parametrize("text, model, month", [
    ("归因", None, None), ("归因 马尔可夫", "markov", None), ("归因 首次触点 2026-10", "first", "2026-10"),
    ("attribution shapley 2026-09", "shapley", "2026-09"), ("attribution last", "last", None),
    ("归因 时间衰减", "time_decay", None), ("归因 U型", "position", None),
])
def test_attribution(text, model, month):
    query = q(text)
    assert query.kind == "attribution" and query.model == model
    assert query.month == (None if month is None else pd.Period(month, freq="M"))


@pytest.mark.parametrize("text", ["渠道 2026-13", "排行 0", "归因 占星术", "渠道 明年"])
def test_bad_arguments_raise_a_clear_error(text):
    with pytest.raises(QueryError) as err:
        q(text)
    assert err.value.hint
