"""The work after the ack is bounded: N workers, a queue of Q, and "正忙，请稍后再试" at once beyond it.

Nothing here is timed: the answers are held inside the sheet read (an Event) while the queue fills, so
which requests are queued and which are refused does not depend on the machine's speed. Requests are
signed and sent to the real Flask app; Slack's side is the loopback fake.
"""

from __future__ import annotations

import dataclasses
import json
import threading

import pytest

from bot.listeners import BUSY
from bot.work_queue import QueueFull, WorkQueue
from render.blocks import encode_query
from roi_app.answers import Assistant

WAIT = 30.0  # seconds any wait below may take before the test fails (never reached when it passes)


# ------------------------------------------------------------------------------ the queue itself
def test_at_most_n_run_at_most_q_wait_and_every_accepted_job_runs_once():
    queue = WorkQueue(workers=2, capacity=3, name="t")
    release, started = threading.Event(), threading.Semaphore(0)
    ran: list[int] = []
    lock = threading.Lock()

    def job(i):
        started.release()
        assert release.wait(WAIT)
        with lock:
            ran.append(i)
        return i

    futures = [queue.offer(job, i) for i in range(5)]  # 2 running + 3 waiting
    assert all(f is not None for f in futures)
    assert started.acquire(timeout=WAIT) and started.acquire(timeout=WAIT)  # both workers busy
    assert queue.offer(job, 5) is None and queue.offer(job, 6) is None  # beyond 2 + 3: refused, at once
    with pytest.raises(QueueFull):
        queue.submit(job, 7)
    assert (queue.in_flight, queue.waiting, queue.refused) == (2, 3, 3)
    release.set()
    assert [f.result(WAIT) for f in futures] == [0, 1, 2, 3, 4]
    queue.shutdown(wait=True)
    assert sorted(ran) == [0, 1, 2, 3, 4] and queue.peak_in_flight == 2
    assert queue.offer(job, 8) is None  # shut down: nothing more is accepted


def test_shutdown_drains_what_was_accepted():
    queue = WorkQueue(workers=1, capacity=4)
    ran = []
    for i in range(5):
        assert queue.offer(ran.append, i) is not None
    queue.shutdown(wait=True)
    assert ran == [0, 1, 2, 3, 4]


def test_an_exception_stays_in_its_future_and_the_worker_goes_on():
    queue = WorkQueue(workers=1, capacity=2)
    bad = queue.offer(lambda: 1 / 0)
    good = queue.offer(lambda: "ok")
    assert isinstance(bad.exception(WAIT), ZeroDivisionError) and good.result(WAIT) == "ok"
    queue.shutdown()


# ------------------------------------------------------------------------------ through the Slack app
class HeldRead:
    """The sheet read, held until ``release``: counts how many answers are inside it at once."""

    def __init__(self):
        self.release = threading.Event()
        self.inside = 0
        self.peak = 0
        self.entered = threading.Semaphore(0)
        self._lock = threading.Lock()

    def __call__(self, config):
        from sheets import open_source

        with self._lock:
            self.inside += 1
            self.peak = max(self.peak, self.inside)
        self.entered.release()
        try:
            assert self.release.wait(WAIT)
            return open_source(config.source).read()
        finally:
            with self._lock:
                self.inside -= 1


@pytest.fixture
def held(make_driver, bot_config):
    """A Slack app with 2 workers and a queue of 3, whose answers wait inside the sheet read."""
    config = dataclasses.replace(bot_config, slack_workers=2)
    read = HeldRead()
    driver = make_driver(config, assistant=Assistant(config, read=read), queue_size=3)
    yield driver, read
    read.release.set()
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)


# five different questions, so each answer reads the sheet itself (the same text asked twice at once would share
# one read and one answer: see the single-flight test below)
QUESTIONS = ("春季促销", "渠道 2026-03", "排行 3", "月报 2026-03", "归因 线性 2026-03")


def _fill(driver, read):
    """Send the five questions (2 running + 3 waiting fill the queue); returns their acks once 2 are inside
    the read."""
    acks = [driver.command(text).get_json() for text in QUESTIONS]
    assert read.entered.acquire(timeout=WAIT) and read.entered.acquire(timeout=WAIT)
    return acks


def test_beyond_the_queue_the_ack_says_busy_and_every_acked_question_gets_exactly_one_answer(held, slack_api):
    driver, read = held
    acks = _fill(driver, read)
    acks += [driver.command("春季促销").get_json() for _ in range(3)]  # commands 6-8: beyond 2 running + 3 waiting
    assert acks[:5] == [{"response_type": "ephemeral", "text": f"⏳ 正在查询「{text}」…"} for text in QUESTIONS]
    assert acks[5:] == [{"response_type": "ephemeral", "text": "正忙，请稍后再试"}] * 3
    read.release.set()
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)  # every queued answer has been sent
    assert read.peak == 2  # at most N (2) answers in flight, however many were queued
    posts = slack_api.calls("response_url")
    # one answer to each of the five ⏳ commands (their response_urls are commands/T1/1..5), none to the three
    # told they came at a busy time: they had their reply in the ack
    assert sorted(p["path"] for p in posts) == [f"/hooks/commands/T1/{n}/x" for n in range(1, 6)]
    assert all(p["args"]["response_type"] == "in_channel" for p in posts)
    first = next(p for p in posts if p["path"] == "/hooks/commands/T1/1/x")  # 春季促销: ROI 157.1%
    assert "157.1%" in json.dumps(first["args"]["blocks"])


def test_an_english_question_beyond_the_queue_is_told_in_english(held):
    driver, read = held
    _fill(driver, read)
    assert driver.command("channels 2026-03").get_json() == {"response_type": "ephemeral",
                                                              "text": "Busy, please try again shortly"}
    assert BUSY["en"] == "Busy, please try again shortly"


def test_a_mention_beyond_the_queue_gets_the_busy_notice_in_its_thread(held, slack_api):
    driver, read = held
    _fill(driver, read)
    assert driver.mention("春季促销", event_id="EvBusy", ts="1700000077.000100").status_code == 200
    (post,) = slack_api.wait_for("chat.postMessage", 1, WAIT)
    assert post["args"]["thread_ts"] == "1700000077.000100" and post["args"]["text"] == "正忙，请稍后再试"
    read.release.set()
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)
    assert len(slack_api.calls("chat.postMessage")) == 1  # the busy notice was its one reply


def test_a_button_beyond_the_queue_tells_the_clicker_busy(held, slack_api):
    driver, read = held
    _fill(driver, read)
    value = encode_query("top", top_n=3)
    assert driver.action({"action_id": "roi:query:top", "value": value}).status_code == 200
    busy = next(c for c in slack_api.wait_for("response_url", 1, WAIT) if "/actions/" in c["path"])
    assert busy["args"]["text"] == "正忙，请稍后再试" and busy["args"]["response_type"] == "ephemeral"
    read.release.set()
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)
    assert len([c for c in slack_api.calls("response_url") if "/actions/" in c["path"]]) == 1


def test_the_same_question_asked_at_once_is_answered_once_for_all(held, slack_api):
    driver, read = held
    acks = [driver.command("春季促销").get_json() for _ in range(5)]
    assert all(a["text"] == "⏳ 正在查询「春季促销」…" for a in acks)
    assert read.entered.acquire(timeout=WAIT)
    read.release.set()
    driver.app.config["BOLT_APP"].deps.executor.shutdown(wait=True)
    posts = slack_api.calls("response_url")
    assert len(posts) == 5 and all("157.1%" in json.dumps(p["args"]["blocks"]) for p in posts)
    # the second worker, asking the same text while the first was inside the read, waited for its result
    # instead of reading too: never two reads of one question at once
    assert read.peak == 1


def test_once_the_queue_drains_questions_are_queued_again(held, slack_api):
    driver, read = held
    _fill(driver, read)
    read.release.set()
    slack_api.wait_for("response_url", 5, WAIT)
    deps = driver.app.config["BOLT_APP"].deps
    # the workers may still be finishing their last send: the queue is free once nothing is in flight
    for _ in range(int(WAIT / 0.01)):
        if deps.executor.in_flight == 0 and deps.executor.waiting == 0:
            break
        threading.Event().wait(0.01)
    assert driver.command("春季促销").get_json()["text"] == "⏳ 正在查询「春季促销」…"
    slack_api.wait_for("response_url", 6, WAIT)


def test_a_question_joins_only_work_that_started_within_the_cache_ttl():
    from roi_app.single_flight import SingleFlight

    now = [100.0]
    flights = SingleFlight(clock=lambda: now[0])
    inside, release = threading.Event(), threading.Event()
    calls = []

    def slow():
        calls.append("leader")
        inside.set()
        assert release.wait(WAIT)
        return "leader's"

    got = {}
    leader = threading.Thread(target=lambda: got.__setitem__("leader", flights.do("q", slow, max_age=60)))
    leader.start()
    assert inside.wait(WAIT)
    now[0] = 130.0  # 30 s after the leader started: within a 60 s TTL, so this asker shares the leader's result
    joiner = threading.Thread(target=lambda: got.__setitem__("joiner", flights.do("q", lambda: "never", max_age=60)))
    joiner.start()
    for _ in range(int(WAIT / 0.01)):  # until the joiner is waiting on the leader's run
        if flights.sharing("q") == 1:
            break
        threading.Event().wait(0.01)
    assert flights.sharing("q") == 1
    now[0] = 161.0  # 61 s after: older than the TTL allows, so this asker computes its own
    assert flights.do("q", lambda: calls.append("own") or "own", max_age=60) == "own"
    release.set()
    leader.join(WAIT)
    joiner.join(WAIT)
    assert got == {"leader": "leader's", "joiner": "leader's"} and calls == ["leader", "own"]


def test_claims_made_at_once_share_inserts_and_keep_one_winner_per_key(tmp_path):
    from roi_app.stores.claims import ClaimStore

    store = ClaimStore(f"sqlite:///{tmp_path / 'claims.sqlite'}")
    keys = [f"command:T1:trig-{i}" for i in range(8)] * 3  # every request delivered three times, all at once
    start = threading.Barrier(len(keys))
    won: list[str] = []
    lock = threading.Lock()

    def claim(key):
        start.wait(WAIT)
        if store.claim(key):
            with lock:
                won.append(key)

    threads = [threading.Thread(target=claim, args=(k,)) for k in keys]
    for t in threads:
        t.start()
    for t in threads:
        t.join(WAIT)
    assert sorted(won) == sorted(set(keys)) and store.count() == 8  # 24 deliveries, 8 requests, 8 answers
