"""A view as a 飞书 card (render.feishu), on views built by hand: sheet strings inert in markdown and kept as typed
in plain-text places, buttons that ask the follow-up, long tables cut, every card within the contract."""

from __future__ import annotations

import json

from render.blocks import decode_query
from render.contract.feishu_card import check_card
from render.feishu import card_message, error_card
from render.feishu.card import SHOWN_ROWS, md
from roi_core.views.model import Action, Chart, Column, Figure, ItemList, Note, Table, View

HOSTILE = "<at id=all></at> **粗** [链](http://x) `码` ~删~ _斜_ & #"


def _markdown(card) -> list[str]:
    out = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("tag") == "markdown":
                out.append(node["content"])
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    walk(card)
    return out


def view(rows: int = 3) -> View:
    return View(kind="campaign", lang="zh", title=f"📊 {HOSTILE}", when="2026-10-01 ~ 2026-10-31", context=[HOSTILE],
                figures=[Figure("ROI", "117.1%", note=HOSTILE, status="good"), Figure(HOSTILE, "¥1,000")],
                notes=[Note("漏斗", HOSTILE, detail=HOSTILE)],
                tables=[Table("渠道", [Column("渠道", "left"), Column("ROI")],
                              [[f"{HOSTILE}{i}", f"{i}.0%"] for i in range(rows)])],
                charts=[Chart("bar", "各渠道 ROI", ["抖音", HOSTILE], [("ROI", [184.1, None])])],
                lists=[ItemList("suggestions", "建议", [HOSTILE])],
                actions=[Action("📈 同月渠道排行", "query", {"kind": "channels", "lang": "zh", "month": "2026-10"}),
                         Action("打开表格", "open_sheet", {"url": "https://docs.google.com/spreadsheets/d/1"})])


def test_sheet_strings_are_inert_in_markdown_and_as_typed_in_plain_text():
    msg = card_message(view(), "text")
    assert msg.reasons == [] and check_card(msg.card) == []
    for text in _markdown(msg.card):
        assert "<at" not in text and "[链](" not in text and "`码`" not in text, text
    assert md(HOSTILE) in "\n".join(_markdown(msg.card))
    assert msg.card["header"]["title"]["content"] == f"📊 {HOSTILE}"  # plain_text: shown as typed, never parsed
    table = next(el for el in msg.card["body"]["elements"] if el["tag"] == "table")
    assert table["rows"][0] == {"c0": f"{HOSTILE}0", "c1": "0.0%"}
    chart = next(el for el in msg.card["body"]["elements"] if el["tag"] == "chart")
    # the None value is left out, not drawn as 0
    assert chart["chart_spec"]["data"]["values"] == [{"x": "抖音", "y": 184.1, "s": "ROI"}]


def test_buttons_ask_the_follow_up_and_links_open():
    buttons = [el for el in card_message(view(), "t").card["body"]["elements"] if el["tag"] == "button"]
    asked = decode_query(buttons[0]["behaviors"][0]["value"]["q"])
    assert (asked.kind, str(asked.month)) == ("channels", "2026-10")
    assert buttons[1]["behaviors"][0] == {"type": "open_url", "default_url": "https://docs.google.com/spreadsheets/d/1"}


def test_a_long_table_shows_30_rows_and_counts_the_rest():
    elements = card_message(view(rows=45), "t").card["body"]["elements"]
    table = next(el for el in elements if el["tag"] == "table")
    assert len(table["rows"]) == SHOWN_ROWS == 30
    assert any(el.get("content") == "…还有 15 项" for el in elements)  # 45 − 30 = 15


def test_a_card_that_would_not_fit_30_kb_is_cut_until_it_does():
    big = view(rows=200)
    big.tables[0].rows = [[f"{'渠' * 400}{i}", f"{i}.0%"] for i in range(200)]
    msg = card_message(big, "t")  # 30 rows × 400 × 3 bytes = 36,000 bytes of names alone > 30,720: halved to 15
    assert msg.reasons == []
    assert len(json.dumps(msg.card, ensure_ascii=False, separators=(",", ":")).encode()) <= 30 * 1024
    table = next(el for el in msg.card["body"]["elements"] if el["tag"] == "table")
    assert len(table["rows"]) == 15  # 15 × 1,200 = 18,000 bytes: fits


def test_an_error_is_a_short_card():
    msg = error_card("「渠道 2026-13」里的月份不对", "写成 2026-12", "zh")
    assert msg.payload()[0] == "interactive"
    assert msg.card["body"]["elements"][0]["content"] == "❌ 「渠道 2026-13」里的月份不对\n💡 提示：写成 2026-12"
