"""PNG charts really render Chinese; logs never carry tokens; the manifest asks for what the app uses."""

from __future__ import annotations

import logging
import warnings

from bot.logs import REDACTED, RedactingFilter
from render.blocks import ChartSpec
from render.charts import cjk_font, render_png
from roi_runtime.config import REPO_ROOT

CHANNELS = ["抖音", "微信", "天猫直通车", "小红书", "百度搜索"]


def test_a_cjk_font_ships_with_the_requirements():
    from matplotlib.ft2font import FT2Font

    path = cjk_font()
    assert path is not None and path.exists()
    font = FT2Font(str(path))
    assert all(font.get_char_index(ord(ch)) != 0 for ch in "渠道排行抖音微信天猫直通车小红书百度搜索目标月份")


def test_bar_chart_png_has_no_missing_glyphs():
    spec = ChartSpec("bar", "渠道排行 2026-10：ROI", CHANNELS, [("ROI(%)", [184.1, 141.2, 127.7, -0.2, -52.6])],
                     y_label="ROI (%)", target=80.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph … missing from font" for tofu
        png = render_png(spec)
    assert png is not None and png.startswith(b"\x89PNG") and len(png) > 10_000


def test_line_chart_png_with_gaps():
    months = [f"2026-{m:02d}" for m in range(1, 13)]
    spec = ChartSpec("line", "近 12 个月渠道 ROI", months,
                     [("抖音", [100.0 + m for m in range(12)]), ("小红书", [None, 10.0] * 6)], target=80.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert render_png(spec).startswith(b"\x89PNG")


def test_nothing_to_draw_is_none():
    assert render_png(ChartSpec("bar", "空", ["抖音"], [("ROI(%)", [None])])) is None


def test_redacting_filter():
    flt = RedactingFilter(("my-signing-secret-123",))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s secret %s sig %s header %s",
                               ("xoxb-1234-5678-abcdefabcdef", "my-signing-secret-123", "v0=" + "a" * 64,
                                "Authorization: Bearer xapp-1-A1-abcdef"), None)
    flt.filter(record)
    text = record.getMessage()
    assert "xoxb-" not in text and "my-signing-secret-123" not in text and "a" * 64 not in text
    assert "xapp-" not in text and text.count(REDACTED) == 4


def test_manifest_declares_the_command_scopes_and_urls():
    text = (REPO_ROOT / "manifest.yml").read_text(encoding="utf-8")
    for needed in ("command: /roi", "- commands", "- chat:write", "- app_mentions:read", "- files:write",
                   "- app_mention", "is_enabled: true"):
        assert needed in text, needed
    assert text.count("/slack/events") == 3  # slash command, events and interactivity all hit one route


def test_procfile_runs_the_factory_with_threads():
    web = next(line for line in (REPO_ROOT / "Procfile").read_text().splitlines() if line.startswith("web:"))
    assert "gunicorn" in web and "--threads" in web and "'roi_server:create_app()'" in web and "$PORT" in web
