"""/roi 归因: month filtering, attributed ROI, comparison and clear errors."""

import datetime as dt

import pandas as pd
import pytest

from roi_core import DataError, answer, parse_query
from roi_core.attribution_report import attribution_report, touches_for_month
from tests.roi_core.helpers import sheet

TOUCH_HEADERS = ["客户ID", "时间", "渠道", "是否转化", "订单金额"]
TOUCHES = [
    TOUCH_HEADERS,
    # c1 converts in September: not an October journey
    ["c1", "2026-09-20 10:00", "微信", "否", None],
    ["c1", "2026-09-25 10:00", "抖音", "是", 100],
    # c1 again in October: 抖音 → 微信, converts for 300
    ["c1", "2026-10-02 10:00", "抖音", "否", None],
    ["c1", "2026-10-05 10:00", "微信", "是", 300],
    # c2 starts in late September (within the 30-day lookback), converts in October for 200
    ["c2", "2026-09-28 10:00", "小红书", "否", None],
    ["c2", "2026-10-03 10:00", "抖音", "是", 200],
    # c3 only touches in October, never converts
    ["c3", "2026-10-10 10:00", "小红书", "否", None],
]
CAMPAIGNS = (
    {"活动名称": "X", "渠道": "抖音", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 100, "销售额": 400},
    {"活动名称": "X", "渠道": "微信", "开始日期": "2026-10-01", "结束日期": "2026-10-31", "广告费用": 100, "销售额": 100},
)
OCT = pd.Period("2026-10", freq="M")


def data():
    return sheet(*CAMPAIGNS, touch_rows=TOUCHES)


def test_month_keeps_journeys_converting_in_it():
    kept = touches_for_month(data().touchpoints, OCT, 30)
    # c1's September journey is gone; c2's late-September touch stays (lookback)
    assert sorted(zip(kept["customer_id"], kept["channel"], strict=True)) == [
        ("c1", "微信"), ("c1", "抖音"), ("c2", "小红书"), ("c2", "抖音"), ("c3", "小红书")]


def test_last_touch_in_october_with_roi_on_touch_revenue():
    ans = attribution_report(data(), "末次触点", OCT)
    assert ans.model == "last" and ans.model_label == "末次触点"
    # last touch: 微信 gets c1's 300, 抖音 gets c2's 200; 2 converting journeys of 3
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["微信"]["revenue"] == 300 and rows["抖音"]["revenue"] == 200 and rows["小红书"]["revenue"] == 0
    assert (ans.journeys, ans.converting_journeys, ans.revenue) == (3, 2, 500)
    # 触点 revenue 500 covers the period's 活动 revenue 500 fully → ROI on touch revenue
    assert ans.roi_basis == "touch_revenue"
    assert rows["微信"]["roi"] == pytest.approx((300 - 100) / 100)
    assert rows["小红书"]["roi_note"] == "无成本数据"


def test_linear_and_comparison_flags():
    ans = attribution_report(data(), "linear", OCT)
    rows = {r["channel"]: r for r in ans.channels}
    # c1: 抖音 150, 微信 150; c2: 小红书 100, 抖音 100
    assert rows["抖音"]["revenue"] == pytest.approx(250) and rows["微信"]["revenue"] == pytest.approx(150)
    assert rows["小红书"]["revenue"] == pytest.approx(100)
    assert {r["channel"] for r in ans.comparison} == {"抖音", "微信", "小红书"}
    assert all(f"{m}_rank" in ans.comparison[0] for m in ans.models)


def test_sample_touches_show_shares_and_no_roi():
    big = sheet({**CAMPAIGNS[0], "销售额": 40000}, CAMPAIGNS[1], touch_rows=TOUCHES)
    ans = attribution_report(big, "last", OCT)
    # touches hold 500 of the 40,100 revenue (1.2 %, under the 50 % 归因覆盖阈值) → a sample: shares and
    # conversions, no ROI; the scaled-up figure (微信: 300/500 × 40,100 = 24,060 against cost 100) is kept
    # only to check direction against the 活动 tab
    assert ans.roi_basis == "sample" and ans.credit_basis == "campaign_tab"
    assert ans.coverage == pytest.approx(500 / 40100)
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["微信"]["share"] == pytest.approx(0.6) and rows["微信"]["conversions"] == 1
    assert rows["微信"]["roi"] is None and rows["微信"]["roi_note"] == "触点样本不足，不折算"
    assert rows["微信"]["roi_by_share"] == pytest.approx((0.6 * 40100 - 100) / 100)
    assert any("只是样本" in w and "不按样本折算 ROI" in w for w in ans.warnings)
    # 微信 by the 活动 tab: (100 - 100) / 100 = 0 %, under the 100 % target; by its share 23,960 %: above
    assert any(w.startswith("「微信」两种口径方向相反：按活动表 ROI 0.0%，按末次触点归因份额 ROI 23960.0%") for w in ans.warnings)
    # 抖音: tab (40,000 - 100) / 100 = 39,900 %, share 200/500 × 40,100 = 16,040 → 15,940 %: both above, no note
    assert not any(w.startswith("「抖音」") for w in ans.warnings)


def test_touches_covering_the_threshold_credit_the_model():
    big = sheet({**CAMPAIGNS[0], "销售额": 40000}, CAMPAIGNS[1], touch_rows=TOUCHES, settings={"归因覆盖阈值": "1%"})
    ans = attribution_report(big, "last", OCT)
    # 1.2 % ≥ 1 %: each channel earns its share of the 40,100 return
    assert ans.roi_basis == "share_of_campaign_return" and ans.credit_basis == "last"
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["微信"]["roi"] == pytest.approx((0.6 * 40100 - 100) / 100)
    assert any("达到归因覆盖阈值 1%" in w for w in ans.warnings)


def test_grammar_and_errors():
    ans = answer(parse_query("attribution shapley 2026-10", dt.date(2026, 11, 30)), data(), dt.date(2026, 11, 30))
    assert ans.kind == "attribution" and ans.model == "shapley" and ans.lang == "en"
    with pytest.raises(DataError, match="没有「触点」数据"):
        answer(parse_query("归因", dt.date(2026, 11, 30)), sheet(*CAMPAIGNS), dt.date(2026, 11, 30))
    no_conv = sheet(*CAMPAIGNS, touch_rows=[TOUCH_HEADERS, ["c1", "2026-10-01", "抖音", "否", None]])
    with pytest.raises(DataError, match="没有转化"):
        answer(parse_query("归因", dt.date(2026, 11, 30)), no_conv, dt.date(2026, 11, 30))


def test_a_month_with_no_conversion_before_it():
    touches = [TOUCH_HEADERS, ["c9", "2026-10-02 10:00", "抖音", "否", None], ["c9", "2026-10-05", "微信", "是", 50]]
    ans = attribution_report(sheet(*CAMPAIGNS, touch_rows=touches), "first", OCT)
    assert {r["channel"]: r["revenue"] for r in ans.channels} == {"抖音": 50.0, "微信": 0.0}


def ring_rows(n: int, name=lambda k: f"渠道{k:02d}") -> list[list]:
    """Customer i: channel i on Oct 2, then channel i+1 (mod n) on Oct 3, converting for 10·(i+1)."""
    rows = [TOUCH_HEADERS]
    for i in range(n):
        rows += [[f"c{i}", "2026-10-02 10:00", name(i), "否", None],
                 [f"c{i}", "2026-10-03 10:00", name((i + 1) % n), "是", 10 * (i + 1)]]
    return rows


def test_forty_channels_linear_and_every_model_in_chinese():
    # Each journey has two touches of two channels: linear (and Shapley) give each half.
    # Channel k ≥ 1: 5(k+1) from journey k + 5k from journey k-1 = 10k + 5; channel 0: 5 + 5·40 = 205.
    # Total 10 · (1 + ... + 40) = 8,200; conversions 1/2 + 1/2 = 1 per channel.
    ans = answer(parse_query("归因 线性 2026-10", dt.date(2026, 11, 30)), sheet(*CAMPAIGNS, touch_rows=ring_rows(40)), dt.date(2026, 11, 30))
    assert ans.model == "linear" and ans.lang == "zh" and ans.refused == {}
    assert (ans.journeys, ans.converting_journeys, ans.revenue) == (40, 40, 8200)
    rows = {r["channel"]: r for r in ans.channels}
    assert len(rows) == 40
    assert rows["渠道00"]["revenue"] == pytest.approx(205) and rows["渠道00"]["conversions"] == pytest.approx(1)
    assert rows["渠道07"]["revenue"] == pytest.approx(75) and rows["渠道39"]["revenue"] == pytest.approx(395)
    assert rows["渠道39"]["share"] == pytest.approx(395 / 8200)
    # every model answers: Shapley equals linear here; each model's revenue column sums to 8,200
    assert len(ans.comparison) == 40
    for model in ans.models:
        assert sum(r[f"{model}_revenue"] for r in ans.comparison) == pytest.approx(8200), model
        assert all(r[f"{model}_rank"] >= 1 for r in ans.comparison)
    shapley = {r["channel"]: r["shapley_revenue"] for r in ans.comparison}
    assert shapley == pytest.approx({channel: row["revenue"] for channel, row in rows.items()})
    assert any(w.startswith("这些渠道在「活动」表中没有成本") for w in ans.warnings)


def test_forty_channels_shapley_in_english():
    ans = answer(parse_query("attribution shapley 2026-10", dt.date(2026, 11, 30)), sheet(*CAMPAIGNS, touch_rows=ring_rows(40)), dt.date(2026, 11, 30))
    assert ans.model == "shapley" and ans.lang == "en" and ans.refused == {}
    rows = {r["channel"]: r for r in ans.channels}
    assert rows["渠道20"]["revenue"] == pytest.approx(205) and len(rows) == 40
    assert any(w.startswith("These channels have no cost") for w in ans.warnings)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_110_character_channel_name(lang):
    # Three channels, one named with 110 characters; it keeps its full name everywhere.
    long_name = "超长渠道名" * 22
    assert len(long_name) == 110
    names = {0: long_name, 1: "抖音", 2: "微信"}
    ans = attribution_report(sheet(*CAMPAIGNS, touch_rows=ring_rows(3, names.get)), "shapley", OCT, lang=lang)
    # Journeys 0, 1, 2 convert for 10, 20, 30, halved between their two channels:
    # long name (0) = 5 (journey 0) + 15 (journey 2); 抖音 (1) = 10 + 5; 微信 (2) = 15 + 10; total 60.
    rows = {r["channel"]: r["revenue"] for r in ans.channels}
    assert rows == pytest.approx({long_name: 20, "抖音": 15, "微信": 25})
    assert {r["channel"] for r in ans.comparison} == {long_name, "抖音", "微信"}
    assert ans.lang == lang and ans.refused == {}


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_model_that_cannot_run_refuses_alone(monkeypatch, lang):
    # Shrink the Markov budget so its exact solve is refused: the answer still comes, the
    # comparison keeps the seven other models, and the reason is given in the user's language.
    from roi_core.attribution import markov as attribution

    monkeypatch.setattr(attribution, "_DENSE_STATE_LIMIT", 0)
    monkeypatch.setattr(attribution, "_DENSE_SINGLE_STATE_LIMIT", 0)
    monkeypatch.setattr(attribution, "_MAX_ITERATION_WORK", 10)
    data40 = sheet(*CAMPAIGNS, touch_rows=ring_rows(40))
    ans = attribution_report(data40, "linear", OCT, lang=lang)
    assert set(ans.refused) == {"markov"}
    assert ("too many" in ans.refused["markov"]) == (lang == "en")
    assert all("markov_rank" not in r and "linear_rank" in r for r in ans.comparison)
    assert len(ans.channels) == 40
    left_out = [w for w in ans.warnings if ("markov" if lang == "en" else "马尔可夫") in w]
    assert len(left_out) == 1 and "—" in left_out[0]
    # Asking for the refused model itself: no channel table, the reason first, the comparison kept.
    asked = attribution_report(data40, "马尔可夫", OCT, lang=lang)
    assert asked.model == "markov" and asked.channels == [] and len(asked.comparison) == 40
    assert ("cannot run" if lang == "en" else "马尔可夫模型无法计算") in asked.warnings[0]
