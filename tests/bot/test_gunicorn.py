"""The Procfile's way: gunicorn (2 workers × threads) running 'roi_server:create_app()' on 127.0.0.1."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from roi_runtime.config import REPO_ROOT
from tests.fakes.fixtures import SLACK_TEST_SIGNING_SECRET, SLACK_TEST_TOKEN
from tests.fakes.slack_api import event_body, slack_signed_headers, slash_command_body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(port: int, method: str, path: str, body: str = "", headers: dict | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body.encode("utf-8"), headers=headers or {})
        resp = conn.getresponse()
        return resp.status, resp.read()
    finally:
        conn.close()


def start_gunicorn(port: int, env: dict, workers: int = 2, threads: int = 4, log: Path | None = None):
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
           "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "roi_server:create_app()"]
    out = open(log, "wb") if log else subprocess.DEVNULL  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: {log.read_text() if log else ''}")
        try:
            if request(port, "GET", "/healthz")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.2)
    stop(proc)
    raise RuntimeError("gunicorn did not become ready")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def gunicorn_app(tmp_path, slack_api, workbook):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp_path),
        "SLACK_BOT_TOKEN": SLACK_TEST_TOKEN, "SLACK_SIGNING_SECRET": SLACK_TEST_SIGNING_SECRET,
        "SLACK_API_URL": slack_api.api_url, "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite'}",
        "ROI_SOURCE": str(workbook), "CHART_PNG": "off",
    }
    port = free_port()
    log = tmp_path / "gunicorn.log"
    proc = start_gunicorn(port, env, log=log)
    yield port
    stop(proc)
    assert "Traceback" not in log.read_text(errors="replace")


def test_under_gunicorn(gunicorn_app, slack_api):
    port = gunicorn_app
    form = "application/x-www-form-urlencoded"

    # a slash command: acked, then answered through the response_url with the right numbers
    body = slash_command_body("春季促销", response_url=slack_api.response_url("commands/T1/g/1"), trigger_id="g-1")
    status, _ = request(port, "POST", "/slack/events", body, slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body))
    assert status == 200
    answer = slack_api.wait_for("response_url", 1, timeout=20)[0]["args"]
    assert answer["response_type"] == "in_channel" and "157.1%" in str(answer["blocks"])

    # a bad signature and a stale timestamp are refused
    assert request(port, "POST", "/slack/events", body, slack_signed_headers("wrong", body))[0] == 401
    old = slack_signed_headers(SLACK_TEST_SIGNING_SECRET, body, timestamp=int(time.time()) - 360, content_type=form)
    assert request(port, "POST", "/slack/events", body, old)[0] == 401

    # an event and its retries, each on a new connection (so across both workers): one answer
    event = {"type": "app_mention", "user": "U1", "text": "<@UBOT> 渠道 2026-03", "ts": "1700000100.000100",
             "channel": "C1", "event_ts": "1700000100.000100"}
    ev = event_body(event, event_id="EvG1")
    for retry in (None, "1", "2", "3"):
        headers = slack_signed_headers(SLACK_TEST_SIGNING_SECRET, ev, content_type="application/json")
        if retry:
            headers["X-Slack-Retry-Num"] = retry
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        assert request(port, "POST", "/slack/events", ev, headers)[0] == 200
    post = slack_api.wait_for("chat.postMessage", 1, timeout=20)[0]["args"]
    assert post["thread_ts"] == "1700000100.000100" and "144.7%" in str(post["blocks"])
    time.sleep(1.0)
    assert len(slack_api.calls("chat.postMessage")) == 1
