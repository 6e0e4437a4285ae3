"""render.html: any view as an HTML fragment, every string escaped, buttons asking what Slack's buttons ask."""

from __future__ import annotations

import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from render.blocks import build_message
from render.html import answer_html, chart_svg, error_html, view_html
from roi_core import CandidatesAnswer, NoMatchAnswer, answer, parse_query
from roi_core.views import Action, Chart, Column, Figure, Footer, ItemList, Table, View, ViewOptions
from roi_runtime.config import AppConfig
from sheets import open_source

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo.xlsx"
TODAY = dt.date(2026, 11, 30)
VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "col", "source", "line", "rect", "circle", "polyline",
        "path"}


class _Tree(HTMLParser):
    """Collects tags, attributes and text; fails on a close tag that does not match its open tag."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        assert self.stack and self.stack[-1] == tag, f"</{tag}> closes <{self.stack[-1] if self.stack else None}>"
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(fragment: str) -> _Tree:
    tree = _Tree()
    tree.feed(fragment)
    tree.close()
    assert tree.stack == [], f"unclosed: {tree.stack}"
    return tree


@pytest.fixture(scope="module")
def demo():
    return open_source(str(DEMO), AppConfig.from_env({})).read()


def _slack_values(ans) -> list[str]:
    """Every question value on the Slack message's buttons and select options."""
    out = []
    for block in build_message(ans).blocks:
        for el in block.get("elements", []) if block.get("type") == "actions" else []:
            if el.get("type") == "button" and "value" in el:
                out.append(el["value"])
            out += [o["value"] for o in el.get("options", [])]
    return out


def test_campaign_answer_shows_its_figures_table_chart_and_buttons(demo):
    ans = answer(parse_query("618活动", TODAY), demo, TODAY)
    html = answer_html(ans)
    tree = parse(html)
    text = "".join(tree.text)
    # the demo's 618活动 (2026-05-20 ~ 06-18): cost ¥302,000, gross margin ¥635,250 → ROI (635,250-302,000)/302,000
    assert "110.3%" in text and "¥302,000" in text
    rows = re.findall(r"<tr>(.*?)</tr>", html)
    douyin = [re.sub(r"<[^>]+>", "|", r) for r in rows if "抖音" in r][0]
    # 抖音: cost ¥106,000, revenue ¥520,000, ROI 169.8%, ROAS 1:4.9 (520/106)
    assert [c for c in douyin.split("|") if c] == ["抖音", "¥106,000", "¥520,000", "169.8%", "1:4.9", "3.0%", "3.1%"]
    baidu = [r for r in rows if "百度搜索" in r][0]
    assert 'class="roi-num roi-t-pct roi-neg">-55.6%' in baidu  # a loss is marked
    assert html.count("<svg") == 1 and "roi-chart-bar" in html
    # the same questions as Slack's buttons, value for value
    values = [a["data-q"] for tag, a in tree.tags if "data-q" in a]
    assert values and values == [v for v in _slack_values(ans) if v in values]
    assert set(values) <= set(_slack_values(ans))
    assert {json.loads(v)["k"] for v in values} >= {"channels"}


@pytest.mark.parametrize("question", ["渠道 2026-10", "归因 线性", "月报 2026-10", "建议", "top 5", "帮助", "抖音 ROI",
                                      "618 vs 双11", "channels 2026-10", "summary 2026-10", "help"])
def test_every_kind_renders_well_formed_with_slacks_questions(demo, question):
    ans = answer(parse_query(question, TODAY), demo, TODAY)
    tree = parse(answer_html(ans))
    assert tree.tags[0][0] == "article" and tree.tags[0][1]["lang"] == ("en" if ans.lang == "en" else "zh-CN")
    slack = set(_slack_values(ans))
    for tag, attrs in tree.tags:
        if "data-q" in attrs:
            assert attrs["data-q"] in slack, (question, attrs["data-q"])
        if tag == "option":
            assert attrs["value"] in slack
    assert "nan" not in "".join(tree.text).lower().split() and "inf" not in "".join(tree.text).split()


def test_attribution_html_has_the_model_switch_on_the_current_model(demo):
    html = answer_html(answer(parse_query("归因 线性", TODAY), demo, TODAY))
    tree = parse(html)
    selects = [a for t, a in tree.tags if t == "select"]
    options = [a for t, a in tree.tags if t == "option"]
    assert len(selects) == 1 and len(options) >= 2
    chosen = [a for a in options if "selected" in a]
    assert len(chosen) == 1 and json.loads(chosen[0]["value"])["o"] == "linear"


def test_hostile_sheet_strings_are_text_never_markup():
    name = '<script>alert("x")</script>&"\'<img src=x onerror=1>'
    view = View(kind="campaign", lang="zh", title=f"📊 {name}", context=[name],
                figures=[Figure("ROI", "110.3%", note=name, status="good")],
                tables=[Table(name, [Column("渠道", "left"), Column("ROI", type="pct")], [[name, "-5.0%"]],
                              notes={(0, 1): name})],
                lists=[ItemList("suggestions", "建议", [name])],
                actions=[Action(name, "query", {"kind": "campaign", "lang": "zh", "text": name}),
                         Action("表格", "open_sheet", {"url": "javascript:alert(1)"})],
                footer=Footer(source=name, warnings=[name]))
    html = view_html(view)
    tree = parse(html)
    assert {t for t, _ in tree.tags} <= {"article", "header", "h2", "p", "div", "section", "table", "caption",
                                         "thead", "tbody", "tr", "th", "td", "span", "h3", "ol", "li", "footer",
                                         "button"}
    assert "<script" not in html and "<img" not in html and "javascript:" not in html
    assert "".join(tree.text).count(name) >= 7  # title, context, note, table cell, reason, list, button, footer…
    button = [a for t, a in tree.tags if t == "button"][0]
    assert json.loads(button["data-q"]) == {"k": "campaign", "t": name}


def test_bar_chart_geometry_worked_by_hand():
    chart = Chart("bar", "各渠道 ROI", ["抖音", "百度搜索"], [("ROI(%)", [50.0, -25.0])], y_label="ROI (%)", target=80.0)
    svg = chart_svg(chart)
    parse(svg)
    # range: min(0, 50, -25, 80) = -25 … 80; step 25 (105/5 = 21 → 25) → axis -25 … 100 over 236 px (290-20-34)
    # y(v) = 20 + 236·(100-v)/125: y(50) = 114.4, y(0) = 208.8, y(-25) = 256, y(80) = 57.76
    # bands 280 px wide (640-64-16)/2, one series: bar 196 px from 64 + 0.15·280 = 106
    assert '<rect class="roi-bar" x="106.0" y="114.4" width="196.0" height="94.4"' in svg
    assert '<rect class="roi-bar roi-neg" x="386.0" y="208.8" width="196.0" height="47.2"' in svg
    assert 'y1="57.8" y2="57.8"' in svg and "目标 80%" in svg
    ticks = re.findall(r'class="roi-tick"[^>]*>([^<]+)<', svg)
    assert ticks == ["−25%", "0%", "25%", "50%", "75%", "100%"]
    assert ">50%<" in svg and ">−25%<" in svg
    # 12 bars of 45 units: labels turn and keep 8 characters; 5 bars of 112 units keep 112 // 22 = 5
    names = [f"渠道名称很长的第{i}个" for i in range(12)]
    many = chart_svg(Chart("bar", "t", names, [("ROI(%)", [10.0] * 12)], y_label="ROI (%)"))
    assert "rotate(-40" in many and ">渠道名称很长的…<" in many
    few = chart_svg(Chart("bar", "t", names[:5], [("ROI(%)", [10.0] * 5)], y_label="ROI (%)"))
    assert "rotate(" not in few and ">渠道名称…<" in few and "<title>渠道名称很长的第0个</title>" in few


def test_line_chart_leaves_a_gap_for_a_missing_month():
    chart = Chart("line", "抖音 走势", ["2026-07", "2026-08", "2026-09", "2026-10"],
                  [("抖音", [10.0, 20.0, None, 40.0])], y_label="ROI (%)")
    svg = chart_svg(chart)
    parse(svg)
    assert svg.count("<polyline") == 2  # 07–08, then 10 alone: no line through the empty September
    assert svg.count("<circle") == 3
    assert chart_svg(Chart("bar", "空", ["a"], [("x", [None])])) == ""  # nothing to draw: no chart at all


def test_choices_are_buttons_asking_about_each_campaign():
    ans = CandidatesAnswer(kind="candidates", lang="zh", query="双", candidates=["双11", "双12 *年终*"],
                           source="demo.xlsx")
    tree = parse(answer_html(ans))
    asks = [json.loads(a["data-q"]) for t, a in tree.tags if "data-q" in a]
    assert asks == [{"k": "campaign", "t": "双11"}, {"k": "campaign", "t": "双12 *年终*"}]
    nomatch = answer_html(NoMatchAnswer(kind="no_match", lang="en", query="xyz", closest=["618活动"]))
    assert 'lang="en"' in nomatch and 'data-q="{&quot;k&quot;:&quot;campaign&quot;,&quot;t&quot;:&quot;618活动&quot;' in nomatch


def test_footer_says_source_and_age_and_links_only_http():
    read = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.UTC)
    view = View(kind="campaign", lang="zh", title="t",
                actions=[Action("查看表格", "open_sheet", {"url": "https://docs.google.com/spreadsheets/d/x"})],
                footer=Footer(source="demo.xlsx", read_at=read, now=read + dt.timedelta(minutes=7)))
    html = view_html(view)
    assert "数据：demo.xlsx · 7 分钟前读取" in html
    assert 'href="https://docs.google.com/spreadsheets/d/x" target="_blank" rel="noopener noreferrer"' in html


def test_options_bring_the_sheet_link(demo):
    ans = answer(parse_query("618活动", TODAY), demo, TODAY)
    html = answer_html(ans, ViewOptions(sheet_url="https://docs.google.com/spreadsheets/d/abc"))
    assert 'href="https://docs.google.com/spreadsheets/d/abc"' in html


def test_error_fragment_escapes_and_codes_the_hint():
    html = error_html("没有找到活动「<b>」", "试试 `/roi 618活动`")
    assert "没有找到活动「&lt;b&gt;」" in html and "<code>/roi 618活动</code>" in html and 'role="alert"' in html


def test_several_lines_label_only_their_last_values_and_slack_bold_is_not_shown():
    chart = Chart("line", "近 3 个月渠道 ROI", ["2026-08", "2026-09", "2026-10"],
                  [("抖音", [10.0, 20.0, 30.0]), ("微信", [5.0, None, 15.0])], y_label="ROI (%)")
    svg = chart_svg(chart)
    assert re.findall(r'class="roi-val"[^>]*>([^<]+)<', svg) == ["30%", "15%"]
    assert svg.count("<circle") == 5 and 'class="roi-swatch roi-c1"></span>微信' in svg
    table = Table("下月预算调整", [Column("渠道", "left")], [["抖音"]], heading="*下月预算调整*")
    assert "*" not in view_html(View(kind="advice", lang="zh", title="t", tables=[table]))
    other = Table("各渠道", [Column("渠道", "left")], [["抖音"]], heading="*调整建议*")
    assert '<p class="roi-table-heading">调整建议</p>' in view_html(View(kind="advice", lang="zh", title="t",
                                                                       tables=[other]))
