"""Views of answers (roi_core.views) and the renderers that lay any view out (render.text, render.blocks)."""

from __future__ import annotations

import ast
import datetime as dt
import json
from pathlib import Path

import pytest

from render.blocks import RenderOptions, build_message
from render.contract import check_message
from render.text import render_text
from roi_core import (
    AdviceAnswer,
    CampaignReport,
    CandidatesAnswer,
    ChannelRanking,
    NoMatchAnswer,
    Suggestion,
    answer,
    parse_query,
)
from roi_core.monthly import Anomaly, MonthlySummary
from roi_core.views import View, ViewOptions, view_of
from roi_runtime.config import AppConfig
from sheets import open_source

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.xlsx"
GOLDEN = Path(__file__).resolve().parent / "golden"
TODAY = dt.date(2026, 11, 30)


def _channel(name, cost, revenue, roi, roas, ctr=None, cvr=None, why=None):
    return {"channel": name, "cost": cost, "revenue": revenue, "roi": roi, "roas_text": roas, "ctr": ctr, "cvr": cvr,
            "unavailable": {"roi": why} if why else {}}


def ranking() -> ChannelRanking:
    # 抖音: cost 2,000, return 5,000 → ROI (5,000 − 2,000) / 2,000 = 150%; 线下: no cost, so no ROI
    return ChannelRanking(
        kind="channels", lang="zh", source="demo.xlsx", month="2026-10", basis_label="按销售额", target_roi=0.8,
        totals={"cost": 2000.0, "revenue": 5000.0, "roi": 1.5, "profit": 3000.0},
        channels=[_channel("抖音", 2000.0, 5000.0, 1.5, "1:2.5", 0.031, 0.0125),
                  _channel("线下<!here>", 0.0, 800.0, None, None, why="无成本")],
        suggestions=[Suggestion("raise", "抖音", "加大「抖音」预算")], warnings=["第 7 行日期看不懂"])


def test_channel_ranking_view_holds_the_hand_checked_figures():
    view = view_of(ranking(), ViewOptions(sheet_url="https://example.test/sheet", chart_button=True))
    assert isinstance(view, View)
    assert view.title == "📈 渠道排行 2026-10"
    assert view.heading == "📈 渠道排行  2026-10（按销售额，目标 ROI 80%）"
    assert [(f.label, f.value, f.line) for f in view.figures] == [
        ("总成本", "¥2,000", 0), ("销售额", "¥5,000", 0), ("ROI", "150.0%", 0), ("利润", "¥3,000", None)]
    (table,) = view.tables
    assert table.headers == ["渠道", "总成本", "销售额", "ROI", "投产比(ROAS)", "点击率", "转化率"]
    assert table.rows == [["抖音", "¥2,000", "¥5,000", "150.0%", "1:2.5", "3.1%", "1.2%"],
                          ["线下<!here>", "¥0", "¥800", "—", "—", "—", "—"]]
    assert table.notes == {(1, 3): "无成本"}  # the reason, said where there is room for it
    assert table.cells()[1][3] == "—（无成本）"
    assert table.filename == "channels_2026-10.csv"
    (chart,) = view.charts  # only the channel with an ROI is drawn
    assert chart.categories == ["抖音"] and chart.series == [("ROI(%)", [150.0])] and chart.target == 80.0
    assert [(a.kind, a.payload.get("kind")) for a in view.actions] == [
        ("query", "advice"), ("query", "attribution"), ("chart_png", "channels"), ("open_sheet", None)]
    assert view.lists[0].items == ["加大「抖音」预算"]
    assert view.footer.source == "demo.xlsx" and view.footer.warnings == ["第 7 行日期看不懂"]


def test_sheet_strings_stay_raw_in_the_view_and_are_escaped_by_the_slack_renderer():
    view = view_of(ranking())
    assert view.tables[0].rows[1][0] == "线下<!here>"
    msg = build_message(ranking())
    text = json.dumps(msg.blocks, ensure_ascii=False)
    assert "线下<!here>" in text  # the table cell is plain text: shown as typed
    assert "<!here>" not in msg.text and "线下&lt;!here&gt;" in msg.text  # mrkdwn fallback: inert


def test_advice_view_budget_table_and_expected_change():
    ans = AdviceAnswer(kind="advice", lang="en", month="2026-10", basis_label="revenue", target_roi=1.0,
                       reallocation=[{"channel": "A", "current": 1000.0, "proposed": 1500.0, "change": 500.0, "roi": 2.0,
                                      "marginal_roi": 0.5, "method": "response_curve"},
                                     {"channel": "B", "current": 1000.0, "proposed": 500.0, "change": -500.0,
                                      "roi": -0.25, "marginal_roi": -0.25, "method": "linear"}],
                       expected_return_change=1125.0, reallocation_note="if returns scale with spend")
    view = view_of(ans)
    assert view.lists[0].inline and view.lists[0].empty == "No suggestions."
    (table,) = view.tables
    # average and marginal ROI side by side; a channel kept linear says so beside its marginal ROI
    assert table.rows == [["A", "¥1,000", "¥1,500", "+¥500", "200.0%", "50.0%"],
                          ["B", "¥1,000", "¥500", "-¥500", "-25.0%", "-25.0%"]]
    assert table.notes == {(1, 5): "linear"}
    # the core's 1,125.0 reads +¥1,125 (no decimals from 100 up); the caveat follows in brackets
    assert (table.summary.title, table.summary.text, table.summary.detail) == (
        "expected change in return", "+¥1,125", "if returns scale with spend")
    text = render_text(ans)
    assert "expected change in return: +¥1,125 (if returns scale with spend)" in text
    blocks = build_message(ans).blocks
    assert any(b.get("text", {}).get("text") == "No suggestions." for b in blocks if b["type"] == "section")


@pytest.fixture(scope="module")
def demo():
    return open_source(str(DEMO), AppConfig.from_env({})).read()


def test_console_text_is_byte_identical_to_the_saved_output(demo):
    questions = json.loads((GOLDEN / "questions.json").read_text(encoding="utf-8"))
    for name, question in questions.items():
        expected = (GOLDEN / name).read_text(encoding="utf-8")
        got = render_text(answer(parse_query(question, TODAY), demo, TODAY)) + "\n"
        assert got == expected, question


KINDS = {"campaign": "618活动", "channels": "渠道 2026-10", "top": "top 5", "advice": "建议 2026-10",
         "monthly": "月报 2026-10", "attribution": "归因 线性 2026-10", "help": "帮助"}


def _choices(lang: str):
    # built directly: which words the parser reads as a campaign name is the parser's business, not ours
    return [CandidatesAnswer(kind="candidates", lang=lang, query="双<!channel>", candidates=["双11", "双12 *年终*"],
                             source="demo.xlsx"),
            NoMatchAnswer(kind="no_match", lang=lang, query="xyz`", closest=["618活动"], source="demo.xlsx"),
            NoMatchAnswer(kind="no_match", lang=lang, query="xyz", closest=[])]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_answer_kind_renders_in_text_and_blocks(demo, lang):
    seen = set()
    for kind, question in KINDS.items():
        if lang == "en":
            question = {"channels": "channels 2026-10", "top": "top 5", "advice": "advice 2026-10",
                        "monthly": "summary 2026-10", "attribution": "attribution linear 2026-10",
                        "help": "help"}.get(kind, question)
        answers = [answer(parse_query(question, TODAY), demo, TODAY)] + (_choices(lang) if kind == "help" else [])
        for ans in answers:
            seen.add(ans.kind)
            _renders(ans)
    assert seen == {"campaign", "channels", "top", "advice", "monthly", "attribution", "help", "candidates",
                    "no_match"}


def _renders(ans) -> None:
    text = render_text(ans)
    assert text.strip() and "nan" not in text.lower() and "inf%" not in text and "Traceback" not in text
    msg = build_message(ans, RenderOptions(sheet_url="https://example.test/s", chart_button=True))
    assert msg.blocks and msg.text and msg.kind == ans.kind
    assert check_message({"text": msg.text, "blocks": msg.blocks}) == [], ans.kind
    view = view_of(ans)
    if view is not None:
        assert view.kind == ans.kind and view.lang == ans.lang


def _imports(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (a.name.split(".")[0] for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module.split(".")[0]


def test_views_are_pure_and_renderers_import_no_adapter():
    views = {m for p in (ROOT / "roi_core" / "views").glob("*.py") for m in _imports(p)}
    assert views <= {"__future__", "dataclasses", "datetime", "math", "collections", "typing", "roi_core",
                     "pandas", "numpy"}, views
    render = {m for p in (ROOT / "render").rglob("*.py") for m in _imports(p)}
    assert not render & {"bot", "sheets", "scheduler", "slack_sdk", "slack_bolt", "flask"}, render


def monthly() -> MonthlySummary:
    # October: cost 10,000 (September 8,000 → +25.0%), revenue 30,000 (September 20,000 → +50.0%; October a year
    # before 40,000 → -25.0%), ROI 200% against 150% → +50.0 points
    return MonthlySummary(
        kind="monthly", lang="zh", month="2026-10", basis_label="按销售额", target_roi=0.8, source="s.xlsx",
        totals={"cost": 10000.0, "revenue": 30000.0, "roi": 2.0, "profit": 20000.0, "cac": 12.5},
        changes={"mom_cost": 0.25, "mom_revenue": 0.5, "yoy_revenue": -0.25, "mom_roi_points": 0.5},
        channels=[_channel("抖音", 10000.0, 30000.0, 2.0, "1:3.0")], best_channel="抖音", worst_channel=None,
        anomalies=[Anomaly("抖音", "cost_jump", "「抖音」成本环比 +25.0%")],
        trend_months=["2026-08", "2026-09", "2026-10"], trend={"抖音": [1.0, None, 2.0], "微信": [0.5, None, None]})


def test_monthly_view_changes_lists_and_charts():
    view = view_of(monthly())
    assert [(f.label, f.value, f.note) for f in view.figures[:3]] == [
        ("总成本", "¥10,000", "环比 +25.0%"), ("销售额", "¥30,000", "环比 +50.0%，同比 -25.0%"),
        ("ROI", "200.0%", "环比 +50.0个百分点")]
    assert view.figures[-1].value == "抖音 / —" and view.figures[-1].line is None
    trend, bar = view.charts  # 微信 has one month only: no line of its own
    assert trend.kind == "line" and trend.series == [("抖音", [100.0, None, 200.0])] and trend.png
    assert bar.kind == "bar" and not bar.png
    text = render_text(monthly())
    assert text.splitlines()[:4] == [
        "🗓 月报 2026-10（按销售额，目标 ROI 80%）",
        "总成本 ¥10,000（环比 +25.0%）   销售额 ¥30,000（环比 +50.0%，同比 -25.0%）",
        "ROI 200.0%（环比 +50.0个百分点）   利润 ¥20,000   获客成本 ¥12.50",
        "最佳渠道：抖音   最差渠道：—"]
    assert "\n异常：\n⚠ 「抖音」成本环比 +25.0%\n" in text
    msg = build_message(monthly())
    fields = next(b["fields"] for b in msg.blocks if "fields" in b)
    assert fields[0]["text"] == "*总成本*\n¥10,000\n环比 +25.0%"
    assert msg.chart.filename == "roi_trend.png"


def test_campaign_roi_status_against_target():
    # ROI 50% under a target of 80%: weak (⚠); a loss: bad (🔻); at target or above: good (✅)
    for roi, mark in ((0.5, " ⚠"), (-0.1, " 🔻"), (0.8, " ✅")):
        ans = CampaignReport(kind="campaign", campaign="双11", target_roi=0.8, basis_label="按销售额",
                             figures={"cost": 1000.0, "revenue": 1000.0 * (1 + roi), "roi": roi, "profit": 1000 * roi},
                             start_date=dt.date(2026, 11, 1), end_date=dt.date(2026, 11, 11))
        (roi_figure,) = [f for f in view_of(ans).figures if f.label == "ROI"]
        fields = next(b["fields"] for b in build_message(ans).blocks if "fields" in b)
        assert fields[2]["text"] == f"*ROI*\n{roi_figure.value}{mark}"
        assert f"ROI {roi_figure.value}   " in render_text(ans)  # the console shows no mark


def test_a_worst_first_ranking_says_lowest_not_top():
    from roi_core import answer, parse_query

    data = open_source(str(DEMO)).read()
    worst = answer(parse_query("最差的3个活动", TODAY), data, TODAY)
    best = answer(parse_query("排行 3", TODAY), data, TODAY)
    text = render_text(worst)
    assert text.startswith("🏆 ROI 最低的活动（最低 3 个，共 15 个）")
    # lowest first: 线下品鉴会（北京） cost ¥64,000, revenue ¥61,000 → ROI (33,550-64,000)/64,000 on 毛利 = -47.6%
    assert "线下品鉴会（北京）" in text.splitlines()[4] and "-47.6%" in text.splitlines()[4]
    assert render_text(best).startswith("🏆 活动 ROI 排行（前 3，共 15 个）")
    header = build_message(worst).blocks[0]["text"]["text"]
    assert header == "🏆 ROI 最低的活动"


def test_compare_view_table_verdict_and_both_renderers():
    from tests.roi_core.helpers import sheet
    from tests.roi_core.test_compare import SPRING_DOUYIN, SPRING_WECHAT, SUMMER

    # 春季促销: cost 2,000, revenue 6,000, ROI 200%, 40 new customers; 夏季促销: cost 3,000, revenue 4,500,
    # ROI 50%, no new customer (no CAC); worked out in tests/roi_core/test_compare.py
    ans = answer(parse_query("春季促销 vs 夏季促销", TODAY), sheet(SPRING_DOUYIN, SPRING_WECHAT, SUMMER), TODAY)
    view = view_of(ans)
    assert view.title == "⚖ 对比：春季促销 vs 夏季促销"
    assert view.context == ["按销售额", "成本、获客成本越低越好，其余越高越好"]
    (table,) = view.tables
    assert table.headers == ["指标", "春季促销", "夏季促销", "差额（A−B）", "更好"]
    assert table.rows == [
        ["总成本（越低越好）", "¥2,000", "¥3,000", "-¥1,000（-33.3%）", "春季促销"],
        ["销售额", "¥6,000", "¥4,500", "+¥1,500（+33.3%）", "春季促销"],
        ["利润", "¥4,000", "¥1,500", "+¥2,500（+166.7%）", "春季促销"],
        ["ROI", "200.0%", "50.0%", "+150.0个百分点", "春季促销"],
        ["投产比(ROAS)", "1:3.0", "1:1.5", "+1.50（+100.0%）", "春季促销"],
        ["获客成本（越低越好）", "¥50", "—", "—", "—"],
        ["点击率", "2.5%", "2.0%", "+0.5个百分点", "春季促销"],
        ["转化率", "12.0%", "30.0%", "-18.0个百分点", "夏季促销"],
        ["客单价", "¥100", "¥150", "-¥50（-33.3%）", "夏季促销"],
        ["新客数", "40", "0", "+40", "春季促销"]]
    assert table.notes == {(5, 2): "新客户数为0", (9, 3): "夏季促销 为 0，无法算比例"}
    (verdict,) = view.notes
    assert verdict.text == "ROI 春季促销 更高（200.0% 对 50.0%）；春季促销 7 项更好，夏季促销 2 项更好"
    text = render_text(ans)
    assert text.splitlines()[:2] == ["⚖ 对比：春季促销 vs 夏季促销（按销售额）",
                                     "结论：ROI 春季促销 更高（200.0% 对 50.0%）；春季促销 7 项更好，夏季促销 2 项更好"]
    assert "—（新客户数为0）" in text and "+40（夏季促销 为 0，无法算比例）" in text
    _renders(ans)
    msg = build_message(ans)
    (block,) = [b for b in msg.blocks if b["type"] == "table"]
    assert [c["text"] for c in block["rows"][6]] == ["获客成本（越低越好）", "¥50", "—（新客户数为0）", "—", "—"]
    english = answer(parse_query("compare 2026-03 and 2026-06", TODAY), sheet(SPRING_DOUYIN, SPRING_WECHAT, SUMMER),
                     TODAY)
    assert render_text(english).splitlines()[1] == (
        "Verdict: 2026-03 has the higher ROI (200.0% vs 50.0%); 2026-03 is better on 7 figures, 2026-06 on 2")
    _renders(english)
