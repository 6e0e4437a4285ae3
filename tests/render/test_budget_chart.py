"""The budget advice's response-curve picture: one PNG of small multiples (return vs budget per channel,
80 % band, today's ● and the proposed ◆), the picture the Slack message uploads."""

from __future__ import annotations

import struct

import pytest

from render.blocks import build_message
from render.charts import cjk_font, render_png
from roi_core.answer import advice
from roi_core.views import ViewOptions, view_of
from tests.roi_core.test_budget import saturated_sheet


def test_the_advice_view_carries_the_response_curves_as_its_picture():
    ans = advice(saturated_sheet())
    charts = view_of(ans, ViewOptions()).charts
    overview, curves = charts
    assert overview.kind == "line" and overview.inline and not overview.png
    assert curves.kind == "response" and curves.png and not curves.inline
    assert curves.categories == ["A", "B"]  # the larger budget first (A 80k, B 40k)
    assert [name for name, _ in curves.series[:5]] == ["A·return", "A·low", "A·high", "A·spend", "A·marks"]
    spend_a, marks_a = curves.series[3][1], curves.series[4][1]
    assert spend_a[0] == pytest.approx(40_000) and spend_a[-1] == pytest.approx(120_000)  # 50 % … 150 % of 80k
    # marks: current, proposed, return now and proposed (A: 300k·x/(x + 20k)), marginal ROI now and proposed
    # A is cut to its break-even, where the next yuan returns one yuan: 300k·20k/(x + 20k)² = 1 →
    # x = √6e9 − 20k ≈ 57,459 (whole yuan); its return there 300k·57,459/77,459 ≈ 222,540, marginal ROI ≈ 0
    assert marks_a[:2] == [80_000, 57_459]
    assert marks_a[2] == pytest.approx(240_000, rel=0.01) and marks_a[3] == pytest.approx(222_540, rel=0.01)
    assert marks_a[4] == pytest.approx(-0.40, abs=0.01) and marks_a[5] == pytest.approx(0, abs=0.01)
    mid, low, high = (curves.series[i][1] for i in range(3))
    assert all(lo <= m <= hi for lo, m, hi in zip(low, mid, high, strict=True))
    assert build_message(ans).chart.kind == "response"  # the PNG the message uploads


@pytest.mark.skipif(cjk_font() is None, reason="no CJK font")
def test_the_response_curves_draw_as_a_png_within_slacks_limits():
    ans = advice(saturated_sheet())
    spec = build_message(ans).chart
    png = render_png(spec)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    # two panels side by side; Slack previews images up to thousands of pixels, files up to 1 GB
    assert 800 < width < 4000 and 400 < height < 4000 and len(png) < 2_000_000
