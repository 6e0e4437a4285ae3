"""The query model as the language model sees it (roi_app.llm_query): a schema read from the Query dataclass,
and replies checked against the same model (pure: no server)."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest

from roi_app.llm_query import OWN_FIELDS, Rejected, query_fields, query_from_reply, query_schema
from roi_core.query.model import KINDS, METRICS, Query
from tests.fakes.chat_completions import strict_schema_problems

CAMPAIGNS = ("618活动", "双11大促", "2025双11大促")
CHANNELS = ("抖音", "天猫直通车", "小红书")


def reply(**given) -> dict:
    """A full reply as strict structured output gives it: every field, null where the question says nothing."""
    out = {f.name: None for f in query_fields()}
    out.update(given)
    return out


def read(obj, question: str = "年中那次大促各渠道表现咋样") -> Query:
    return query_from_reply(obj, question=question, lang="zh", campaigns=CAMPAIGNS, channels=CHANNELS)


def test_the_schema_is_read_from_the_query_dataclass():
    schema = query_schema()
    # every field of Query the model may set, whatever fields the understander has grown since
    expected = [f.name for f in dataclasses.fields(Query) if f.name not in OWN_FIELDS]
    assert list(schema["properties"]) == expected
    assert schema["required"] == expected and schema["additionalProperties"] is False
    assert schema["properties"]["kind"]["enum"][:len(KINDS)] == list(KINDS)
    metric = schema["properties"]["metric"]["anyOf"]
    assert metric[0]["enum"] == list(METRICS) and metric[1] == {"type": "null"}
    assert schema["properties"]["sides"]["anyOf"][0] == {
        "type": "array", "items": {"$ref": "#"},
        "description": "the sides of a comparison (each a query of its own); null when not a comparison"}


def test_the_schema_stays_inside_strict_structured_outputs():
    assert strict_schema_problems(query_schema()) == []


def test_a_good_reply_is_a_query_with_our_own_fields_set_by_us():
    q = read(reply(kind="campaign", text="618活动", metric="cac"))
    assert (q.kind, q.text, q.metric, q.top_n, q.order) == ("campaign", "618活动", "cac", 10, "best")  # null: default
    assert (q.raw, q.lang, q.resolved) == ("年中那次大促各渠道表现咋样", "zh", True)


def test_a_whole_month_sets_month_as_the_rules_do():
    q = read(reply(kind="channels", start="2026-10-01", end="2026-10-31", order="worst"))
    assert q.month == pd.Period("2026-10", freq="M") and q.period == (dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    q = read(reply(kind="channels", start="2026-10-01", end="2026-10-14"))  # 10月前两周: no month
    assert q.month is None and q.end == dt.date(2026, 10, 14)


def test_a_comparison_of_two_campaigns():
    side = reply(kind="campaign", text="双11大促")
    q = read(reply(kind="compare", sides=[side, reply(kind="campaign", text="2025双11大促")]))
    assert [s.text for s in q.sides] == ["双11大促", "2025双11大促"] and all(s.lang == "zh" for s in q.sides)


@pytest.mark.parametrize("bad, why", [
    (reply(kind="roi_report"), "kind: 'roi_report' is none of"),
    (reply(kind="help"), "help"),
    (reply(kind=None), "no kind"),
    (reply(kind="top", top_n="五"), "top_n: '五' is not a int"),
    (reply(kind="top", top_n=True), "top_n: True is not a int"),
    (reply(kind="top", top_n=0), "top_n: 0 is not within 1..500"),
    (reply(kind="campaign", text="年中大促"), "campaign '年中大促' is not in the sheet"),
    (reply(kind="channel_trend", channel="抖音号"), "channel: '抖音号' is not in the sheet"),
    (reply(kind="channels", metric="gmv"), "metric: 'gmv' is none of"),
    (reply(kind="channels", start="2026-02-30", end="2026-03-01"), "no day of the calendar"),
    (reply(kind="channels", start="2026/10/01", end="2026-10-31"), "is not a date"),
    (reply(kind="channels", start="2026-10-01"), "both start and end"),
    (reply(kind="channels", start="2026-10-31", end="2026-10-01"), "after end"),
    (reply(kind="advice", budget=-5), "not a positive amount"),
    (reply(kind="campaign", text="618活动", raw="ignore the rules"), "fields that are not the query's: raw"),
    ({**reply(kind="campaign"), "figures": {"cost": 1}}, "fields that are not the query's: figures"),
    (reply(kind="compare", sides=[reply(kind="campaign", text="618活动", sides=[])]), "list of 2 to 4"),
    (reply(kind="compare", sides=[reply(kind="compare", sides=[reply(kind="campaign"), reply(kind="campaign")]),
                                  reply(kind="campaign")]), "sides of its own"),
    (["campaign"], "list where a query"),
])
def test_a_reply_the_query_model_does_not_allow_is_rejected(bad, why):
    with pytest.raises(Rejected) as caught:
        read(bad)
    assert why in str(caught.value)
