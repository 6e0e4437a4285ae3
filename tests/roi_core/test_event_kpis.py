"""An event's figures shown and cited (issue 14, part 5), worked out by hand on a one-row event.

7月会员日 (线下): 广告 2,000 + 促销 5,000 + 人员 4,000 + 其他 9,000 = 总成本 20,000; 销售额 36,000 → ROI 80 %
(under the 100 % target, not a loss). 参与人数 200, 转化数 30 → 参与者转化率 15 %, 每位参与者成本 100;
新客户数 40, 留存客户数 85 → 留存率 85 / 200 = 42.5 % (not 85 / 40 = 212.5 %); 平均参与时长 45 分钟,
满意度 3.6, 社媒提及 120.
"""

import datetime as dt
from dataclasses import replace

import pytest

from roi_core import answer, campaign_report, load_sheet, parse_query
from roi_core.answer import answer_json
from roi_core.views import view_of

HEADERS = ["活动名称", "渠道", "开始日期", "结束日期", "广告费用", "促销费用", "人员费用", "其他费用", "销售额",
           "新客户数", "转化数", "参与人数", "平均参与时长", "满意度", "留存客户数", "社媒提及"]
MEMBER_DAY = ["7月会员日", "线下", "2026-07-18", "2026-07-18", 2000, 5000, 4000, 9000, 36000, 40, 30, 200, 45, 3.6,
              85, 120]
TODAY = dt.date(2026, 11, 30)


def member_day(*more):
    return load_sheet({"活动": [HEADERS, MEMBER_DAY, *more]}, source="test")


def test_retention_is_retained_over_participants():
    report = campaign_report("7月会员日", member_day())
    f = report.figures
    assert f["retention_rate"] == pytest.approx(0.425)  # 85 / 200, not 85 / 40 = 2.125
    assert f["cost_per_participant"] == pytest.approx(100.0)
    assert f["participant_cvr"] == pytest.approx(0.15)
    assert f["avg_minutes"] == pytest.approx(45.0) and f["satisfaction"] == pytest.approx(3.6)


def test_the_json_has_the_events_block():
    data = member_day()
    out = answer_json(answer(parse_query("7月会员日", TODAY), data, TODAY))
    assert out["events"] == {"participants": 200.0, "cost_per_participant": 100.0, "participant_cvr": 0.15,
                             "avg_minutes": 45.0, "satisfaction": 3.6, "retained_customers": 85.0,
                             "retention_rate": 0.425, "social_mentions": 120.0}


def test_a_campaign_without_participants_has_no_events_block():
    data = load_sheet({"活动": [HEADERS, ["A", "抖音", "2026-07-01", "", 1000, "", "", "", 3000, 10, 50, "", "", "",
                                          "", ""]]}, source="test")
    out = answer_json(answer(parse_query("A", TODAY), data, TODAY))
    assert out["events"] is None and out["figures"]["retention_rate"] is None


def test_the_cost_structure_names_the_largest_items_with_their_shares():
    (diagnose,) = [s for s in campaign_report("7月会员日", member_day()).suggestions if s.kind == "diagnose"]
    assert diagnose.text == ("「线下」ROI 80.0% 低于目标 100%，漏斗指标与各渠道中位数相近：先检查成本结构，"
                             "最大的是其他费用 ¥9,000（占总成本 45.0%），其次促销费用 ¥5,000（25.0%）、"
                             "人员费用 ¥4,000（20.0%）、广告费用 ¥2,000（10.0%）")
    assert [i["item"] for i in diagnose.figures["cost_items"]] == ["other_cost", "promo_cost", "staff_cost", "ad_spend"]
    assert diagnose.figures["cost_items"][0]["share"] == pytest.approx(0.45)


def test_the_event_suggestion_cites_every_figure_and_calls_out_low_satisfaction():
    (event,) = [s for s in campaign_report("7月会员日", member_day()).suggestions if s.kind == "event"]
    assert event.text.startswith("「线下」活动：每位参与者成本 ¥100，参与者转化率 15.0%，平均参与时长 45 分钟，满意度 3.6/5，"
                                 "留存率 42.5%（留存客户数 / 参与人数），社媒提及 120 次；")
    assert "满意度 3.6/5 低于 4.0" in event.text
    assert "留存率" in event.text and "低于 20%" not in event.text  # 42.5 % is no weak retention
    assert event.figures == {"cost_per_participant": 100.0, "participant_cvr": 0.15, "avg_minutes": 45.0,
                             "satisfaction": 3.6, "retention_rate": 0.425, "social_mentions": 120.0}


def test_two_events_weigh_minutes_by_participants_and_call_out_low_retention():
    # 北京: 100 people, 20 min, 10 retained; together: minutes (200*45 + 100*20) / 300 = 36.67,
    # 满意度 plain mean (3.6 + 4.4) / 2 = 4.0, retention (85 + 10) / 300 = 31.7 %
    beijing = ["7月会员日", "线下北京", "2026-07-19", "2026-07-19", 0, 3000, 2000, 1000, 9000, 10, 12, 100, 20, 4.4,
               10, ""]
    report = campaign_report("7月会员日", member_day(beijing))
    assert report.figures["avg_minutes"] == pytest.approx((200 * 45 + 100 * 20) / 300)
    assert report.figures["satisfaction"] == pytest.approx(4.0)
    assert report.figures["retention_rate"] == pytest.approx(95 / 300)
    (bj,) = [s for s in report.suggestions if s.kind == "event" and s.channel == "线下北京"]
    # 北京: 10 / 100 = 10 % retention, 20 minutes, no social mentions counted (left out, None in the figures)
    assert "留存率 10.0%（留存客户数 / 参与人数）" in bj.text and "留存率 10.0% 低于 20%" in bj.text
    assert "平均只停留 20 分钟" in bj.text and "社媒提及" not in bj.text
    assert bj.figures["social_mentions"] is None


@pytest.mark.parametrize("lang, question, expected", [
    ("zh", "7月会员日", "参与人数 200，人均成本 ¥100，参与转化率 15.0%，平均参与时长 45 分钟，满意度 3.6/5，"
                      "留存率 42.5%（留存客户数 / 参与人数），社媒提及 120"),
    ("en", "7月会员日", "participants 200, cost/participant ¥100, participant CVR 15.0%, 45 min average stay, "
                              "satisfaction 3.6/5, retention 42.5% (retained / participants), social mentions 120"),
])
def test_the_view_shows_the_event_line(lang, question, expected):
    data = member_day()
    query = replace(parse_query(question, TODAY), lang=lang, resolved=True)  # asked in English
    view = view_of(answer(query, data, TODAY))
    (note,) = [n for n in view.notes if n.text.startswith(("参与人数", "participants"))]
    assert note.text == expected
