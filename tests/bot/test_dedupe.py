"""bot.dedupe: one claim per key, across threads and processes sharing the database."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
from concurrent.futures import ThreadPoolExecutor

from bot.dedupe import request_key
from roi_app.stores.claims import KEEP, ClaimStore


def test_first_claim_wins_and_repeats_lose(tmp_path):
    store = ClaimStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    assert store.claim("event:T1:Ev1") is True
    assert store.claim("event:T1:Ev1") is False
    assert store.claim("event:T1:Ev2") is True


def test_many_threads_one_winner_per_key(tmp_path):
    store = ClaimStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    keys = [f"event:T1:Ev{i % 10}" for i in range(200)]
    with ThreadPoolExecutor(16) as pool:
        wins = list(pool.map(store.claim, keys))
    assert sum(wins) == 10


def _claim_in_process(args):
    url, keys = args
    store = ClaimStore(url)
    return [k for k in keys if store.claim(k)]


def test_processes_sharing_the_file_get_one_winner_per_key(tmp_path):
    url = f"sqlite:///{tmp_path / 'shared.sqlite'}"
    keys = [f"command:T1:trig{i}" for i in range(30)]
    with mp.get_context("spawn").Pool(3) as pool:
        results = pool.map(_claim_in_process, [(url, keys)] * 3)
    won = [k for r in results for k in r]
    assert sorted(won) == sorted(keys)  # each key claimed exactly once over the three processes


def test_old_claims_are_pruned(tmp_path):
    store = ClaimStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    old = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    store.claim("event:T1:old", now=old)
    store._last_prune = -1e9
    store.claim("event:T1:new", now=old + KEEP + dt.timedelta(hours=1))
    assert store.count() == 1


def test_a_broken_database_answers_anyway(tmp_path):
    store = ClaimStore(f"sqlite:///{tmp_path / 'd.sqlite'}")
    store.engine.dispose()
    (tmp_path / "d.sqlite").unlink()
    (tmp_path / "d.sqlite").mkdir()  # now unopenable
    assert store.claim("event:T1:x") is True


def test_request_keys():
    assert request_key({"type": "event_callback", "team_id": "T1", "event_id": "Ev9"}) == "event:T1:Ev9"
    assert request_key({"command": "/roi", "team_id": "T1", "trigger_id": "t.1"}) == "command:T1:t.1"
    assert request_key({"type": "block_actions", "team": {"id": "T1"}, "trigger_id": "a.1"}) == "action:T1:a.1"
    assert request_key({"type": "url_verification"}) is None


def test_response_url_posts_reuse_one_connection(slack_api):
    from bot.delivery import ResponseUrlPoster

    poster = ResponseUrlPoster()
    respond = poster.respond_for(slack_api.response_url("commands/T1/9/z"))
    for i in range(3):
        assert respond(text=f"第 {i} 条", response_type="ephemeral").status_code == 200
    calls = slack_api.calls("response_url")
    assert [c["args"] for c in calls] == [{"text": f"第 {i} 条", "response_type": "ephemeral"} for i in range(3)]
    (conn,) = poster._local.conns.values()
    assert conn.sock is not None  # still open: kept alive for the next answer


def test_socket_mode_needs_the_app_token_not_the_signing_secret(slack_api):
    import pytest

    from bot.app import SlackConfigError, build_bolt_app, check_config
    from roi_runtime.config import AppConfig

    with pytest.raises(SlackConfigError, match="SLACK_APP_TOKEN"):
        check_config(AppConfig(slack_bot_token="xoxb-1"), socket=True)
    config = AppConfig(slack_bot_token="xoxb-1", slack_app_token="xapp-1-A1-1", slack_api_url=slack_api.api_url)
    check_config(config, socket=True)
    assert build_bolt_app(config, socket=True).client.base_url == slack_api.api_url
