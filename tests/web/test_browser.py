"""The pages in a real headless browser (Debian's chromium driven by Playwright's Python package) against the
real app under gunicorn over a copy of the demo: type 618活动, see the ROI and the per-channel table, click a
button, open a report page; screenshots at desktop and phone (360 px) widths kept in var/artifacts/browser/.

Without the browser these tests FAIL in CI (env CI or ROI_REQUIRE_BROWSER, set by .ci/run) and skip locally,
saying what to install.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from roi_runtime.config import REPO_ROOT

ARTIFACTS = Path(REPO_ROOT) / "var" / "artifacts" / "browser"
WIDTHS = {"desktop": (1280, 900), "360": (360, 740)}
ANSWER_TIMEOUT_MS = 20_000


def _page(browser, width: str):
    w, h = WIDTHS[width]
    context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN",
                                  device_scale_factor=1 if width == "desktop" else 2)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda err: errors.append(str(err)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    return context, page, errors


def _no_sideways_scroll(page) -> None:
    """The page never scrolls sideways: wide tables and charts scroll inside their own box."""
    width = page.evaluate("document.documentElement.scrollWidth")
    inner = page.evaluate("window.innerWidth")
    assert width <= inner, f"page is {width}px wide in a {inner}px window"


def _shot(page, name: str) -> Path:
    """The whole page, and the window as a reader sees it (the sticky question box at its bottom)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-window.png"))
    assert path.stat().st_size > 10_000
    return path


def _cjk_font(page) -> bool:
    return page.evaluate("document.fonts.check('16px \"Noto Sans CJK SC\"', '渠道')")


@pytest.mark.parametrize("width", list(WIDTHS))
def test_chat_page_asks_shows_and_follows_a_button(web_server, browser, width):
    context, page, errors = _page(browser, width)
    try:
        page.goto(f"{web_server.url}/app?s={web_server.session()}")
        assert page.title() == "ROI 助手"
        page.fill("#roi-q", "618活动")
        page.press("#roi-q", "Enter")
        answer = page.locator("article.roi-kind-campaign")
        answer.wait_for(timeout=ANSWER_TIMEOUT_MS)
        text = answer.inner_text()
        # the demo's 618活动: cost ¥302,000, margin ¥635,250 → ROI (635,250 - 302,000) / 302,000 = 110.3%
        assert "110.3%" in text and "¥302,000" in text
        douyin = answer.locator("tr", has_text="抖音").first.inner_text().split()
        assert douyin[:4] == ["抖音", "¥106,000", "¥520,000", "169.8%"]
        assert answer.locator("svg.roi-svg rect.roi-bar").count() == 5  # one bar per channel
        assert page.evaluate("getComputedStyle(document.body).fontStyle") == "normal"
        assert float(page.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)"
                                   " / parseFloat(getComputedStyle(document.body).fontSize)")) >= 1.6
        assert _cjk_font(page)
        _no_sideways_scroll(page)
        _shot(page, f"app-618-{width}")

        answer.locator("button.roi-btn", has_text="渠道").first.click()
        channels = page.locator("article.roi-kind-channels")
        channels.wait_for(timeout=ANSWER_TIMEOUT_MS)
        assert "抖音" in channels.inner_text()
        assert page.locator("p.roi-ask").nth(1).inner_text().endswith("渠道排行")
        _no_sideways_scroll(page)
        _shot(page, f"app-channels-{width}")
        assert errors == []
    finally:
        context.close()


@pytest.mark.parametrize("width", list(WIDTHS))
def test_report_page_with_a_chart(web_server, browser, width):
    context, page, errors = _page(browser, width)
    try:
        resp = page.goto(f"{web_server.url}/report/2026-10?s={web_server.session()}")
        assert resp.status == 200
        report = page.locator("article.roi-kind-monthly")
        assert "月报 2026-10" in report.locator("h2").inner_text()
        assert page.locator("svg.roi-svg").count() == 1 and report.locator("table").count() >= 1
        assert _cjk_font(page)
        _no_sideways_scroll(page)
        _shot(page, f"report-2026-10-{width}")
        campaign = page.goto(f"{web_server.url}/report/campaign/{web_server.quote('618活动')}?s={web_server.session()}")
        assert campaign.status == 200 and "110.3%" in page.locator("article").inner_text()
        _no_sideways_scroll(page)
        _shot(page, f"report-618-{width}")
        assert errors == []
    finally:
        context.close()


def test_an_expired_link_shows_the_chinese_403_page(web_server, browser):
    context, page, _ = _page(browser, "360")
    try:
        resp = page.goto(f"{web_server.url}/app?s=expired-or-made-up")
        assert resp.status == 403
        assert "链接已过期或无效" in page.inner_text("body")
        _shot(page, "forbidden-360")
    finally:
        context.close()
