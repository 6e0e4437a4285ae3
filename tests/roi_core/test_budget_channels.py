"""Channel answers on the one basis of channel credit (advice, second pass): when 触点 covers the
threshold of the period's revenue, 渠道 / 渠道 上个月 / 哪个渠道最好 rank on the attribution model's
share of the 活动 return, say so, and keep the 活动 tab's ROI beside it."""

from __future__ import annotations

import datetime as dt

import pytest

from roi_core import answer, answer_json, parse_query
from roi_core.views import ViewOptions, view_of
from tests.roi_core.helpers import sheet

TODAY = dt.date(2026, 11, 15)
TOUCH_HEADERS = ["客户ID", "时间", "渠道", "是否转化", "订单金额"]


def two_channel_sheet(**settings):
    # A: cost 100/month, revenue 300/month (活动 tab ROI 200 %); B: cost 100, revenue 100 (ROI 0 %), Sept + Oct.
    rows = [{"活动名称": f"{ch}{m}", "渠道": ch, "开始日期": f"2026-{m:02d}-01", "结束日期": f"2026-{m:02d}-{d}",
             "广告费用": 100, "销售额": rev}
            for ch, rev in (("A", 300), ("B", 100)) for m, d in ((9, 30), (10, 31))]
    # 触点: one journey on B worth 500, one on A worth 100, both in October: 600 of all-time 800 = 75 % ≥ 50 %
    touches = [TOUCH_HEADERS, ["c1", "2026-10-02", "B", "是", 500], ["c2", "2026-10-03", "A", "是", 100]]
    return sheet(*rows, touch_rows=touches, settings={"目标ROI": "100%", **settings})


def ask(text, data):
    return answer(parse_query(text, TODAY), data, TODAY)


def test_the_model_flips_the_ranking_and_both_figures_are_shown():
    ans = ask("渠道", two_channel_sheet())
    # markov on single-touch journeys credits each channel its converting value: B 500/600, A 100/600 of the
    # 800 all-time return: B 666.67 → ROI (666.67 − 200)/200 = 233.3 %; A 133.33 → −33.3 %
    assert ans.credit_basis == "markov"
    assert [r["channel"] for r in ans.channels] == ["B", "A"]  # the 活动 tab alone ranks A first (200 % vs 0 %)
    b, a = ans.channels
    assert b["roi"] == pytest.approx(7 / 3, abs=1e-9) and a["roi"] == pytest.approx(-1 / 3, abs=1e-9)
    assert b["revenue"] == pytest.approx(2000 / 3) and a["revenue"] == pytest.approx(400 / 3)
    assert b["tab_roi"] == pytest.approx(0.0) and a["tab_roi"] == pytest.approx(2.0)
    # the totals stay the 活动 tab's (the model only splits them)
    assert ans.totals["revenue"] == pytest.approx(800) and ans.totals["roi"] == pytest.approx(1.0)
    assert ans.warnings[0].startswith("渠道收益口径：马尔可夫归因（「触点」订单金额占同期活动销售额 75%")
    assert ans.warnings[1] == ("两种口径方向相反（目标 ROI 100%；活动表 ROI / 马尔可夫归因份额 ROI）：「A」200.0% / -33.3%、"
                               "「B」0.0% / 233.3%；以归因模型为准")
    assert ans.suggestions[0].kind == "raise" and ans.suggestions[0].channel == "B"
    view = view_of(ans, ViewOptions())
    assert "ROI 按马尔可夫归因份额" in view.heading
    table = view.tables[0]
    assert table.headers[3:5] == ["ROI", "活动表ROI"]
    assert [row[3:5] for row in table.rows] == [["233.3%", "0.0%"], ["-33.3%", "200.0%"]]
    out = answer_json(ans)
    assert out["credit_basis"] == "markov" and out["channels"][0]["tab_roi"] == pytest.approx(0.0)


def test_last_month_and_the_best_channel_rank_on_the_model_too():
    data = two_channel_sheet()
    october = ask("渠道 上个月", data)
    # October: cost 100 each, 活动 return 400; touches 600 ≥ 50 % of 400. B 400·5/6 = 333.3 → ROI 233.3 %
    assert october.month == "2026-10" and october.credit_basis == "markov"
    assert [r["channel"] for r in october.channels] == ["B", "A"]
    assert october.channels[0]["roi"] == pytest.approx((400 * 5 / 6 - 100) / 100)
    assert october.channels[1]["tab_roi"] == pytest.approx(2.0)
    best = ask("哪个渠道最好", data)
    assert best.channels[0]["channel"] == "B"


def test_below_the_threshold_the_campaign_tab_ranks_and_the_model_is_only_compared():
    ans = ask("渠道", two_channel_sheet(归因覆盖阈值="80%"))
    assert ans.credit_basis == "campaign_tab"
    assert [r["channel"] for r in ans.channels] == ["A", "B"]
    assert ans.channels[0]["roi"] == pytest.approx(2.0) and ans.channels[0]["tab_roi"] == pytest.approx(2.0)
    assert any("「触点」只是样本，以活动表为准" in w for w in ans.warnings)
    view = view_of(ans, ViewOptions())
    assert "活动表ROI" not in view.tables[0].headers and "归因份额" not in view.heading


def test_advice_ranks_on_the_same_credit():
    ans = ask("建议", two_channel_sheet())
    assert ans.credit_basis == "markov"
    rows = {r["channel"]: r for r in ans.reallocation}
    assert rows["B"]["roi"] == pytest.approx(7 / 3) and rows["A"]["roi"] == pytest.approx(-1 / 3)
