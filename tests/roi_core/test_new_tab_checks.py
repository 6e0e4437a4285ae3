"""订单 / 客户 / 活动: no bad value taken silently (issue 20, parts 3 and 9a), on a small sheet worked by hand.

The sheet is test_customer_value_answers.py's, figures recomputed by hand below:
活动: 夏促 on 抖音, 2026-06-01 … 06-10, 广告 1,000, 销售额 3,000.
客户: C1 acquired 06-02, C2 06-05, C3 06-08, all by 夏促 on 抖音.
订单: C1 300 (06-02) and 200 (07-15); C2 500 (06-05); C3 250 (06-08) and 150 (06-20). Today 2026-11-30.
- repurchase: C1 and C3 ordered twice → 2 / 3; LTV 30 = (300 + 500 + 250 + 150) / 3 = 400.
- C2's order O3 typed twice, counted twice: C2 would have 2 orders → 3 / 3 = 100 %, LTV 30 = (1,200 + 500) / 3
  = 566.67. Counted once (the first row kept), the figures stay 2 / 3 and 400.
"""

import datetime as dt

import pandas as pd
import pytest

from roi_core import answer, load_sheet, parse_query
from roi_core.answer import answer_json
from roi_core.customers import build_book, customer_value, lifecycle
from roi_core.errors import DataError
from roi_core.schema import stage_level

TODAY = dt.date(2026, 11, 30)
CAMPAIGNS = [["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"],
             ["夏促", "抖音", "2026-06-01", "2026-06-10", 1000, 3000]]
CUSTOMERS = [["客户ID", "获客日期", "获客渠道", "获客活动"],
             ["C1", "2026-06-02", "抖音", "夏促"], ["C2", "2026-06-05", "抖音", "夏促"],
             ["C3", "2026-06-08", "抖音", "夏促"]]
ORDERS = [["订单号", "客户ID", "下单日期", "订单金额"],
          ["O1", "C1", "2026-06-02", 300], ["O2", "C1", "2026-07-15", 200], ["O3", "C2", "2026-06-05", 500],
          ["O4", "C3", "2026-06-08", 250], ["O5", "C3", "2026-06-20", 150]]


def sheet(orders=ORDERS, customers=CUSTOMERS, **kw):
    return load_sheet({"活动": CAMPAIGNS, "客户": customers, "订单": orders}, source="test", **kw)


def value(data, today=TODAY):
    return answer_json(answer(parse_query("夏促 客户价值", today), data, today))


# ------------------------------------------------------------------------------------------------ 订单号
def test_a_duplicate_order_counts_once_and_is_listed():
    doubled = sheet(ORDERS + [["O3", "C2", "2026-06-05", 500]])  # row 7: O3 again
    assert doubled.orders["order_id"].tolist() == ["O1", "O2", "O3", "O4", "O5"]
    (problem,) = doubled.problems
    assert (problem.tab, problem.row, problem.column, problem.value) == ("订单", 7, "订单号", "O3")
    assert problem.reason.startswith("订单号与第4行重复，本行未计入（一笔订单只计一次）")
    assert "改正订单号" in problem.reason and doubled.rows_skipped == 1
    out = value(doubled)
    # counted once: C1 and C3 repeat → 2 / 3; LTV 30 = 1,200 / 3 = 400 (module docstring)
    assert (out["repeat_customers"], out["repurchase_rate"]) == (2, pytest.approx(2 / 3))
    assert out["ltv"]["30"] == pytest.approx(400)
    assert out["rows_skipped"] == 1


def test_what_the_duplicate_did_when_it_was_counted_twice():
    """The same frames with the duplicate kept (as before the check): 3 / 3 repeat, LTV 30 566.67."""
    clean = sheet()
    doubled = clean.orders.iloc[[0, 1, 2, 2, 3, 4]].reset_index(drop=True)
    old = customer_value(clean.with_source(orders=doubled), "夏促", asof=TODAY)
    assert old.repurchase_rate == 1.0 and old.ltv[30] == pytest.approx((1200 + 500) / 3)
    assert customer_value(clean, "夏促", asof=TODAY).repurchase_rate == pytest.approx(2 / 3)


def test_the_same_order_number_on_another_customer_keeps_the_first_row():
    # O1 typed again for C2 (a copy-paste slip): the first row (C1's) is kept, whatever the second says
    data = sheet(ORDERS + [["O1", "C2", "2026-06-30", 999]])
    assert data.orders.set_index("order_id").loc["O1", "customer_id"] == "C1"
    assert [(p.row, p.value) for p in data.problems] == [(7, "O1")]


def test_an_order_number_typed_as_a_number_matches_the_same_text():
    data = sheet([ORDERS[0], [1001, "C1", "2026-06-02", 300], ["1001", "C1", "2026-06-02", 300]])
    assert len(data.orders) == 1 and data.problems[0].row == 3 and data.problems[0].value == "1001"


# ------------------------------------------------------------------------------------------------ 客户
def test_a_duplicate_customer_id_is_listed_saying_which_row_was_kept():
    data = sheet(customers=CUSTOMERS + [["C1", "2026-06-09", "微信", "秋促"]])  # row 5
    (problem,) = data.problems
    assert (problem.tab, problem.row, problem.column, problem.value) == ("客户", 5, "客户ID", "C1")
    assert "已用第2行，本行未计入" in problem.reason and "合并" in problem.reason
    kept = data.customers.set_index("customer_id").loc["C1"]
    assert (kept["acquired_channel"], kept["row"]) == ("抖音", 2)
    assert data.rows_skipped == 1


def test_customers_acquired_after_today_are_listed_and_not_counted():
    # C4 acquired 2026-12-15, after today 2026-11-30 (a typo of 2025, or typed ahead)
    customers = CUSTOMERS + [["C4", "2026-12-15", "抖音", "夏促"]]  # row 5
    data = sheet(customers=customers, today=TODAY)
    (problem,) = data.problems
    assert (problem.row, problem.column, problem.value) == (5, "获客日期", "2026-12-15")
    assert problem.reason.startswith("获客日期晚于今天（2026-11-30），还不能计入")
    assert data.rows_skipped == 1  # answers say the row is left out …
    # … and leave it out by the today they are given: the funnel counts C1, C2, C3 (3), not C4; 获客 3
    assert lifecycle(build_book(data, TODAY), campaign="夏促").customers == 3
    assert value(data)["acquired_customers"] == 3
    # the row stays in the frame: on a today after 12-15 it counts (no figure depends on when the sheet was read)
    assert data.customers["customer_id"].tolist() == ["C1", "C2", "C3", "C4"]
    assert lifecycle(build_book(data, dt.date(2026, 12, 15)), campaign="夏促").customers == 4


def test_figures_do_not_depend_on_when_the_sheet_was_read():
    customers = CUSTOMERS + [["C4", "2026-12-15", "抖音", "夏促"]]
    read_in_june = sheet(customers=customers, fetched_at=dt.datetime(2026, 6, 20, tzinfo=dt.UTC))
    never_read = sheet(customers=customers)
    # read on 06-20 (Shanghai): C3 (06-08) is fine, C4 is listed; the figures as of 11-30 are the same either way
    assert [p.row for p in read_in_june.problems] == [5] and never_read.problems == ()
    assert value(read_in_june)["acquired_customers"] == value(never_read)["acquired_customers"] == 3


def test_a_future_row_does_not_hide_a_later_row_of_the_same_customer():
    # C1 typed twice: row 2 says 2027-01-01 (listed), row 5 says 06-03: row 5 is not a duplicate of a row that
    # cannot count, and the answers use it
    customers = [CUSTOMERS[0], ["C1", "2027-01-01", "微信", None], *CUSTOMERS[2:], ["C1", "2026-06-03", "抖音", "夏促"]]
    data = sheet(customers=customers, today=TODAY)
    assert [(p.row, p.column) for p in data.problems] == [(2, "获客日期")]
    c1 = build_book(data, TODAY).people.set_index("customer_id").loc["C1"]
    assert (c1["acquired_from"], c1["acquired"]) == ("客户", (dt.date(2026, 6, 3) - dt.date(1970, 1, 1)).days)


def test_today_comes_from_the_read_time_in_the_teams_zone():
    # read at 2026-11-30 17:00 UTC = 12-01 01:00 in Shanghai: today is 12-01, so 12-01 is fine and 12-02 is not
    customers = CUSTOMERS + [["C4", "2026-12-01", "抖音", "夏促"], ["C5", "2026-12-02", "抖音", "夏促"]]
    data = sheet(customers=customers, fetched_at=dt.datetime(2026, 11, 30, 17, tzinfo=dt.UTC))
    assert [(p.row, p.value) for p in data.problems] == [(6, "2026-12-02")]
    assert "（2026-12-01）" in data.problems[0].reason
    # without a read time or today the check cannot know: nothing is listed …
    unknown = sheet(customers=customers)
    assert unknown.problems == () and len(unknown.customers) == 5


def test_the_answer_leaves_future_customers_out_with_the_today_it_is_given():
    # … and the answer, given today, still does not count them: 夏促's funnel is C1, C2, C3 (3), not 5
    customers = CUSTOMERS + [["C4", "2026-12-01", "抖音", "夏促"], ["C5", "2026-12-02", "抖音", "夏促"]]
    data = sheet(customers=customers)
    assert lifecycle(build_book(data), campaign="夏促").customers == 5  # no today: 5
    assert lifecycle(build_book(data, TODAY), campaign="夏促").customers == 3
    out = answer_json(answer(parse_query("夏促 生命周期", TODAY), data, TODAY))
    assert out["customers"] == 3
    assert value(data)["acquired_customers"] == 3
    # on 12-01 C4 is acquired (4); C5 not yet
    assert lifecycle(build_book(data, dt.date(2026, 12, 1)), campaign="夏促").customers == 4


def test_a_future_row_of_a_customer_known_from_orders_falls_back_to_the_first_order():
    # C1's 客户 row says 2027-01-01: left out, C1 is then known only from 订单 (acquired on 06-02, by no campaign)
    customers = [CUSTOMERS[0], ["C1", "2027-01-01", "抖音", "夏促"], *CUSTOMERS[2:]]
    book = build_book(sheet(customers=customers), TODAY)
    c1 = book.people.set_index("customer_id").loc["C1"]
    assert c1["acquired_from"] == "订单" and c1["campaign_id"] == -1


@pytest.mark.parametrize("typed, level", [("潜在", 0), ("意向", 1), ("成交", 2), ("忠实", 3), ("Prospect ", 0),
                                          ("INTERESTED", 1), ("customer", 2), ("loyal", 3), ("忠实客户", 3),
                                          ("loyal customer", 3), ("VIP", -1), ("高价值", -1)])
def test_stage_words(typed, level):
    assert stage_level(typed) == level


def test_an_unknown_stage_is_a_problem_naming_the_accepted_values_and_the_row_is_left_out():
    customers = [CUSTOMERS[0] + ["阶段"], CUSTOMERS[1] + ["VIP"], CUSTOMERS[2] + ["loyal"], CUSTOMERS[3] + [None]]
    data = sheet(customers=customers)
    (problem,) = data.problems
    assert (problem.tab, problem.row, problem.column, problem.value) == ("客户", 2, "阶段", "VIP")
    assert problem.reason == ("阶段只能是 潜在、意向、成交、忠实（或 prospect、interested、customer、loyal）："
                              "改成其中之一，或留空（按行为推断）")
    assert data.customers["customer_id"].tolist() == ["C2", "C3"] and data.rows_skipped == 1


def test_rules_run_on_the_rows_the_cell_checks_kept():
    # row 2 (C1) has a bad date: left out for it; row 5 (C1 again) is then the first usable C1 row, not a duplicate
    customers = [CUSTOMERS[0], ["C1", "6月2日", "抖音", "夏促"], *CUSTOMERS[2:], ["C1", "2026-06-03", "微信", None]]
    data = sheet(customers=customers)
    assert [(p.row, p.column) for p in data.problems] == [(2, "获客日期")]
    assert data.customers.set_index("customer_id").loc["C1", "row"] == 5


# ------------------------------------------------------------------------------------------------ 活动
@pytest.mark.parametrize("rows, says", [
    ([["活动名称", "渠道", "开始日期", "销售额"]], "只有表头，还没有数据"),
    ([["活动名称", "渠道", "开始日期", "销售额"], [None, None, None, None]], "只有表头，还没有数据"),
    ([], "是空的"),
    ([[None, None], ["", "  "]], "是空的"),
])
def test_an_empty_campaign_tab_is_a_blocking_problem(rows, says):
    data = load_sheet({"活动": rows})
    (problem,) = data.problems
    assert problem.blocking and problem.tab == "活动" and problem.row is None
    assert problem.describe().startswith(f"「活动」：{says}") and "python -m sheets init" in problem.describe()
    assert data.blocking_problems == (problem,)
    # answers say what they said before (the hint lists the columns)
    with pytest.raises(DataError, match="「活动」表还没有数据"):
        answer(parse_query("618", TODAY), data, TODAY)


def test_a_campaign_tab_whose_rows_all_have_problems_is_not_called_empty():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"], ["A", "抖音", "2026-06-01", "待补充"]]})
    assert [p.reason for p in data.problems] == ["不是金额（例：12,345 或 ￥1.2万）"]


def test_example_rows_alone_are_reported_as_examples_not_as_an_empty_tab():
    data = load_sheet({"活动": [["活动名称", "渠道", "开始日期", "销售额"], ["示例·618活动", "抖音", "2026-06-01", 1]]})
    assert [p.example for p in data.problems] == [True]


def test_the_demo_has_no_new_problem():
    from pathlib import Path

    from sheets import open_source

    tabs = open_source(str(Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx")).read_tabs()
    data = load_sheet(tabs, today=dt.date(2026, 12, 6))
    assert [(p.tab, p.row) for p in data.problems] == [("活动", 19)]  # 销售额 待补充, as before
    assert len(data.orders) == 523 and len(data.customers) == 276 and len(data.budgets) == 3
    assert isinstance(data.plan_conflicts, pd.DataFrame) and data.plan_conflicts.empty
