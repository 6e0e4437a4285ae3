"""Shared fixtures of the web tests: the real app under gunicorn on 127.0.0.1, over a copy of the demo.

``web_server`` (one per test module) runs ``gunicorn 'roi_server:create_app()'``
(as the Procfile does) with no Slack tokens (the plugin-only deployment), a
temporary SQLite database, a temporary copy of ``examples/demo.xlsx`` and a
token made by the real ``python -m sheets addon-key`` (its last line). Use::

    def test_x(web_server):
        status, headers, body = web_server.get("/api/v1/metric?name=roi&campaign=618")
        web_server.post("/api/v1/ask", {"q": "618活动"})           # Bearer token added
        web_server.post("/api/v1/ask", {"q": "x"}, token=None)    # no Authorization header
        web_server.url + "/app?s=" + web_server.sign({"src": web_server.source_id}, 600)

``start_web_server(tmp, env_extra=..., source=...)`` starts another one (a
different rate limit, a Google source); stop it with ``.stop()``.
"""

from __future__ import annotations

import http.client
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import pytest

from roi_runtime.config import DEMO_WORKBOOK, REPO_ROOT

WEB_SECRET = "test-web-secret-0123456789abcdef"
SERVER_START_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class WebServer:
    """A running gunicorn over the app; ``token`` is the sheet's Bearer token, ``source`` its location."""

    port: int
    proc: subprocess.Popen
    env: dict
    token: str
    source: str
    log: Path
    extra: dict = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def source_id(self) -> str:
        from roi_app.stores.tokens import source_id

        return source_id(self.source)

    def request(self, method: str, path: str, body: bytes | str | dict | None = None, *,
                token: str | None | bool = True, headers: dict | None = None, timeout: float = 30):
        """(status, headers, parsed JSON or text) of one request; ``token=True`` sends this server's token."""
        headers = dict(headers or {})
        if token is True:
            token = self.token
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if isinstance(body, dict):
            body = json.dumps(body, ensure_ascii=False)
            headers.setdefault("Content-Type", "application/json")
        if isinstance(body, str):
            body = body.encode("utf-8")
        path = quote(path, safe="/?&=%:+,;@!$'()*~-._#")  # Chinese in a path or query goes as UTF-8 %-escapes
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers=headers)
            resp = conn.getresponse()
            raw = resp.read()
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = raw.decode("utf-8", "replace")
            return resp.status, dict(resp.getheaders()), parsed
        finally:
            conn.close()

    def get(self, path: str, **kw):
        return self.request("GET", path, **kw)

    def post(self, path: str, body=None, **kw):
        return self.request("POST", path, body if body is not None else b"", **kw)

    def sign(self, payload: dict, ttl_seconds: int = 600) -> str:
        """A page session or link signed with this server's ROI_WEB_SECRET."""
        from roi_app import links

        return links.sign(payload, ttl_seconds, secret=self.env["ROI_WEB_SECRET"])

    def session(self) -> str:
        """A fresh ``X-ROI-Session`` value from ``POST /api/v1/session`` (counted in the token's rate-limit bucket)."""
        status, _, body = self.post("/api/v1/session")
        assert status == 200, body
        return body["url"].split("?s=", 1)[1]

    def quote(self, text: str) -> str:
        return quote(text, safe="")

    def stop(self) -> str:
        """Stop gunicorn; return its log."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.log.read_text(errors="replace")


def make_token(env: dict, source: str) -> str:
    """A token from the real command line, as an operator makes it (the token is its last line)."""
    done = subprocess.run([sys.executable, "-m", "sheets", "addon-key", "--source", source], cwd=REPO_ROOT, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr + done.stdout
    return done.stdout.strip().splitlines()[-1]


def start_web_server(tmp: Path, *, env_extra: dict | None = None, source: str | None = None, workers: int = 1,
                     threads: int = 16) -> WebServer:
    """gunicorn 'roi_server:create_app()' on a free 127.0.0.1 port; the demo's copy in ``tmp`` unless ``source``."""
    tmp.mkdir(parents=True, exist_ok=True)
    if source is None:
        source = str(tmp / "demo.xlsx")
        shutil.copyfile(DEMO_WORKBOOK, source)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp),
        "DATABASE_URL": f"sqlite:///{tmp / 'web.sqlite'}", "ROI_SOURCE": source,
        "ROI_WEB_SECRET": WEB_SECRET, "CHART_PNG": "off", "TIMEZONE": "Asia/Shanghai",
        **(env_extra or {}),
    }
    token = make_token(env, source)
    port = free_port()
    log = tmp / f"gunicorn-{port}.log"
    cmd = [sys.executable, "-m", "gunicorn", "--workers", str(workers), "--threads", str(threads),
           "--bind", f"127.0.0.1:{port}", "--graceful-timeout", "5", "roi_server:create_app()"]
    out = open(log, "wb")  # noqa: SIM115 - closed with the process
    proc = subprocess.Popen(cmd, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    server = WebServer(port=port, proc=proc, env=env, token=token, source=source, log=log)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {proc.returncode}: {log.read_text(errors='replace')}")
        try:
            if server.get("/healthz", token=None)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    server.stop()
    raise RuntimeError("gunicorn did not become ready: " + log.read_text(errors="replace"))


@pytest.fixture(scope="module")
def web_server(tmp_path_factory):
    """One gunicorn per test module over a copy of the demo, plugin only (no Slack tokens)."""
    server = start_web_server(tmp_path_factory.mktemp("web"))
    yield server
    log = server.stop()
    assert "Traceback" not in log, log


# ------------------------------------------------------------------------------------------- a real browser
CHROMIUM = os.environ.get("ROI_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


def browser_missing(why: str, packages: str = "chromium fonts-noto-cjk") -> None:
    """Skip with the install line on a developer machine; fail in CI, where the browser must be there."""
    message = (f"浏览器测试无法运行：{why}。安装：apt-get install -y {packages}；"
               "pip install -r requirements-dev.txt（playwright）")
    if os.environ.get("CI") or os.environ.get("ROI_REQUIRE_BROWSER"):
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, once per module."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        browser_missing("没有安装 Python 包 playwright")
    if not Path(CHROMIUM).exists():
        browser_missing(f"找不到 chromium（{CHROMIUM}）")
    with sync_playwright() as p:
        # root (CI, this machine) needs --no-sandbox; Debian's build, never Playwright's download
        # the browser runs on the real clock even when the suite runs at another date (tools/faketime/run-at):
        # libfaketime inside Chromium's processes stalls page loads; the pages under test do not read its clock
        env = {k: v for k, v in os.environ.items() if k not in ("LD_PRELOAD", "FAKETIME")}
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"], env=env)
        yield chromium
        chromium.close()
