"""The monthly summary on a small sheet worked out by hand."""

import datetime as dt

import pandas as pd
import pytest

from roi_core import answer, parse_query
from roi_core.monthly import (
    CHANNEL_MONTHLY_HEADERS,
    MONTHLY_SUMMARY_HEADERS,
    channel_rows,
    edition_key,
    monthly_summary,
    summary_row,
)
from tests.roi_core.helpers import sheet


def row(name, channel, start, end, cost, revenue):
    return {"活动名称": name, "渠道": channel, "开始日期": start, "结束日期": end, "广告费用": cost, "销售额": revenue}


ROWS = (
    row("2025国庆", "A", "2025-10-01", "2025-10-31", 500, 1000),
    row("7月", "A", "2026-07-01", "2026-07-31", 1000, 3000),   # ROI 200%
    row("8月", "A", "2026-08-01", "2026-08-31", 1000, 3000),   # ROI 200%
    row("9月", "A", "2026-09-01", "2026-09-30", 1000, 3000),   # ROI 200%
    row("2026国庆", "A", "2026-10-01", "2026-10-31", 1000, 1500),  # ROI 50%: 150 points under the median → flagged
    row("9月", "B", "2026-09-01", "2026-09-30", 1000, 2000),   # ROI 100%
    row("2026国庆", "B", "2026-10-01", "2026-10-31", 1600, 2100),  # cost +60%, revenue +5% → cost jump
    # C: one row over Sep 1 .. Oct 31 (61 days): 30/61 in September, 31/61 in October; ROI 150% both months
    row("秋季常青", "C", "2026-09-01", "2026-10-31", 2000, 5000),
    row("7月", "C", "2026-07-01", "2026-07-31", 1000, 2500),
    row("8月", "C", "2026-08-01", "2026-08-31", 1000, 2500),
)
OCT = pd.Period("2026-10", freq="M")


@pytest.fixture(scope="module")
def summary():
    return monthly_summary(sheet(*ROWS), OCT)


def test_totals_with_a_row_spread_over_two_months(summary):
    oct_cost = 1000 + 1600 + 2000 * 31 / 61
    oct_revenue = 1500 + 2100 + 5000 * 31 / 61
    assert summary.totals["cost"] == pytest.approx(oct_cost)
    assert summary.totals["revenue"] == pytest.approx(oct_revenue)
    assert summary.totals["roi"] == pytest.approx((oct_revenue - oct_cost) / oct_cost)
    sep_cost = 1000 + 1000 + 2000 * 30 / 61
    sep_revenue = 3000 + 2000 + 5000 * 30 / 61
    assert summary.changes["mom_cost"] == pytest.approx(oct_cost / sep_cost - 1)
    assert summary.changes["mom_revenue"] == pytest.approx(oct_revenue / sep_revenue - 1)
    sep_roi = (sep_revenue - sep_cost) / sep_cost
    assert summary.changes["mom_roi_points"] == pytest.approx((oct_revenue - oct_cost) / oct_cost - sep_roi)
    # a year before: only A's 2025国庆 (revenue 1000)
    assert summary.changes["yoy_revenue"] == pytest.approx(oct_revenue / 1000 - 1)


def test_channels_best_and_worst(summary):
    roi = {r["channel"]: r["roi"] for r in summary.channels}
    assert roi == pytest.approx({"A": 0.5, "B": 500 / 1600, "C": 1.5})
    assert (summary.best_channel, summary.worst_channel) == ("C", "B")
    mom = {r["channel"]: r["mom_roi_points"] for r in summary.channels}
    assert mom["A"] == pytest.approx(0.5 - 2.0) and mom["C"] == pytest.approx(0.0)


def test_anomalies_flag_a_drop_and_a_cost_jump_but_not_a_normal_channel(summary):
    kinds = {(a.channel, a.kind) for a in summary.anomalies}
    # A: median of Jul/Aug/Sep ROI = 200%, now 50% → 150 points under
    assert ("A", "roi_drop") in kinds
    # B: cost 1000 → 1600 (+60% > 50%), revenue 2000 → 2100 (+5%, flat)
    assert ("B", "cost_jump") in kinds
    assert not any(channel == "C" for channel, _ in kinds)
    drop = next(a for a in summary.anomalies if a.kind == "roi_drop")
    assert drop.figures["trailing_median"] == pytest.approx(2.0) and "150.0 个百分点" in drop.text


def test_reallocation_keeps_the_total(summary):
    proposed = sum(r["proposed"] for r in summary.reallocation)
    assert proposed == pytest.approx(summary.totals["cost"], abs=0.5)  # budgets are whole yuan
    assert summary.expected_return_change is not None


def test_recurring_campaign_compared_with_last_edition(summary):
    (item,) = [r for r in summary.recurring if r["campaign"] == "2026国庆"]
    assert item["previous"] == "2025国庆"
    # 2026国庆: cost 1000+1600, revenue 1500+2100; 2025国庆: cost 500, revenue 1000
    assert item["revenue"] == 3600 and item["previous_revenue"] == 1000
    assert item["roi"] == pytest.approx((3600 - 2600) / 2600) and item["previous_roi"] == pytest.approx(1.0)


def test_edition_key():
    assert edition_key("2025 618活动") == edition_key("618活动（2026）") == edition_key("2026年618活动") == "618活动"


def test_trend_has_twelve_months(summary):
    assert summary.trend_months[0] == "2025-11" and summary.trend_months[-1] == "2026-10"
    assert summary.trend["A"][-1] == pytest.approx(0.5) and summary.trend["A"][0] is None


def test_sheet_rows_match_headers_and_hold_no_nan(summary):
    row_ = summary_row(summary, dt.datetime(2026, 11, 1, 9, 0))
    assert len(row_) == len(MONTHLY_SUMMARY_HEADERS) and row_[0] == "2026-10"
    assert row_[MONTHLY_SUMMARY_HEADERS.index("ROI(%)")] == pytest.approx(round(summary.totals["roi"] * 100, 1))
    rows = channel_rows(summary)
    assert all(len(r) == len(CHANNEL_MONTHLY_HEADERS) for r in rows)
    assert {r[1] for r in rows} == {"A", "B", "C"}
    assert "nan" not in repr(rows).lower()


def test_console_grammar_defaults_to_last_full_month():
    ans = answer(parse_query("月报", dt.date(2026, 11, 22)), sheet(*ROWS), dt.date(2026, 11, 22))
    assert ans.month == "2026-10"


def test_the_monthly_summary_shows_each_curves_backtest_as_the_budget_answer_does():
    from roi_core.monthly import MonthlySummary
    from roi_core.views import view_of

    # 抖音's curve missed its last three months by 18.4 % on average (2 of 3 inside its 80 % band) where a
    # straight line at its average ROI missed by 12.6 %, so it was planned linear; 微信's curve is too short
    budget = {"channels": [
        {"channel": "抖音", "method": "linear", "fallback": True,
         "holdout": {"mape": 0.184, "covered": 2, "months": 3, "linear_mape": 0.126}},
        {"channel": "微信", "method": "response_curve", "fallback": False, "holdout": None}]}
    rows = [{"channel": "抖音", "current": 1000.0, "proposed": 1500.0, "change": 500.0},
            {"channel": "微信", "current": 1000.0, "proposed": 500.0, "change": -500.0}]
    ans = MonthlySummary(kind="monthly", lang="zh", month="2026-10", basis_label="按销售额", target_roi=0.8,
                         totals={"cost": 2000.0, "revenue": 4000.0, "roi": 1.0, "profit": 2000.0},
                         reallocation=rows, budget=budget)
    (note,) = [n for n in view_of(ans).notes if n.title.startswith("曲线回测")]
    assert note.title == "曲线回测（最近 3 个月）"
    assert note.text == ("抖音 误差 18%，2/3 在 80% 区间内，不如平均 ROI 直线估算（误差 13%），改按线性估算；"
                          "微信 月数不足，未回测")
    # no plan, no line
    plain = MonthlySummary(kind="monthly", lang="zh", month="2026-10", basis_label="按销售额", target_roi=0.8,
                           totals={"cost": 2000.0, "revenue": 4000.0, "roi": 1.0, "profit": 2000.0})
    assert not [n for n in view_of(plain).notes if n.title.startswith("曲线回测")]
