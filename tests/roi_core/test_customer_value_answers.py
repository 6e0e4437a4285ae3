"""The customer-value questions answered on a small sheet worked out by hand (issue 14, parts 2–4, 7).

活动: 夏促 on 抖音, 2026-06-01 … 06-10, 广告 1,000, 销售额 3,000 (no 毛利: everything 按销售额).
客户: C1 acquired 06-02, C2 06-05, C3 06-08, all by 夏促 on 抖音 (阶段 blank: derived).
订单: C1 300 on 06-02 and 200 on 07-15 (43 days after acquisition); C2 500 on 06-05; C3 250 on 06-08 and
150 on 06-20 (12 days after). Today 2026-11-30: C1 is 181 days old, C2 178, C3 175.

- new customers 3; LTV 30 = (300 + 500 + 250 + 150) / 3 = 400; LTV 90 = 1,400 / 3 = 466.67;
  LTV 180: only C1 is 180 days old → None (1 of 3); LTV 365 None (0 of 3);
- repurchase 2 / 3 (C1, C3); CAC 1,000 / 3; LTV:CAC = 466.67 / 333.33 = 1.4 (90 days);
- first-order ROI (300 + 500 + 250 − 1,000) / 1,000 = 5 %; with repurchase (1,400 − 1,000) / 1,000 = 40 %;
- payback: cumulative 300 (06-02), 800 (06-05), 1,050 (06-08) ≥ 1,000 → 7 days from 06-01; recovered 1.4;
- lifecycle: C1 and C3 ordered twice within 365 days (忠实), C2 once (成交): 潜在 3, 意向 3, 成交 3, 忠实 2;
  cost per customer 333.33, 333.33, 333.33, 500; median days 成交→忠实 (43 + 12) / 2 = 27.5;
- cohort 2026-06: 3 customers, M0 = 1,200 / 3 = 400, M1 = 200 / 3 = 66.67, M2…M5 = 0, M6… not yet (None).
Without 订单 and 客户: payback from 活动 spread by day (300 a day: 1,200 ≥ 1,000 on 06-04 → 3 days), no LTV.
"""

import datetime as dt

import pandas as pd
import pytest

from render.text import render_text
from roi_core import answer, load_sheet, parse_query
from roi_core.answer import answer_json
from roi_core.cohort_report import cohort_line, cohort_sheet_rows
from roi_core.errors import DataError
from roi_core.monthly import monthly_summary

TODAY = dt.date(2026, 11, 30)
CAMPAIGNS = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
             ["夏促", "抖音", "2026-06-01", "2026-06-10", 1000, 3000],
             ["秋促", "微信", "2026-09-01", "2026-09-01", 500, 800]]
CUSTOMERS = [["客户ID", "获客日期", "获客渠道", "获客活动"],
             ["C1", "2026-06-02", "抖音", "夏促"], ["C2", "2026-06-05", "抖音", "夏促"],
             ["C3", "2026-06-08", "抖音", "夏促"]]
ORDERS = [["订单号", "客户ID", "下单日期", "订单金额"],
          ["O1", "C1", "2026-06-02", 300], ["O2", "C1", "2026-07-15", 200], ["O3", "C2", "2026-06-05", 500],
          ["O4", "C3", "2026-06-08", 250], ["O5", "C3", "2026-06-20", 150]]


def full():
    return load_sheet({"活动": CAMPAIGNS, "客户": CUSTOMERS, "订单": ORDERS}, source="test")


def campaigns_only():
    return load_sheet({"活动": CAMPAIGNS}, source="test")


def ask(text, data):
    return answer(parse_query(text, TODAY), data, TODAY)


def test_customer_value_figures():
    out = answer_json(ask("夏促 客户价值", full()))
    assert out["kind"] == "customer_value" and out["campaign"] == "夏促" and out["basis"] == "revenue"
    assert out["new_customers"] == 3
    assert out["ltv"] == {"30": pytest.approx(400), "90": pytest.approx(1400 / 3), "180": None, "365": None}
    assert out["old_enough"] == {"30": 3, "90": 3, "180": 1, "365": 0}
    assert out["repurchase_rate"] == pytest.approx(2 / 3) and out["repeat_customers"] == 2
    assert out["cac"] == pytest.approx(1000 / 3)
    assert out["ltv_cac"] == pytest.approx(1.4) and out["ltv_cac_window"] == 90
    assert out["first_order_roi"] == pytest.approx(0.05) and out["roi_with_repurchase"] == pytest.approx(0.4)
    assert out["payback_days"] == 7 and out["payback_date"] == "2026-06-08" and out["payback_source"] == "订单"
    assert out["recovered"] == pytest.approx(1.4)
    assert out["missing"] == [] and len(out["definitions"]) == 2


def test_a_period_wholly_after_today_is_refused_not_read_as_all_time():
    # 2099 has not begun on 2026-11-30: no customer can have been acquired in it (it used to answer with all 3)
    with pytest.raises(DataError) as err:
        ask("客户价值 2099年", full())
    assert str(err.value.args[0]) == "2099-01-01 ~ 2099-12-31 还没到，没有获客记录"
    with pytest.raises(DataError, match="has not begun"):
        ask("customer value 2099", full())


def test_the_campaign_json_gains_the_value_figures():
    out = answer_json(ask("夏促", full()))
    assert out["payback_days"] == 7 and out["recovered"] == pytest.approx(1.4)
    assert out["ltv"] == {"30": pytest.approx(400), "90": pytest.approx(1400 / 3), "180": None, "365": None}
    assert out["repurchase_rate"] == pytest.approx(2 / 3) and out["ltv_cac"] == pytest.approx(1.4)


def test_without_the_tabs_the_campaign_answers_as_today_and_payback_spreads_the_row():
    data = campaigns_only()
    out = answer_json(ask("夏促", data))
    assert out["roi"] == pytest.approx(2.0)  # as today: (3,000 − 1,000) / 1,000
    assert out["payback_days"] == 3 and out["recovered"] == pytest.approx(3.0)
    assert out["ltv"] == {"30": None, "90": None, "180": None, "365": None}
    assert out["repurchase_rate"] is None and out["ltv_cac"] is None
    assert "客户价值" not in render_text(ask("夏促", data))  # no 订单: the campaign answer's screen as before
    value = answer_json(ask("夏促 回本周期", data))
    assert value["asked"] == "payback" and value["payback_days"] == 3 and value["payback_source"] == "活动"
    assert len(value["missing"]) == 2 and "「订单」" in value["missing"][0] and "「客户」" in value["missing"][1]
    text = render_text(ask("夏促 回本周期", data))
    assert "回本周期 3 天（2026-06-04 回本）" in text and "可补充：加上「订单」标签页" in text
    with pytest.raises(DataError, match="订单"):
        ask("新客复购", data)
    with pytest.raises(DataError, match="订单"):
        ask("cohort", data)


def test_the_customer_value_text_names_every_figure():
    text = render_text(ask("夏促 客户价值", full()))
    assert text.startswith("💎 夏促 客户价值  截至 2026-11-30（按销售额）")
    assert "回本周期 7 天（2026-06-08 回本）" in text and "复购率 66.7%（2 / 3）" in text
    assert "LTV:CAC 1.40（90 天）" in text and "首单ROI 5.0%" in text and "含复购ROI 40.0%" in text
    assert "—（仅 1/3 位新客满 180 天）" in text and "口径：" in text
    english = render_text(answer(parse_query("夏促 payback", TODAY).__class__(
        "customer_value", text="夏促", lang="en", metric="payback", raw="夏促 payback", resolved=True), full(), TODAY))
    assert "Payback 7 days (paid back 2026-06-08)" in english and "Definitions:" in english


def test_lifecycle_funnel():
    out = answer_json(ask("生命周期 夏促", full()))
    stages = [(s["stage"], s["customers"]) for s in out["stages"]]
    assert stages == [("潜在", 3), ("意向", 3), ("成交", 3), ("忠实", 2)]
    assert [s["conversion_to_next"] for s in out["stages"]] == [1.0, 1.0, pytest.approx(2 / 3), None]
    assert [s["cost_per_customer"] for s in out["stages"]] == [pytest.approx(1000 / 3)] * 3 + [pytest.approx(500)]
    assert out["stages"][2]["median_days_to_next"] == pytest.approx(27.5)
    assert out["derived"] is True and out["derived_customers"] == 3
    assert "3 位客户的「阶段」未填写，按行为推断" in out["warnings"]


def test_lifecycle_of_a_channel_over_a_period():
    # 抖音 in Q2 2026 (04-01 … 06-30): the same three customers; cost 1,000 (the whole row is inside)
    out = answer_json(ask("抖音 生命周期 2026-04-01到2026-06-30", full()))
    assert out["channel"] == "抖音" and out["label"] == "2026-04-01 ~ 2026-06-30"
    # within the period C1's second order (07-15) is not seen: C1 is 成交, C3 (06-20) is 忠实
    assert [s["customers"] for s in out["stages"]] == [3, 3, 3, 1]
    assert out["cost"] == pytest.approx(1000)


def test_cohort_table_and_its_heatmap():
    ans = ask("cohort", full())
    out = answer_json(ans)
    (row,) = out["rows"]
    assert row["cohort"] == "2026-06" and row["customers"] == 3
    assert row["per_customer"][:6] == [pytest.approx(400), pytest.approx(200 / 3), 0.0, 0.0, 0.0, 0.0]
    assert row["per_customer"][6:] == [None] * 6  # 2026-12 onwards has not come
    from roi_core.views import view_of

    (chart,) = view_of(ans).charts
    assert chart.kind == "heatmap" and not chart.inline and chart.png
    assert chart.series == [("2026-06 (3)", row["per_customer"])]


def test_the_monthly_summary_has_the_cohort_line_and_the_tab_rows():
    line = cohort_line(full(), pd.Period("2026-06", freq="M"))
    assert line == {"month": "2026-06", "customers": 3, "per_customer": pytest.approx(400),
                    "previous_customers": 0, "previous_per_customer": None}
    summary = monthly_summary(full(), pd.Period("2026-06", freq="M"))
    assert "新客同期群：2026-06 新客 3 位，当月每位客户销售额 ¥400" in render_text(summary)
    headers, rows = cohort_sheet_rows(full(), pd.Period("2026-07", freq="M"), "2026-08-01 09:00")
    assert headers[:4] == ["获客月份", "客户数", "第0月", "第1月"] and headers[-1] == "更新时间"
    # as of July: June's cohort has M0 and M1; the rest has not come (blank, never 0)
    assert rows == [["2026-06", 3, 400.0, 66.67] + [""] * 10 + [rows[0][-2], "2026-08-01 09:00"]]
    assert cohort_sheet_rows(campaigns_only(), pd.Period("2026-07", freq="M"), "x")[1] == []
    assert monthly_summary(campaigns_only(), pd.Period("2026-06", freq="M")).new_customer_cohort == {}
