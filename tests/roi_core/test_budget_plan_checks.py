"""预算 plans: checked like 活动, never summed, a plan of 0 still watched (issue 20, parts 3 and 9a).

The sheet: 冬促 on 抖音, one row a day from 11-01, ¥1,500 a day (销售额 5 × cost: ROI 400 %, 3 % CTR and 10
转化 a day, so pacing is the only rule that can warn), planned 11-01 … 11-10 with ¥10,000. On 11-05, by hand:
4 of 10 days elapsed → expected 10,000 × 4/10 = 4,000; spent 4 × 1,500 = 6,000 → +50 %; ¥4,000 left over the
6 days 11-05 … 11-10 → ¥666.67 a day proposed. The same plan summed twice (¥20,000) would say −25 % and
"raise to (20,000 − 6,000) / 6 = ¥2,333" instead: the flip users saw on the demo (¥2,192 → ¥6,808).
"""

import datetime as dt

import pandas as pd
import pytest

from roi_core import answer, load_sheet, parse_query
from roi_core.budget.answer import _minimums
from roi_core.monitor import campaign_alerts, daily_check, running_units

D = dt.date
HEAD = ["活动名称", "渠道", "开始日期", "广告费用", "销售额", "曝光量", "点击量", "转化数"]
PLAN_HEAD = ["活动名称", "渠道", "计划开始", "计划结束", "预算"]
PLAN = ["冬促", "抖音", "2026-11-01", "2026-11-10", 10000]
DAY5 = D(2026, 11, 5)


def rows(days=range(1, 5), spend=lambda day: 1500):
    return [["冬促", "抖音", f"2026-11-{d:02d}", spend(d), 5 * spend(d), 10000, 300, 10] for d in days]


def sheet(plans, campaign_rows=None):
    return load_sheet({"活动": [HEAD, *(campaign_rows or rows())], "预算": [PLAN_HEAD, *plans]})


def pacing(data, day=DAY5):
    return [a for a in daily_check(data, day) if a.kind == "pacing"]


def test_one_plan_by_hand():
    (alert,) = pacing(sheet([PLAN]))
    assert (alert.figures["expected"], alert.figures["spent"], alert.figures["pace"]) == (4000, 6000, 0.5)
    assert (alert.proposal["action"], alert.proposal["daily_to"]) == ("reduce", 666.67)


# ------------------------------------------------------------------------------------------------ row rules
def test_a_plan_ending_before_it_starts_is_left_out():
    data = sheet([["冬促", "抖音", "2026-11-10", "2026-11-01", 10000]])
    (problem,) = data.problems
    assert (problem.tab, problem.row, problem.column, problem.value) == ("预算", 2, "计划结束", "2026-11-01")
    assert problem.reason == "计划结束早于计划开始：改正其中一个日期"
    assert data.budgets.empty and data.rows_skipped == 1


def test_a_negative_budget_is_left_out():
    data = sheet([["冬促", "抖音", "2026-11-01", "2026-11-10", "(10,000)"]])
    (problem,) = data.problems
    assert (problem.row, problem.column, problem.value) == (2, "预算", "(10,000)")
    assert problem.reason.startswith("预算不能为负数")
    assert data.budgets.empty


def test_a_zero_plan_is_a_warning_and_the_daily_check_still_speaks():
    data = sheet([["冬促", "抖音", "2026-11-01", "2026-11-10", 0]])
    (problem,) = data.problems
    assert problem.warning and not problem.blocking and (problem.row, problem.column, problem.value) == (2, "预算", "0")
    assert problem.reason.startswith("预算为 0：仍按 0 计入，每日巡检对这个计划的任何花费都会预警")
    assert len(data.budgets) == 1 and data.rows_skipped == 0
    (alert,) = pacing(data)
    # 6,000 spent in 4 of 10 days against ¥0: ¥1,500 a day → pause (¥0); no pace (spent / 0 is no number)
    assert alert.figures == {"budget": 0, "plan_start": "2026-11-01", "plan_end": "2026-11-10", "planned_days": 10,
                             "elapsed_days": 4, "spent": 6000, "expected": 0, "pace": None, "budget_left": -6000,
                             "days_left": 6}
    assert alert.proposal == {"action": "pause", "campaign": "冬促", "channel": "抖音", "amount": 1500, "per": "day",
                              "daily_from": 1500, "daily_to": 0, "start": "2026-11-05", "until": "2026-11-10"}
    assert alert.message == ("「冬促」抖音 计划预算为 ¥0，计划 4/10 天却已花 ¥6,000；请在「预算」填上这个计划的预算，"
                             "或暂停该渠道（日花费 ¥1,500 → ¥0）")
    english = [a for a in daily_check(data, D(2026, 11, 5), lang="en") if a.kind == "pacing"][0]
    assert english.message.startswith("冬促 / 抖音: the plan's budget is ¥0, yet ¥6,000 was spent in 4 of 10")
    # no spend against the 0 plan: nothing to say
    assert pacing(sheet([["冬促", "抖音", "2026-11-01", "2026-11-10", 0]], rows(spend=lambda d: 0))) == []


def test_the_demo_channel_that_spent_31500_against_a_zero_plan_is_named():
    from pathlib import Path

    from sheets import open_source

    tabs = open_source(str(Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx")).read_tabs()
    plans = [list(r) for r in tabs["预算"]]
    plans[1][4] = 0  # 双12预热 on 抖音
    data = load_sheet({**tabs, "预算": plans})
    alert = next(a for a in daily_check(data, D(2026, 11, 30)) if a.kind == "pacing")
    # docs/formulas.md: 7 days so far at ¥4,500 = ¥31,500 (20 planned days)
    assert (alert.channel, alert.figures["spent"], alert.figures["budget"]) == ("抖音", 31500, 0)
    assert "计划预算为 ¥0，计划 7/20 天却已花 ¥31,500" in alert.message


# ------------------------------------------------------------------------------------------------ across rows
def test_the_same_plan_written_twice_counts_once():
    data = sheet([PLAN, PLAN])
    (problem,) = data.problems
    assert (problem.row, problem.column, problem.value) == (3, "预算", "10000")
    assert problem.reason == "与第2行是同一个计划（活动、渠道、日期、预算都相同），本行未计入，预算只计一次：删除重复的行"
    assert data.budgets["row"].tolist() == [2] and data.rows_skipped == 1
    (alert,) = pacing(data)
    # not ¥20,000: +50 % and ¥666.67 a day, as with one plan (module docstring)
    assert (alert.figures["budget"], alert.figures["pace"], alert.proposal["daily_to"]) == (10000, 0.5, 666.67)


def test_names_are_compared_as_campaign_names_are():
    data = sheet([PLAN, ["冬 促", "抖音", "2026-11-01", "2026-11-10", 10000]])
    assert [p.row for p in data.problems] == [3] and len(data.budgets) == 1


def test_overlapping_plans_are_all_left_out_named_and_never_summed():
    # row 3: the same pair 11-05 … 11-20 with ¥8,000 (a revision? a top-up?): which one is meant is not guessed
    later = ["冬促", "抖音", "2026-11-05", "2026-11-20", 8000]
    data = sheet([PLAN, later, ["冬促", "抖音", "2026-11-21", "2026-11-30", 5000]])
    assert [(p.row, p.column, p.value) for p in data.problems] == [(2, "计划开始", "2026-11-01"),
                                                                     (3, "计划开始", "2026-11-05")]
    assert data.problems[0].reason == ("与第3行（2026-11-05 至 2026-11-20，预算 8,000）的计划时间重叠（同一活动、同一渠道）："
                                       "重叠的计划都未计入，预算不会相加；删除或改正其中一行，让时段不重叠")
    assert "与第2行（2026-11-01 至 2026-11-10，预算 10,000）" in data.problems[1].reason
    assert data.budgets["row"].tolist() == [4] and data.rows_skipped == 2  # 11-21 … 11-30 does not overlap
    assert data.plan_conflicts["row"].tolist() == [2, 3]
    # the daily check says it cannot pace 抖音 instead of going quiet (no proposal: no plan to pace against)
    (alert,) = pacing(data)
    assert alert.message == ("「冬促」抖音 「预算」第2–3行的计划时间重叠，都未计入（不相加，也不猜用哪个），"
                             "无法检查预算进度：删除或改正其中一行")
    assert alert.figures == {"plan_rows": [2, 3], "plans_overlap": True} and alert.proposal is None
    # the campaign answer lists the same alert
    assert [a.kind for a in campaign_alerts(data, "冬促", D(2026, 11, 5))] == ["pacing"]
    # 11-25: only row 4 covers it; nothing overlaps today
    later_rows = rows(range(21, 25), spend=lambda d: 500)
    assert pacing(sheet([PLAN, later, ["冬促", "抖音", "2026-11-21", "2026-11-30", 5000]], later_rows),
                  D(2026, 11, 25)) == []  # 2,000 spent vs 5,000 × 4/10 = 2,000: on plan


def test_the_same_period_with_another_budget_is_an_overlap():
    data = sheet([PLAN, ["冬促", "抖音", "2026-11-01", "2026-11-10", 12000]])
    assert [p.row for p in data.problems] == [2, 3] and data.budgets.empty


def test_other_channels_and_campaigns_do_not_overlap():
    data = sheet([PLAN, ["冬促", "微信", "2026-11-01", "2026-11-10", 5000], ["秋促", "抖音", "2026-11-01", "2026-11-10", 1]])
    assert data.problems == () and len(data.budgets) == 3


def test_plans_for_two_periods_are_paced_one_at_a_time():
    # 11-01 … 11-10 ¥10,000 (¥1,000 a day spent), 11-11 … 11-20 ¥30,000 (¥3,000 a day spent through 11-14).
    # On 11-15 the second plan runs: 4 of 10 days → 30,000 × 4/10 = 12,000 expected, 4 × 3,000 = 12,000 spent: on plan.
    # Summed over 11-01 … 11-20 it would have said 40,000 × 14/20 = 28,000 expected vs 22,000 spent: −21.4 %.
    spend = [*rows(range(1, 11), spend=lambda d: 1000), *rows(range(11, 15), spend=lambda d: 3000)]
    plans = [["冬促", "抖音", "2026-11-01", "2026-11-10", 10000], ["冬促", "抖音", "2026-11-11", "2026-11-20", 30000]]
    data = sheet(plans, spend)
    assert data.problems == ()  # touching periods (11-10, 11-11) do not overlap
    unit = running_units(data, D(2026, 11, 15)).iloc[0]
    assert (unit["start"], unit["end"], unit["budget"]) == (pd.Timestamp("2026-11-11"), pd.Timestamp("2026-11-20"), 30000)
    assert pacing(data, D(2026, 11, 15)) == []


def test_a_gap_between_two_plans_is_not_running():
    plans = [["冬促", "抖音", "2026-11-01", "2026-11-10", 10000], ["冬促", "抖音", "2026-11-15", "2026-11-20", 6000]]
    assert running_units(sheet(plans), D(2026, 11, 12)).empty


def test_the_budget_plan_reads_a_duplicated_plan_once():
    # 12-01 … 12-31 with ¥31,000 typed twice: December's planned minimum is 31,000, not 62,000
    plan = ["冬促", "抖音", "2026-12-01", "2026-12-31", 31000]
    assert _minimums(sheet([plan, plan]), pd.Period("2026-12", freq="M")) == {"抖音": pytest.approx(31000)}


def test_the_campaign_answer_counts_the_left_out_plan_rows():
    data = sheet([PLAN, PLAN])
    ans = answer(parse_query("冬促", D(2026, 11, 5)), data, D(2026, 11, 5))
    assert ans.rows_skipped == 1
