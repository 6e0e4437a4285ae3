"""The loop closed, worked by hand: a proposal, the sheet's rows after it, and what the follow-up says."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from render.text import render_text
from roi_core import answer_json
from roi_core.follow_up import follow_up, proposals_of, with_follow_up
from roi_core.monthly import monthly_summary
from roi_core.sheetdata import load_sheet

HEAD = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "销售额"]
OCTOBER = [["十月", "抖音", "2026-10-01", "2026-10-31", 10000, 28400],  # ROI (28,400 − 10,000) / 10,000 = 184%
           ["十月", "微信", "2026-10-01", "2026-10-31", 10000, 12000]]  # ROI 20%
NOVEMBER = [["十一月", "抖音", "2026-11-01", "2026-11-30", 14000, 36000],  # +4,000; ROI 22,000 / 14,000 = 157.1%
            ["十一月", "微信", "2026-11-01", "2026-11-30", 7000, 8000]]  # −3,000; ROI 1,000 / 7,000 = 14.3%
OCT, NOV = pd.Period("2026-10", freq="M"), pd.Period("2026-11", freq="M")


def sheet(*rows, head=HEAD, **tabs):
    return load_sheet({"活动": [head, *rows], **tabs})


def test_octobers_plan_recorded_then_novembers_rows_judge_it():
    # October's plan (linear: one month of history): 抖音 earns ¥2.84 a yuan, 微信 ¥1.20, so the ±50 % guardrail
    # binds: 抖音 10,000 → 15,000 (+5,000), 微信 10,000 → 5,000 (−5,000)
    proposals = proposals_of(monthly_summary(sheet(*OCTOBER), OCT))
    assert [(p["channel"], p["action"], p["change"]) for p in proposals] == [("抖音", "raise", 5000.0),
                                                                               ("微信", "reduce", -5000.0)]
    assert proposals[0]["roi"] == pytest.approx(1.84) and proposals[0]["basis"] == "campaign_tab"

    data = sheet(*OCTOBER, *NOVEMBER)
    douyin, wechat = follow_up(proposals, data, NOV)
    assert (douyin.before["cost"], douyin.after["cost"], douyin.actual_change) == (10000.0, 14000.0, 4000.0)
    assert douyin.before["roi"] == pytest.approx(1.84) and douyin.after["roi"] == pytest.approx(22000 / 14000, abs=1e-6)
    assert (douyin.share, douyin.status, douyin.direction_agrees) == (0.8, "done", True)
    assert douyin.text == "上月建议加大抖音 +¥5,000：实际 +¥4,000，ROI 184.0% → 157.1%；已执行（建议的 80%）"
    assert (wechat.actual_change, wechat.share, wechat.status) == (-3000.0, 0.6, "partly")
    assert wechat.text == "上月建议减少微信 -¥5,000：实际 -¥3,000，ROI 20.0% → 14.3%；部分执行（建议的 60%）"
    en = follow_up(proposals[:1], data, NOV, lang="en")[0].text
    assert en == "Last month's advice: raise 抖音 +¥5,000 — actual +¥4,000, ROI 184.0% → 157.1%; done (80% of the advice)"


def test_the_summary_of_the_month_after_shows_the_section_and_the_json():
    proposals = proposals_of(monthly_summary(sheet(*OCTOBER), OCT))
    data = sheet(*OCTOBER, *NOVEMBER)
    plain = monthly_summary(data, NOV)
    followed = with_follow_up(plain, proposals, data)
    assert followed is not plain and not hasattr(plain, "follow_up")  # a copy: a cached answer stays as it was
    text = render_text(followed)
    assert "上月建议的结果：" in text and "上月建议加大抖音 +¥5,000：实际 +¥4,000，ROI 184.0% → 157.1%" in text
    assert text.index("上月建议的结果") < text.index("建议：")  # before this month's own suggestions
    out = answer_json(followed)
    assert [f["channel"] for f in out["follow_up"]] == ["抖音", "微信"]
    assert out["follow_up"][0]["after"] == {"start": "2026-11-01", "end": "2026-11-30", "days": 30, "cost": 14000.0,
                                            "return": 36000.0, "roi": pytest.approx(1.571429)}
    # October's own summary has nothing to follow up (the proposals are for November), nor has a quarter
    october = monthly_summary(data, OCT)
    assert with_follow_up(october, proposals, data) is october
    assert "上月建议的结果" not in render_text(plain) and "follow_up" not in answer_json(plain)


def test_a_row_spanning_two_months_counts_its_days_in_each():
    # 10-25 … 11-03 is 10 days: 7/10 of ¥1,000 in October, 3/10 in November
    rows = [["跨月", "抖音", "2026-10-25", "2026-11-03", 1000, 3000], ["十一月", "抖音", "2026-11-10", "2026-11-10", 500, 500]]
    proposal = {"source": "monthly", "month": "2026-10", "channel": "抖音", "current": 700, "proposed": 1000,
                "change": 300, "roi": 2.0, "basis": "campaign_tab"}
    (item,) = follow_up([proposal], sheet(*rows), NOV)
    assert (item.before["cost"], item.after["cost"], item.actual_change) == (700.0, 800.0, 100.0)
    # November: 300 + 500 cost, 900 + 500 revenue → ROI 600 / 800 = 75%; share 100 / 300 = 33% → partly
    assert item.after["roi"] == pytest.approx(0.75) and item.status == "partly" and item.share == pytest.approx(0.3333)


def test_nothing_changed_or_the_other_way():
    data = sheet(*OCTOBER, ["十一月", "抖音", "2026-11-01", "2026-11-30", 10100, 28000],
                 ["十一月", "微信", "2026-11-01", "2026-11-30", 12000, 13000])
    proposals = [{"source": "monthly", "month": "2026-10", "channel": "抖音", "current": 10000, "proposed": 15000,
                  "change": 5000}, {"source": "monthly", "month": "2026-10", "channel": "微信", "current": 10000,
                                    "proposed": 5000, "change": -5000}]
    same, other = follow_up(proposals, data, NOV)
    assert (same.actual_change, same.status) == (100.0, "unchanged")  # 2 % of the proposed +5,000
    assert same.text.endswith("；未调整")
    assert (other.actual_change, other.status, other.direction_agrees) == (2000.0, "opposite", False)
    # no rows in the month after yet: said so, no figure made up
    (waiting,) = follow_up(proposals[:1], sheet(*OCTOBER), NOV)
    assert (waiting.status, waiting.actual_change, waiting.after) == ("no_data", None, {})
    assert waiting.text == "上月建议加大抖音 +¥5,000：之后还没有数据"


DAILY = ["活动名称", "渠道", "开始日期", "广告费用", "销售额"]


def test_an_alert_to_pause_followed_by_zero_spend_reads_paused():
    # 小红书 spends ¥500 a day 11-01 … 11-04 with no sales; the alert of 11-05 proposes ¥500 → ¥0 a day
    rows = [["冬促", "小红书", f"2026-11-{d:02d}", 500, 0] for d in range(1, 5)]
    rows += [["冬促", "小红书", f"2026-11-{d:02d}", 0, 0] for d in range(5, 11)]  # paused from 11-05
    logged = {"campaign": "冬促", "channel": "小红书", "kind": "no_conversions", "day": "2026-11-05",
              "figures": {"cost": 1500.0}, "proposal": {"action": "pause", "campaign": "冬促", "channel": "小红书",
                                                        "amount": 500.0, "per": "day", "daily_from": 500.0,
                                                        "daily_to": 0.0, "start": "2026-11-05", "until": "2026-11-30"}}
    (item,) = follow_up([logged], sheet(*rows, head=DAILY), (dt.date(2026, 11, 1), dt.date(2026, 11, 10)))
    # after: 11-05 … 11-10 (the sheet's last day), 6 days, ¥0; before: the 6 days before 11-05 cut to the
    # unit's first day, 11-01 … 11-04, ¥2,000 = ¥500 a day, ROI −100 %
    assert item.after == {"start": "2026-11-05", "end": "2026-11-10", "days": 6, "cost": 0.0, "return": 0.0,
                          "roi": None, "daily_cost": 0.0}
    assert (item.before["start"], item.before["daily_cost"], item.before["roi"]) == ("2026-11-01", 500.0, -1.0)
    assert (item.status, item.actual_change, item.proposed_change) == ("paused", -500.0, -500.0)
    assert item.text == "11-05 预警建议暂停「冬促」小红书 -¥500/天：实际 -¥500/天，ROI -100.0% → —；已暂停"
    # still spending ¥300 a day: a partial cut, not a pause
    half = [r if r[2] < "2026-11-05" else [*r[:3], 300, 0] for r in rows]
    (item,) = follow_up([logged], sheet(*half, head=DAILY), (dt.date(2026, 11, 1), dt.date(2026, 11, 10)))
    assert (item.status, item.actual_change, item.share) == ("partly", -200.0, 0.4)


def test_a_campaign_answer_gains_its_alerts_outcome_and_no_records_change_nothing():
    from roi_core import answer, parse_query

    rows = [["冬促", "小红书", f"2026-11-{d:02d}", 500 if d < 5 else 0, 0] for d in range(1, 11)]
    data = sheet(*rows, head=DAILY)
    today = dt.date(2026, 11, 8)
    ans = answer(parse_query("冬促", today), data, today)
    logged = {"campaign": "冬促", "channel": "小红书", "kind": "no_conversions", "day": "2026-11-05",
              "proposal": {"action": "pause", "campaign": "冬促", "channel": "小红书", "amount": 500.0, "per": "day",
                           "daily_from": 500.0, "daily_to": 0.0, "start": "2026-11-05", "until": "2026-11-30"}}
    followed = with_follow_up(ans, [logged], data, today)
    (item,) = followed.follow_up
    assert item.after["end"] == "2026-11-07"  # through yesterday
    assert "预警建议的结果" in render_text(followed) and "已暂停" in render_text(followed)
    assert answer_json(followed)["follow_up"][0]["status"] == "paused"
    assert with_follow_up(ans, [], data, today) is ans
    other = {**logged, "campaign": "别的活动", "proposal": {**logged["proposal"], "campaign": "别的活动"}}
    assert with_follow_up(ans, [other], data, today) is ans


def test_an_alert_repeated_day_after_day_is_judged_once_from_its_first_day():
    rows = [["冬促", "小红书", f"2026-11-{d:02d}", 500 if d < 5 else 0, 0] for d in range(1, 11)]
    data = sheet(*rows, head=DAILY)

    def logged(day):
        return {"campaign": "冬促", "channel": "小红书", "kind": "no_conversions", "day": day,
                "proposal": {"action": "pause", "campaign": "冬促", "channel": "小红书", "amount": 500.0, "per": "day",
                             "daily_from": 500.0, "daily_to": 0.0, "start": day, "until": "2026-11-30"}}

    summary = monthly_summary(data, NOV)
    followed = with_follow_up(summary, [logged("2026-11-06"), logged("2026-11-05")], data)
    (item,) = followed.follow_up
    assert (item.proposed_on, item.after["start"], item.status) == ("2026-11-05", "2026-11-05", "paused")
