"""The daily check (roi_core.monitor) and daily rows in every figure, on small sheets worked out by hand."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from roi_core import answer, answer_json, load_sheet, parse_query
from roi_core.metrics import group_metrics, prepare_rows, return_basis, spread_by_month
from roi_core.monitor import check_day, daily_check, running_units

H = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额", "曝光量", "点击量", "转化数", "新客户数"]
PLAN_H = ["活动名称", "渠道", "计划开始", "计划结束", "预算"]
D = dt.date


def sheet(rows, plans=(), settings=()):
    tabs = {"活动": [H, *rows]}
    if plans:
        tabs["预算"] = [PLAN_H, *plans]
    if settings:
        tabs["设置"] = [["参数", "值"], *settings]
    return load_sheet(tabs)


# --------------------------------------------------------------------------- daily rows in every figure
def _daily_and_whole():
    """冬促 on two channels, 2026-11-28 … 12-03 (6 days, across a month end), as daily rows and as one row each.

    抖音: ¥1,000 a day, 销售额 ¥3,000 a day, 10,000 曝光, 300 点击, 9 转化, 2 新客 → 6 days: 6,000 / 18,000 /
    60,000 / 1,800 / 54 / 12. 微信: ¥500 and ¥800 a day, 5,000 / 100 / 4 / 1 → 3,000 / 4,800 / 30,000 / 600 / 24 / 6.
    """
    days = pd.date_range("2026-11-28", "2026-12-03").strftime("%Y-%m-%d")
    daily = [r for d in days for r in (["冬促", "抖音", d, d, 1000, 3000, 10000, 300, 9, 2],
                                       ["冬促", "微信", d, d, 500, 800, 5000, 100, 4, 1])]
    whole = [["冬促", "抖音", "2026-11-28", "2026-12-03", 6000, 18000, 60000, 1800, 54, 12],
             ["冬促", "微信", "2026-11-28", "2026-12-03", 3000, 4800, 30000, 600, 24, 6]]
    other = [["春促", "抖音", "2026-03-01", "2026-03-10", 2000, 2500, 1000, 50, 5, 1]]
    return sheet(daily + other), sheet(whole + other)


def test_a_campaign_as_daily_rows_answers_as_the_same_campaign_in_one_row():
    daily, whole = _daily_and_whole()
    today = D(2026, 12, 20)
    a = answer_json(answer(parse_query("冬促", today), daily, today))
    b = answer_json(answer(parse_query("冬促", today), whole, today))
    assert a == b
    # by hand: cost 9,000; 销售额 22,800 → ROI (22,800 − 9,000) / 9,000 = 153.3%; CTR 2,400 / 90,000 = 2.67%;
    # CVR 78 / 2,400 = 3.25%; CAC 9,000 / 18 = 500
    assert (a["cost"], a["revenue"]) == (9000, 22800)
    assert round(a["roi"], 4) == 1.5333 and round(a["ctr"], 4) == 0.0267 and a["cvr"] == 0.0325 and a["cac"] == 500
    assert {c["channel"]: c["cost"] for c in a["channels"]} == {"抖音": 6000, "微信": 3000}


def test_daily_rows_give_the_same_months_and_rankings_as_the_row_spread_by_day():
    daily, whole = _daily_and_whole()
    for data in (daily, whole):
        rows = spread_by_month(prepare_rows(data.campaigns, data.settings))
        months = rows.groupby("month")["cost"].sum()
        # November holds 3 of the 6 days (28, 29, 30): 3/6 of 9,000 = 4,500; December the other 4,500
        assert months[pd.Period("2026-11")] == 4500 and months[pd.Period("2026-12")] == 4500
    today = D(2026, 12, 20)
    for question in ("渠道 2026-11", "渠道 2026-12", "排行", "渠道"):
        a = answer_json(answer(parse_query(question, today), daily, today))
        b = answer_json(answer(parse_query(question, today), whole, today))
        assert a == b, question


def test_sums_first_over_daily_rows():
    daily, _ = _daily_and_whole()
    rows = prepare_rows(daily.campaigns, daily.settings)
    by = group_metrics(rows, ["campaign"], return_basis(rows)).set_index("campaign")
    assert by.loc["冬促", "cost"] == 9000 and by.loc["冬促", "rows"] == 12


# --------------------------------------------------------------------------- the daily check
def _plan_sheet(extra_rows=(), **kw):
    """A 冬促 planned 11-01 … 11-10: 抖音 budget ¥10,000, 微信 ¥5,000. Daily rows 11-01 … 11-04:
    抖音 ¥2,000 a day (销售额 3,000, 10,000 曝光, 300 点击, 10 转化); 微信 ¥500 a day (销售额 2,000, 0 转化)."""
    rows = []
    for d in range(1, 5):
        rows.append(["冬促", "抖音", f"2026-11-0{d}", None, 2000, 3000, 10000, 300, 10, 1])
        rows.append(["冬促", "微信", f"2026-11-0{d}", None, 500, 2000, 10000, 300, 0, 0])
    plans = [["冬促", "抖音", "2026-11-01", "2026-11-10", 10000], ["冬促", "微信", "2026-11-01", "2026-11-10", 5000]]
    return sheet(rows + list(extra_rows), plans, **kw)


def test_day_five_pacing_roi_and_no_conversions_by_hand():
    alerts = daily_check(_plan_sheet(), D(2026, 11, 5))
    assert [(a.channel, a.kind) for a in alerts] == [("抖音", "pacing"), ("抖音", "roi"), ("微信", "no_conversions")]
    pacing, roi, quiet = alerts
    # 抖音: 4 of 10 days elapsed → 10,000 × 4/10 = 4,000 expected; 8,000 spent → +100%
    # 13 days? no: 6 days left (11-05 … 11-10) for 10,000 − 8,000 = 2,000 → 333.33 a day
    assert pacing.figures == {"budget": 10000, "plan_start": "2026-11-01", "plan_end": "2026-11-10", "planned_days": 10,
                              "elapsed_days": 4, "spent": 8000, "expected": 4000, "pace": 1.0, "budget_left": 2000,
                              "days_left": 6}
    assert pacing.proposal == {"action": "reduce", "campaign": "冬促", "channel": "抖音", "amount": 1666.67, "per": "day",
                               "daily_from": 2000, "daily_to": 333.33, "start": "2026-11-05", "until": "2026-11-10"}
    assert pacing.message == ("「冬促」抖音 花费超前 +100.0%：计划 4/10 天已花 ¥8,000，按预算 ¥10,000 应花 ¥4,000；"
                              "建议日花费从 ¥2,000 降到 ¥333，到 2026-11-10 正好用完预算")
    # ROI (12,000 − 8,000) / 8,000 = 50% < target 100% (按销售额) → 20% less a day: 2,000 → 1,600
    assert (roi.figures["roi"], roi.figures["basis"], roi.proposal["daily_to"]) == (0.5, "revenue", 1600)
    # 微信: ¥500 on each of 11-02, 11-03, 11-04 and no conversion → pause, ¥1,500
    assert quiet.figures == {"days": 3, "from": "2026-11-02", "through": "2026-11-04", "cost": 1500, "conversions": 0}
    assert quiet.proposal["action"] == "pause" and quiet.proposal["daily_to"] == 0
    # 微信 is on plan (2,000 of 2,000) and returns 300%: no pacing, no ROI alert
    assert quiet.to_json()["campaign"] == "冬促" and quiet.to_json()["date"] == "2026-11-05"


def test_within_twenty_percent_is_quiet_and_beyond_warns():
    # 抖音 at ¥1,150 a day for 4 days = 4,600 vs 4,000: +15% → quiet; at ¥1,250: 5,000 → +25% → warns (under: ¥750 → −25%)
    def pace(spend):
        rows = [["冬促", "抖音", f"2026-11-0{d}", None, spend, spend * 3, 100, 3, 1, 0] for d in range(1, 5)]
        alerts = daily_check(sheet(rows, [["冬促", "抖音", "2026-11-01", "2026-11-10", 10000]]), D(2026, 11, 5))
        return [(a.kind, a.figures.get("pace"), (a.proposal or {}).get("action")) for a in alerts]

    assert pace(1150) == []
    assert pace(1250) == [("pacing", 0.25, "reduce")]
    assert pace(750) == [("pacing", -0.25, "raise")]


def test_ctr_drop_against_the_previous_seven_days():
    # 11-01 … 11-07: 10,000 曝光 and 300 点击 a day (3%); 11-08: 10,000 and 150 (1.5%): a 50% drop, checked on 11-09
    rows = [["冬促", "抖音", f"2026-11-0{d}", None, 100, 1000, 10000, 300 if d < 8 else 150, 10, 0] for d in range(1, 9)]
    alerts = daily_check(sheet(rows, [["冬促", "抖音", "2026-11-01", "2026-11-30", 3000]]), D(2026, 11, 9))
    assert [a.kind for a in alerts] == ["ctr_drop"]
    f = alerts[0].figures
    assert (f["ctr"], f["ctr_baseline"], f["drop"], f["baseline_clicks"], f["baseline_impressions"]) == \
        (0.015, 0.03, 0.5, 2100, 70000)
    # 20% lower (240 点击) is within the 30% allowed
    rows[-1][7] = 240
    assert daily_check(sheet(rows, [["冬促", "抖音", "2026-11-01", "2026-11-30", 3000]]), D(2026, 11, 9)) == []


def test_a_week_long_row_is_spread_over_its_days():
    # one row 11-01 … 11-07 of ¥7,000: ¥1,000 a day; on 11-05, 4 days so far = 4,000 vs 10,000 × 4/10 → on plan
    rows = [["冬促", "抖音", "2026-11-01", "2026-11-07", 7000, 30000, 70000, 2100, 70, 0]]
    data = sheet(rows, [["冬促", "抖音", "2026-11-01", "2026-11-10", 10000]])
    assert daily_check(data, D(2026, 11, 5)) == []


def test_running_only_inside_the_plan_and_without_a_plan_inside_the_rows():
    data = _plan_sheet([["秋促", "抖音", "2026-10-01", "2026-10-31", 1000, 500, None, None, None, None]])
    assert set(running_units(data, D(2026, 11, 10))["campaign"]) == {"冬促"}  # the plan's last day
    assert running_units(data, D(2026, 11, 11)).empty  # ended: no check at all
    assert daily_check(data, D(2026, 11, 11)) == []
    # 秋促 has no plan: it runs through its rows' dates; its ROI so far (10-01 … 10-14: 14/31 of its row) is −50%
    alerts = daily_check(data, D(2026, 10, 15))
    assert [(a.campaign, a.kind) for a in alerts] == [("秋促", "roi")]
    assert alerts[0].figures["roi"] == -0.5 and alerts[0].proposal["daily_to"] == round(1000 * 14 / 31 / 14 / 2, 2)


def test_the_first_day_has_nothing_so_far():
    assert daily_check(_plan_sheet(), D(2026, 11, 1)) == []


def test_target_roi_from_settings_and_basis_by_margin():
    # 毛利率 50%: 抖音 returns 12,000 × 0.5 = 6,000 on 8,000 → −25%; 微信 4,000 on 2,000 → 100% ≥ target 80%
    alerts = check_day(_plan_sheet(settings=[["目标ROI", "80%"], ["毛利率", "50%"]]), D(2026, 11, 5)).alerts
    roi = [a for a in alerts if a.kind == "roi"]
    assert [(a.channel, a.figures["roi"], a.figures["basis"]) for a in roi] == [("抖音", -0.25, "gross_profit")]
    assert roi[0].proposal["daily_to"] == 1000  # ROI < 0: half of ¥2,000 a day


def test_daily_rows_ending_yesterday_run_today_unless_a_row_says_it_ended():
    """No plan: 冬促 on 抖音 as daily rows 11-01 … 11-04 (¥1,000 a day, 销售额 ¥500: ROI −50% so far)."""
    daily = [["冬促", "抖音", f"2026-11-0{d}", f"2026-11-0{d}", 1000, 500, 10000, 300, 5, 0] for d in range(1, 5)]
    data = sheet(daily)
    # 11-05: the rows end yesterday and are daily → running (data lags a day); the check covers 11-01 … 11-04
    units = running_units(data, D(2026, 11, 5))
    assert units[["campaign", "lagging"]].values.tolist() == [["冬促", True]]
    assert units.at[0, "end"] == pd.Timestamp("2026-11-05")
    (roi,) = [a for a in daily_check(data, D(2026, 11, 5)) if a.kind == "roi"]
    assert (roi.figures["cost"], roi.figures["return"], roi.figures["roi"], roi.figures["through"]) == (
        4000, 2000, -0.5, "2026-11-04")
    assert roi.proposal["until"] == "2026-11-05"
    # 11-04 (inside its rows) runs as before, not lagging; 11-06: two days without a row → no longer running
    assert running_units(data, D(2026, 11, 4))["lagging"].tolist() == [False]
    assert running_units(data, D(2026, 11, 6)).empty and daily_check(data, D(2026, 11, 6)) == []
    # the same money as one row 11-01 … 11-04: its 结束日期 says it ended on 11-04 → not running on 11-05
    whole = sheet([["冬促", "抖音", "2026-11-01", "2026-11-04", 4000, 2000, 40000, 1200, 20, 0]])
    assert running_units(whole, D(2026, 11, 5)).empty
    # daily rows and, on the last day, a row of another channel spanning 11-01 … 11-04: ended too
    ended = sheet(daily + [["冬促", "微信", "2026-11-01", "2026-11-04", 800, 900, None, None, None, None]])
    assert running_units(ended, D(2026, 11, 5)).empty
    # a single one-day row (a one-day event yesterday) is not a campaign typed day by day
    assert running_units(sheet(daily[-1:]), D(2026, 11, 5)).empty
    # with a plan the plan decides: planned through 11-04 → not running on 11-05
    planned = sheet(daily, [["冬促", "抖音", "2026-11-01", "2026-11-04", 4000]])
    assert running_units(planned, D(2026, 11, 5)).empty


def _english(data):
    """The same sheet as a team that wrote its 活动 tab as "Campaigns" (an English team)."""
    return data.with_source(tab_titles={**data.tab_titles, "campaigns": "Campaigns"})


def test_an_english_team_gets_english_alerts_with_the_same_figures():
    from roi_core.monitor import team_lang

    zh_data = _plan_sheet()
    en_data = _english(zh_data)
    assert (team_lang(zh_data), team_lang(en_data)) == ("zh", "en")
    assert team_lang(_english(zh_data).with_source(tab_titles={"campaigns": "活动 Campaigns"})) == "zh"
    zh, en = daily_check(zh_data, D(2026, 11, 5)), daily_check(en_data, D(2026, 11, 5))
    assert [(a.kind, a.figures, a.proposal) for a in en] == [(a.kind, a.figures, a.proposal) for a in zh]
    assert [a.lang for a in en] == ["en"] * 3
    pacing, roi, quiet = en
    assert pacing.message == ("冬促 / 抖音: spending ahead of plan +100.0%: ¥8,000 spent in 4 of 10 planned days, where "
                              "the ¥10,000 budget allows ¥4,000; cut the daily spend from ¥2,000 to ¥333 to use the "
                              "budget exactly by 2026-11-10")
    assert roi.detail == ("抖音: ROI 50.0% through 11-04, under the 100.0% target (cost ¥8,000, return ¥12,000, on "
                          "revenue); cut the daily spend by 20% (¥2,000 → ¥1,600) and find the weak step in the funnel")
    assert quiet.detail == ("微信: ¥1,500 spent over 3 days (11-02~11-04) without a conversion; pause the channel "
                            "(daily spend ¥500 → ¥0) and check conversion tracking and the landing page")
    # asked explicitly, the language is the caller's
    assert daily_check(en_data, D(2026, 11, 5), lang="zh")[0].message == zh[0].message


def test_the_campaign_answer_shows_todays_alerts_when_the_caller_passes_them():
    from render.text import render_text
    from roi_core.monitor import campaign_alerts, with_alerts

    data = _plan_sheet([["秋促", "抖音", "2026-10-01", "2026-10-31", 1000, 500, None, None, None, None]])
    today = D(2026, 11, 5)
    plain = answer(parse_query("冬促", today), data, today)
    assert [a.kind for a in campaign_alerts(data, "冬促", today)] == ["pacing", "roi", "no_conversions"]
    shown = with_alerts(plain, data, today)
    assert shown is not plain and not hasattr(plain, "alerts")  # a copy: the cached answer stays as it was
    text = render_text(shown)
    assert "今日预警 3 条" in text and "• 抖音 花费超前 +100.0%：计划 4/10 天已花 ¥8,000" in text
    assert "• 微信 连续 3 天（11-02~11-04）花费 ¥1,500 却没有转化" in text
    assert [a["kind"] for a in answer_json(shown)["alerts"]] == ["pacing", "roi", "no_conversions"]
    assert "alerts" not in answer_json(plain)
    # nothing to add: another campaign with none today, the day after the plan, another kind of answer
    assert with_alerts(answer(parse_query("秋促", today), data, today), data, today).__dict__.get("alerts") is None
    later = D(2026, 11, 11)
    assert with_alerts(answer(parse_query("冬促", later), data, later), data, later).__dict__.get("alerts") is None
    ranking = answer(parse_query("渠道", today), data, today)
    assert with_alerts(ranking, data, today) is ranking
