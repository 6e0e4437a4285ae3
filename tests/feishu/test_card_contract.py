"""The 飞书 card contract (render.contract.feishu_card) refuses what 飞书's pages say is refused, and takes a
card built as those pages show."""

from __future__ import annotations

import copy
import json

import pytest

from render.contract.feishu_card import CONTENT_BYTES, RULES, SOURCES, check_card, check_content

GOOD = {
    "schema": "2.0",
    "config": {"update_multi": True, "width_mode": "fill"},
    "header": {"title": {"tag": "plain_text", "content": "📊 618活动"}, "template": "blue",
               "subtitle": {"tag": "plain_text", "content": "2026-05-20 ~ 2026-06-18"}},
    "body": {"elements": [
        {"tag": "column_set", "flex_mode": "bisect", "columns": [
            {"tag": "column", "width": "weighted", "weight": 1, "elements": [{"tag": "markdown", "content": "**ROI**"}]}]},
        {"tag": "table", "page_size": 10, "columns": [{"name": "c0", "display_name": "渠道", "data_type": "text"},
                                                      {"name": "c1", "display_name": "花费", "data_type": "number"}],
         "rows": [{"c0": "抖音", "c1": 1200.5}]},
        {"tag": "chart", "aspect_ratio": "16:9", "chart_spec": {"type": "bar", "data": {"values": []}}},
        {"tag": "hr"},
        {"tag": "button", "text": {"tag": "plain_text", "content": "看渠道"}, "type": "default",
         "behaviors": [{"type": "callback", "value": {"q": "{\"k\":\"channels\"}"}}]},
        {"tag": "button", "text": {"tag": "plain_text", "content": "表格"},
         "behaviors": [{"type": "open_url", "default_url": "https://example.com"}]},
        {"tag": "img", "img_key": "img_v3_1", "alt": {"tag": "plain_text", "content": "趋势"}},
    ]},
}


def _with(change) -> dict:
    card = copy.deepcopy(GOOD)
    change(card)
    return card


def test_a_card_as_the_pages_show_it_passes():
    assert check_card(GOOD) == []
    assert check_content(json.dumps(GOOD, ensure_ascii=False)) == []


@pytest.mark.parametrize(("change", "expected"), [
    (lambda c: c.update(schema="1.0"), "schema: must be \"2.0\""),
    (lambda c: c.update(elements=[]), "elements: is not a property"),  # 1.0's top-level elements
    (lambda c: c.update(i18n_elements={}), "i18n_elements: is not a property"),
    (lambda c: c["config"].update(update_multi=False), "config.update_multi"),
    (lambda c: c["config"].update(wide_screen_mode=True), "config.wide_screen_mode: is not a property"),
    (lambda c: c["header"].update(template="pink"), "header.template"),
    (lambda c: c["header"].pop("title"), "header.title: must be an object"),
    (lambda c: c["body"]["elements"][0]["columns"][0].update(weight=6), "weight: must be an integer 1–5"),
    (lambda c: c["body"]["elements"][0]["columns"][0]["elements"].append(copy.deepcopy(GOOD["body"]["elements"][1])),
     "a table may stand only in body.elements"),
    (lambda c: c["body"]["elements"][1].update(page_size=11), "page_size: must be an integer 1–10"),
    (lambda c: c["body"]["elements"][1]["rows"].append({"c9": "x"}), "rows[1].c9: names no column"),
    (lambda c: c["body"]["elements"][1]["rows"].append({"c1": "12"}), "a number column holds numbers"),
    (lambda c: c["body"]["elements"].extend([copy.deepcopy(GOOD["body"]["elements"][1])] * 5), "6 tables"),
    (lambda c: c["body"]["elements"][2].update(aspect_ratio="3:1"), "aspect_ratio"),
    (lambda c: c["body"]["elements"][2].pop("chart_spec"), "chart_spec: is required"),
    (lambda c: c["body"]["elements"][4]["text"].update(content="按" * 101), "101 characters; at most 100"),
    (lambda c: c["body"]["elements"][4].update(value={"a": 1}), "value: is not a property"),  # 1.0's button value
    (lambda c: c["body"]["elements"][4]["behaviors"][0].update(type="submit"), "behaviors[0].type"),
    (lambda c: c["body"]["elements"][5]["behaviors"][0].pop("default_url"), "default_url: is required"),
    (lambda c: c["body"]["elements"].append({"tag": "action", "actions": []}), "not a component this contract"),
    (lambda c: c["body"]["elements"].append({"tag": "markdown", "content": "x", "href": {}}), "href: is not"),
    (lambda c: c["body"]["elements"].append({"tag": "markdown", "content": "x", "element_id": "1abc"}),
     "element_id"),
    (lambda c: c["body"]["elements"][1]["rows"].append({"c1": float("nan")}), "is not a JSON number"),
])
def test_what_feishu_refuses_is_refused(change, expected):
    reasons = check_card(_with(change))
    assert any(expected in r for r in reasons), reasons


def test_the_content_is_a_string_of_json_within_30_kb():
    assert "must be a string" in check_content(GOOD)[0]
    assert "is not valid JSON" in check_content("{")[0]
    big = _with(lambda c: c["body"]["elements"].append({"tag": "markdown", "content": "数" * 11_000}))
    content = json.dumps(big, ensure_ascii=False)
    # 11,000 × 3 bytes of UTF-8 = 33,000 bytes of that element alone > 30 × 1024 = 30,720
    reasons = check_content(content)
    assert reasons[0].error == "230025" and f"at most {CONTENT_BYTES}" in reasons[0]


def test_every_rule_names_a_source_page():
    for _rule, sources in RULES:
        for name in (s.strip() for s in sources.split(",")):
            assert name in SOURCES, name
