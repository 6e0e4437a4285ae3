"""Attribution core: every number below is worked out by hand in the comments next to it."""

import doctest
import importlib
import pkgutil
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from roi_core import attribution
from roi_core.attribution import (
    MODEL_ALIASES,
    MODEL_LABELS_ZH,
    MODELS,
    AttributionError,
    Journeys,
    attribute,
    attributed_roi,
    build_journeys,
    compare,
    compare_models,
    journeys_from_paths,
    markov,
    markov_removal_effects,
    resolve_model,
    shapley,
)

W, D, X, Z = "微信", "抖音", "小红书", "直接访问"


def touches(*rows) -> pd.DataFrame:
    """Rows of (customer, "YYYY-MM-DD[ HH:MM]", channel, converted, revenue)."""
    frame = pd.DataFrame(rows, columns=["customer_id", "timestamp", "channel", "converted", "revenue"])
    frame["timestamp"] = pd.to_datetime(frame["timestamp"], format="ISO8601")
    return frame


def credit(result: pd.DataFrame) -> dict:
    """channel → (conversions, revenue)."""
    return {row.channel: (row.conversions, row.revenue) for row in result.itertuples()}


def assert_credit(result: pd.DataFrame, expected: dict) -> None:
    got = credit(result)
    assert set(got) == set(expected)
    for channel, (conversions, revenue) in expected.items():
        assert got[channel][0] == pytest.approx(float(conversions), abs=1e-12), channel
        assert got[channel][1] == pytest.approx(float(revenue), abs=1e-9), channel


def journeys_as_lists(journeys: Journeys) -> list:
    """[(channels of the journey, conversions, revenue)] sorted, for order-free comparison."""
    out = []
    for j in range(journeys.n_journeys):
        touched = journeys.touch_channel[journeys.journey_start[j]:journeys.journey_start[j + 1]]
        out.append(([journeys.channels[c] for c in touched], journeys.journey_conversions[j],
                    journeys.journey_revenue[j]))
    return sorted(out, key=repr)


# Four journeys used by most model tests (lookback 30 days, all inside it):
#   J1 c1: 微信 05-25 > 抖音 06-01 > 小红书 06-08 > 直接访问 06-15 (converts, 400)
#          days before the conversion: 21, 14, 7, 0
#   J2 c2: 抖音 06-10 > 微信 06-17 (converts, 100); days before: 7, 0
#   J3 c3: 小红书 06-05 (converts, 50)
#   J4 c4: 微信 06-01 > 抖音 06-02 (no conversion)
# Totals: 3 conversions, revenue 550. Rows are given shuffled: order must come from the sort.
FOUR = touches(
    ("c2", "2026-06-17", W, True, 100.0),
    ("c1", "2026-06-08", X, False, 0.0),
    ("c4", "2026-06-02", D, False, 0.0),
    ("c1", "2026-05-25", W, False, 0.0),
    ("c3", "2026-06-05", X, True, 50.0),
    ("c1", "2026-06-15", Z, True, 400.0),
    ("c2", "2026-06-10", D, False, 0.0),
    ("c4", "2026-06-01", W, False, 0.0),
    ("c1", "2026-06-01", D, False, 0.0),
)


# --- journeys --------------------------------------------------------------------------------


def test_split_after_conversion_lookback_cut_and_trailing_journey():
    # c1: 抖音 05-01 is 40 days before the 06-10 conversion: dropped (1 touch outside lookback).
    #     微信 05-11 is exactly 30 days before it: kept.
    #     After the 06-10 conversion, 抖音 06-12 converts on its own; 微信 06-15 trails, no conversion.
    # c2: 小红书 > 微信, converting with 50 (revenue typed on the non-converting touch is ignored).
    data = touches(
        ("c1", "2026-06-12", D, True, 100.0),
        ("c1", "2026-05-01", D, False, 0.0),
        ("c2", "2026-06-03", W, True, 50.0),
        ("c1", "2026-06-10", Z, True, 300.0),
        ("c1", "2026-05-11", W, False, 0.0),
        ("c2", "2026-06-02", X, False, 999.0),
        ("c1", "2026-06-01", X, False, 0.0),
        ("c1", "2026-06-15", W, False, 0.0),
    )
    journeys = build_journeys(data, lookback_days=30)
    assert journeys_as_lists(journeys) == sorted([
        ([W, X, Z], 1.0, 300.0),
        ([D], 1.0, 100.0),
        ([W], 0.0, 0.0),
        ([X, W], 1.0, 50.0),
    ], key=repr)
    assert journeys.touches_outside_lookback == 1
    assert journeys.total_conversions == 3 and journeys.total_revenue == 450
    # Flat arrays, journey by journey: positions restart at 0; offsets close every journey.
    assert journeys.n_touches == 7
    assert (journeys.touch_position == np.arange(7) - journeys.journey_start[journeys.touch_journey]).all()
    assert journeys.journey_start[-1] == 7
    assert list(journeys.channels) == sorted([W, D, X, Z])

    # No lookback: the 05-01 touch rejoins c1's first journey.
    assert build_journeys(data, lookback_days=None).touches_outside_lookback == 0
    assert ([D, W, X, Z], 1.0, 300.0) in journeys_as_lists(build_journeys(data, lookback_days=None))


def test_lookback_boundary_and_days_before_conversion():
    # 30 days + 1 second before the conversion is out; exactly 30 days is in.
    data = touches(
        ("c1", "2026-05-01 23:59:59", D, False, 0.0),
        ("c1", "2026-05-02 00:00", W, False, 0.0),
        ("c1", "2026-05-31 12:00", X, False, 0.0),
        ("c1", "2026-06-01 00:00", Z, True, 10.0),
    )
    journeys = build_journeys(data, lookback_days=30)
    assert [journeys.channels[c] for c in journeys.touch_channel] == [W, X, Z]
    # 30 days; 12 hours = 0.5 day; 0.
    assert journeys.touch_days_before_conversion.tolist() == [30.0, 0.5, 0.0]


def test_trailing_journey_is_cut_relative_to_its_last_touch():
    # c1 never converts: 抖音 is 40 days before the last touch 微信, so only 微信 remains.
    data = touches(("c1", "2026-01-01", D, False, 0.0), ("c1", "2026-02-10", W, False, 0.0),
                   ("c2", "2026-02-10", W, True, 1.0))
    assert journeys_as_lists(build_journeys(data)) == sorted([([W], 0.0, 0.0), ([W], 1.0, 1.0)], key=repr)


def test_equal_timestamps_keep_row_order():
    # Same minute: the sheet's row order decides, so 抖音 (row 1) comes before the conversion.
    data = touches(("c1", "2026-06-01 10:00", D, False, 0.0), ("c1", "2026-06-01 10:00", W, True, 5.0))
    assert journeys_as_lists(build_journeys(data)) == [([D, W], 1.0, 5.0)]


def test_conversion_flags_numeric_or_bool_only():
    data = FOUR.assign(converted=FOUR["converted"].astype(int))
    assert build_journeys(data).total_conversions == 3
    with pytest.raises(AttributionError, match="是否转化"):
        build_journeys(FOUR.assign(converted=np.where(FOUR["converted"], "是", "否")))


def test_missing_column_is_named():
    with pytest.raises(AttributionError, match="channel"):
        build_journeys(FOUR.drop(columns="channel"))


def test_paths_input_gives_the_same_journeys():
    paths = pd.DataFrame({
        "path": [f"{W} > {D} > {X} > {Z}", f"{D}>{W}", X, f"{W} > {D}"],
        "total_conversions": [1, 1, 1, 0],
        "total_conversion_value": [400.0, 100.0, 50.0, 0.0],
        "total_null": [0, 0, 0, 1],
    })
    assert journeys_as_lists(journeys_from_paths(paths)) == journeys_as_lists(build_journeys(FOUR))
    for model in MODELS:
        if model != "time_decay":
            pd.testing.assert_frame_equal(attribute(paths, model), attribute(FOUR, model))
    with pytest.raises(AttributionError, match="时间衰减"):
        attribute(paths, "time_decay")


def test_paths_parsing_trims_counts_and_refuses_empty_channels():
    # Each row stands for total_conversions + total_null journeys; rows of 0 journeys are skipped.
    paths = pd.DataFrame({"path": [f" {W}>{D} ", f"{D}  >  {W}", X, "没人"], "total_conversions": [1, 2, 0, 0],
                          "total_null": [0, 1, 1, 0]})
    journeys = journeys_from_paths(paths)
    assert journeys.channels == tuple(sorted([W, D, X]))
    assert journeys_as_lists(journeys) == sorted([([W, D], 1.0, 0.0), ([D, W], 2.0, 0.0), ([X], 0.0, 0.0)], key=repr)
    assert sorted(journeys.journey_count.tolist()) == [1, 1, 3]
    for bad in ([f"{W} >> {D}"], [f"{W} > "]):
        with pytest.raises(AttributionError, match="空的渠道名"):
            journeys_from_paths(pd.DataFrame({"path": bad, "total_conversions": [1]}))
    piped = pd.DataFrame({"path": [f"{W}|{D}"], "total_conversions": [1], "total_conversion_value": [10.0]})
    assert_credit(attribute(piped, "first", path_separator="|"), {W: (1, 10), D: (0, 0)})


# --- rule-based models on FOUR ----------------------------------------------------------------


def test_first_touch():
    # J1 → 微信 (1, 400); J2 → 抖音 (1, 100); J3 → 小红书 (1, 50); J4 converts nothing.
    assert_credit(attribute(FOUR, "first"), {W: (1, 400), D: (1, 100), X: (1, 50), Z: (0, 0)})


def test_last_touch_and_sort_order():
    # J1 → 直接访问 (1, 400); J2 → 微信 (1, 100); J3 → 小红书 (1, 50).
    result = attribute(FOUR, "末次触点")
    assert_credit(result, {Z: (1, 400), W: (1, 100), X: (1, 50), D: (0, 0)})
    assert result["channel"].tolist() == [Z, W, X, D]  # revenue descending
    assert result.columns.tolist() == ["channel", "conversions", "revenue"]


def test_last_non_direct():
    # J1 ends on 直接访问: the last non-direct touch is 小红书 (1, 400). J2 → 微信; J3 → 小红书.
    # 小红书 = (2, 450), 微信 = (1, 100).
    assert_credit(attribute(FOUR, "last_non_direct"), {X: (2, 450), W: (1, 100), D: (0, 0), Z: (0, 0)})
    # A journey of direct touches only credits its last touch; the direct list is case-insensitive.
    direct_only = touches(("c1", "2026-06-01", "Direct", False, 0.0), ("c1", "2026-06-02", Z, True, 80.0))
    assert_credit(attribute(direct_only, "末次非直接"), {Z: (1, 80), "Direct": (0, 0)})
    # Custom direct list: now 小红书 is "direct" too, so J1 falls back to 抖音.
    assert_credit(attribute(FOUR, "last_non_direct", direct_channels=(Z, X)),
                  {D: (1, 400), W: (1, 100), X: (1, 50), Z: (0, 0)})


def test_linear():
    # J1: 1/4 each of 1 conversion and 400 → 0.25, 100 to 微信 抖音 小红书 直接访问.
    # J2: 1/2 each → 0.5, 50 to 抖音 and 微信.  J3: 小红书 1, 50.
    # 微信 0.75, 150; 抖音 0.75, 150; 小红书 1.25, 150; 直接访问 0.25, 100.
    result = attribute(FOUR, "线性")
    assert_credit(result, {W: (0.75, 150), D: (0.75, 150), X: (1.25, 150), Z: (0.25, 100)})
    # Equal revenue → more conversions first → channel name.
    assert result["channel"].tolist() == [X, W, D, Z]


def test_linear_counts_each_touch():
    # 微信 > 抖音 > 微信 converting 90: 微信 gets 2/3 (60), 抖音 1/3 (30).
    data = touches(("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", D, False, 0.0),
                   ("c1", "2026-06-03", W, True, 90.0))
    assert_credit(attribute(data, "linear"), {W: (F(2, 3), 60), D: (F(1, 3), 30)})


def test_position_based():
    # J1 (4 touches): 40 / 10 / 10 / 40 % → 微信 0.4, 160; 抖音 0.1, 40; 小红书 0.1, 40; 直接访问 0.4, 160.
    # J2 (2 touches): 50 / 50 → 抖音 0.5, 50; 微信 0.5, 50.  J3 (1 touch): 小红书 1, 50.
    # 微信 0.9, 210; 抖音 0.6, 90; 小红书 1.1, 90; 直接访问 0.4, 160.
    assert_credit(attribute(FOUR, "U型"), {W: (0.9, 210), D: (0.6, 90), X: (1.1, 90), Z: (0.4, 160)})


def test_position_based_spreads_the_middle():
    # 5 touches 微信 抖音 小红书 抖音 直接访问: middle 20 % over 3 touches = 1/15 each.
    # 抖音 has two middle touches: 2/15; of 150 revenue: 微信 60, 抖音 20, 小红书 10, 直接访问 60.
    data = touches(*[("c1", f"2026-06-0{i + 1}", ch, i == 4, 150.0 if i == 4 else 0.0)
                     for i, ch in enumerate([W, D, X, D, Z])])
    assert_credit(attribute(data, "position"),
                  {W: (0.4, 60), D: (F(2, 15), 20), X: (F(1, 15), 10), Z: (0.4, 60)})


def test_time_decay():
    # Half-life 7 days. J1 weights 2^(-21/7), 2^(-14/7), 2^(-7/7), 2^0 = 1/8, 1/4, 1/2, 1 (sum 15/8)
    #   → shares 1/15, 2/15, 4/15, 8/15 of (1, 400).
    # J2 weights 1/2, 1 → shares 1/3 (抖音), 2/3 (微信) of (1, 100).  J3: 小红书 all of (1, 50).
    # 微信   1/15 + 2/3 = 11/15;  400/15 + 200/3 = 280/3
    # 抖音   2/15 + 1/3 =  7/15;  800/15 + 100/3 = 260/3
    # 小红书 4/15 + 1   = 19/15; 1600/15 + 50    = 470/3
    # 直接访问 8/15;             3200/15         = 640/3       (sum 3 and 550)
    expected = {W: (F(11, 15), F(280, 3)), D: (F(7, 15), F(260, 3)), X: (F(19, 15), F(470, 3)),
                Z: (F(8, 15), F(640, 3))}
    assert_credit(attribute(FOUR, "时间衰减"), expected)
    # Half-life 14 days: J2 weights 2^(-1/2), 1 → 抖音 share 1/(1 + √2).
    result = credit(attribute(FOUR, "time_decay", half_life_days=14))
    j1_weights = np.array([2 ** -1.5, 2 ** -1, 2 ** -0.5, 1.0])
    assert result[D][0] == pytest.approx(j1_weights[1] / j1_weights.sum() + 1 / (1 + np.sqrt(2)), abs=1e-12)
    with pytest.raises(AttributionError, match="半衰期"):
        attribute(FOUR, "time_decay", half_life_days=0)


# --- Markov -----------------------------------------------------------------------------------


def test_markov_order_1_by_hand():
    # Chain from FOUR (J4 ends in null). Counts:
    #   start → 微信 2, 抖音 1, 小红书 1                        (4 journeys)
    #   微信 → 抖音 2, conv 1                  P: 2/3, 1/3
    #   抖音 → 小红书 1, 微信 1, null 1        P: 1/3 each
    #   小红书 → 直接访问 1, conv 1            P: 1/2, 1/2
    #   直接访问 → conv 1
    # x = P(conv from state):  x_Z = 1, x_X = 1/2 + 1/2 = 1,
    #   x_W = 1/3 + 2/3 x_D,  x_D = 1/3 x_X + 1/3 x_W  →  x_W = 5/7, x_D = 4/7
    #   P = (2 x_W + x_D + x_X) / 4 = (10/7 + 4/7 + 7/7) / 4 = 3/4  (= 3 conversions / 4 journeys)
    # Remove 微信:   x_D = 1/3 → P = (1/3 + 1)/4 = 1/3;          RE = 1 - (1/3)/(3/4) = 5/9
    # Remove 抖音:   x_W = 1/3 → P = (2/3 + 1)/4 = 5/12;         RE = 1 - 5/9 = 4/9
    # Remove 小红书: x_W = 1/3 + 2/9 x_W → 3/7, x_D = 1/7 → P = (6/7 + 1/7)/4 = 1/4;  RE = 2/3
    # Remove 直接访问: x_X = 1/2, x_W = 4/7, x_D = 5/14 → P = (8/7 + 5/14 + 1/2)/4 = 1/2;  RE = 1/3
    # Sum of RE = 2 → conversions 3·RE/2: 微信 5/6, 抖音 2/3, 小红书 1, 直接访问 1/2.
    #
    # Revenue chain (conversion exits weighted by revenue): per exit 微信 100/3, 小红书 50/2, 直接访问 400.
    #   y_Z = 400, y_X = 25 + 200 = 225, y_W = 100/3 + 2/3 y_D, y_D = 75 + y_W/3
    #   → y_W = 750/7, y_D = 775/7, y_start = (1500/7 + 775/7 + 1575/7)/4 = 137.5 (= 550/4)
    # Remove 微信:   y_D = 75 → (75 + 225)/4 = 75;                        RE = 1 - 75/137.5 = 5/11
    # Remove 抖音:   y_W = 100/3 → (200/3 + 225)/4 = 875/12;              RE = 31/66
    # Remove 小红书: y_W = 300/7, y_D = 100/7 → (600/7 + 100/7)/4 = 25;   RE = 9/11
    # Remove 直接访问: y_X = 25, y_W = 50, y_D = 25 → (100 + 25 + 25)/4 = 37.5; RE = 8/11
    # Sum = (30 + 31 + 54 + 48)/66 = 163/66 → revenue 550·k/163 with k = 30, 31, 54, 48.
    effects = markov_removal_effects(FOUR).set_index("channel")
    assert effects.attrs["conversion_probability"] == pytest.approx(0.75, abs=1e-15)
    expected_effect = {W: F(5, 9), D: F(4, 9), X: F(2, 3), Z: F(1, 3)}
    expected_revenue_effect = {W: F(5, 11), D: F(31, 66), X: F(9, 11), Z: F(8, 11)}
    for channel in (W, D, X, Z):
        assert effects.loc[channel, "removal_effect"] == pytest.approx(float(expected_effect[channel]), abs=1e-14)
        assert effects.loc[channel, "removal_effect_revenue"] == pytest.approx(
            float(expected_revenue_effect[channel]), abs=1e-14)
    assert_credit(attribute(FOUR, "马尔可夫"), {
        W: (F(5, 6), F(550 * 30, 163)), D: (F(2, 3), F(550 * 31, 163)),
        X: (1, F(550 * 54, 163)), Z: (F(1, 2), F(550 * 48, 163))})


def two_channel_paths() -> pd.DataFrame:
    # Counts:  start → a 6 (3 + 2 + 1), → b 4 (3 + 1)                 p = 6/10
    #   a → b 3, conv 4, null 1   (out 8):  alpha = 3/8, beta = 4/8
    #   b → a 2, conv 2, null 3   (out 7):  gamma = 2/7, delta = 2/7
    return pd.DataFrame({
        "path": ["a", "a > b", "b", "b > a", "a > b > a"],
        "total_conversions": [2, 1, 1, 1, 1],
        "total_conversion_value": [20.0, 10.0, 10.0, 10.0, 10.0],
        "total_null": [1, 1, 2, 0, 0],
    })


def test_markov_two_channels_closed_form():
    # x_a = beta + alpha x_b, x_b = delta + gamma x_a
    #   → x_a = (beta + alpha delta) / (1 - alpha gamma), x_b = (delta + gamma beta) / (1 - alpha gamma)
    # P = p x_a + (1 - p) x_b;  without a: P_a = (1 - p) delta;  without b: P_b = p beta.
    p, alpha, beta, gamma, delta = F(6, 10), F(3, 8), F(4, 8), F(2, 7), F(2, 7)
    x_a = (beta + alpha * delta) / (1 - alpha * gamma)  # 17/25
    x_b = (delta + gamma * beta) / (1 - alpha * gamma)  # 12/25
    full = p * x_a + (1 - p) * x_b  # 3/5 = 6 conversions / 10 journeys
    assert full == F(3, 5)
    effect_a, effect_b = 1 - (1 - p) * delta / full, 1 - p * beta / full  # 17/21, 1/2
    effects = markov_removal_effects(two_channel_paths()).set_index("channel")["removal_effect"]
    assert effects["a"] == pytest.approx(float(effect_a), abs=1e-14)
    assert effects["b"] == pytest.approx(float(effect_b), abs=1e-14)
    # 6 conversions split 17/21 : 1/2 = 34 : 21.
    got = credit(attribute(two_channel_paths(), "markov"))
    assert got["a"][0] == pytest.approx(6 * 34 / 55, abs=1e-12)
    assert got["b"][0] == pytest.approx(6 * 21 / 55, abs=1e-12)


def test_markov_merges_repeats_and_ignores_them_at_order_1():
    # a > a > b is the same journey as a > b.
    repeated = touches(("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", W, False, 0.0),
                       ("c1", "2026-06-03", D, True, 9.0), ("c2", "2026-06-01", D, False, 0.0))
    merged = touches(("c1", "2026-06-02", W, False, 0.0), ("c1", "2026-06-03", D, True, 9.0),
                     ("c2", "2026-06-01", D, False, 0.0))
    for order in (1, 2):
        pd.testing.assert_frame_equal(attribute(repeated, "markov", order=order),
                                      attribute(merged, "markov", order=order))


def test_markov_order_2_against_hand_built_expanded_chain():
    # Paths (conversions / nulls): a>b 1/1, b>a 1/0, a>b>a 0/1, b 1/1.
    # Order-2 states: (a) (b) at a journey's start, then (a,b) (b,a). Counts:
    #   start → (a) 3 [a>b 2, a>b>a 1], → (b) 3 [b>a 1, b 2]
    #   (a)   → (a,b) 3
    #   (a,b) → conv 1, null 1 [a>b], → (b,a) 1 [a>b>a]
    #   (b)   → (b,a) 1 [b>a], conv 1, null 1 [b]
    #   (b,a) → conv 1 [b>a], null 1 [a>b>a]
    # By hand: x_ba = 1/2, x_ab = 1/3 + 1/3 · 1/2 = 1/2, x_a = 1/2, x_b = 1/3 · 1/2 + 1/3 = 1/2, P = 1/2.
    # Without a (drop (a), (a,b), (b,a)): x_b = 1/3 → P = 1/6 → RE 2/3.
    # Without b (drop (b), (a,b), (b,a)): x_a = 0 → P = 0 → RE 1.
    # (At order 1 b's removal effect is 4/5: a → conv through "b>a" survives.)
    paths = pd.DataFrame({"path": ["a > b", "b > a", "a > b > a", "b"],
                          "total_conversions": [1, 1, 0, 1], "total_null": [1, 0, 1, 1]})
    states = ["start", "a", "b", "ab", "ba"]
    counts = {("start", "a"): 3, ("start", "b"): 3, ("a", "ab"): 3, ("ab", "ba"): 1, ("b", "ba"): 1}
    conversions = {"ab": 1, "b": 1, "ba": 1}
    out = {"start": 6, "a": 3, "ab": 3, "b": 3, "ba": 2}
    index = {s: i for i, s in enumerate(states)}
    q = np.zeros((5, 5))
    for (src, dst), n in counts.items():
        q[index[src], index[dst]] = n / out[src]
    r = np.array([conversions.get(s, 0) / out[s] for s in states])

    def conversion_probability(dropped):
        keep = [i for i, s in enumerate(states) if s not in dropped]
        return np.linalg.solve(np.eye(len(keep)) - q[np.ix_(keep, keep)], r[keep])[0]

    full = conversion_probability(())
    hand = {"a": 1 - conversion_probability(("a", "ab", "ba")) / full,
            "b": 1 - conversion_probability(("b", "ab", "ba")) / full}
    assert full == pytest.approx(0.5) and hand["a"] == pytest.approx(2 / 3) and hand["b"] == pytest.approx(1.0)
    effects = markov_removal_effects(paths, order=2).set_index("channel")["removal_effect"]
    assert effects.to_dict() == pytest.approx(hand, abs=1e-14)
    assert markov_removal_effects(paths, order=1).set_index("channel")["removal_effect"]["b"] == pytest.approx(0.8)
    # 3 conversions split 2/3 : 1 → a 6/5, b 9/5.
    got = credit(attribute(paths, "markov", order=2))
    assert (got["a"][0], got["b"][0]) == pytest.approx((1.2, 1.8), abs=1e-12)


def test_markov_order_must_be_1_to_4():
    for bad in (0, 5, 1.5, True):
        with pytest.raises(AttributionError, match="阶数"):
            attribute(FOUR, "markov", order=bad)


def test_markov_sparse_iteration_matches_dense_solve(monkeypatch):
    data = random_touches(seed=3, n_customers=300)
    dense = {order: markov_removal_effects(data, order=order) for order in (1, 2, 3)}
    monkeypatch.setattr(markov, "_DENSE_STATE_LIMIT", 0)
    monkeypatch.setattr(markov, "_DENSE_SINGLE_STATE_LIMIT", 0)
    for batch in (1 << 22, 1):  # all scenarios in one batch; one scenario per batch
        monkeypatch.setattr(markov, "_ITERATION_BATCH_ELEMENTS", batch)
        for order in (1, 2, 3):
            iterative = markov_removal_effects(data, order=order)
            np.testing.assert_allclose(iterative[["removal_effect", "removal_effect_revenue"]].to_numpy(),
                                       dense[order][["removal_effect", "removal_effect_revenue"]].to_numpy(),
                                       rtol=0, atol=1e-12)


def test_markov_one_inverse_matches_a_solve_per_channel():
    # The dense path derives every removal from one inverse; check it against fresh solves of the
    # restricted systems at orders 1 and 2 (one state per channel, and several).
    journeys = build_journeys(random_touches(seed=6, n_customers=150))
    for order in (1, 2):
        chain = markov._markov_chain(journeys, order)
        out = np.where(chain.out_weight > 0, chain.out_weight, 1.0)
        probability = chain.edge_weight / out[chain.edge_from]
        rhs = np.column_stack([chain.to_conversion / out, chain.to_revenue / out])
        system = np.eye(chain.n_states)
        system[chain.edge_from, chain.edge_to] -= probability
        expected = [np.linalg.solve(system, rhs)[0]]
        for removed in chain.state_has_channel.T:
            alive = ~removed
            expected.append(np.linalg.solve(system[np.ix_(alive, alive)], rhs[alive])[0])
        got = markov._solve_dense(chain.n_states, chain.edge_from, chain.edge_to, probability, rhs,
                                  chain.state_has_channel.T)
        np.testing.assert_allclose(got, np.array(expected), rtol=1e-12, atol=1e-14)


def test_markov_conversion_probability_is_the_conversion_rate():
    # Flow conservation: in a chain estimated from the journeys, P(conv from start) equals
    # conversions / journeys at every order.
    data = random_touches(seed=4, n_customers=200)
    journeys = build_journeys(data)
    rate = journeys.total_conversions / journeys.n_journeys
    for order in (1, 2, 3, 4):
        assert markov_removal_effects(journeys, order=order).attrs["conversion_probability"] == pytest.approx(
            rate, rel=1e-12)


# --- Shapley ----------------------------------------------------------------------------------

# J1 微信 > 抖音 > 微信 (converts, 90), J2 抖音 (30), J3 小红书 > 微信 (60), J4 小红书 (no conversion).
SHAPLEY_DATA = touches(
    ("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", D, False, 0.0), ("c1", "2026-06-03", W, True, 90.0),
    ("c2", "2026-06-01", D, True, 30.0),
    ("c3", "2026-06-01", X, False, 0.0), ("c3", "2026-06-02", W, True, 60.0),
    ("c4", "2026-06-01", X, False, 0.0),
)


def test_shapley_by_coalitions():
    # Sets: J1 {W, D} ✓, J2 {D} ✓, J3 {X, W} ✓, J4 {X} ✗.  v(S) = converting journeys with set ⊆ S:
    #   v(W)=0 v(D)=1 v(X)=0 v(WD)=2 v(WX)=1 v(DX)=1 v(WDX)=3.  Weights for n=3: |S|=0: 1/3, 1: 1/6, 2: 1/3.
    # phi_W = 1/3·0 + 1/6·(2-1) + 1/6·(1-0) + 1/3·(3-1) = 1
    # phi_D = 1/3·1 + 1/6·(2-0) + 1/6·(1-0) + 1/3·(3-1) = 3/2
    # phi_X = 1/3·0 + 1/6·(1-0) + 1/6·(1-1) + 1/3·(3-2) = 1/2          (sum 3)
    # Revenue game (90, 30, 60 in place of 1, 1, 1): v(D)=30 v(WD)=120 v(WX)=60 v(DX)=30 v(WDX)=180
    # phi_W = 1/6·90 + 1/6·60 + 1/3·150 = 75, phi_D = 1/3·30 + 1/6·120 + 1/6·30 + 1/3·120 = 75,
    # phi_X = 1/6·60 + 0 + 1/3·60 = 30                                   (sum 180)
    # Zhao et al.'s simplified form agrees: J1 halves (45, 45), J2 all to D, J3 halves (30, 30).
    # Linear would differ: J1 gives 微信 2/3 because it touches twice.
    assert_credit(attribute(SHAPLEY_DATA, "沙普利"), {W: (1, 75), D: (1.5, 75), X: (0.5, 30)})


def test_shapley_conversion_rate_can_be_negative():
    # v(S) = conversions / journeys over journeys with set ⊆ S:
    #   v(W)=0 (none) v(D)=1/1 v(X)=0/1 v(WD)=2/2 v(WX)=1/2 v(DX)=1/2 v(WDX)=3/4
    # phi_W = 1/6·(1-1) + 1/6·(1/2-0) + 1/3·(3/4-1/2) = 1/12 + 1/12 = 1/6
    # phi_D = 1/3·1 + 1/6·(1-0) + 1/6·(1/2-0) + 1/3·(3/4-1/2) = 2/3
    # phi_X = 1/6·(1/2-0) + 1/6·(1/2-1) + 1/3·(3/4-1) = -1/12          (sum 3/4 = v(WDX))
    # Scaled to 3 conversions (x4): 微信 2/3, 抖音 8/3, 小红书 -1/3.
    # Revenue per journey: v(D)=30 v(WD)=60 v(WX)=30 v(DX)=15 v(WDX)=45
    # phi_W = 1/6·30 + 1/6·30 + 1/3·30 = 20; phi_D = 1/3·30 + 1/6·60 + 1/6·15 + 1/3·15 = 27.5;
    # phi_X = 1/6·30 - 1/6·15 - 1/3·15 = -2.5 (sum 45) → x4: 80, 110, -10.
    assert_credit(attribute(SHAPLEY_DATA, "shapley", value="conv_rate"),
                  {W: (F(2, 3), 80), D: (F(8, 3), 110), X: (F(-1, 3), -10)})
    with pytest.raises(AttributionError, match="value"):
        attribute(SHAPLEY_DATA, "shapley", value="revenue")


def test_shapley_equals_simplified_form_on_random_data():
    # Zhao et al. 2018: for v(S) = sum over journey sets T ⊆ S, phi_i = sum over converting journeys
    # containing i of (conversion or revenue) / |distinct channels of the journey|.
    journeys = build_journeys(random_touches(seed=5, n_customers=400))
    bits = np.zeros((journeys.n_journeys, journeys.n_channels), dtype=bool)
    bits[journeys.touch_journey, journeys.touch_channel] = True
    per_channel = bits / bits.sum(axis=1, keepdims=True)
    expected_conversions = per_channel.T @ journeys.journey_conversions
    expected_revenue = per_channel.T @ journeys.journey_revenue
    result = attribute(journeys, "shapley").set_index("channel").loc[list(journeys.channels)]
    np.testing.assert_allclose(result["conversions"], expected_conversions, rtol=1e-12)
    np.testing.assert_allclose(result["revenue"], expected_revenue, rtol=1e-12)


def test_shapley_three_channels_four_journeys_by_dividends():
    # J1 微信 > 抖音 > 小红书 ✓ 90, J2 抖音 > 微信 > 抖音 ✓ 40, J3 微信 ✓ 10, J4 抖音 > 小红书 ✗.
    # v(S) = converting journeys with set ⊆ S:  v(W)=1 v(D)=0 v(X)=0 v(WD)=2 v(WX)=1 v(DX)=0 v(WDX)=3.
    # Weights for n=3: |S|=0: 1/3, 1: 1/6, 2: 1/3.
    # phi_W = 1/3·1 + 1/6·(2-0) + 1/6·(1-0) + 1/3·(3-0) = 11/6
    # phi_D = 1/3·0 + 1/6·(2-1) + 1/6·(0-0) + 1/3·(3-1) = 5/6
    # phi_X = 1/3·0 + 1/6·(1-1) + 1/6·(0-0) + 1/3·(3-2) = 1/3                (sum 3)
    # Harsanyi dividends: w({W,D,X}) = 1, w({W,D}) = 1, w({W}) = 1, each split over its members:
    #   W = 1/3 + 1/2 + 1 = 11/6, D = 1/3 + 1/2 = 5/6, X = 1/3 — the same.
    # Revenue the same way: W = 30 + 20 + 10 = 60, D = 30 + 20 = 50, X = 30    (sum 140)
    data = touches(
        ("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", D, False, 0.0), ("c1", "2026-06-03", X, True, 90.0),
        ("c2", "2026-06-01", D, False, 0.0), ("c2", "2026-06-02", W, False, 0.0), ("c2", "2026-06-03", D, True, 40.0),
        ("c3", "2026-06-01", W, True, 10.0),
        ("c4", "2026-06-01", D, False, 0.0), ("c4", "2026-06-02", X, False, 0.0),
    )
    assert_credit(attribute(data, "shapley"), {W: (F(11, 6), 60), D: (F(5, 6), 50), X: (F(1, 3), 30)})
    journeys = build_journeys(data)
    assert journeys.channels == (X, W, D)  # code-point order
    enumerated = shapley._shapley_enumerated(journeys, "conversions")
    np.testing.assert_allclose(enumerated[0], [float(F(1, 3)), float(F(11, 6)), float(F(5, 6))], rtol=1e-12)
    np.testing.assert_allclose(enumerated[1], [30, 60, 50], rtol=1e-12)


def many_channel_touches(n_channels: int, seed: int, n_customers: int = 120, name_length: int = 0) -> pd.DataFrame:
    """Random touches over ``n_channels`` channels (padded to ``name_length`` characters if given)."""
    rng = np.random.default_rng(seed)
    names = [f"渠道{i:03d}".ljust(name_length, "长") for i in range(n_channels)]
    per_customer = rng.integers(1, 7, size=n_customers)
    customer = np.repeat(np.arange(n_customers), per_customer)
    n = len(customer)
    converted = rng.random(n) < 0.3
    return pd.DataFrame({
        "customer_id": [f"u{c}" for c in customer],
        "timestamp": pd.Timestamp("2026-03-01") + pd.to_timedelta(rng.uniform(0, 25, size=n), unit="D"),
        "channel": np.array(names, dtype=object)[rng.integers(0, n_channels, size=n)],
        "converted": converted,
        "revenue": np.where(converted, rng.integers(1, 900, size=n).astype(float), 0.0),
    })


@pytest.mark.parametrize("seed", range(8))
def test_shapley_closed_form_equals_enumeration_up_to_12_channels(seed):
    # Property: for the subset-sum game the closed form and the 2^n enumeration agree to rounding,
    # from touches and from aggregated paths (counts > 1, revenue on a path that never converts).
    n_channels = 3 + seed + (seed > 4)  # 3..12
    journeys = build_journeys(many_channel_touches(n_channels, seed))
    closed = shapley._shapley_subset_sum(journeys)
    enumerated = shapley._shapley_enumerated(journeys, "conversions")
    for ours, reference in zip(closed, enumerated, strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-9)
    rng = np.random.default_rng(seed)
    paths = pd.DataFrame({
        "path": [" > ".join(rng.choice([f"p{i}" for i in range(n_channels)], size=rng.integers(1, 6)))
                 for _ in range(40)],
        "total_conversions": rng.integers(0, 4, size=40),
        "total_conversion_value": rng.integers(0, 500, size=40).astype(float),
        "total_null": rng.integers(0, 3, size=40),
    })
    journeys = journeys_from_paths(paths)
    for ours, reference in zip(shapley._shapley_subset_sum(journeys),
                               shapley._shapley_enumerated(journeys, "conversions"), strict=True):
        np.testing.assert_allclose(ours, reference, rtol=1e-12, atol=1e-9)


def test_shapley_answers_any_channel_count():
    # 110 channels, journey i: 渠道i > 渠道(i+1 mod 110), converting for 10·(i+1).
    # Both channels of a journey get half: channel k gets 5(k+1) from its own journey and 5k from
    # journey k-1; channel 0 gets 5 + 5·110 = 555. Conversions: 1/2 + 1/2 = 1 each.
    n = 110
    rows = []
    for i in range(n):
        rows += [(f"c{i}", "2026-06-01", f"渠道{i:03d}", False, 0.0),
                 (f"c{i}", "2026-06-02", f"渠道{(i + 1) % n:03d}", True, 10.0 * (i + 1))]
    got = credit(attribute(touches(*rows), "shapley"))
    assert len(got) == n
    assert got["渠道000"] == pytest.approx((1.0, 555.0), abs=1e-9)
    for k in range(1, n):
        assert got[f"渠道{k:03d}"] == pytest.approx((1.0, 10.0 * k + 5), abs=1e-9)


def test_shapley_conv_rate_refuses_above_20_channels_in_chinese_and_english():
    many = touches(*[(f"c{i}", "2026-06-01", f"渠道{i}", True, 1.0) for i in range(21)])
    with pytest.raises(AttributionError, match="最多支持 20 个渠道，现在有 21 个") as caught:
        attribute(many, "shapley", value="conv_rate")
    assert "at most 20 channels" in caught.value.text("en") and "21" in caught.value.text("en")
    assert "合并小渠道" in caught.value.text("zh")
    # 20 channels still run; the default game runs at 21.
    assert attribute(many.iloc[:20], "shapley", value="conv_rate")["conversions"].tolist() == pytest.approx(
        [1.0] * 20, rel=1e-12)
    assert attribute(many, "shapley")["conversions"].tolist() == pytest.approx([1.0] * 21, rel=1e-12)


def paired_paths(n_pairs: int) -> pd.DataFrame:
    # Per pair k: "a_k > b_k" converts once (30), "b_k" once without conversion. N = n_pairs.
    # Order 1: x_b = 1/2 (conv 1 of 2 exits), x_a = x_b = 1/2; P = 1/2 over 2N starts.
    #   Without a_k: that pair's a-start is lost: P = (2N-1)/(4N), removal effect 1/(2N).
    #   Without b_k: both of the pair's starts are lost: P = (N-1)/(2N), removal effect 1/N.
    #   N conversions split 1/(2N) : 1/N → a_k 1/3, b_k 2/3; revenue 30 per conversion → 10, 20.
    # Order 2 tells the starts apart: (b_k) at a journey's start only ever ends in null, x = 0,
    #   while (a_k) → (a_k, b_k) → conv, x = 1; P = N / 2N = 1/2. Removing a_k drops (a_k) and
    #   (a_k, b_k); removing b_k drops (b_k) and (a_k, b_k): either way the pair's one converting
    #   path is gone, P = (N-1)/(2N), removal effect 1/N each → a_k 1/2, b_k 1/2; revenue 15, 15.
    paths = [f"a{k:03d} > b{k:03d}" for k in range(n_pairs)] + [f"b{k:03d}" for k in range(n_pairs)]
    return pd.DataFrame({"path": paths, "total_conversions": [1] * n_pairs + [0] * n_pairs,
                         "total_conversion_value": [30.0] * n_pairs + [0.0] * n_pairs,
                         "total_null": [0] * n_pairs + [1] * n_pairs})


@pytest.mark.parametrize(("order", "a_share"), [(1, 1 / 3), (2, 1 / 2)])
def test_markov_600_channels(order, a_share):
    # Order 1: 601 states (the one-inverse dense solve); order 2: 901 states (the iteration).
    got = credit(attribute(paired_paths(300), "markov", order=order))
    assert len(got) == 600
    for k in (0, 123, 299):
        assert got[f"a{k:03d}"] == pytest.approx((a_share, 30 * a_share), abs=1e-9)
        assert got[f"b{k:03d}"] == pytest.approx((1 - a_share, 30 * (1 - a_share)), abs=1e-9)


def test_markov_refuses_alone_when_the_chain_is_too_large(monkeypatch):
    # Order 4 state keys need (channels + 1)^4 < 2^62: 46,341 channels are too many.
    wide = touches(*[(f"c{i}", "2026-06-01", f"渠道{i}", True, 1.0) for i in range(46_341)])
    with pytest.raises(AttributionError, match="4 阶马尔可夫") as caught:
        attribute(wide, "markov", order=4)
    assert "order-4 Markov" in caught.value.text("en")
    # A chain beyond the iteration budget refuses; the comparison keeps every other model.
    monkeypatch.setattr(markov, "_DENSE_STATE_LIMIT", 0)
    monkeypatch.setattr(markov, "_DENSE_SINGLE_STATE_LIMIT", 0)
    monkeypatch.setattr(markov, "_MAX_ITERATION_WORK", 10)
    with pytest.raises(AttributionError, match="精确求解太慢"):
        attribute(FOUR, "markov")
    table = compare_models(FOUR)
    assert set(table.attrs["refused"]) == {"markov"}
    assert "too many" in table.attrs["refused"]["markov"].text("en")
    assert not any(c.startswith("markov_") for c in table.columns)
    assert table.set_index("channel").loc[W, "linear_revenue"] == pytest.approx(150)
    # rank_moves over the seven models that ran
    ranks = table[[f"{m}_rank" for m in MODELS if m != "markov"]].to_numpy()
    assert (table["rank_moves"] == (ranks.max(axis=1) - ranks.min(axis=1) >= 2)).all()


def test_compare_models_on_paths_leaves_out_time_decay_only():
    paths = pd.DataFrame({"path": [f"{W} > {D}", D], "total_conversions": [1, 1],
                          "total_conversion_value": [100.0, 50.0], "total_null": [0, 1]})
    table = compare_models(paths).set_index("channel")
    assert set(table.attrs["refused"]) == {"time_decay"}
    assert "no touch times" in table.attrs["refused"]["time_decay"].text("en")
    assert "time_decay_rank" not in table.columns
    # linear: 微信 50; 抖音 50 + 50 = 100.
    assert table.loc[D, "linear_revenue"] == pytest.approx(100) and table.loc[W, "linear_revenue"] == pytest.approx(50)
    # Every model refusing, or no conversion at all, is still an error.
    with pytest.raises(AttributionError, match="时间衰减"):
        compare_models(paths, ["time_decay"])
    with pytest.raises(AttributionError, match="没有转化"):
        compare_models(FOUR.assign(converted=False))


# --- every model ------------------------------------------------------------------------------


def random_touches(seed: int, n_customers: int = 500, n_channels: int = 6) -> pd.DataFrame:
    """Customers with 1..8 touches over a few weeks; some convert mid-way, some at the end."""
    rng = np.random.default_rng(seed)
    per_customer = rng.integers(1, 9, size=n_customers)
    customer = np.repeat(np.arange(n_customers), per_customer)
    n = len(customer)
    day = rng.uniform(0, 60, size=n)
    channel = rng.choice([W, D, X, Z, "百度", "知乎", "B站", "淘宝"][:n_channels], size=n)
    converted = rng.random(n) < 0.25
    return pd.DataFrame({
        "customer_id": [f"u{c}" for c in customer],
        "timestamp": pd.Timestamp("2026-01-01") + pd.to_timedelta(day, unit="D"),
        "channel": channel,
        "converted": converted,
        "revenue": np.where(converted, rng.integers(10, 500, size=n).astype(float), 0.0),
        "campaign": "ignored",
    })


MODEL_VARIANTS = [(m, {}) for m in MODELS] + [
    ("markov", {"order": 2}), ("markov", {"order": 3}), ("markov", {"order": 4}),
    ("shapley", {"value": "conv_rate"}), ("time_decay", {"half_life_days": 1.5}),
]


@pytest.mark.parametrize(("model", "options"), MODEL_VARIANTS)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_sums_to_totals_and_finite(model, options, seed):
    data = random_touches(seed)
    journeys = build_journeys(data)
    result = attribute(data, model, **options)
    assert np.isfinite(result[["conversions", "revenue"]].to_numpy()).all()
    assert result["conversions"].sum() == pytest.approx(journeys.total_conversions, rel=1e-9)
    assert result["revenue"].sum() == pytest.approx(journeys.total_revenue, rel=1e-9)
    assert sorted(result["channel"]) == sorted(journeys.channels)
    if not (model == "shapley" and options):
        assert (result[["conversions", "revenue"]] >= 0).all().all()


def test_no_conversions_is_refused_in_chinese():
    data = FOUR.assign(converted=False)
    for model in MODELS:
        with pytest.raises(AttributionError, match="没有转化"):
            attribute(data, model)
    assert isinstance(AttributionError("x"), ValueError)


def test_empty_touchpoints_are_refused():
    with pytest.raises(AttributionError, match="为空"):
        attribute(FOUR.iloc[:0], "linear")


@pytest.mark.parametrize("model", MODELS)
def test_one_channel_takes_everything(model):
    data = touches(("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", W, True, 70.0),
                   ("c2", "2026-06-01", W, False, 0.0), ("c3", "2026-06-03", W, True, 30.0))
    assert_credit(attribute(data, model), {W: (2, 100)})


@pytest.mark.parametrize("model", MODELS)
def test_journeys_of_one_touch_agree_with_last_touch(model):
    # Each journey is one touch, so every model must give it all of that journey's credit.
    data = touches(("c1", "2026-06-01", W, True, 10.0), ("c1", "2026-06-02", D, True, 20.0),
                   ("c2", "2026-06-01", X, True, 40.0), ("c3", "2026-06-01", D, False, 0.0))
    assert_credit(attribute(data, model), {W: (1, 10), D: (1, 20), X: (1, 40)})


@pytest.mark.parametrize("model", MODELS)
def test_channel_seen_only_after_conversions_gets_nothing(model):
    # 客服 only follows conversions: c1 converts, then 客服 > 抖音 trails without converting.
    # In the Markov chain start → 客服 → 抖音 → conv is a path (抖音 converts for c2), so 客服 has a
    # positive removal effect; it still gets 0 because it never touched a conversion.
    data = touches(("c1", "2026-06-01", W, False, 0.0), ("c1", "2026-06-02", D, True, 50.0),
                   ("c1", "2026-06-03", "客服", False, 0.0), ("c1", "2026-06-04", D, False, 0.0),
                   ("c2", "2026-06-01", D, True, 20.0))
    if model == "markov":
        assert markov_removal_effects(data).set_index("channel").loc["客服", "removal_effect"] > 0
    result = credit(attribute(data, model))
    assert result["客服"] == (0.0, 0.0)
    assert sum(c for c, _ in result.values()) == pytest.approx(2)


# --- names, comparison, ROI -------------------------------------------------------------------


def test_model_names():
    assert MODELS == ("first", "last", "last_non_direct", "linear", "time_decay", "position", "markov", "shapley")
    assert set(MODEL_LABELS_ZH) == set(MODELS)
    for word, model in [("首次触点", "first"), ("末次触点", "last"), ("末次非直接", "last_non_direct"),
                        ("线性", "linear"), ("时间衰减", "time_decay"), ("位置", "position"), ("U型", "position"),
                        ("马尔可夫", "markov"), ("沙普利", "shapley")]:
        assert MODEL_ALIASES[word] == model and resolve_model(word) == model
    assert resolve_model("Ｍarkov") == "markov"  # full-width letter, upper case
    with pytest.raises(AttributionError, match="不认识"):
        attribute(FOUR, "随便")
    with pytest.raises(TypeError):
        attribute(FOUR, "linear", halflife=3)
    # Options of other models are ignored, so one settings dict serves every model.
    assert_credit(attribute(FOUR, "first", half_life_days=3, order=2), {W: (1, 400), D: (1, 100), X: (1, 50), Z: (0, 0)})


def test_compare_models_ranks_and_builds_journeys_once(monkeypatch):
    calls = []
    real = compare.build_journeys

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(compare, "build_journeys", counting)
    table = compare_models(FOUR).set_index("channel")
    assert len(calls) == 1
    # Revenue ranks by hand (1 = most revenue; equal revenue → more conversions first):
    #   first: 微信 400, 抖音 100, 小红书 50, 直接访问 0          → 1, 2, 3, 4
    #   last:  直接访问 400, 微信 100, 小红书 50, 抖音 0          → 微信 2, 抖音 4, 小红书 3, 直接访问 1
    #   last_non_direct: 小红书 450, 微信 100, then 抖音 and 直接访问 at 0 tie → 3, 3
    assert table[["first_rank", "last_rank", "last_non_direct_rank"]].loc[W].tolist() == [1, 2, 2]
    assert table[["first_rank", "last_rank", "last_non_direct_rank"]].loc[D].tolist() == [2, 4, 3]
    assert table[["first_rank", "last_rank", "last_non_direct_rank"]].loc[Z].tolist() == [4, 1, 3]
    assert table.loc[W, "linear_revenue"] == pytest.approx(150)
    # 直接访问 goes from 4th (first) to 1st (last): the rank moves.
    assert table.loc[Z, "rank_moves"]
    assert table.columns.tolist()[:4] == ["first_conversions", "first_revenue", "first_rank", "last_conversions"]
    ranks = table[[f"{m}_rank" for m in MODELS]].to_numpy()
    assert (table["rank_moves"] == (ranks.max(axis=1) - ranks.min(axis=1) >= 2)).all()


def test_compare_models_with_aliases_and_options():
    table = compare_models(FOUR, ["首次触点", "时间衰减"], half_life_days=14, lookback_days=None)
    assert [c for c in table.columns if c.endswith("_rank")] == ["first_rank", "time_decay_rank"]


def test_attributed_roi_notes():
    result = attributed_roi(attribute(FOUR, "last"), pd.Series({Z: 100.0, W: 0.0, X: 25.0, "未用": 10.0}))
    rows = result.set_index("channel")
    # 直接访问 (400 - 100) / 100 = 3;  小红书 (50 - 25) / 25 = 1.
    assert rows.loc[Z, "roi"] == pytest.approx(3.0) and rows.loc[Z, "roi_note"] == ""
    assert rows.loc[X, "roi"] == pytest.approx(1.0)
    assert np.isnan(rows.loc[W, "roi"]) and rows.loc[W, "roi_note"] == "成本为0"
    assert np.isnan(rows.loc[D, "cost"]) and rows.loc[D, "roi_note"] == "无成本数据"
    assert "未用" not in rows.index
    # Repeated channel names in the cost series are summed: 60 + 40 = 100.
    repeated = attributed_roi(attribute(FOUR, "last"), pd.Series([60.0, 40.0], index=[Z, Z]))
    assert repeated.set_index("channel").loc[Z, "cost"] == 100


def test_docstring_examples_run():
    # The package and each of its modules: testmod only collects a module's own objects.
    modules = [attribution] + [importlib.import_module(f"roi_core.attribution.{info.name}")
                               for info in pkgutil.iter_modules(attribution.__path__)]
    assert len(modules) == 9
    attempted = 0
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted == 20  # every example of the single module this package was split from
