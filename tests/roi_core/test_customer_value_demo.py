"""The demo's 618活动 customer value, worked out by hand from the workbook's rows (today 2026-11-30).

订单/客户 hold 27 of the 5,420 new customers 618's 活动 rows report (coverage 0.5%, under 设置 归因覆盖阈值 50%),
so per-customer figures come from those 27, CAC from 活动, and the ROIs and payback are projected: the sample's
value per new customer × 5,420 (docs/formulas.md, 客户价值 · 订单是样本时).

The aggregates below are recomputed from the tabs with pandas (the test's own reading of the definitions, not the
product's code); the numbers they must equal are written out.
"""

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from render.text import render_text
from roi_core import answer, parse_query
from roi_core.answer import answer_json
from sheets import open_source

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"
TODAY = dt.date(2026, 11, 30)
START = pd.Timestamp("2026-05-20")  # 618活动's earliest 开始日期


@pytest.fixture(scope="module")
def demo():
    return open_source(str(DEMO)).read()


@pytest.fixture(scope="module")
def sample(demo):
    """The 618 new customers in 订单, and their orders (毛利, or 订单金额 × 设置 毛利率 55%), up to today."""
    customers, touches, orders = demo.customers, demo.touchpoints, demo.orders
    listed = customers.drop_duplicates("customer_id")
    by_tab = set(listed.loc[listed["acquired_campaign"] == "618活动", "customer_id"])
    # a blank 获客活动 takes the customer's first converting touch in 触点
    blank = set(listed.loc[listed["acquired_campaign"].isna(), "customer_id"])
    converting = touches[touches["converted"] & touches["customer_id"].isin(blank)].sort_values(["timestamp", "row"])
    first_touch = converting.drop_duplicates("customer_id")
    by_touch = set(first_touch.loc[first_touch["campaign"] == "618活动", "customer_id"])
    acquired = by_tab | by_touch
    mine = orders[orders["customer_id"].isin(acquired) & (orders["order_date"] <= pd.Timestamp(TODAY))].copy()
    mine["value"] = mine["gross_profit"].fillna(mine["amount"] * 0.55)
    mine = mine.sort_values(["customer_id", "order_date", "row"])
    first_order = mine.groupby("customer_id")["order_date"].min()
    new = set(first_order[first_order >= START].index)  # first order on or after 618's start
    when = listed.set_index("customer_id")["acquired_date"]
    mine = mine[mine["customer_id"].isin(new)]
    mine["since"] = (mine["order_date"] - mine["customer_id"].map(when)).dt.days
    return {"by_tab": len(by_tab), "by_touch": len(by_touch), "new": len(new), "orders": mine,
            "ages": (pd.Timestamp(TODAY) - when[sorted(new)]).dt.days}


def test_the_tabs_rows_worked_by_hand(demo, sample):
    rows = demo.campaigns[demo.campaigns["campaign"] == "618活动"]
    # 抖音 80,000 + 2万 + 6,000 = 106,000; 天猫直通车 94,000; 微信 30,000; 小红书 46,000; 百度搜索 26,000 (其他费用 −1,000)
    assert rows["cost"].sum() == 302_000
    assert rows["new_customers"].sum() == 5_420  # 2,100 + 1,600 + 900 + 640 + 180
    assert (sample["by_tab"], sample["by_touch"], sample["new"]) == (25, 2, 27)  # coverage 27 / 5,420 = 0.498%
    orders = sample["orders"]
    firsts = orders.drop_duplicates("customer_id")
    assert round(firsts["value"].sum(), 2) == 11_416.35  # first orders' 毛利
    assert round(orders["value"].sum(), 2) == 18_604.45  # all their orders to today
    assert round(orders.loc[orders["since"] < 30, "value"].sum(), 2) == 13_956.35
    assert round(orders.loc[orders["since"] < 90, "value"].sum(), 2) == 17_315.35
    assert sample["ages"].min() == 153 and (sample["ages"] >= 180).sum() == 1  # 90 days complete, 180 not
    assert (orders.groupby("customer_id").size() >= 2).sum() == 7
    # payback: the sample's cumulative 毛利 × 5,420 / 27 reaches 302,000 once the sample reaches
    # 302,000 × 27 / 5,420 = 1,504.43: ¥1,343.10 by 06-05, ¥2,483.80 by 06-06 (C00041, C00181, C00297's first orders)
    daily = orders.groupby("order_date")["value"].sum().cumsum()
    assert round(daily[:"2026-06-05"].iloc[-1], 2) == 1_343.10
    assert round(daily[:"2026-06-06"].iloc[-1], 2) == 2_483.80


def test_618_customer_value_on_the_demo(demo):
    out = answer_json(answer(parse_query("618 客户价值", TODAY), demo, TODAY))
    assert (out["new_customers"], out["reported_new_customers"]) == (27, 5420)
    assert out["coverage"] == pytest.approx(27 / 5420) and out["projected"] is True
    # per customer, from the 27: LTV 30 = 13,956.35 / 27 = 516.90; 90 = 17,315.35 / 27 = 641.31; repurchase 7 / 27
    assert out["ltv"] == {"30": pytest.approx(516.9019, abs=1e-4), "90": pytest.approx(641.3093, abs=1e-4),
                          "180": None, "365": None}
    assert out["repurchase_rate"] == pytest.approx(0.259259, abs=1e-6)
    # CAC from 活动: 302,000 / 5,420 = 55.72 (not 302,000 / 27 = 11,185); LTV:CAC = 641.31 / 55.72 = 11.51
    assert (out["cac"], out["cac_source"]) == (pytest.approx(55.7196, abs=1e-4), "活动")
    assert out["ltv_cac"] == pytest.approx(11.5096, abs=1e-4) and out["ltv_cac_window"] == 90
    # projected: first orders 11,416.35 / 27 × 5,420 = 2,291,726.56 → (2,291,726.56 − 302,000) / 302,000 = 658.85%;
    # all orders 18,604.45 / 27 × 5,420 = 3,734,671.07 → 1,136.65%. Projected (issue 24): kept out of the
    # top-level ROIs, which are null, and given under projection with their 80 % interval around them
    assert out["first_order_roi"] is None and out["roi_with_repurchase"] is None
    projection = out["projection"]
    assert projection["first_order_roi"] == pytest.approx(6.58850, abs=1e-5)
    assert projection["roi_with_repurchase"] == pytest.approx(11.36646, abs=1e-5)
    assert projection["level"] == 0.8 and projection["coverage"] == pytest.approx(27 / 5420)
    assert projection["first_order_roi_low"] < 6.58850 < projection["first_order_roi_high"]
    assert projection["roi_with_repurchase_low"] < 11.36646 < projection["roi_with_repurchase_high"]
    # the headline ROI is 活动's own: (635,250 − 302,000) / 302,000 = 110.35%
    assert out["campaign_roi"] == pytest.approx(1.103477, abs=1e-6)
    assert out["payback_days"] == 17 and out["payback_date"] == "2026-06-06"  # 05-20 + 17 days
    # the cumulative return and share recovered are projected too: null at the top, under projection
    # (all orders 18,604.45 / 27 × 5,420 = 3,734,671.07; ÷ 302,000 = 1,236.6 %, the same as the sample's
    # 18,604.45 / 27 = 689.05 per new customer ÷ CAC 55.72); the sample's own sum stays at the top
    assert out["returned"] is None and out["recovered"] is None
    assert projection["returned"] == pytest.approx(3_734_671.07, abs=0.01)
    assert projection["recovered"] == pytest.approx(12.36646, abs=1e-5)
    assert out["sample_returned"] == pytest.approx(18_604.45, abs=0.01)
    # the projected first orders (¥2,291,727) exceed all of 618's own 毛利 in 活动 (¥635,250): the sample is rich
    assert out["campaign_return"] == 635_250 and out["sample_optimistic"] is True


def test_618_customer_value_text_labels_the_projection(demo):
    text = render_text(answer(parse_query("618 客户价值", TODAY), demo, TODAY))
    assert "获客成本 ¥55.72（按「活动」新客户数 5,420）" in text
    # issue 24: the projected ROIs only in the 推算 line, with their interval; the headline ROI is 活动's
    assert "活动ROI 110.3%（按「活动」）" in text
    assert "推算：首单ROI 658.8%（80% 区间 " in text and " · 含复购ROI 1,136.6%（80% 区间 " in text
    assert "首单ROI 658.8%（按订单样本推算" not in text
    assert "订单覆盖 0.5%（订单 27 / 活动 5,420 位新客）" in text
    assert "推算的 ROI 与回本偏乐观" in text


def test_the_campaign_answer_shows_the_value_line(demo):
    text = render_text(answer(parse_query("618", TODAY), demo, TODAY))
    # issue 24: the line's figures are per new customer of the sample (measured), so it names the coverage
    # rather than "按订单样本推算" (only the ROIs are projected, and the line shows none)
    assert ("客户价值：回本周期 17 天（2026-06-06 回本） · LTV 90 天 ¥641 · 复购率 25.9% · LTV:CAC 11.51"
            "（订单覆盖 0.5%）") in text


def test_a_period_counts_the_customers_acquired_within_it(demo):
    out = answer_json(answer(parse_query("抖音 客户价值 上季度", TODAY), demo, TODAY))
    assert out["label"] == "2026-07-01 ~ 2026-09-30" and out["warnings"][-1:] != ["客户价值按获客活动计算"]
    acquired = demo.customers.drop_duplicates("customer_id")
    in_q3 = acquired["acquired_date"].between("2026-07-01", "2026-09-30") & (acquired["acquired_channel"] == "抖音")
    assert in_q3.sum() == 18 and out["new_customers"] == 18


def test_a_campaign_with_none_of_its_customers_in_orders_pays_back_from_its_activity_rows(demo):
    """双12预热 (daily rows 11-23 … 11-29) acquired nobody in 订单: its payback comes from the 活动 rows, each
    day's 毛利 (销售额 × 55%) on its day, and the campaign answer shows no 客户价值 line of empty figures.

    Days 1–4: (18,900 + 8,600 + 3,000) × 0.55 = 16,775 a day; days 5–7: (18,900 + 8,600) × 0.55 = 15,125.
    Cost 7 × (4,500 + 2,000 + 1,000) = 52,500; cumulative 毛利 16,775 / 33,550 / 50,325 / 67,100 ≥ 52,500 on
    day 4 (11-26): 3 days after the start. Recovered so far 112,475 / 52,500.
    """
    ans = answer(parse_query("双12预热", TODAY), demo, TODAY)
    got = answer_json(ans)
    assert got["payback_days"] == 3
    assert got["recovered"] == pytest.approx(112_475 / 52_500)
    assert got["ltv"] == {"30": None, "90": None, "180": None, "365": None} and got["repurchase_rate"] is None
    assert "客户价值" not in render_text(ans)
