"""Comparisons (``618 vs 双11``, ``本月 vs 上月``, ``抖音 vs 小红书 上季度``): each side's figures, the
differences and the better side, worked out by hand on small sheets."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from roi_core import DataError, QueryError, answer, answer_json, parse_query
from roi_core.answer.compare import CompareAnswer
from tests.roi_core.helpers import sheet

TODAY = dt.date(2026, 11, 30)

# 春季促销 (March 1–10): 抖音 cost 1,000 revenue 4,000; 微信 cost 1,000 revenue 2,000; 40 new customers,
# 20,000 impressions, 500 clicks, 60 conversions. 夏季促销 (June 1–10): 抖音 cost 3,000 revenue 4,500,
# no new customer, 5,000 impressions, 100 clicks, 30 conversions. No 毛利 anywhere: ROI on revenue.
SPRING_DOUYIN = {"活动名称": "春季促销", "渠道": "抖音", "开始日期": "2026-03-01", "结束日期": "2026-03-10",
                 "广告费用": 1000, "销售额": 4000, "新客户数": 20, "曝光量": 10000, "点击量": 200, "转化数": 40}
SPRING_WECHAT = {"活动名称": "春季促销", "渠道": "微信", "开始日期": "2026-03-01", "结束日期": "2026-03-10",
                 "广告费用": 1000, "销售额": 2000, "新客户数": 20, "曝光量": 10000, "点击量": 300, "转化数": 20}
SUMMER = {"活动名称": "夏季促销", "渠道": "抖音", "开始日期": "2026-06-01", "结束日期": "2026-06-10",
          "广告费用": 3000, "销售额": 4500, "新客户数": 0, "曝光量": 5000, "点击量": 100, "转化数": 30}


@pytest.fixture(scope="module")
def data():
    return sheet(SPRING_DOUYIN, SPRING_WECHAT, SUMMER)


def ask(text: str, data, today: dt.date = TODAY):
    return answer(parse_query(text, today), data, today)


def by_figure(ans: CompareAnswer) -> dict[str, dict]:
    return {d["figure"]: d for d in ans.differences}


def test_two_campaigns_side_by_side(data):
    ans = ask("春季促销 vs 夏季促销", data)
    assert isinstance(ans, CompareAnswer) and ans.kind == "compare" and ans.basis == "revenue"
    a, b = ans.items
    assert (a["campaign"], b["campaign"]) == ("春季促销", "夏季促销")
    # 春季: profit 6,000 − 2,000 = 4,000; ROI 4,000 / 2,000 = 200%; ROAS 3.0; CAC 2,000 / 40 = 50;
    # CTR 500 / 20,000 = 2.5%; CVR 60 / 500 = 12%; AOV 6,000 / 60 = 100
    assert [a[k] for k in ("cost", "revenue", "profit", "roi", "roas", "cac", "ctr", "cvr", "aov", "new_customers")] \
        == pytest.approx([2000, 6000, 4000, 2.0, 3.0, 50, 0.025, 0.12, 100, 40])
    # 夏季: profit 1,500; ROI 50%; ROAS 1.5; CTR 100 / 5,000 = 2%; CVR 30 / 100 = 30%; AOV 4,500 / 30 = 150;
    # no new customer: no CAC, and the reason
    assert [b[k] for k in ("cost", "revenue", "profit", "roi", "roas", "ctr", "cvr", "aov", "new_customers")] \
        == pytest.approx([3000, 4500, 1500, 0.5, 1.5, 0.02, 0.3, 150, 0])
    assert b["cac"] is None and b["unavailable"]["cac"] == "新客户数为0"
    d = by_figure(ans)
    assert list(d) == ["cost", "revenue", "profit", "roi", "roas", "cac", "ctr", "cvr", "aov", "new_customers"]
    # a − b and (a − b) / b
    expected = {"cost": (-1000, -1 / 3, "a"), "revenue": (1500, 1 / 3, "a"), "profit": (2500, 5 / 3, "a"),
                "roi": (1.5, 3.0, "a"), "roas": (1.5, 1.0, "a"), "ctr": (0.005, 0.25, "a"),
                "cvr": (-0.18, -0.6, "b"), "aov": (-50, -1 / 3, "b")}
    for name, (diff, rel, better) in expected.items():
        assert (d[name]["diff"], d[name]["rel"], d[name]["better"]) == (pytest.approx(diff), pytest.approx(rel),
                                                                        better), name
    # cost is lower-is-better: the cheaper side wins it; CAC too
    assert d["cost"]["higher_is_better"] is False and d["cac"]["higher_is_better"] is False
    assert d["roi"]["higher_is_better"] is True
    # a side without a number: no difference, no winner, and why
    assert (d["cac"]["a"], d["cac"]["diff"], d["cac"]["rel"], d["cac"]["better"]) == (50, None, None, None)
    assert d["cac"]["why"] == "夏季促销：新客户数为0"
    # 40 against 0: a difference of 40, no ratio of 0
    assert (d["new_customers"]["diff"], d["new_customers"]["rel"], d["new_customers"]["better"]) == (40, None, "a")
    assert d["new_customers"]["why"] == "夏季促销 为 0，无法算比例"
    assert ans.wins == {"a": 7, "b": 2}


def test_the_other_ways_of_asking_read_the_same(data):
    first = answer_json(ask("春季促销 vs 夏季促销", data))
    assert answer_json(ask("对比 春季促销 夏季促销", data))["differences"] == first["differences"]


def test_the_json_has_kind_items_and_differences_and_no_nan(data):
    out = answer_json(ask("春季促销 vs 夏季促销", data))
    text = json.dumps(out, ensure_ascii=False, allow_nan=False)  # raises on NaN or inf
    assert "NaN" not in text and "Infinity" not in text
    assert out["kind"] == "compare" and "period" not in out
    assert [i["campaign"] for i in out["items"]] == ["春季促销", "夏季促销"]
    assert out["items"][0]["start_date"] == "2026-03-01" and out["items"][0]["end_date"] == "2026-03-10"
    assert set(out["differences"][0]) >= {"figure", "a", "b", "diff", "rel", "better"}


def test_two_periods_are_the_totals_of_each(data):
    ans = ask("2026-03 vs 2026-06", data)
    a, b = ans.items
    assert a["period"] == {"start": dt.date(2026, 3, 1), "end": dt.date(2026, 3, 31)} and "campaign" not in a
    assert (a["label"], b["label"]) == ("2026-03", "2026-06")
    assert (a["cost"], a["revenue"], b["cost"], b["revenue"]) == (2000, 6000, 3000, 4500)
    assert by_figure(ans)["roi"]["diff"] == pytest.approx(1.5)


def test_this_month_against_last_spreads_a_row_by_its_days():
    # one row June 25 – July 4 (10 days): 6 days in June (cost 600, revenue 1,800), 4 in July (400, 1,200)
    data = sheet({"活动名称": "跨月", "渠道": "抖音", "开始日期": "2026-06-25", "结束日期": "2026-07-04",
                  "广告费用": 1000, "销售额": 3000})
    ans = ask("本月 vs 上月", data, today=dt.date(2026, 7, 20))
    a, b = ans.items
    assert (a["label"], b["label"]) == ("2026-07", "2026-06")
    assert (a["cost"], a["revenue"], b["cost"], b["revenue"]) == pytest.approx((400, 1200, 600, 1800))
    d = by_figure(ans)
    assert (d["cost"]["diff"], d["cost"]["rel"], d["cost"]["better"]) == (pytest.approx(-200), pytest.approx(-1 / 3),
                                                                          "a")
    # ROI 200% in both months: the same, neither side better
    assert (d["roi"]["diff"], d["roi"]["better"]) == (0, "same")
    assert ans.wins == {"a": 1, "b": 2}  # cheaper July; more revenue and profit in June


def test_a_side_without_data_shows_no_numbers_and_says_why(data):
    ans = ask("本月 vs 上月", data, today=dt.date(2026, 3, 20))  # March against February: nothing in February
    a, b = ans.items
    assert a["cost"] == 2000 and b["cost"] is None and b["unavailable"]["roi"] == "没有数据"
    d = by_figure(ans)
    assert (d["roi"]["diff"], d["roi"]["better"], d["roi"]["why"]) == (None, None, "2026-02：没有数据")
    assert ans.wins == {"a": 0, "b": 0}
    json.dumps(answer_json(ans), allow_nan=False)


def test_neither_side_with_data_is_a_data_error(data):
    with pytest.raises(DataError, match="两边都没有活动数据"):
        ask("对比 2026-01 2026-02", data)


def test_two_channels_over_a_shared_period(data):
    ans = ask("抖音 vs 微信 2026-03", data)
    a, b = ans.items
    assert (a["channel"], b["channel"]) == ("抖音", "微信")
    assert answer_json(ans)["period"] == {"start": "2026-03-01", "end": "2026-03-31"}
    # 抖音 in March: ROI (4,000 − 1,000) / 1,000 = 300%, 微信: (2,000 − 1,000) / 1,000 = 100%; 夏季 (June) left out
    assert (a["roi"], b["roi"]) == (pytest.approx(3.0), pytest.approx(1.0))
    d = by_figure(ans)
    assert (d["cost"]["diff"], d["cost"]["better"]) == (0, "same")
    # CVR 40 / 200 = 20% against 20 / 300 = 6.7%: +13.3 points, twice as high again
    assert (d["cvr"]["diff"], d["cvr"]["rel"], d["cvr"]["better"]) == (pytest.approx(0.2 - 1 / 15), pytest.approx(2.0),
                                                                       "a")


def test_a_metric_asked_by_name_comes_first(data):
    ans = ask("春季促销 vs 夏季促销 获客成本", data)
    assert ans.differences[0]["figure"] == "cac" and len(ans.differences) == 10
    assert answer_json(ans)["metric"] == "cac"


def test_one_basis_for_both_sides():
    x = {"活动名称": "X", "渠道": "抖音", "开始日期": "2026-03-01", "结束日期": "2026-03-01", "广告费用": 1000,
         "销售额": 3000, "毛利": 1200}
    y = {"活动名称": "Y", "渠道": "抖音", "开始日期": "2026-04-01", "结束日期": "2026-04-01", "广告费用": 500,
         "销售额": 2000, "毛利": 800}
    both = ask("X vs Y", sheet(x, y))
    # both know 毛利: ROI (1,200 − 1,000) / 1,000 = 20% against (800 − 500) / 500 = 60%
    assert both.basis == "gross_profit" and [i["roi"] for i in both.items] == pytest.approx([0.2, 0.6])
    one = ask("X vs Y", sheet(x, {**y, "毛利": None}))
    # Y lacks it: both on revenue, (3,000 − 1,000) / 1,000 = 200% against (2,000 − 500) / 500 = 300%
    assert one.basis == "revenue" and [i["roi"] for i in one.items] == pytest.approx([2.0, 3.0])


def test_editions_this_year_and_last():
    rows = [{"活动名称": name, "渠道": "抖音", "开始日期": f"{year}-11-01", "结束日期": f"{year}-11-11",
             "广告费用": cost, "销售额": 4000} for name, year, cost in (("2025双11", 2025, 2000), ("2026双11", 2026, 1000))]
    ans = ask("今年双11和去年双11", sheet(*rows))
    assert [i["campaign"] for i in ans.items] == ["2026双11", "2025双11"]
    # ROI 300% against 100%
    assert by_figure(ans)["roi"]["diff"] == pytest.approx(2.0)


def test_the_same_campaign_twice_is_labelled_and_warned(data):
    ans = ask("春季促销 vs 春季促销", data)
    assert [i["label"] for i in ans.items] == ["春季促销（A）", "春季促销（B）"]
    assert "两边是同一组数据（春季促销）" in ans.warnings


def test_a_third_side_is_left_out_and_said(data):
    ans = ask("春季促销 vs 夏季促销 vs 抖音", data)
    assert [i["campaign"] for i in ans.items] == ["春季促销", "夏季促销"]
    assert "一次对比两项，「抖音」请另外再问" in ans.warnings


def test_a_side_with_no_campaign_or_several_is_a_question_error(data):
    with pytest.raises(QueryError, match="「不存在xyz」没有找到") as err:
        ask("春季促销 vs 不存在xyz", data)
    assert "春季促销" in err.value.hint or "夏季促销" in err.value.hint
    with pytest.raises(QueryError, match="匹配到多个活动"):
        ask("春季促销 vs 促销", data)


def test_english_questions_answer_in_english(data):
    ans = ask("compare 2026-03 and 2026-06", data)
    assert ans.lang == "en" and ans.kind == "compare"
    assert by_figure(ans)["new_customers"]["why"] == "2026-06 is 0: no ratio"
