"""Every answer kind, on the demo workbook and a hostile one, in 中文 and English, is a 飞书 card that passes the
card contract, and 飞书 (the loopback fake, through lark-oapi's real client) takes every one of them as a card.

The hostile workbook (tests/bot/test_contract_matrix.py) has 40 channels and 3 campaigns whose names are 110
characters of chat syntax (``<!channel> <@U1> <https://x|y> * _ ~ ```  ``); here its names must stay inert in
飞书 markdown too: no raw ``<`` or formatting character of a sheet name reaches a markdown element.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pandas as pd
import pytest

from render.contract.feishu_card import CONTENT_BYTES, check_content
from render.feishu import build_card, view_card
from roi_app.answers import Assistant
from roi_core import RoiError, parse_query
from roi_runtime.config import AppConfig
from tests.bot.test_contract_matrix import NASTY, hostile_workbook, questions

pytestmark = pytest.mark.slow  # ~100 answers computed on two workbooks, and a loopback server

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo.xlsx"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def sources(tmp_path_factory) -> dict[str, Path]:
    return {"demo": DEMO, "hostile": hostile_workbook(tmp_path_factory.mktemp("hostile") / "hostile.xlsx")}


def _markdown_texts(node) -> list[str]:
    if isinstance(node, dict):
        own = [node["content"]] if node.get("tag") == "markdown" else []
        return own + [t for v in node.values() for t in _markdown_texts(v)]
    if isinstance(node, list):
        return [t for v in node for t in _markdown_texts(v)]
    return []


def matrix_cards(source: Path, lang: str, data: str) -> dict[str, object]:
    """``{kind: FeishuMessage}`` for one workbook and language, as the door renders them."""
    assistant = Assistant(AppConfig(source=str(source)), today=lambda: TODAY)
    from render.feishu import error_card

    out = {}
    for kind, text in questions(data, lang).items():
        try:
            query = parse_query(text, TODAY)
            ans, _, _ = assistant.answer_with_key(query)
            out[kind] = build_card(ans)
        except RoiError as err:
            out[kind] = error_card(err.message, err.hint, lang)
    return out


@pytest.mark.parametrize("data", ["demo", "hostile"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_answer_kind_is_a_card_feishu_takes(data, lang, sources):
    from roi_runtime.feishu_notify import FeishuNotifier, feishu_client
    from tests.fakes.feishu_api import FakeFeishuAPI

    cards = matrix_cards(sources[data], lang, data)
    assert len(cards) == len(questions(data, lang)) >= 15  # the Slack matrix's kinds (channel_trend: demo only)
    refused, sizes = [], []
    for kind, msg in cards.items():
        msg_type, content = msg.payload()
        assert msg_type == "interactive", (kind, msg.reasons)  # never the plain-text fallback
        refused += [f"{kind}: {r}" for r in check_content(content)]
        sizes.append(len(content.encode()))
        for text in _markdown_texts(json.loads(content)):
            assert "<!channel>" not in text and "<@U1>" not in text and "```" not in text, (kind, text[:200])
    assert refused == []
    assert max(sizes) <= CONTENT_BYTES
    with FakeFeishuAPI() as feishu:  # and 飞书 takes each one, through lark-oapi's own client
        config = AppConfig(feishu_app_id=feishu.app_id, feishu_app_secret=feishu.app_secret,
                           feishu_api_url=feishu.url)
        notifier = FeishuNotifier(feishu_client(config))
        for msg in cards.values():
            notifier.post("oc_matrix", msg)
        sent = feishu.sent("oc_matrix")
    assert [m["msg_type"] for m in sent] == ["interactive"] * len(cards)


@pytest.mark.parametrize("data", ["demo", "hostile"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_monthly_card_and_alert_cards_pass(data, lang, sources):
    from roi_core.monitor import check_day
    from roi_core.monthly import monthly_summary
    from roi_core.views.alerts import alert_view
    from sheets import open_source

    sheet = open_source(str(sources[data])).read()
    summary = monthly_summary(sheet, pd.Period("2026-10" if data == "demo" else "2026-03", freq="M"))
    summary.lang = lang
    msg = build_card(summary)
    assert msg.payload()[0] == "interactive" and check_content(msg.payload()[1]) == [], msg.reasons
    day = dt.date(2026, 11, 11) if data == "demo" else dt.date(2026, 3, 15)
    alerts = [dataclasses.replace(a, lang=lang) for a in check_day(sheet, day).alerts]
    assert alerts, (data, day)
    by_campaign: dict[str, list] = {}
    for alert in alerts:
        by_campaign.setdefault(alert.campaign, []).append(alert)
    for campaign, group in by_campaign.items():
        card = view_card(alert_view(campaign, group, day))
        assert card.payload()[0] == "interactive", card.reasons
        if data == "hostile":
            assert all(NASTY not in t for t in _markdown_texts(card.card))
