"""roi_core.customers on a small hand-made sheet; every figure worked out by hand below.

The sheet (asof 2026-09-01 unless said otherwise):

活动   A 抖音 2026-01-01..01-10 cost 1000 (销售额 5000, 新客户数 6) · A 微信 same days cost 500 (1000, 新客户数 2)
       B 抖音 2026-03-01 cost 200 (销售额 300)                      → A costs 1500, starts 2026-01-01
客户   C1 2026-01-02 抖音 (获客活动 blank: 触点 says A) · C2 2026-01-05 微信 A 阶段 忠实 (2026-03-01)
       C3 2025-12-20 抖音 A · C4 2026-06-01 抖音 A · C5 2026-01-08 抖音 A 阶段 意向 · C9 2026-03-01 抖音 B
触点   C1 01-01 抖音 A 否 · C1 01-02 抖音 A 是 200 · C6 01-03 微信 A 否 · C6 01-04 微信 A 否
       C7 01-06 抖音 A 是 100 (not in 客户: acquired by A on 抖音 on 01-06) · C8 01-07 抖音 A 否
订单   order  customer  day         金额   毛利
       O1     C1        2026-01-02   200    80
       O2     C1        2026-02-01   300   120   (30 days after C1's acquisition: outside 30, inside 90)
       O3     C2        2026-01-05   400   160
       O4     C2        2026-03-01   100    40   (55 days after 01-05)
       O5     C3        2025-12-20    50    20   (C3's first order is before A starts: not a new customer)
       O6     C3        2026-01-03    70    28
       O7     C4        2026-06-01   500   200
       O8     C7        2026-01-06   100    40
       O9     C7        2026-08-10   100    40   (216 days after 01-06)
       O10    C1        2026-09-15  1000   400   (after asof 2026-09-01)
       O11    C9        2026-03-01   100    60
       O12    C9        2026-03-11   200    80
       O13    C9        2026-04-01   300   120
Every 订单 row has 毛利, so the basis is 按毛利 (gross_profit).
"""

import datetime as dt
import math
from dataclasses import fields

import pandas as pd
import pytest

from roi_core import load_sheet
from roi_core.customers import (
    acquisitions,
    build_book,
    cohorts,
    customer_value,
    lifecycle,
    payback,
)

ASOF = dt.date(2026, 9, 1)

CAMPAIGNS = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额", "新客户数"],
             ["A", "抖音", "2026-01-01", "2026-01-10", 1000, 5000, 6],
             ["A", "微信", "2026-01-01", "2026-01-10", 500, 1000, 2],
             ["B", "抖音", "2026-03-01", "2026-03-01", 200, 300, None]]
CUSTOMERS = [["客户ID", "获客日期", "获客渠道", "获客活动", "阶段", "阶段日期"],
             ["C1", "2026-01-02", "抖音", None, None, None],
             ["C2", "2026-01-05", "微信", "A", "忠实", "2026-03-01"],
             ["C3", "2025-12-20", "抖音", "A", None, None],
             ["C4", "2026-06-01", "抖音", "A", None, None],
             ["C5", "2026-01-08", "抖音", "A", "意向", None],
             ["C9", "2026-03-01", "抖音", "B", None, None]]
TOUCHES = [["客户ID", "时间", "渠道", "活动名称", "是否转化", "订单金额"],
           ["C1", "2026-01-01 10:00", "抖音", "A", "否", None],
           ["C1", "2026-01-02 11:00", "抖音", "A", "是", 200],
           ["C6", "2026-01-03 09:00", "微信", "A", "否", None],
           ["C6", "2026-01-04 09:00", "微信", "A", "否", None],
           ["C7", "2026-01-06 12:00", "抖音", "A", "是", 100],
           ["C8", "2026-01-07 12:00", "抖音", "A", "否", None]]
ORDERS = [["订单号", "客户ID", "下单日期", "订单金额", "毛利"],
          ["O1", "C1", "2026-01-02", 200, 80], ["O2", "C1", "2026-02-01", 300, 120],
          ["O3", "C2", "2026-01-05", 400, 160], ["O4", "C2", "2026-03-01", 100, 40],
          ["O5", "C3", "2025-12-20", 50, 20], ["O6", "C3", "2026-01-03", 70, 28],
          ["O7", "C4", "2026-06-01", 500, 200],
          ["O8", "C7", "2026-01-06", 100, 40], ["O9", "C7", "2026-08-10", 100, 40],
          ["O10", "C1", "2026-09-15", 1000, 400],
          ["O11", "C9", "2026-03-01", 100, 60], ["O12", "C9", "2026-03-11", 200, 80],
          ["O13", "C9", "2026-04-01", 300, 120]]


def make(orders=ORDERS, customers=CUSTOMERS, settings=None):
    tabs = {"活动": CAMPAIGNS, "触点": TOUCHES}
    if orders is not None:
        tabs["订单"] = orders
    if customers is not None:
        tabs["客户"] = customers
    if settings:
        tabs["设置"] = [["参数", "值"]] + [[k, v] for k, v in settings.items()]
    data = load_sheet(tabs, source="test")
    assert data.problems == ()
    return data


@pytest.fixture(scope="module")
def book():
    return build_book(make())


def no_nan(result) -> None:
    """No NaN or inf anywhere in a result (numbers are floats or None)."""
    for f in fields(result):
        value = getattr(result, f.name)
        values = value.values() if isinstance(value, dict) else [value]
        for v in values:
            assert not (isinstance(v, float) and not math.isfinite(v)), (f.name, v)


def test_acquisitions_take_customers_then_first_converting_touch(book):
    acq = acquisitions(book).set_index("customer_id")
    # 客户's blank 获客活动 is filled from C1's converting touch (A); C7 is known only from 触点
    assert acq.loc["C1", ["campaign", "channel", "acquired_from"]].tolist() == ["A", "抖音", "客户"]
    assert acq.loc["C7", ["campaign", "channel", "acquired_from"]].tolist() == ["A", "抖音", "触点"]
    assert acq.loc["C7", "acquired_date"] == pd.Timestamp("2026-01-06")
    assert acq.loc["C2", "channel"] == "微信"
    assert acq.loc["C1", "orders"] == 3 and acq.loc["C5", "orders"] == 0
    # C6 and C8 only touched, never converted: not acquired
    assert sorted(acq.index) == ["C1", "C2", "C3", "C4", "C5", "C7", "C9"]


def test_customer_value_of_a_campaign(book):
    v = customer_value(book, "A", asof=ASOF)
    no_nan(v)
    assert v.basis == "gross_profit"
    # acquired by A: C1 C2 C3 C4 C5 C7 (6); new (first order on/after 2026-01-01, by asof): C1 C2 C4 C7.
    # C3 first ordered 2025-12-20, before A; C5 never ordered.
    assert (v.acquired_customers, v.new_customers) == (6, 4)
    # ages on 2026-09-01: C1 242, C2 239, C4 92, C7 238 days → 30: 4, 90: 4, 180: 3 (C4 too young), 365: 0
    assert v.old_enough == {30: 4, 90: 4, 180: 3, 365: 0}
    # 30 days (day 0..29 after acquisition): O1 80 + O3 160 + O7 200 + O8 40 = 480 → 480 / 4 = 120
    # 90 days: + O2 120 (day 30) + O4 40 (day 55) = 640 → 160; 180 and 365: not every customer old enough
    assert v.ltv == {30: pytest.approx(120.0), 90: pytest.approx(160.0), 180: None, 365: None}
    # 2+ orders by asof: C1 (O1, O2; O10 is after asof), C2, C7 → 3 / 4
    assert (v.repeat_customers, v.repurchase_rate) == (3, 0.75)
    # cost 1000 + 500 = 1500; 活动 says 6 + 2 = 8 new customers → CAC 1500 / 8 = 187.5 (from 活动, not 订单's 4);
    # LTV:CAC on 90 days: 160 / 187.5 = 0.85333
    assert v.cost == 1500 and (v.cac, v.cac_source) == (187.5, "活动")
    assert (v.ltv_cac_window, v.ltv_cac) == (90, pytest.approx(160 / 187.5))
    # first orders 480; all orders by asof 480 + O2 120 + O4 40 + O9 40 = 680
    assert (v.first_order_return, v.repurchase_return, v.total_return) == (480, 200, 680)
    # ROI first order (480 − 1500) / 1500 = −68%; with repurchase (680 − 1500) / 1500 = −54.67%
    assert v.first_order_roi == pytest.approx(-0.68)
    assert v.roi_with_repurchase == pytest.approx(-820 / 1500)
    # 活动 says A won 6 + 2 = 8 new customers; 订单/客户 know 4 of them → coverage 50%, not under the 50%
    # threshold: the ROIs are 订单's own sums, not projected
    assert (v.reported_new_customers, v.coverage, v.projected) == (8.0, 0.5, False)


def test_customer_value_longest_complete_window(book):
    v = customer_value(book, "B", asof=ASOF)
    # C9, acquired 2026-03-01, is 184 days old: 30 / 90 / 180 complete, 365 not
    # 30: O11 60 + O12 80 (day 10) = 140; 90 and 180: + O13 120 (day 31) = 260
    assert v.ltv == {30: 140.0, 90: 260.0, 180: 260.0, 365: None}
    # CAC 200 / 1 = 200; LTV:CAC on 180 days = 260 / 200 = 1.3
    assert (v.cac, v.cac_source, v.ltv_cac_window, v.ltv_cac) == (200.0, "订单", 180, pytest.approx(1.3))
    assert v.repurchase_rate == 1.0
    assert (v.reported_new_customers, v.coverage) == (None, None)  # B's row has no 新客户数


def test_customer_value_of_a_channel_within_a_campaign(book):
    v = customer_value(book, "A", "微信", asof=ASOF)
    # A on 微信: C2 only (acquired 01-05, first order 01-05); cost 500
    # 30: O3 160; 90: + O4 40 = 200; 180: 200 (239 days old); 365 not complete
    # 活动 says A won 2 new customers on 微信 → CAC 500 / 2 = 250; LTV:CAC 200 / 250 = 0.8
    assert (v.new_customers, v.cost, v.cac) == (1, 500.0, 250.0)
    assert v.ltv == {30: 160.0, 90: 200.0, 180: 200.0, 365: None}
    assert v.ltv_cac == pytest.approx(0.8)


def test_payback_day_from_orders(book):
    p = payback(book, "B")
    no_nan(p)
    # B costs 200 from 2026-03-01; C9's 毛利 by day: 03-01 60, 03-11 140, 04-01 260 ≥ 200 → 31 days
    assert (p.source, p.basis, p.cost, p.start) == ("订单", "gross_profit", 200.0, dt.date(2026, 3, 1))
    assert (p.payback_days, p.payback_date) == (31, dt.date(2026, 4, 1))
    assert p.recovered == pytest.approx(1.3)  # 260 / 200


def test_payback_not_reached_reports_recovered(book):
    p = payback(book, "A")
    # new customers' 毛利, all orders: 480 + 120 + 40 + 40 + O10 400 = 1080 < 1500 → 72% recovered
    assert p.payback_days is None and p.payback_date is None
    assert p.recovered == pytest.approx(0.72) and p.new_customers == 4
    # as of 2026-09-01, O10 (09-15) is not counted: 680 / 1500
    assert payback(book, "A", asof=ASOF).recovered == pytest.approx(680 / 1500)
    # A on 微信 (cost 500): C2's 160 + 40 = 200 → 40%
    assert payback(book, "A", channel="微信").recovered == pytest.approx(0.4)


def test_payback_without_orders_spreads_the_campaign_rows_by_day():
    data = make(orders=None)
    p = payback(data, "A")
    # 销售额 5000 / 10 days + 1000 / 10 days = 600 a day from 01-01; cost 1500:
    # 01-01 600, 01-02 1200, 01-03 1800 ≥ 1500 → 2 days (按销售额: no 毛利, no 毛利率)
    assert (p.source, p.basis, p.payback_days, p.payback_date) == ("活动", "revenue", 2, dt.date(2026, 1, 3))
    assert p.recovered == pytest.approx(6000 / 1500)
    # with 毛利率 50%: 300 a day; 01-05 reaches exactly 1500 → 4 days
    p = payback(make(orders=None, settings={"毛利率": "50%"}), "A")
    assert (p.basis, p.payback_days) == ("gross_profit", 4)
    assert payback(data, "不存在").reason == "「活动」中没有「不存在」的行"


def test_order_basis_falls_back_to_revenue_unless_every_order_knows_its_profit():
    orders = [ORDERS[0]] + [r if r[0] != "O11" else ["O11", "C9", "2026-03-01", 100, None] for r in ORDERS[1:]]
    p = payback(make(orders=orders), "B")
    # one 毛利 missing → 按销售额: 100, 300, 600 → 03-11 reaches 200 → 10 days
    assert (p.basis, p.payback_days) == ("revenue", 10)
    # 毛利率 20% fills O11's 毛利 with 20 → 按毛利: 20, 100, 220 → 04-01 → 31 days
    p = payback(make(orders=orders, settings={"毛利率": "20%"}), "B")
    assert (p.basis, p.payback_days, p.returned) == ("gross_profit", 31, 220.0)


def test_lifecycle_of_a_campaign(book):
    life = lifecycle(book, campaign="A")
    no_nan(life)
    # members: touched by A (C1 C6 C7 C8) ∪ acquired by A (C1 C2 C3 C4 C5 C7) = 8 customers
    # stages: C1 3 (orders 01-02, 02-01) · C2 忠实 (filled) · C3 3 (12-20, 01-03) · C4 2 (one order)
    #         C5 意向 (filled) · C6 1 (two touches) · C7 3 (01-06, 08-10: 216 days ≤ 365) · C8 0 (one touch)
    frame = life.as_frame()
    assert frame["customers"].tolist() == [8, 7, 5, 4]
    assert frame["conversion_to_next"].tolist() == [pytest.approx(7 / 8), pytest.approx(5 / 7), 0.8, None]
    # stage days: 潜在→意向 C1 1 (01-01 → second touch 01-02), C6 1, C2 C3 C4 C7 0 (first order the same day);
    # C5 has no 意向 date → median of 0,0,0,0,1,1 = 0. 意向→成交 all 0.
    # 成交→忠实: C1 30, C2 55 (阶段日期 03-01), C3 14, C7 216 → median (30 + 55) / 2 = 42.5
    assert frame["median_days_to_next"].tolist() == [0.0, 0.0, 42.5, None]
    # cost 1500 over 8 / 7 / 5 / 4 customers
    assert frame["cost_per_customer"].tolist() == [187.5, pytest.approx(1500 / 7), 300.0, 375.0]
    # C2 and C5 have 阶段 filled; the other 6 are derived
    assert (life.customers, life.derived, life.derived_customers) == (8, True, 6)


def test_lifecycle_of_a_channel_and_of_a_period(book):
    life = lifecycle(book, channel="微信")
    # touched on 微信: C6 (level 1); acquired on 微信: C2 (忠实) → 2, 2, 1, 1; cost of 微信 rows 500
    assert [s.customers for s in life.stages] == [2, 2, 1, 1]
    assert [s.cost_per_customer for s in life.stages] == [250.0, 250.0, 500.0, 500.0]
    life = lifecycle(book, period=(dt.date(2026, 1, 1), dt.date(2026, 1, 5)))
    # touched in the period: C1, C6; acquired in it: C1, C2 → 3. Behaviour up to 01-05:
    # C1 one order (02-01 is later) → 成交; C2 忠实 (filled); C6 two touches → 意向 → 3, 3, 2, 1
    assert [s.customers for s in life.stages] == [3, 3, 2, 1]
    # cost: A's rows run 10 days, 5 of them in the period → 1500 × 5/10 = 750; B is outside
    assert life.cost == 750.0
    assert [s.cost_per_customer for s in life.stages] == [250.0, 250.0, 375.0, 750.0]


def test_lifecycle_without_orders_uses_converting_touches():
    life = lifecycle(make(orders=None, customers=None), campaign="A")
    # touched by A: C1 (2 touches, converted once) 成交; C6 (2 touches) 意向; C7 (converted) 成交; C8 潜在
    assert [s.customers for s in life.stages] == [4, 3, 2, 0]
    assert life.derived_customers == 4


def test_cohorts(book):
    table = cohorts(book, dt.date(2026, 3, 15), months=4)
    # cohorts 2025-12 .. 2026-03: Dec C3 (1); Jan C1 C2 C5 C7 (4); Feb none; Mar C9 (1); C4 (June) is later
    assert table.customers.tolist() == [1, 4, 0, 1]
    cells = table.per_customer
    # Dec: O5 50 in month 0, O6 70 in month 1, nothing in Feb and Mar
    assert cells.loc["2025-12"].tolist() == [50.0, 70.0, 0.0, 0.0]
    # Jan: month 0 = (O1 200 + O3 400 + O8 100) / 4 = 175; month 1 O2 300 / 4 = 75; month 2 O4 100 / 4 = 25;
    # month 3 (April) is after asof → None
    assert cells.loc["2026-01"].tolist() == [175.0, 75.0, 25.0, None]
    assert cells.loc["2026-02"].tolist() == [None, None, None, None]
    # Mar: O11 100 + O12 200 by 03-15 (O13 is April) → 300
    assert cells.loc["2026-03"].tolist() == [300.0, None, None, None]
    assert table.active.loc["2026-01"].tolist() == [3, 1, 1, None]


def test_without_orders_values_are_none_with_a_reason():
    v = customer_value(make(orders=None), "A", asof=ASOF)
    no_nan(v)
    assert v.ltv == {30: None, 90: None, 180: None, 365: None} and v.repurchase_rate is None
    assert "订单" in v.reason
