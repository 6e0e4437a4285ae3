"""Property tests: whatever arrives at /slack/events, signed or not, and whatever text a question holds,
the app answers with a status below 500 and the question parser raises nothing but its own named errors."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from roi_core import RoiError, parse_query
from roi_core.query.model import KINDS
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET
from tests.fakes.slack_api import slack_signed_headers

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])

json_like = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)


@FUZZ
@given(body=st.binary(max_size=2000), content_type=st.sampled_from(
    ["application/json", "application/x-www-form-urlencoded", "text/plain", ""]),
    timestamp=st.one_of(st.none(), st.text(max_size=12)), signature=st.one_of(st.none(), st.text(max_size=80)))
def test_unsigned_noise_is_always_refused(driver, body, content_type, timestamp, signature):
    headers = {"Content-Type": content_type}
    if timestamp is not None:
        headers["X-Slack-Request-Timestamp"] = timestamp
    if signature is not None:
        headers["X-Slack-Signature"] = signature
    try:
        resp = driver.client.post("/slack/events", data=body, headers=headers)
    except ValueError:  # the test client itself refuses a header with a newline: nothing reached the app
        return
    assert resp.status_code == 401


@FUZZ
@given(payload=json_like, as_form=st.booleans())
def test_signed_nonsense_never_500s(driver, payload, as_form):
    import json
    from urllib.parse import urlencode

    text = json.dumps(payload, ensure_ascii=False)
    if as_form:
        body, content_type = urlencode({"payload": text}), "application/x-www-form-urlencoded"
    else:
        body, content_type = text, "application/json"
    resp = driver.client.post("/slack/events", data=body.encode("utf-8"),
                              headers=slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body, content_type=content_type))
    assert resp.status_code < 500


@settings(max_examples=400, deadline=None)
@given(text=st.text(max_size=80) | st.lists(st.sampled_from(
    ["渠道", "归因", "月报", "建议", "排行", "top", "前", "2026-10", "13", "-1", "１０", "线性", "马尔可夫", "618活动",
     "<@U1>", "\u3000", "2026年13月", "99999999999", "help", "帮助", "attribution", "summary", "Q3"]), max_size=6)
    .map(" ".join))
def test_question_parser_raises_only_its_own_errors(text):
    try:
        query = parse_query(text, dt.date(2026, 11, 30))
    except RoiError as err:
        assert err.message and "Traceback" not in err.message
        return
    assert query.kind in KINDS  # every kind the parser may give (lifecycle, cohort, … included)
