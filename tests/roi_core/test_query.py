"""Every grammar row of docs/grammar.md, in Chinese and English."""

import datetime as dt

import pandas as pd
import pytest

from roi_core import Query, QueryError, parse_query

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


@pytest.mark.parametrize("text, n, lang", [("排行", 10, "zh"), ("排行 5", 5, "zh"), ("top 20", 20, "zh"),
                                           ("top", 10, "zh"), ("前3", 3, "zh"), ("top 5 campaigns", 5, "en")])
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


# --------------------------------------------------------------------------- free phrasing
NOW = dt.date(2026, 11, 30)  # a Monday


@pytest.mark.parametrize("text, today, start, end", [
    ("Q3", dt.date(2026, 2, 10), "2025-07-01", "2025-09-30"),  # the latest Q3 that has begun
    ("本季度", dt.date(2026, 2, 10), "2026-01-01", "2026-03-31"),
    ("上季度", dt.date(2026, 2, 10), "2025-10-01", "2025-12-31"),
    ("上个月", dt.date(2026, 1, 5), "2025-12-01", "2025-12-31"),
    ("上周", NOW, "2026-11-23", "2026-11-29"),  # weeks start on Monday
    ("本周", dt.date(2026, 12, 3), "2026-11-30", "2026-12-06"),
    ("近7天", NOW, "2026-11-24", "2026-11-30"),
    ("年初至今", dt.date(2026, 3, 1), "2026-01-01", "2026-03-01"),
    ("11月到1月", dt.date(2027, 1, 20), "2026-11-01", "2027-01-31"),
    ("from 2026-09-01 to 2026-10-15", NOW, "2026-09-01", "2026-10-15"),
    ("2月", dt.date(2028, 3, 1), "2028-02-01", "2028-02-29"),
])
def test_periods_are_read_relative_to_the_today_passed_in(text, today, start, end):
    query = parse_query(text, today)
    assert (query.start.isoformat(), query.end.isoformat()) == (start, end)


@pytest.mark.parametrize("text", ["渠道 下个月", "明年 渠道", "next month channels", "渠道 2026-02-30", "渠道 13月"])
def test_future_or_impossible_periods_are_refused_with_a_hint(text):
    with pytest.raises(QueryError) as err:
        parse_query(text, NOW)
    assert err.value.message and err.value.hint


def test_next_month_in_a_budget_question_is_the_plan_not_a_period():
    query = parse_query("下个月预算怎么分", NOW)
    assert (query.kind, query.start) == ("advice", None)


def test_a_query_keeps_its_old_shape_and_stays_hashable():
    query = Query("campaign", text="618活动")
    assert (query.start, query.channel, query.metric, query.order, query.edition, query.sides) == \
        (None, None, None, "best", None, ())
    assert hash(parse_query("对比 618 双11", NOW)) == hash(parse_query("对比 618 双11", NOW))


def test_names_from_the_sheet_win_over_periods_and_channels():
    names = {"known_campaigns": ["10月会员日", "线下品鉴会（上海）"], "known_channels": ["线下", "抖音"]}
    assert parse_query("10月会员日怎么样", NOW, **names).text == "10月会员日"
    query = parse_query("线下品鉴会（上海） 抖音", NOW, **names)
    assert (query.kind, query.text, query.channel) == ("campaign", "线下品鉴会（上海）", "抖音")
    with pytest.raises(QueryError, match="看不懂「xyz」"):
        parse_query("渠道 xyz", NOW, **names)


# --------------------------------------------------------------------------- answers to richer questions
def _data():
    from tests.roi_core.helpers import sheet

    return sheet(
        # 20 days, half of them in September: 1000 / 3000 fall in 2026-09-21..30
        {"活动名称": "春促", "渠道": "抖音", "开始日期": dt.date(2026, 9, 21), "结束日期": dt.date(2026, 10, 10),
         "广告费用": 2000, "销售额": 6000},
        {"活动名称": "春促", "渠道": "微信", "开始日期": dt.date(2026, 10, 1), "结束日期": dt.date(2026, 10, 10),
         "广告费用": 1000, "销售额": 1500},
        {"活动名称": "双11大促", "渠道": "抖音", "开始日期": dt.date(2026, 11, 1), "结束日期": dt.date(2026, 11, 10),
         "广告费用": 1000, "销售额": 5000},
        {"活动名称": "2025双11大促", "渠道": "抖音", "开始日期": dt.date(2025, 11, 1), "结束日期": dt.date(2025, 11, 10),
         "广告费用": 1000, "销售额": 2000},
        {"活动名称": "10月会员日", "渠道": "微信", "开始日期": dt.date(2026, 10, 15), "结束日期": dt.date(2026, 10, 16),
         "广告费用": 500, "销售额": 1200},
    )


def ask(text):
    from roi_core import answer, answer_json

    return answer_json(answer(parse_query(text, NOW), _data(), NOW))


def test_channels_over_any_period_take_each_row_by_its_days_in_it():
    out = ask("2026-09-21到2026-09-30 各渠道ROI")
    # only 春促 on 抖音, 10 of its 20 days: cost 1000, revenue 3000, ROI (3000 - 1000) / 1000 = 2.0
    assert [(c["channel"], c["cost"], c["revenue"], c["roi"]) for c in out["channels"]] == [("抖音", 1000, 3000, 2.0)]
    assert out["period"] == {"start": "2026-09-21", "end": "2026-09-30"} and out["metric"] == "roi"
    assert out["month"] == "2026-09-21 ~ 2026-09-30"


def test_the_worst_channel_comes_first_when_asked():
    out = ask("上个月哪个渠道最差")
    # October: 抖音 half of 春促 (1000 / 3000, ROI 2.0); 微信 春促 1000 / 1500 + 会员日 500 / 1200 → 1500 / 2700, ROI 0.8
    assert [(c["channel"], c["cost"], c["revenue"], round(c["roi"], 4)) for c in out["channels"]] == \
        [("微信", 1500, 2700, 0.8), ("抖音", 1000, 3000, 2.0)]
    assert out["period"] == {"start": "2026-10-01", "end": "2026-10-31"}


def test_worst_campaigns_rank_lowest_roi_first():
    out = ask("最差的3个活动")
    # ROI: 2025双11大促 (2000-1000)/1000 = 1.0, 10月会员日 700/500 = 1.4, 春促 4500/3000 = 1.5, 双11大促 4.0
    assert [(c["campaign"], round(c["roi"], 4)) for c in out["campaigns"]] == \
        [("2025双11大促", 1.0), ("10月会员日", 1.4), ("春促", 1.5)]
    assert (out["top_n"], out["order"]) == (3, "worst")


@pytest.mark.parametrize("text, campaign, roi", [
    ("双11", "双11大促", 4.0),  # the latest edition, no question back
    ("去年双11", "2025双11大促", 1.0),
    ("2025双11", "2025双11大促", 1.0),
    ("上一届双11", "2025双11大促", 1.0),
    ("10月会员日", "10月会员日", 1.4),  # a campaign named like a month is the campaign
])
def test_editions_resolve_to_the_latest_unless_the_question_says(text, campaign, roi):
    out = ask(text)
    assert (out["kind"], out["campaign"], round(out["roi"], 4)) == ("campaign", campaign, roi)


def test_a_campaign_on_one_channel():
    out = ask("春促 微信 ROI")
    # only its 微信 row: cost 1000, revenue 1500 → ROI 0.5
    assert (out["cost"], out["revenue"], out["roi"], out["channel"], out["metric"]) == (1000, 1500, 0.5, "微信", "roi")
    assert [c["channel"] for c in out["channels"]] == ["微信"]


def test_a_channel_trend_and_a_quarter_summary_are_answered():
    # 抖音 over 2025-11 … 2026-10: 2025双11大促 1000 / 2000 in 2025-11, 春促 half in September and half in October
    out = ask("抖音 ROI")
    assert (out["kind"], out["channel"], out["period"]) == ("channel_trend", "抖音",
                                                          {"start": "2025-11-01", "end": "2026-10-31"})
    assert [(m["month"], m["cost"], m["revenue"], m["roi"]) for m in out["months"] if m["cost"] is not None] == [
        ("2025-11", 1000, 2000, 1.0), ("2026-09", 1000, 3000, 2.0), ("2026-10", 1000, 3000, 2.0)]
    # 本季度 = 2026-10 … 12: October 2500 / 5700 (抖音 1000 / 3000, 微信 1500 / 2700), November 1000 / 5000
    out = ask("月报 本季度")
    assert (out["kind"], out["month"], out["period"]) == ("monthly", "2026-10 ~ 2026-12",
                                                        {"start": "2026-10-01", "end": "2026-12-31"})
    assert (out["totals"]["cost"], out["totals"]["revenue"]) == (3500, 10700)
    assert [(m["month"], m["cost"], m["revenue"]) for m in out["months"]] == [
        ("2026-10", 2500, 5700), ("2026-11", 1000, 5000), ("2026-12", None, None)]


def test_a_comparison_is_answered():
    # 春促: cost 2000 + 1000, revenue 6000 + 1500, ROI (7500 - 3000) / 3000 = 1.5; 双11 is the latest edition,
    # 双11大促: 1000 / 5000, ROI 4.0 (was refused as not yet answered before compare)
    out = ask("对比 春促 双11")
    assert out["kind"] == "compare" and [i["campaign"] for i in out["items"]] == ["春促", "双11大促"]
    d = {x["figure"]: x for x in out["differences"]}
    assert (d["roi"]["a"], d["roi"]["b"], d["roi"]["diff"], d["roi"]["better"]) == (1.5, 4.0, -2.5, "b")
    assert (d["cost"]["diff"], d["cost"]["rel"], d["cost"]["better"]) == (2000, 2.0, "b")  # cost: lower is better
    assert (d["revenue"]["diff"], d["revenue"]["rel"], d["revenue"]["better"]) == (2500, 0.5, "a")


@pytest.mark.parametrize("text, words", [("月报 2026-10-05到2026-10-20", "整月"),
                                         ("10月会员日 抖音", "没有「抖音」"), ("渠道 xyz", "看不懂")])
def test_what_is_understood_but_not_answered_yet_says_so(text, words):
    from roi_core import RoiError

    with pytest.raises(RoiError) as err:
        ask(text)
    assert words in err.value.message and err.value.hint
