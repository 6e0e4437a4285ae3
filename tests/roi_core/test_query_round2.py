"""Issue 22, answers: questions in marketers' own words asked of examples/demo.xlsx on 2026-11-30, each
checked against figures worked out by hand from the demo's 活动 rows (毛利率 55 %: profit = 0.55 × 销售额 − 成本).
"""


import pytest

from render.text import render_text
from roi_core import QueryError, parse_query
from roi_core.answer import answer_json
from roi_core.views import view_of
from tests.roi_core.demo_questions import TODAY, ask


def test_which_campaign_makes_most_money_ranks_by_profit(demo):
    ans = ask("哪个活动最赚钱", demo)
    out = answer_json(ans)
    assert (out["kind"], out["metric"], out["order"], out["lang"]) == ("top", "profit", "best", "zh")
    # 双11大促: 0.55 × 1,545,300 − 419,900 = 849,915 − 419,900 = 430,015;
    # 2025双11大促: 0.55 × 1,426,800 − 360,000 = 424,740; 中秋礼盒: 0.55 × 1,050,000 − 240,100 = 337,400
    top = [(c["campaign"], round(c["profit"])) for c in ans.campaigns[:3]]
    assert top == [("双11大促", 430015), ("2025双11大促", 424740), ("中秋礼盒", 337400)]
    lines = render_text(ans).splitlines()
    assert lines[0].startswith("🏆 活动按利润排行（最高在前，前 10 个，共 15 个）")
    assert lines[1] == "利润最高 双11大促 ¥430,015"  # the line after the heading says who leads


def test_which_channel_converts_best_ranks_by_cvr(demo):
    ans = ask("哪个渠道转化率最高", demo)
    out = answer_json(ans)
    assert (out["metric"], out["order"]) == ("cvr", "best")
    # 线下 has no clicks: its conversion rate is conversions / participants = (96 + 58) / (220 + 260) = 154 / 480
    assert ans.channels[0]["channel"] == "线下" and ans.channels[0]["cvr"] == pytest.approx(154 / 480)
    assert [c["cvr"] for c in ans.channels] == sorted((c["cvr"] for c in ans.channels), reverse=True)
    view = view_of(ans)
    assert view.figures[0].value == "线下 32.1%" and view.tables[0].headers[-1] == "转化率"


def test_a_ranking_by_repurchase_rate_agrees_with_each_campaign_answer(demo):
    ranked = ask("复购率最低的3个活动", demo)
    out = answer_json(ranked)
    assert (out["kind"], out["metric"], out["order"]) == ("top", "repurchase", "worst")
    rates = [c["repurchase"] for c in ranked.campaigns]
    assert rates == sorted(rates) and len(rates) == 3
    # the same rate as the campaign's own customer-value answer (618 复购率: 25.9 %)
    own = answer_json(ask("618 复购率", demo))
    by_name = {c["campaign"]: c["repurchase"] for c in ranked.campaigns}
    assert by_name["618活动"] == pytest.approx(own["repurchase_rate"])
    channels = ask("哪个渠道复购率最高", demo)
    assert answer_json(channels)["metric"] == "repurchase" and channels.channels[0]["channel"] == "天猫直通车"


def test_the_channel_that_burns_most_money_is_ranked_by_cost(demo):
    ans = ask("最烧钱的渠道", demo)
    out = answer_json(ans)
    # 抖音's rows cost 832,200 in all, the most; 短信 53,300 the least. More cost is worse: order "worst"
    assert (out["metric"], out["order"]) == ("cost", "worst")
    assert (ans.channels[0]["channel"], ans.channels[0]["cost"]) == ("抖音", 832200)
    assert (ans.channels[-1]["channel"], ans.channels[-1]["cost"]) == ("短信", 53300)


def test_a_campaign_figure_leads_the_answer(demo):
    ans = ask("618 获客成本", demo)
    out = answer_json(ans)
    # 302,000 / (2,100 + 1,600 + 900 + 640 + 180 = 5,420 new customers) = ¥55.72
    assert (out["metric"], out["lang"]) == ("cac", "zh") and out["cac"] == pytest.approx(302000 / 5420)
    first = view_of(ans).figures[0]
    assert (first.label, first.value) == ("获客成本", "¥55.72")
    assert render_text(ans).splitlines()[1] == "获客成本 ¥55.72"


def test_did_a_campaign_make_money_leads_with_profit_and_roi(demo):
    ans = ask("618赚没赚钱", demo)
    # 0.55 × 1,155,000 − 302,000 = 635,250 − 302,000 = 333,250; ROI 333,250 / 302,000 = 110.3 %
    assert answer_json(ans)["metric"] == "profit" and ans.figures["profit"] == pytest.approx(333250)
    assert render_text(ans).splitlines()[1] == "利润 ¥333,250   ROI 110.3%"


def test_a_channel_with_a_figure_answers_it_month_by_month(demo):
    ans = ask("抖音获客成本多少", demo)
    out = answer_json(ans)
    assert (out["kind"], out["channel"], out["metric"]) == ("channel_trend", "抖音", "cac")
    assert out["period"] == {"start": "2025-11-01", "end": "2026-10-31"}
    months = {m["month"]: m for m in ans.months}
    # 2026-08 on 抖音 is 七夕限定 alone (08-20 … 08-29): 61,100 / 1,317 new customers = ¥46.39
    assert months["2026-08"]["cac"] == pytest.approx(61100 / 1317)
    assert months["2026-04"]["cac"] is None  # no row on 抖音 that month: a gap, not a zero
    text = render_text(ans)
    assert text.splitlines()[1].startswith("获客成本 ") and "最近一个月 2026-10" in text.splitlines()[1]
    assert "¥46.39" in text


def test_first_two_weeks_of_a_month_is_a_period_of_14_days(demo):
    ans = ask("11月前两周各渠道", demo)
    out = answer_json(ans)
    assert out["period"] == {"start": "2026-11-01", "end": "2026-11-14"}
    douyin = next(c for c in ans.channels if c["channel"] == "抖音")
    # 双11大促 on 抖音 runs 10-20 … 11-11 (23 days, 11 of them in 11-01 … 11-14): 135,400 × 11 / 23 = 64,756.52
    assert douyin["cost"] == pytest.approx(135400 * 11 / 23)


def test_a_campaign_dates_are_the_period(demo):
    ans = ask("双11期间各渠道", demo)
    out = answer_json(ans)
    # the latest edition, 双11大促: 2026-10-20 … 2026-11-11; all its rows fall inside, so 抖音 costs its own 135,400
    assert out["period"] == {"start": "2026-10-20", "end": "2026-11-11"}
    assert next(c for c in ans.channels if c["channel"] == "抖音")["cost"] == pytest.approx(135400)
    assert ans.warnings[0] == "时间段：「双11大促」的活动期 2026-10-20 ~ 2026-11-11"


def test_attribution_of_a_campaign_is_over_its_dates(demo):
    ans = ask("双11各渠道归因", demo)
    out = answer_json(ans)
    assert out["kind"] == "attribution" and out["period"] == {"start": "2026-10-20", "end": "2026-11-11"}


def test_editions_one_event_the_latest_and_the_year_asked(demo):
    bare = ask("双12", demo)  # 双12年终回馈 (2025-12) and 双12预热 (2026-11) are editions of 双12
    assert bare.campaign == "双12预热" and "双12年终回馈" in bare.warnings[0]
    last_year = ask("去年双12", demo)
    assert (last_year.campaign, last_year.figures["cost"]) == ("双12年终回馈", 160000)
    both = ask("今年双11对比去年", demo)
    assert [item["campaign"] for item in answer_json(both)["items"]] == ["双11大促", "2025双11大促"]
    # costs 419,900 and 360,000: the difference +59,900
    cost = next(d for d in both.differences if d["figure"] == "cost")
    assert (cost["a"], cost["b"], cost["diff"]) == (419900, 360000, 59900)


def test_worth_it_follows_the_budget_plan(demo):
    ans = ask("抖音值不值得投", demo)
    out = answer_json(ans)
    assert out["kind"] == "worth" and out["verdict_kind"] == "raise"
    # the plan raises 抖音 to its +50 % cap: 64,015 × 1.5 = 96,022.5 → ¥96,023
    assert out["plan"]["proposed"] == pytest.approx(96023) and out["plan"]["current"] == pytest.approx(64015)
    assert "¥96,023" in out["verdict"]
    worse = answer_json(ask("百度还要不要继续投", demo))
    assert worse["channel"] == "百度搜索" and worse["verdict_kind"] == "cut"  # ROI −48.4 %, below target 80 %


def test_adding_to_a_channel_budget_is_the_plan_line(demo):
    out = answer_json(ask("要不要加抖音预算", demo))
    assert (out["kind"], out["channel"]) == ("budget_line", "抖音")
    assert out["line"]["change"] == pytest.approx(96023 - 64015)  # +32,008


def test_alerts_today(demo):
    ans = ask("有什么预警", demo)
    out = answer_json(ans)
    assert out["kind"] == "alerts" and out["date"] == "2026-11-30"
    # 双12预热 is the one campaign running: 抖音 spends ahead (7 of 20 days, ¥31,500 of ¥60,000), 小红书 three more
    assert {a["campaign"] for a in out["alerts_today"]} == {"双12预热"} and len(out["alerts_today"]) == 4
    assert render_text(ans).startswith("🚨 今日预警 2026-11-30（4 条）")


@pytest.mark.parametrize("text", ["top 10", "618 ROAS", "cohort"])
def test_team_terms_alone_are_answered_in_chinese(text, demo):
    assert ask(text, demo).lang == "zh"


def test_not_understood_offers_three_questions_that_work(names):
    campaigns, channels = names
    with pytest.raises(QueryError) as err:
        parse_query("上个月 渠道 转化率 xyzzy", TODAY, known_campaigns=campaigns, known_channels=channels)
    tried = err.value.suggested_questions
    assert len(tried) == 3 and "2026-10" not in err.value.hint
    for question in tried:  # each reads as a question of its own
        assert parse_query(question, TODAY, known_campaigns=campaigns, known_channels=channels).kind != "help"
    assert tried[0] == "上个月各渠道转化率"


@pytest.mark.parametrize("text", ["抖音值不值得投", "要不要加抖音预算", "有什么预警", "哪个渠道转化率最高", "618 获客成本",
                                  "抖音获客成本多少", "is douyin worth it"])
def test_new_answers_render_in_every_medium(text, demo):
    from render.blocks import RenderOptions, build_message
    from render.contract import check_message
    from render.feishu import build_card

    ans = ask(text, demo)
    body = render_text(ans)
    assert body.strip() and "nan" not in body.lower() and "inf%" not in body
    msg = build_message(ans, RenderOptions(sheet_url="https://example.test/s", chart_button=True))
    assert check_message({"text": msg.text, "blocks": msg.blocks}) == [] and msg.kind == ans.kind
    card = build_card(ans)
    assert card.card is not None and card.reasons == []
