"""The add-on's sidebar and dialogs in headless Chromium, with ``google.script.run`` served by the Apps Script
stand-in (``sheets/addon/test/html_host.js``: the real .html files, the real .gs code in the stand-in, a scripted
ROI 助手 server behind UrlFetchApp, so no network).

连接设置 refuses an http address and saves an https one; the sidebar's built-in chat shows an answer with its
scripts and handlers removed; 插入报表 writes a tab of its own and no one else's; 插入公式 writes
``=ROI("618活动",,, ROI_刷新)`` into the selected empty cell; 导入报表 reads the chosen file, sends it as base64 JSON
and shows the counts. Screenshots go to var/artifacts/browser/addon-*.png. Without the browser these tests FAIL in CI
(env CI or ROI_REQUIRE_BROWSER) and skip locally, as tests/web/test_browser.py does.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from roi_runtime.config import REPO_ROOT
from tests.web.conftest import browser_missing

pytestmark = pytest.mark.slow

ARTIFACTS = Path(REPO_ROOT) / "var" / "artifacts" / "browser"
WAIT_MS = 15_000


@pytest.fixture(scope="module")
def host():
    """``node sheets/addon/test/html_host.js`` on a free 127.0.0.1 port: (base URL, its process)."""
    node = shutil.which("node")
    if node is None:
        browser_missing("找不到 node", "chromium fonts-noto-cjk nodejs")
    proc = subprocess.Popen([node, "sheets/addon/test/html_host.js"], cwd=REPO_ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        pytest.fail(f"html_host.js did not start: {line!r} {proc.stderr.read()}")
    yield f"http://127.0.0.1:{int(line.split()[1])}"
    proc.terminate()
    proc.wait(timeout=10)


def _page(browser, host: str, name: str):
    # a sidebar is 300 px wide in Sheets
    context = browser.new_context(viewport={"width": 300, "height": 700}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.goto(f"{host}/page/{name}")
    return context, page, errors


def _state(host: str) -> dict:
    with urllib.request.urlopen(f"{host}/state", timeout=10) as r:
        return json.loads(r.read().decode("utf-8"))


def _post(host: str, path: str, body: dict) -> None:
    req = urllib.request.Request(f"{host}{path}", data=json.dumps(body).encode("utf-8"), method="POST")
    urllib.request.urlopen(req, timeout=10).read()


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"addon-{name}.png"), full_page=True)


def test_settings_refuses_http_and_saves_https(browser, host):
    context, page, errors = _page(browser, host, "Settings")
    # the page's own check (pattern) and the server's: an http address is never sent
    page.fill("#url", "http://roi.example.com")
    page.fill("#token", "roi_browser-token")
    page.click("#save")
    assert page.evaluate("document.getElementById('url').validity.valid") is False
    assert page.evaluate("window.__roiCalls") == 1, "only getConnectionSettings ran"
    page.fill("#url", "https://roi.example.com/")
    page.click("#save")
    page.wait_for_selector("#result.ok", timeout=WAIT_MS)
    assert page.inner_text("#result") == ("已连接 roi.example.com：读到 2 个活动。"
                                          "现在可以用 =ROI(\"活动名\",,, ROI_刷新) 了（每小时自动刷新）。")
    assert page.input_value("#token") == "", "the token is cleared from the page once saved"
    state = _state(host)
    assert state["url"] == "https://roi.example.com"
    assert state["triggers"] == ["roiHourlyRefresh"]
    assert isinstance(state["named"]["ROI_刷新"], int), "ROI_刷新 made and set"
    _shot(page, "settings")
    assert errors == []
    context.close()


def test_sidebar_chat_report_and_formula(browser, host):
    _post(host, "/run", {"name": "saveConnectionSettings", "args": [{"url": "https://roi.example.com", "token": "roi_t"}]})
    context, page, errors = _page(browser, host, "Sidebar")
    # the chat page link is refused (scripted 503): the built-in chat form, saying why
    page.wait_for_selector("#chat", state="visible", timeout=WAIT_MS)
    assert "对话页面暂时打不开" in page.inner_text("#status")
    page.fill("#q", "618活动")
    page.click("#send")
    page.wait_for_selector("#answer .roi-answer", timeout=WAIT_MS)
    assert "ROI 110.35%" in page.inner_text("#answer")
    assert page.evaluate("document.querySelector('#answer img').hasAttribute('onerror')") is False
    assert page.evaluate("window.__roiXss") is None

    page.click("#tabs [data-panel=report]")
    page.select_option("#kind", "channels")
    page.click("#insertReport")
    page.wait_for_selector("#reportResult.ok", timeout=WAIT_MS)
    assert page.inner_text("#reportResult").startswith("已写入「ROI报表·渠道」：2 行")
    state = _state(host)
    assert state["tabs"]["ROI报表·渠道"]["cells"][4][0] == "抖音"
    assert state["tabs"]["活动"]["writes"] == [], "people's cells never written"

    _post(host, "/select", {"a1": "C2", "sheet": "活动"})
    page.click("#tabs [data-panel=formula]")
    page.fill("#a1", "618活动")
    page.click("#insertFormula")
    page.wait_for_selector("#formulaResult.ok", timeout=WAIT_MS)
    assert page.inner_text("#formulaResult") == '已在 C2 写入 =ROI("618活动",,, ROI_刷新)'
    assert _state(host)["tabs"]["活动"]["cells"][1][2] == '=ROI("618活动",,, ROI_刷新)'
    _shot(page, "sidebar-formula")
    assert errors == []
    context.close()


def test_import_sends_the_chosen_file_and_shows_the_counts(browser, host, tmp_path):
    _post(host, "/run", {"name": "saveConnectionSettings", "args": [{"url": "https://roi.example.com", "token": "roi_t"}]})
    export = tmp_path / "巨量引擎_10月.csv"
    export.write_bytes("日期,计划,花费\n2026-10-01,618活动,100\n".encode())
    context, page, errors = _page(browser, host, "Import")
    page.set_input_files("#files", str(export))
    page.click("#send")
    page.wait_for_selector("#status.ok", timeout=WAIT_MS)
    assert page.inner_text("#status") == "已导入 2 行（1 个文件）"
    cells = page.eval_on_selector_all("#summary tbody td", "tds => tds.map(td => td.textContent)")
    assert cells == ["巨量引擎_10月.csv", "巨量引擎（计划日报）", "3", "2", "0", "1"]
    sent = [r for r in _state(host)["requests"] if r["url"].endswith("/api/v1/import")]
    assert len(sent) == 1
    body = json.loads(sent[0]["payload"])
    assert body["dry_run"] is False
    assert body["files"][0]["name"] == "巨量引擎_10月.csv"
    assert base64.b64decode(body["files"][0]["content_base64"]) == export.read_bytes()
    _shot(page, "import")
    assert errors == []
    context.close()
