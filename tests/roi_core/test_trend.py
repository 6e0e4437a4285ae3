"""One channel month by month (channel_trend) and the 月报 of several months, on a small sheet worked out by hand.

The sheet (basis 按销售额: no 毛利, so ROI = (销售额 − 成本) / 成本):

* 春促 on 抖音, 2026-01-01 … 01-31: cost 1000, revenue 3000 (ROI 200%)
* 春促 on 小红书, the same days: cost 500, revenue 400 (ROI −20%)
* 跨月 on 抖音, 2026-02-20 … 03-11 (20 days: 9 in February, 11 in March): cost 2000, revenue 5000, so
  February 900 / 2250 and March 1100 / 2750 (ROI 150% each)
* 免费帖 on 抖音, 2026-05-01 … 05-31: cost 0, revenue 100 (no ROI: cost 0)

Today is 2026-07-15: the default trend is 2025-07 … 2026-06.
"""

from __future__ import annotations

import datetime as dt

import pytest

from render.text import render_text
from roi_core import answer, parse_query
from roi_core.answer import answer_json
from roi_core.answer.trend import ChannelTrendAnswer, channel_trend
from roi_core.errors import DataError, QueryError
from roi_core.monthly import PeriodSummary, monthly_summary
from roi_core.views import view_of
from tests.roi_core.helpers import sheet

TODAY = dt.date(2026, 7, 15)


@pytest.fixture(scope="module")
def data():
    return sheet(
        {"活动名称": "春促", "渠道": "抖音", "开始日期": "2026-01-01", "结束日期": "2026-01-31", "广告费用": 1000, "销售额": 3000},
        {"活动名称": "春促", "渠道": "小红书", "开始日期": "2026-01-01", "结束日期": "2026-01-31", "广告费用": 500,
         "销售额": 400},
        {"活动名称": "跨月", "渠道": "抖音", "开始日期": "2026-02-20", "结束日期": "2026-03-11", "广告费用": 2000,
         "销售额": 5000},
        {"活动名称": "免费帖", "渠道": "抖音", "开始日期": "2026-05-01", "结束日期": "2026-05-31", "广告费用": 0,
         "销售额": 100},
    )


def ask(text: str, data):
    return answer(parse_query(text, TODAY), data, TODAY)


def test_a_channel_month_by_month_over_the_last_12_full_months(data):
    ans = ask("抖音 ROI", data)
    assert isinstance(ans, ChannelTrendAnswer)
    assert (ans.channel, ans.start_date, ans.end_date, ans.label) == ("抖音", dt.date(2025, 7, 1),
                                                                    dt.date(2026, 6, 30), "2025-07 ~ 2026-06")
    months = {m["month"]: m for m in ans.months}
    assert list(months) == [f"2025-{m:02d}" for m in range(7, 13)] + [f"2026-{m:02d}" for m in range(1, 7)]
    assert months["2026-01"]["cost"] == pytest.approx(1000) and months["2026-01"]["revenue"] == pytest.approx(3000)
    assert months["2026-01"]["roi"] == pytest.approx(2.0)
    assert (months["2026-02"]["cost"], months["2026-02"]["revenue"]) == (pytest.approx(900), pytest.approx(2250))
    assert (months["2026-03"]["cost"], months["2026-03"]["revenue"]) == (pytest.approx(1100), pytest.approx(2750))
    assert months["2026-02"]["roi"] == pytest.approx(1.5) and months["2026-03"]["roi"] == pytest.approx(1.5)
    # May has a row but no cost: no ROI, and why; April has no row at all: nothing, not zeros
    assert months["2026-05"]["cost"] == 0 and months["2026-05"]["revenue"] == pytest.approx(100)
    assert months["2026-05"]["roi"] is None and "成本为0" in months["2026-05"]["unavailable"]["roi"]
    assert months["2026-04"] == {"month": "2026-04", "cost": None, "revenue": None, "roi": None, "unavailable": {}}
    # the period: 3000 spent, 8100 sold, (8100 − 3000) / 3000 = 170%; 小红书's row is not in it
    assert ans.totals["cost"] == pytest.approx(3000) and ans.totals["revenue"] == pytest.approx(8100)
    assert ans.totals["roi"] == pytest.approx(1.7) and ans.roas_text == "1:2.7"
    assert [(c["campaign"], c["cost"], c["revenue"], c["roi"]) for c in ans.campaigns] == [
        ("春促", pytest.approx(1000), pytest.approx(3000), pytest.approx(2.0)),
        ("跨月", pytest.approx(2000), pytest.approx(5000), pytest.approx(1.5)),
        ("免费帖", 0, pytest.approx(100), None)]


def test_the_period_asked_cuts_rows_by_day_and_months_by_the_cut_dates(data):
    # 2026-02-25 … 03-05 holds 9 of 跨月's 20 days: 4 in February (400 / 1000), 5 in March (500 / 1250)
    ans = ask("抖音 2026-02-25到2026-03-05", data)
    assert ans.label == "2026-02-25 ~ 2026-03-05"
    assert [(m["month"], m["cost"], m["revenue"], m["roi"]) for m in ans.months] == [
        ("2026-02", pytest.approx(400), pytest.approx(1000), pytest.approx(1.5)),
        ("2026-03", pytest.approx(500), pytest.approx(1250), pytest.approx(1.5))]
    assert ans.totals["cost"] == pytest.approx(900) and ans.totals["revenue"] == pytest.approx(2250)
    assert [c["campaign"] for c in ans.campaigns] == ["跨月"]


def test_one_month_asked_is_one_row(data):
    ans = ask("抖音 2026-01", data)
    assert [(m["month"], m["roi"]) for m in ans.months] == [("2026-01", pytest.approx(2.0))]
    assert ans.label == "2026-01"


def test_json_has_kind_channel_period_months_and_campaigns(data):
    out = answer_json(ask("抖音 ROI", data))
    assert out["kind"] == "channel_trend" and out["channel"] == "抖音" and out["metric"] == "roi"
    assert out["period"] == {"start": "2025-07-01", "end": "2026-06-30"}
    jan = out["months"][6]
    assert {k: jan[k] for k in ("month", "cost", "revenue", "roi")} == {"month": "2026-01", "cost": 1000.0,
                                                                       "revenue": 3000.0, "roi": 2.0}
    assert out["campaigns"][0]["campaign"] == "春促"


def test_a_channel_without_rows_or_without_rows_in_the_period_is_a_clear_error(data):
    with pytest.raises(DataError) as err:
        channel_trend(data, "微博", TODAY)
    assert "微博" in err.value.message and "抖音" in err.value.hint and "小红书" in err.value.hint
    with pytest.raises(DataError) as err:
        ask("抖音 2025-03", data)
    assert err.value.message == "渠道「抖音」在 2025-03 没有数据"
    assert err.value.hint == "它的数据在 2026-01-01 ~ 2026-05-31 之间，例：/roi 抖音 2026-05"


def test_the_view_draws_gaps_not_zeros_and_both_tables(data):
    view = view_of(ask("抖音 ROI", data))
    line = view.charts[0]
    assert line.kind == "line" and line.categories[6:9] == ["2026-01", "2026-02", "2026-03"]
    values = line.series[0][1]
    assert values[6:9] == [pytest.approx(200), pytest.approx(150), pytest.approx(150)]
    assert values[:6] == [None] * 6 and values[9:] == [None, None, None]  # April, May (no cost), June
    months, campaigns = view.tables
    assert months.rows[6] == ["2026-01", "¥1,000", "¥3,000", "200.0%"]
    assert months.rows[9] == ["2026-04", "—", "—", "—"] and months.notes[(9, 3)] == "无数据"
    assert campaigns.rows[0][:4] == ["春促", "¥1,000", "¥3,000", "200.0%"]
    text = render_text(ask("抖音 ROI", data))
    assert text.startswith("📉 抖音 走势  2025-07 ~ 2026-06（按销售额，目标 ROI 100%）")
    assert "ROI 170.0%" in text and "2026-04" in text


def test_english_words_for_the_channel_trend(data):
    view = view_of(channel_trend(data, "抖音", TODAY, lang="en"))
    assert view.title == "📉 抖音 by month 2025-07 ~ 2026-06"
    assert view.tables[0].notes[(9, 3)] == "no data"


# ---------------------------------------------------------------------------- 月报 over several months
def test_a_quarter_summary_totals_the_quarter_and_keeps_each_months_own_summary(data):
    ans = ask("Q1 月报", data)
    assert isinstance(ans, PeriodSummary) and ans.kind == "monthly" and ans.month == "2026-01 ~ 2026-03"
    # 1000 + 500 + 2000 spent, 3000 + 400 + 5000 sold: (8400 − 3500) / 3500 = 140%
    assert ans.totals["cost"] == pytest.approx(3500) and ans.totals["revenue"] == pytest.approx(8400)
    assert ans.totals["roi"] == pytest.approx(1.4)
    # 抖音 in the quarter: 3000 / 8000 (免费帖 is in May), (8000 − 3000) / 3000 = 166.7%
    assert [(c["channel"], c["roi"]) for c in ans.channels] == [("抖音", pytest.approx(5000 / 3000)),
                                                                ("小红书", pytest.approx(-0.2))]
    assert (ans.best_channel, ans.worst_channel) == ("抖音", "小红书")
    # January: 1500 / 3400, (3400 − 1500) / 1500 = 126.7%; the rows are each month's own 月报
    jan, feb, mar = ans.months
    assert (jan["month"], jan["cost"], jan["revenue"]) == ("2026-01", pytest.approx(1500), pytest.approx(3400))
    assert jan["roi"] == pytest.approx(1900 / 1500) and (jan["best_channel"], jan["worst_channel"]) == ("抖音", "小红书")
    assert (feb["cost"], feb["roi"], feb["worst_channel"]) == (pytest.approx(900), pytest.approx(1.5), None)
    own = monthly_summary(data, __import__("pandas").Period("2026-03", freq="M"))
    assert (mar["cost"], mar["revenue"], mar["roi"]) == (own.totals["cost"], own.totals["revenue"], own.totals["roi"])
    # nothing in 2025-10 … 12 nor a year before: no changes, and said against which months
    assert ans.previous_label == "2025-10 ~ 2025-12" and ans.last_year_label == "2025-01 ~ 2025-03"
    assert ans.previous == {} and all(v is None for v in ans.changes.values())
    assert ans.trend_months == ["2026-01", "2026-02", "2026-03"]
    assert ans.trend["抖音"] == [pytest.approx(2.0), pytest.approx(1.5), pytest.approx(1.5)]
    assert ans.trend["小红书"] == [pytest.approx(-0.2), None, None]


def test_a_range_summary_compares_with_the_months_before_and_shows_empty_months(data):
    ans = ask("月报 3月到4月", data)  # 2026-03 … 04 against 2026-01 … 02
    assert ans.month == "2026-03 ~ 2026-04" and ans.previous_label == "2026-01 ~ 2026-02"
    assert ans.previous["cost"] == pytest.approx(2400) and ans.previous["revenue"] == pytest.approx(5650)
    assert ans.changes["mom_cost"] == pytest.approx(1100 / 2400 - 1)
    assert ans.changes["mom_roi_points"] == pytest.approx(1.5 - 3250 / 2400)
    assert ans.months[1] == {"month": "2026-04", "cost": None, "revenue": None, "roi": None, "profit": None,
                             "best_channel": None, "worst_channel": None, "basis_label": None}
    out = answer_json(ans)
    assert out["kind"] == "monthly" and out["period"] == {"start": "2026-03-01", "end": "2026-04-30"}
    view = view_of(ans)
    by_month = view.tables[1]
    assert by_month.rows == [["2026-03", "¥1,100", "¥2,750", "150.0%", "¥1,650", "抖音 / —"],
                             ["2026-04", "—", "—", "—", "—", "—"]]
    assert [a.payload["month"] for a in view.actions if a.kind == "query"] == ["2026-03"]  # buttons: one month each


def test_a_summary_over_days_that_are_not_whole_months_is_still_refused(data):
    with pytest.raises(QueryError) as err:
        ask("月报 2026-01-05到2026-02-10", data)
    assert "不是一个整月" in err.value.message


def test_a_range_without_data_is_a_clear_error(data):
    with pytest.raises(DataError) as err:
        ask("月报 2025-01到2025-03", data)
    assert err.value.message == "2025-01 ~ 2025-03 没有活动数据"
