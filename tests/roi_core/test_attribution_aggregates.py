"""roi_core's seam for table sources: a path table and time-decay credit summed elsewhere give every model
the numbers the touches give (journeys_from_aggregates; pure, no engine)."""

from __future__ import annotations

import pandas as pd
import pytest

from roi_core.attribution import (
    MODELS,
    AttributionError,
    build_journeys,
    compare_models,
    journeys_from_aggregates,
)

TOUCHES = pd.DataFrame({
    "customer_id": ["c1", "c1", "c2", "c3", "c3", "c4"],
    "timestamp": pd.to_datetime(["2026-06-01", "2026-06-08", "2026-06-02", "2026-06-01", "2026-06-15",
                                 "2026-06-03"]),
    "channel": ["微信", "抖音", "抖音", "小红书", "微信", "小红书"],
    "converted": [False, True, True, False, True, False],
    "revenue": [0.0, 300.0, 100.0, 0.0, 70.0, 0.0],
})
# by hand: c1 微信>抖音 ¥300; c2 抖音 ¥100; c3 小红书>微信 ¥70; c4 小红书, no conversion
PATHS = pd.DataFrame({"path": ["微信>抖音", "抖音", "小红书>微信", "小红书"], "total_conversions": [1, 1, 1, 0],
                      "total_conversion_value": [300.0, 100.0, 70.0, 0.0], "total_null": [0, 0, 0, 1]})
# half-life 7 days: c1's 微信 is 7 days before → weight ½ against 抖音's 1: shares ⅓, ⅔; c3's 小红书 is 14 days
# before → ¼ against 1: shares ⅕, ⅘. 微信 = ⅓ + ⅘ conversions, ¥100 + ¥56; 抖音 = ⅔ + 1, ¥200 + ¥100;
# 小红书 = ⅕, ¥14
DECAY = pd.DataFrame({"channel": ["微信", "抖音", "小红书"], "conversions": [1 / 3 + 4 / 5, 2 / 3 + 1, 1 / 5],
                      "revenue": [156.0, 300.0, 14.0]})


def test_every_model_on_the_aggregates_equals_the_touches():
    expected = compare_models(build_journeys(TOUCHES), MODELS, half_life_days=7).set_index("channel").sort_index()
    journeys = journeys_from_aggregates(PATHS, DECAY, half_life_days=7)
    got = compare_models(journeys, MODELS, half_life_days=7).set_index("channel").sort_index()
    assert got.attrs["refused"] == {}
    cols = [c for c in expected.columns if c.endswith(("_conversions", "_revenue"))]
    assert (expected[cols] - got[cols]).abs().max().max() <= 1e-9
    assert got.loc["微信", "time_decay_revenue"] == pytest.approx(156.0)
    assert journeys.journey_count.sum() == 4 and journeys.total_conversions == 3


def test_without_decay_time_decay_refuses_as_on_any_path_table():
    table = compare_models(journeys_from_aggregates(PATHS), MODELS, half_life_days=7)
    assert list(table.attrs["refused"]) == ["time_decay"]


def test_decay_needs_its_half_life():
    with pytest.raises(AttributionError, match="缺少半衰期"):
        journeys_from_aggregates(PATHS, DECAY)
