"""render.contract: what Slack would refuse, each limit at its boundary, reasons that name the JSON path."""

from __future__ import annotations

import copy
import json

import pytest

from render.contract import (
    Reason,
    _fast_checks,
    _validators,
    check_blocks,
    check_message,
    slack_error,
    slack_types_version,
)


def plain(text: str) -> dict:
    return {"type": "plain_text", "text": text, "emoji": True}


def mrkdwn(text: str) -> dict:
    return {"type": "mrkdwn", "text": text}


def button(text: str = "查看", action_id: str = "roi:query:channels", **extra) -> dict:
    return {"type": "button", "text": plain(text), "action_id": action_id, **extra}


def option(text: str, value: str) -> dict:
    return {"text": plain(text), "value": value}


def chart(categories: list[str], series: list[tuple[str, list[float]]], kind: str = "bar", title: str = "渠道 ROI"):
    return {"type": "data_visualization", "title": title,
            "chart": {"type": kind, "axis_config": {"categories": categories, "y_label": "ROI (%)"},
                      "series": [{"name": name, "data": [{"label": c, "value": v} for c, v in zip(categories, values, strict=True)]}
                                 for name, values in series]}}


def cells(*texts: str) -> list[dict]:
    return [{"type": "raw_text", "text": t} for t in texts]


def report() -> dict:
    """A message shaped like the bot's channel ranking: every block kind it sends."""
    return {
        "channel": "C1",
        "text": "渠道排行 2026-03：抖音 ROI 200.0%",
        "blocks": [
            {"type": "header", "text": plain("📈 渠道排行 2026-03")},
            {"type": "context", "elements": [mrkdwn("按销售额 · 目标 ROI 100%")]},
            {"type": "section", "fields": [mrkdwn("*投入*\n¥85,000"), mrkdwn("*ROI*\n144.7%")]},
            chart(["抖音", "微信", "小红书"], [("ROI(%)", [200.0, 100.0, -20.0])]),
            {"type": "table", "rows": [cells("渠道", "ROI"), cells("抖音", "200.0%"), cells("微信", "100.0%")],
             "column_settings": [{"align": "left"}, {"align": "right"}]},
            {"type": "section", "text": mrkdwn("*建议*\n1. 加大抖音投入")},
            {"type": "actions", "block_id": "roi_channels_actions", "elements": [
                button("💡 建议", "roi:query:advice", value='{"k":"advice","m":"2026-03"}'),
                button("📄 查看表格", "roi:open_sheet", url="https://docs.google.com/spreadsheets/d/x"),
                {"type": "static_select", "action_id": "roi:model", "placeholder": plain("归因模型"),
                 "options": [option("线性", "linear"), option("首次触点", "first_touch")]},
            ]},
            {"type": "context", "elements": [mrkdwn("数据：demo.xlsx · 刚刚读取")]},
        ],
    }


def reasons_of(blocks: list[dict], **top) -> list[str]:
    return check_message({"text": "fallback", "blocks": blocks, **top})


# ----------------------------------------------------------------------------- the whole message
def test_a_message_like_the_bots_is_accepted():
    msg = report()
    assert check_message(msg) == []
    assert slack_error(check_message(msg)) == "ok"
    # slack_sdk sends blocks as a JSON string in form bodies: the same verdict
    assert check_message({**msg, "blocks": json.dumps(msg["blocks"], ensure_ascii=False)}) == []


def test_a_null_element_is_refused_with_its_path():
    msg = report()
    msg["blocks"][6]["elements"].append(None)  # the bug Slack refused in production
    reasons = check_message(msg)
    assert reasons == ["blocks[6].elements[3]: null is not allowed"]
    assert isinstance(reasons[0], Reason) and reasons[0].error == "invalid_blocks"
    assert slack_error(reasons) == "invalid_blocks"


def test_nulls_anywhere_and_non_finite_numbers():
    msg = report()
    msg["blocks"][2]["fields"][1] = None
    msg["blocks"][4]["column_settings"][0]["align"] = None
    msg["blocks"][3]["chart"]["series"][0]["data"][1]["value"] = float("nan")
    msg["blocks"][3]["chart"]["series"][0]["data"][2]["value"] = float("inf")
    assert check_message(msg) == [
        "blocks[2].fields[1]: null is not allowed",
        "blocks[3].chart.series[0].data[1].value: nan is not a JSON number",
        "blocks[3].chart.series[0].data[2].value: inf is not a JSON number",
        "blocks[4].column_settings[0].align: null is not allowed",
    ]


def test_schema_errors_point_at_the_element_not_at_twenty_block_types():
    bad = [{"type": "actions", "elements": [button(style="blue"), {"type": "buton"}]},
           {"type": "section", "text": {"type": "plain_text", "text": 5}},
           {"type": "header", "text": plain("x"), "colour": "red"},
           {"type": "sektion"}]
    reasons = reasons_of(bad)
    assert reasons[:5] == [
        "blocks[0].elements[0].style: must be one of 'primary', 'danger' (got 'blue')",
        "blocks[0].elements[1]: type 'buton' is not allowed here",
        "blocks[1].text.text: must be a string (got a number)",
        "blocks[2]: unknown field(s) 'colour'",
        reasons[4],
    ]
    assert reasons[4].startswith("blocks[3].type: unknown block type 'sektion' (known: actions, ")
    assert len(reasons) == 5


def test_blocks_not_an_array_is_invalid_blocks_format():
    for blocks in ("[{", '{"type": "divider"}', {"type": "divider"}):
        reasons = check_message({"text": "x", "blocks": blocks})
        assert len(reasons) == 1 and reasons[0].startswith("blocks: ")
        assert slack_error(reasons) == "invalid_blocks_format"


def test_no_text_msg_too_long_and_precedence():
    assert check_message({"channel": "C1"}) == ["text: a message needs text, blocks or attachments"]
    assert slack_error(check_message({"channel": "C1", "text": ""})) == "no_text"
    assert check_message({"blocks": [{"type": "divider"}]}) == []  # blocks without text: Slack accepts (and warns)
    assert check_message({"attachments": [{"text": "x"}]}) == []
    assert check_message({"delete_original": True}) == []  # a response_url deletion carries no text
    assert check_message({}, require_content=False) == []  # a file upload without a comment
    assert check_message({"text": "字" * 40_000}) == []
    too_long = check_message({"text": "字" * 40_001})
    assert too_long == ["text: is 40001 characters; at most 40000"] and slack_error(too_long) == "msg_too_long"
    both = check_message({"text": "x" * 40_001, "blocks": [None]})
    assert slack_error(both) == "invalid_blocks"  # the blocks are looked at first
    assert slack_error(["blocks[0]: something"]) == "invalid_blocks"  # a plain string counts as a block problem
    assert slack_error([]) == "ok"


def test_the_schema_is_slacks_own_and_names_its_version():
    assert slack_types_version() == "3.2.0"
    assert {"section", "header", "actions", "context", "table", "data_table", "divider"} <= set(_fast_checks())


# ----------------------------------------------------------------------------- each limit at its boundary
def test_fifty_blocks_accepted_fifty_one_refused():
    assert reasons_of([{"type": "divider"}] * 50) == []
    assert reasons_of([{"type": "divider"}] * 51) == ["blocks: 51 blocks; a message holds at most 50"]


@pytest.mark.parametrize(("block", "limit", "path"), [
    (lambda n: {"type": "header", "text": plain("字" * n)}, 150, "blocks[0].text.text"),
    (lambda n: {"type": "section", "text": mrkdwn("x" * n)}, 3000, "blocks[0].text.text"),
    (lambda n: {"type": "section", "fields": [mrkdwn("x" * n)]}, 2000, "blocks[0].fields[0].text"),
    (lambda n: {"type": "actions", "elements": [button("x" * n)]}, 75, "blocks[0].elements[0].text.text"),
    (lambda n: {"type": "actions", "elements": [button(value="v" * n)]}, 2000, "blocks[0].elements[0].value"),
    (lambda n: {"type": "actions", "elements": [button(url="h" * n)]}, 3000, "blocks[0].elements[0].url"),
    (lambda n: {"type": "actions", "elements": [button(action_id="a" * n)]}, 255, "blocks[0].elements[0].action_id"),
    (lambda n: {"type": "divider", "block_id": "b" * n}, 255, "blocks[0].block_id"),
    (lambda n: {"type": "actions", "elements": [{"type": "static_select", "action_id": "m",
                                                 "options": [option("o" * n, "v")]}]},
     75, "blocks[0].elements[0].options[0].text.text"),
    (lambda n: {"type": "actions", "elements": [{"type": "static_select", "action_id": "m",
                                                 "options": [option("o", "v" * n)]}]},
     150, "blocks[0].elements[0].options[0].value"),
    (lambda n: chart(["a"], [("s", [1])], title="标" * n), 50, "blocks[0].title"),
])
def test_text_lengths(block, limit, path):
    assert reasons_of([block(limit)]) == []
    reasons = reasons_of([block(limit + 1)])
    assert len(reasons) == 1 and reasons[0].startswith(f"{path}: ") and f"at most {limit}" in reasons[0]


@pytest.mark.parametrize(("block", "low", "high", "path"), [
    (lambda n: {"type": "section", "fields": [mrkdwn(f"f{i}") for i in range(n)]}, 1, 10, "blocks[0].fields"),
    (lambda n: {"type": "context", "elements": [mrkdwn(f"c{i}") for i in range(n)]}, 1, 10, "blocks[0].elements"),
    (lambda n: {"type": "actions", "elements": [button(action_id=f"a{i}") for i in range(n)]},
     1, 25, "blocks[0].elements"),
    (lambda n: {"type": "actions", "elements": [{"type": "static_select", "action_id": "m",
                                                 "options": [option(f"o{i}", f"v{i}") for i in range(n)]}]},
     1, 100, "blocks[0].elements[0].options"),
    (lambda n: {"type": "table", "rows": [cells("x")] * n}, 1, 100, "blocks[0].rows"),
    (lambda n: {"type": "table", "rows": [cells(*"x" * n)]}, 1, 20, "blocks[0].rows[0]"),
    (lambda n: {"type": "table", "rows": [cells("x")], "column_settings": [{"align": "left"}] * n},
     0, 20, "blocks[0].column_settings"),
])
def test_counts(block, low, high, path):
    assert reasons_of([block(high)]) == []
    over = reasons_of([block(high + 1)])
    assert len(over) == 1 and over[0].startswith(f"{path}: {high + 1} ") and f"at most {high}" in over[0]
    if low:
        assert reasons_of([block(low)]) == []
        under = reasons_of([block(low - 1)])
        assert len(under) == 1 and under[0].startswith(f"{path}: ") and f"at least {low}" in under[0]


def test_ids_unique_block_ids_per_message_action_ids_per_block():
    blocks = [{"type": "actions", "block_id": "x", "elements": [button(action_id="a"), button(action_id="a")]},
              {"type": "actions", "block_id": "x", "elements": [button(action_id="a")]}]
    assert reasons_of(blocks) == [
        "blocks[0].elements[1].action_id: 'a' is already the action_id of blocks[0].elements[0] in the same block",
        "blocks[1].block_id: 'x' is already the block_id of blocks[0]",
    ]


def test_empty_text_objects_and_cells():
    blocks = [{"type": "section", "text": mrkdwn("")}, {"type": "header", "text": plain("")},
              {"type": "table", "rows": [cells("渠道", "")]}]
    assert reasons_of(blocks) == ["blocks[0].text.text: mrkdwn text must not be empty",
                                  "blocks[1].text.text: plain_text text must not be empty",
                                  "blocks[2].rows[0][1].text: a raw_text cell must not be empty"]
    assert reasons_of([{"type": "section"}]) == ["blocks[0]: a section needs text or fields"]


def test_one_table_per_message():
    table = {"type": "table", "rows": [cells("a")]}
    assert reasons_of([table, copy.deepcopy(table)]) == ["blocks[1]: a message holds at most one table block"]


def test_data_table_rows_widths_header_and_characters():
    def table(n_rows: int, text: str = "x", width: int = 2) -> dict:
        return {"type": "data_table", "caption": "渠道", "rows": [cells(*[text] * width)] * n_rows}

    assert reasons_of([table(2)]) == [] and reasons_of([table(101)]) == []
    assert reasons_of([table(1)]) == ["blocks[0].rows: 1 rows (the header row included); at least 2"]
    assert reasons_of([table(102)]) == ["blocks[0].rows: 102 rows (the header row included); at most 101"]
    ragged = table(3)
    ragged["rows"] = [cells("a", "b"), cells("c"), cells("d", "e")]
    assert reasons_of([ragged]) == ["blocks[0].rows: every row must have the same number of cells (found 1, 2)"]
    assert reasons_of([table(2, width=21)]) == ["blocks[0].rows[0]: 21 cells; at most 20",
                                                "blocks[0].rows[1]: 21 cells; at most 20"]
    assert reasons_of([table(2, "x" * 2500)]) == []  # 2 rows x 2 cells x 2,500 = 10,000 characters
    assert reasons_of([table(2, "x" * 2501)]) == ["blocks[0].rows: cells hold 10004 characters; at most 10000"]
    # ...and 10,000 for all the data tables of a message: 2 x 6,000 is over though each table is under
    assert reasons_of([table(2, "x" * 1500), table(2, "y" * 1500)]) == [
        "blocks: data_table cells hold 12000 characters in all; at most 10000 per message"]
    rich_header = table(2)
    rich_header["rows"] = [[{"type": "rich_text", "elements": [
        {"type": "rich_text_section", "elements": [{"type": "text", "text": "渠道"}]}]}, *cells("ROI")],
        cells("抖音", "200%")]
    assert reasons_of([rich_header]) == ["blocks[0].rows[0][0]: a header cell cannot be rich_text"]
    assert reasons_of([{**table(2), "page_size": 0}]) == [
        "blocks[0].page_size: must be a whole number from 1 to 100 (got 0)"]
    no_caption = table(2)
    del no_caption["caption"]
    assert reasons_of([no_caption]) == ["blocks[0]: 'caption' is a required property"]


# ----------------------------------------------------------------------------- data_visualization
def test_chart_series_and_categories_limits():
    cats = [f"第{i}月" for i in range(20)]
    assert reasons_of([chart(cats, [(f"s{i}", list(range(20))) for i in range(6)])]) == []
    seven = chart(["a"], [(f"s{i}", [1]) for i in range(7)])
    assert reasons_of([seven]) == ["blocks[0].chart.series: 7 series; at most 6"]
    none = chart(["a"], [])
    assert reasons_of([none]) == ["blocks[0].chart.series: 0 series; at least 1"]
    many = chart([f"c{i}" for i in range(21)], [("s", list(range(21)))])
    assert reasons_of([many]) == ["blocks[0].chart.axis_config.categories: 21 categories; at most 20",
                                  "blocks[0].chart.series[0].data: 21 points; at most 20"]


def test_chart_labels_names_and_points():
    assert reasons_of([chart(["一二三四五六七八九十一二三四五六七八九十"], [("名" * 20, [1])])]) == []
    long = chart(["c" * 21], [("n" * 21, [1])])
    assert reasons_of([long]) == [
        f"blocks[0].chart.axis_config.categories[0]: {'c' * 21!r} is 21 characters; at most 20",
        f"blocks[0].chart.series[0].name: {'n' * 21!r} is 21 characters; at most 20",
        f"blocks[0].chart.series[0].data[0].label: {'c' * 21!r} is 21 characters; at most 20",
    ]
    twins = chart(["a", "b"], [("ROI", [1, 2]), ("ROI", [3, 4])])
    assert reasons_of([twins]) == ["blocks[0].chart.series[1].name: 'ROI' is already the name of series[0]"]
    gap = chart(["a", "b", "c"], [("ROI", [1, 2, 3])])
    del gap["chart"]["series"][0]["data"][1]  # a bar with no value for "b"
    assert reasons_of([gap]) == ["blocks[0].chart.series[0].data: needs exactly one point per category; none for 'b'"]
    stray = chart(["a"], [("ROI", [1])])
    stray["chart"]["series"][0]["data"][0]["label"] = "z"
    assert reasons_of([stray]) == ["blocks[0].chart.series[0].data[0].label: 'z' is not one of axis_config.categories",
                                   "blocks[0].chart.series[0].data: needs exactly one point per category; none for 'a'"]
    twice = chart(["a", "a"], [("ROI", [1, 2])])
    assert reasons_of([twice]) == ["blocks[0].chart.axis_config.categories[1]: 'a' is already a category",
                                   "blocks[0].chart.series[0].data[1].label: 'a' has a point already in this series"]


def test_chart_types_pie_and_shape():
    assert reasons_of([chart(["a"], [("s", [1])], kind=k) for k in ("bar", "line", "area")]) == []
    assert reasons_of([chart(["a"], [("s", [1])], kind="scatter")]) == [
        "blocks[0].chart.type: must be one of bar, line, area, pie (got 'scatter')"]
    pie = {"type": "data_visualization", "title": "占比",
           "chart": {"type": "pie", "segments": [{"label": f"s{i}", "value": i + 1} for i in range(6)]}}
    assert reasons_of([pie]) == []
    pie["chart"]["segments"].append({"label": "s7", "value": 1})
    assert reasons_of([pie]) == ["blocks[0].chart.segments: 7 segments; at most 6"]
    pie["chart"]["segments"] = [{"label": "零", "value": 0}]
    assert reasons_of([pie]) == ["blocks[0].chart.segments[0].value: a segment value must be greater than 0 (got 0)"]
    shapeless = {"type": "data_visualization", "title": "", "chart": {"type": "bar", "series": [], "extra": 1}}
    assert reasons_of([shapeless]) == [
        "blocks[0].title: must not be empty",
        "blocks[0].chart: unknown field(s) 'extra'",
        "blocks[0].chart: 'axis_config' is a required property",
        "blocks[0].chart.series: 0 series; at least 1",
    ]


def test_markdown_blocks_share_twelve_thousand_characters():
    assert reasons_of([{"type": "markdown", "text": "x" * 6000}] * 2) == []
    assert reasons_of([{"type": "markdown", "text": "x" * 6000}, {"type": "markdown", "text": "x" * 6001}]) == [
        "blocks: markdown blocks hold 12001 characters in all; at most 12000"]


# ----------------------------------------------------------------------------- the fast check agrees with jsonschema
def _mutations(block: dict):
    """Variants of a valid block: each key dropped, retyped, the type const changed, an unknown key added,
    and the same one level down in every nested object and array element."""
    yield block
    if isinstance(block, dict):
        for key in list(block):
            yield {k: v for k, v in block.items() if k != key}
            for junk in (7, "s", [], {}, True):
                yield {**block, key: junk}
        yield {**block, "unexpected": 1}
        if "type" in block:
            yield {**block, "type": "image"}
        for key, value in block.items():
            if isinstance(value, (dict, list)):
                for variant in _mutations(value):
                    yield {**block, key: variant}
    elif isinstance(block, list):
        for i, item in enumerate(block):
            for variant in _mutations(item):
                yield [*block[:i], variant, *block[i + 1:]]


def test_the_fast_check_gives_jsonschemas_verdict():
    fast, slow = _fast_checks(), _validators()
    samples = [b for b in report()["blocks"] if b["type"] != "data_visualization"] + [
        {"type": "image", "image_url": "https://x/y.png", "alt_text": "图"},
        {"type": "rich_text", "elements": [{"type": "rich_text_section", "elements": [
            {"type": "text", "text": "x", "style": {"bold": True}}, {"type": "link", "url": "https://x"}]}]},
        {"type": "data_table", "caption": "c", "rows": [cells("a"), [{"type": "raw_number", "value": 1, "text": "1"}]]},
        {"type": "section", "text": mrkdwn("x"), "accessory": {"type": "overflow", "action_id": "o",
                                                               "options": [option("a", "1")]}},
    ]
    checked = disagreements = valid = 0
    for sample in samples:
        for variant in _mutations(sample):
            kind = variant.get("type") if isinstance(variant, dict) else None
            if not isinstance(kind, str) or kind not in fast:
                continue
            checked += 1
            valid += slow[kind].is_valid(variant)
            if fast[kind](variant) != slow[kind].is_valid(variant):
                disagreements += 1
                print("disagree:", json.dumps(variant, ensure_ascii=False)[:300])
    assert disagreements == 0
    assert checked > 700 and 50 < valid < checked - 300  # both verdicts well represented


def test_check_blocks_on_its_own():
    assert check_blocks([{"type": "divider"}]) == []
    assert check_blocks([None], path="attachments[0].blocks") == ["attachments[0].blocks[0]: null is not allowed"]
