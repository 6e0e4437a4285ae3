"""The plugin API's rate limit counts per sheet token, across every session made with it.

The real app (``roi_server.create_app``, plugin only) through Flask's test client, its limiter replaced by one on
a hand-moved clock (no test reads the real clock): ``ROI_API_RATE`` 5 requests per 60 seconds.
"""

from __future__ import annotations

import shutil

import pytest

from roi_app import links
from roi_app.stores.tokens import TokenStore, bucket_id, digest, source_id
from roi_runtime.config import DEMO_WORKBOOK, AppConfig
from roi_server import create_app
from web.auth import authenticate
from web.ratelimit import RateLimiter

SECRET = "ratelimit-test-secret-0123456789"
LIMIT, WINDOW = 5, 60.0
PATH = "/api/v1/metric?name=roi&campaign=618"


class Clock:
    """A monotonic clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def served(tmp_path):
    """(test client, the sheet's token, the clock, the app) over a copy of the demo, 5 requests a minute."""
    book = tmp_path / "demo.xlsx"
    shutil.copyfile(DEMO_WORKBOOK, book)
    cfg = AppConfig(source=str(book), web_secret=SECRET, database_url=f"sqlite:///{tmp_path / 'web.sqlite'}",
                    api_rate=f"{LIMIT}/{WINDOW:g}")
    app = create_app(cfg)
    clock = Clock()
    app.extensions["roi_web"].limiter = RateLimiter(LIMIT, WINDOW, clock=clock)
    token = app.extensions["roi_web"].tokens.issue(cfg.source)
    yield app.test_client(), token, clock, app
    links.configure(None)


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def open_session(client, token: str) -> str:
    resp = client.post("/api/v1/session", headers=bearer(token))
    assert resp.status_code == 200, resp.get_json()
    return resp.get_json()["url"].split("?s=", 1)[1]


def test_three_sessions_of_one_token_share_the_tokens_one_bucket(served):
    client, token, clock, _ = served
    sessions = [open_session(client, token) for _ in range(3)]  # 3 requests on the token's bucket
    assert len(set(sessions)) == 3
    # 5 a minute in all: 3 spent opening the sessions, so 2 more, from any session, then 429 for all of them
    first = client.get(PATH, headers={"X-ROI-Session": sessions[0]})
    second = client.get(PATH, headers={"X-ROI-Session": sessions[1]})
    assert (first.status_code, second.status_code) == (200, 200)
    for headers in ({"X-ROI-Session": sessions[0]}, {"X-ROI-Session": sessions[1]}, {"X-ROI-Session": sessions[2]},
                    bearer(token)):
        resp = client.get(PATH, headers=headers)
        assert resp.status_code == 429, headers
        # the oldest of the 5 was at 1000.0: it leaves the window at 1060.0, 60 s from now
        assert resp.headers["Retry-After"] == "60"
        assert resp.get_json()["error"] == f"请求太频繁：每 60 秒最多 {LIMIT} 次，请 60 秒后再试"
    # a fourth session cannot be opened either: making sessions is a request of the token's
    assert client.post("/api/v1/session", headers=bearer(token)).status_code == 429
    # a minute later the window has moved past all 5: the token and its sessions are served again
    clock.now += WINDOW
    assert client.get(PATH, headers={"X-ROI-Session": sessions[2]}).status_code == 200
    assert client.get(PATH, headers=bearer(token)).status_code == 200


def test_the_limit_slides(served):
    client, token, clock, _ = served
    session = open_session(client, token)  # t=1000
    for step in range(4):  # t=1010, 1020, 1030, 1040: 5 in the window
        clock.now += 10
        assert client.get(PATH, headers={"X-ROI-Session": session}).status_code == 200, step
    clock.now = 1059.0  # all 5 (1000..1040) are less than 60 s old
    assert client.get(PATH, headers=bearer(token)).status_code == 429
    clock.now = 1060.0  # the one at 1000 is 60 s old: out of the window, one place free
    assert client.get(PATH, headers=bearer(token)).status_code == 200
    assert client.get(PATH, headers={"X-ROI-Session": session}).status_code == 429


def test_a_new_token_for_the_sheet_is_a_new_bucket(served):
    """Two tokens do not share: ``addon-key`` again makes a new token (the old one is revoked) with its own count."""
    client, token, _, app = served
    for _ in range(LIMIT):
        assert client.get(PATH, headers=bearer(token)).status_code == 200
    assert client.get(PATH, headers=bearer(token)).status_code == 429
    fresh = app.extensions["roi_web"].tokens.issue(app.extensions["roi_web"].config.source)
    assert client.get(PATH, headers=bearer(fresh)).status_code == 200
    assert client.get(PATH, headers=bearer(token)).status_code == 401  # the old one is revoked, not just limited


def test_two_sheets_tokens_never_share_one_limiter(tmp_path):
    """One process, one limiter, two sheets' tokens (as two deployments on one database would see them):
    a bucket each, and each token's sessions in its token's bucket."""
    clock = Clock()
    limiter = RateLimiter(2, WINDOW, clock=clock)
    store = TokenStore(f"sqlite:///{tmp_path / 'tokens.sqlite'}")
    a_book, b_book = tmp_path / "a.xlsx", tmp_path / "b.xlsx"
    token_a, token_b = store.issue(str(a_book)), store.issue(str(b_book))

    def caller(headers, book):
        return authenticate(headers, store, str(book))

    a, b = caller(bearer(token_a), a_book), caller(bearer(token_b), b_book)
    assert a.key != b.key
    session_a = links.sign({"src": source_id(a_book), "sid": "one", "tk": a.bucket}, 600, secret=SECRET)
    links.configure(SECRET)
    try:
        a_session = caller({"X-ROI-Session": session_a}, a_book)
    finally:
        links.configure(None)
    assert a_session.key == a.key and a_session.via == "session"
    assert [limiter.allow(a.key), limiter.allow(a_session.key), limiter.allow(a.key)] == [0, 0, 60]
    assert [limiter.allow(b.key), limiter.allow(b.key), limiter.allow(b.key)] == [0, 0, 60]


def test_the_bucket_id_is_not_the_stored_digest():
    """A session's payload is readable by whoever sees its URL: it carries a hash of its own, not the row key."""
    token = "roi_example-token"
    assert bucket_id(token) == bucket_id(token) and len(bucket_id(token)) == 32
    assert bucket_id(token) not in digest(token) and bucket_id(token) != bucket_id(token + "x")


def test_sessions_signed_before_the_change_share_the_sheets_bucket(served):
    """A session without its token's bucket (made by the previous release, valid for up to an hour) is
    counted in one bucket for the sheet: old links keep working, and cannot multiply the limit either."""
    client, token, _, app = served
    src = source_id(app.extensions["roi_web"].config.source)
    old = [links.sign({"src": src, "sid": f"old{i}"}, 600, secret=SECRET) for i in range(3)]
    statuses = [client.get(PATH, headers={"X-ROI-Session": old[i % 3]}).status_code for i in range(LIMIT + 1)]
    assert statuses == [200] * LIMIT + [429]
    assert client.get(PATH, headers=bearer(token)).status_code == 200  # the token's own bucket is untouched
