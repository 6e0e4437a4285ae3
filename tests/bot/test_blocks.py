"""render.blocks: pure rendering, Slack's limits, escaping. Numbers come from the hand-made workbook (conftest)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from dataclasses import dataclass

import pytest
from slack_sdk.models.blocks import Block

from render.blocks import (
    MAX_BLOCKS,
    SECTION_TEXT,
    ChartSpec,
    RenderOptions,
    build_message,
    chart_block,
    decode_query,
    encode_query,
    error_message,
    mrkdwn,
    render_blocks,
)
from roi_core import Answer, RoiError, answer, parse_query
from tests.bot.conftest import CAMPAIGNS, all_texts, workbook_tabs
from tests.memory_source import MemorySource

TODAY = dt.date(2026, 11, 22)


@pytest.fixture(scope="module")
def data():
    return MemorySource(workbook_tabs(CAMPAIGNS)).read()


def ask(data, text):
    return answer(parse_query(text, TODAY), data, TODAY)


def check_limits(blocks: list[dict]) -> None:
    """Slack's limits, and slack_sdk's own validation for every block type it knows."""
    assert 0 < len(blocks) <= MAX_BLOCKS
    assert sum(1 for b in blocks if b["type"] == "table") <= 1  # one table per message
    assert sum(1 for b in blocks if b["type"] == "data_visualization") <= 2
    for b in blocks:
        if b["type"] == "section":
            assert len(b.get("text", {}).get("text", "")) <= SECTION_TEXT
            assert len(b.get("fields", [])) <= 10
        if b["type"] == "table":
            assert len(b["rows"]) <= 100 and all(len(r) <= 20 for r in b["rows"])
            assert all(c["type"] == "raw_text" and c["text"] for r in b["rows"] for c in r)
        if b["type"] == "data_visualization":
            check_chart(b)
        if b["type"] in ("section", "header", "context", "actions", "divider", "table"):
            parsed = Block.parse(b)
            assert parsed is not None
            parsed.validate_json()  # raises SlackObjectFormationError beyond a limit


def check_chart(b: dict) -> None:
    """The data_visualization schema as documented (docs.slack.dev …/data-visualization-block)."""
    assert set(b) <= {"type", "title", "chart", "block_id"} and 0 < len(b["title"]) <= 50
    chart = b["chart"]
    assert chart["type"] in ("bar", "line", "area")
    cats = chart["axis_config"]["categories"]
    assert 0 < len(cats) <= 20 and len(set(cats)) == len(cats) and all(len(c) <= 20 for c in cats)
    assert 1 <= len(chart["series"]) <= 6
    names = [s["name"] for s in chart["series"]]
    assert len(set(names)) == len(names) and all(len(n) <= 20 for n in names)
    for s in chart["series"]:
        assert 1 <= len(s["data"]) <= 20
        for p in s["data"]:
            assert set(p) == {"label", "value"} and p["label"] in cats and isinstance(p["value"], (int, float))
        if chart["type"] == "line":
            assert [p["label"] for p in s["data"]] == cats


def cell_texts(blocks) -> list[list[str]]:
    table = next(b for b in blocks if b["type"] == "table")
    return [[c["text"] for c in row] for row in table["rows"]]


def test_campaign_report_numbers(data):
    blocks, text = render_blocks(ask(data, "春季促销"))
    check_limits(blocks)
    assert blocks[0] == {"type": "header", "text": {"type": "plain_text", "text": "📊 春季促销", "emoji": True}}
    fields = {f["text"].split("\n")[0].strip("*"): f["text"].split("\n")[1] for f in blocks[2]["fields"]}
    assert fields["总成本"] == "¥70,000" and fields["销售额"] == "¥180,000"
    assert fields["ROI"] == "157.1% ✅" and fields["投产比(ROAS)"] == "1:2.6"
    rows = cell_texts(blocks)
    assert rows[1][:4] == ["抖音", "¥50,000", "¥150,000", "200.0%"]
    assert rows[2][:4] == ["微信", "¥20,000", "¥30,000", "50.0%"]
    chart = next(b for b in blocks if b["type"] == "data_visualization")
    assert chart["chart"]["series"][0]["data"] == [{"label": "抖音", "value": 200.0}, {"label": "微信", "value": 50.0}]
    assert "ROI 157.1%" in text and "¥70,000" in text


def test_channel_ranking_for_a_month(data):
    msg = build_message(ask(data, "渠道 2026-03"))
    check_limits(msg.blocks)
    rows = cell_texts(msg.blocks)
    assert [r[0] for r in rows[1:]] == ["抖音", "微信", "小红书"]
    assert [r[3] for r in rows[1:]] == ["200.0%", "100.0%", "-20.0%"]
    assert rows[2][1:3] == ["¥25,000", "¥50,000"]
    assert msg.chart is not None and msg.chart.series[0][1] == [200.0, 100.0, -20.0]
    assert not msg.ephemeral


def test_top_list_escapes_names_in_mrkdwn_but_not_in_table_cells(data):
    blocks, text = render_blocks(ask(data, "排行"))
    check_limits(blocks)
    rows = cell_texts(blocks)
    assert [r[1] for r in rows[1:]] == ["*粗体*活动", "春季促销", "夏季大促", "<!channel>"]
    assert [r[4] for r in rows[1:]] == ["300.0%", "157.1%", "150.0%", "-20.0%"]
    for kind, t in all_texts(blocks):
        if kind == "mrkdwn":
            assert "<!" not in t and "*粗体*" not in t
    assert "<!channel>" not in text and "&lt;!channel&gt;" in text
    assert "*粗体*" not in text and "＊粗体＊活动" in text


def test_mrkdwn_escape_rules():
    assert mrkdwn("<!channel> & <@U1|x> *b* _i_ ~s~ `c`") == \
        "&lt;!channel&gt; &amp; &lt;@U1|x&gt; ＊b＊ ＿i＿ ～s～ ｀c｀"
    import unicodedata

    # fullwidth forms fold back under NFKC, so a name copied from Slack still matches its campaign
    assert unicodedata.normalize("NFKC", mrkdwn("*粗体*活动")) == "*粗体*活动"


def test_campaign_named_like_a_mention_is_inert(data):
    msg = build_message(ask(data, "!channel"))  # substring match on "<!channel>"
    texts = all_texts(msg.blocks)
    assert any(t == "📊 <!channel>" for k, t in texts if k == "plain_text")  # header: plain text, shown as typed
    assert all("<!channel>" not in t for k, t in texts if k == "mrkdwn")
    assert "<!channel>" not in msg.text


def test_attribution_and_model_menu(data):
    msg = build_message(ask(data, "归因 线性 2026-03"))
    check_limits(msg.blocks)
    rows = cell_texts(msg.blocks)
    by_channel = {r[0]: r for r in rows[1:]}
    assert by_channel["微信"][1:3] == ["1.5", "¥250"] and by_channel["抖音"][1:3] == ["0.5", "¥50"]
    select = next(e for b in msg.blocks if b["type"] == "actions" for e in b["elements"]
                  if e["type"] == "static_select")
    assert len(select["options"]) == 8
    assert json.loads(select["initial_option"]["value"]) == {"k": "attribution", "m": "2026-03", "o": "linear"}
    assert msg.chart is not None  # channel ROI bars for the PNG


def test_monthly_summary(data):
    msg = build_message(ask(data, "月报 2026-03"))
    check_limits(msg.blocks)
    fields = {f["text"].split("\n")[0].strip("*"): f["text"] for f in msg.blocks[2]["fields"]}
    assert "¥85,000" in fields["总成本"] and "¥208,000" in fields["销售额"] and "144.7%" in fields["ROI"]


def test_advice_keeps_the_total(data):
    ans = ask(data, "建议")
    msg = build_message(ans)
    check_limits(msg.blocks)
    # next month's budget: the ¥95,000 spent over all time, per month with spend (March and June) = ¥47,500
    assert sum(r["current"] for r in ans.reallocation) == pytest.approx(95000 / 2)
    assert sum(r["proposed"] for r in ans.reallocation) == pytest.approx(95000 / 2)
    assert "预计收益变化" in json.dumps(msg.blocks, ensure_ascii=False)


def test_help_candidates_and_no_match_are_ephemeral_with_buttons(data):
    help_msg = build_message(ask(data, "帮助"))
    assert help_msg.ephemeral and "/roi 618活动" in json.dumps(help_msg.blocks, ensure_ascii=False)
    data2 = data
    none = build_message(ask(data2, "完全不存在的名字"))
    assert none.ephemeral
    blocks = {b.get("block_id"): b["elements"] for b in none.blocks if b["type"] == "actions"}
    assert set(blocks) == {"roi_choose", "roi_no_match_questions"}
    buttons = blocks["roi_choose"]  # the closest names
    assert buttons and all(e["action_id"].startswith("roi:choose:") for e in buttons)
    assert decode_query(buttons[0]["value"]).kind == "campaign"
    # then the questions that would work, each a button that asks it (action_ids unique in their block)
    asks = blocks["roi_no_match_questions"]
    assert [e["text"]["text"] for e in asks] == ["渠道", "排行", "建议"]
    assert [e["action_id"] for e in asks] == ["roi:query:campaign", "roi:query:campaign:1", "roi:query:campaign:2"]
    assert [answer(decode_query(e["value"]), data, TODAY).kind for e in asks] == ["channels", "top", "advice"]


def test_two_hundred_campaigns_stay_within_limits():
    rows = [[f"活动{i:03d}", "抖音", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 1000 + i, 0, 0, 0, 3000 + 7 * i,
             1, 100, 10, 1] for i in range(200)]
    data = MemorySource(workbook_tabs(rows, touches=None)).read()
    msg = build_message(ask(data, "排行 200"))
    check_limits(msg.blocks)
    table_rows = cell_texts(msg.blocks)
    assert len(table_rows) == 31  # header + 30 shown
    assert any("…还有 170 项" in t for _, t in all_texts(msg.blocks))
    assert msg.overflow is not None and len(msg.overflow.rows) == 200
    parsed = list(csv.reader(io.StringIO(msg.overflow.csv_bytes().decode("utf-8-sig"))))
    assert len(parsed) == 201 and parsed[0][1] == "活动"
    assert all(len(c) <= SECTION_TEXT for c in msg.overflow.text_chunks())
    assert len(msg.text) <= 4000


def test_long_names_and_many_suggestions_are_cut_not_rejected():
    long = "超长活动名" * 400  # 2,000 characters
    rows = [[long, f"渠道{i}", dt.date(2026, 1, 1), dt.date(2026, 1, 31), 1000, 0, 0, 0, 500 * (i % 5),
             1, 100, 10, 1] for i in range(40)]
    data = MemorySource(workbook_tabs(rows, touches=None)).read()
    msg = build_message(ask(data, "超长活动名"))
    check_limits(msg.blocks)
    assert len(msg.blocks[0]["text"]["text"]) <= 150


def test_chart_block_labels_are_cut_unique_and_match_categories():
    spec = ChartSpec("bar", "一个很长很长的标题" * 10, ["一二三四五六七八九十一二三四五六七八九十A", "一二三四五六七八九十一二三四五六七八九十B",
                                              "短"], [("ROI(%)", [10.0, None, -5.0])])
    b = chart_block(spec)
    check_chart(b)
    assert [p["label"] for p in b["chart"]["series"][0]["data"]] == [b["chart"]["axis_config"]["categories"][0],
                                                                      "短"]


def test_query_values_round_trip_and_forged_values_are_refused():
    q = decode_query(encode_query("attribution", model="markov", month="2026-10", lang="en"))
    assert (q.kind, q.model, str(q.month), q.lang) == ("attribution", "markov", "2026-10", "en")
    with pytest.raises(RoiError):
        decode_query('{"k": "drop table"}')
    with pytest.raises(RoiError):
        decode_query("not json")


def test_unknown_answer_kind_falls_back_to_its_text():
    @dataclass
    class FutureAnswer(Answer):
        pass

    msg = build_message(FutureAnswer(kind="future", source="x.xlsx"))
    check_limits(msg.blocks)
    assert msg.blocks[0]["type"] == "section"


def test_error_message_is_short_and_escaped():
    msg = error_message("找不到「<!here>」", "检查 *名称*")
    assert msg.ephemeral and "<!here>" not in msg.text and "<!here>" not in json.dumps(msg.blocks)


def test_data_age_in_footer(data):
    fetched = dt.datetime(2026, 11, 22, 1, 0, tzinfo=dt.UTC)
    blocks, _ = render_blocks(ask(data, "春季促销"),
                              RenderOptions(fetched_at=fetched, now=fetched + dt.timedelta(minutes=5)))
    assert "5 分钟前读取" in blocks[-1]["elements"][0]["text"]
