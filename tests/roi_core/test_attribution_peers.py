"""Agreement with the two peer libraries on 10,000 generated journeys (seeded).

- ChannelAttribution 2.2.5 (C++ core): ``heuristic_models`` (first, last, linear) must match ours
  exactly; ``markov_model`` estimates removal effects by simulating paths, so it is held to 15 %.
- marketing-attribution-models 2.1.1 (``mam``, polars): first, last, linear, position and time
  decay must match exactly; ``run_markov`` builds the same order-1 chain (self-loops dropped,
  which is our merging of repeats) and inverts ``I - Q`` with ``numpy.linalg.inv``, so its removal
  effects must equal ours within 1e-9. Its Markov *credit* is not compared: it spreads each
  journey's value over that journey's touches in proportion to the normalised removal effects,
  while we (like ChannelAttribution) split the totals by them. Its Shapley model is not compared
  either: it plays one game per converting channel set, with v = the conversion rate of journeys
  whose set is *exactly* the coalition (and keeps only the last 4 channels by default); ours is one
  game over all channels with v over journeys whose set is a *subset* of the coalition.

Peers see no lookback window, so our side runs with ``lookback_days=None``.
"""

import numpy as np
import pandas as pd
import pytest

from roi_core.attribution import attribute, build_journeys, markov_removal_effects
from tests.data import journey_touches

CHANNELS = ("微信", "抖音", "小红书", "百度", "淘宝", "京东", "知乎", "直接访问")
N_JOURNEYS = 10_000


@pytest.fixture(scope="module")
def data():
    touches = journey_touches(N_JOURNEYS, seed=2026, channels=CHANNELS)
    journeys = build_journeys(touches, lookback_days=None)
    assert journeys.n_journeys == N_JOURNEYS
    return touches, journeys


@pytest.fixture(scope="module")
def paths(data):
    """ChannelAttribution's input: one row per distinct path."""
    _, journeys = data
    names = np.array(journeys.channels, dtype=object)[journeys.touch_channel]
    path = pd.Series(names).groupby(journeys.touch_journey).agg(" > ".join)
    frame = pd.DataFrame({"path": path.to_numpy(), "conv": journeys.journey_conversions,
                          "value": journeys.journey_revenue})
    grouped = frame.groupby("path", sort=True).agg(total_conversions=("conv", "sum"),
                                                  total_conversion_value=("value", "sum"),
                                                  n=("conv", "size")).reset_index()
    grouped["total_null"] = grouped.pop("n") - grouped["total_conversions"]
    return grouped


def ours(data, model, **options) -> pd.DataFrame:
    _, journeys = data
    return attribute(journeys, model, **options).set_index("channel").sort_index()


def close(actual: pd.Series, expected: pd.Series, rel: float = 1e-9) -> None:
    expected = expected.reindex(actual.index).fillna(0.0)
    np.testing.assert_allclose(actual.to_numpy(dtype=float), expected.to_numpy(dtype=float), rtol=rel,
                               atol=rel * float(expected.abs().max()))


# --- ChannelAttribution --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def channel_attribution():
    return pytest.importorskip("ChannelAttribution")


def test_channel_attribution_heuristics_identical(data, paths, channel_attribution):
    theirs = channel_attribution.heuristic_models(paths, "path", "total_conversions",
                                                  var_value="total_conversion_value", sep=">", flg_pro=False)
    theirs = theirs.set_index("channel_name")
    for model, prefix in [("first", "first_touch"), ("last", "last_touch"), ("linear", "linear_touch")]:
        result = ours(data, model)
        close(result["conversions"], theirs[f"{prefix}_conversions"])
        close(result["revenue"], theirs[f"{prefix}_value"])


def test_channel_attribution_markov_within_15_percent(data, paths, channel_attribution):
    theirs = channel_attribution.markov_model(paths, "path", "total_conversions", var_value="total_conversion_value",
                                              var_null="total_null", order=1, seed=0, out_more=True,
                                              verbose=False, flg_pro=False)
    credit = theirs["result"].set_index("channel_name")
    effects = theirs["removal_effects"].set_index("channel_name")
    result = ours(data, "markov")
    close(result["conversions"], credit["total_conversions"], rel=0.15)
    close(result["revenue"], credit["total_conversion_value"], rel=0.15)
    exact = markov_removal_effects(data[1]).set_index("channel")
    close(exact["removal_effect"], effects["removal_effects_conversion"], rel=0.15)
    close(exact["removal_effect_revenue"], effects["removal_effects_conversion_value"], rel=0.15)


def test_paths_input_gives_our_touch_level_numbers(data, paths):
    for model in ("first", "linear", "markov", "shapley"):
        from_paths = attribute(paths, model).set_index("channel").sort_index()
        pd.testing.assert_frame_equal(from_paths, ours(data, model), rtol=1e-9)


# --- marketing-attribution-models ----------------------------------------------------------------


@pytest.fixture(scope="module")
def mam_models(data):
    mam = pytest.importorskip("mam")
    touches, _ = data

    def build(value_column):
        return mam.MAM(touches, format_type="session", channels_colname="channel",
                       journey_with_conv_colname="converted", datetime_colname="timestamp",
                       user_id_colname="customer_id", create_journey_id_based_on_conversion=True,
                       conversion_value_colname=value_column)

    # Without a value column MAM attributes the conversion flag, i.e. conversions.
    return {"conversions": build(None), "revenue": build("revenue")}


def mam_series(result) -> pd.Series:
    frame = result.to_pandas()
    return frame.assign(channels=frame["channels"].astype(str)).set_index("channels")["attribution"]


@pytest.mark.parametrize(("model", "method", "kwargs"), [
    ("first", "run_first_click", {}),
    ("last", "run_last_click", {}),
    ("linear", "run_linear", {}),
    ("position", "run_position_based", {}),
    ("time_decay", "run_time_decay", {"half_life_hours": 7 * 24}),
])
def test_mam_heuristics_identical(data, mam_models, model, method, kwargs):
    result = ours(data, model)
    for column, mam_model in mam_models.items():
        close(result[column], mam_series(getattr(mam_model, method)(**kwargs)))


def test_mam_markov_removal_effects_equal(data, mam_models):
    theirs = mam_models["conversions"].run_markov().metadata["removal_effect"]["removal_effect"]
    exact = markov_removal_effects(data[1]).set_index("channel")["removal_effect"]
    theirs.index = theirs.index.astype(str)
    assert sorted(theirs.index) == sorted(exact.index)
    np.testing.assert_allclose(exact.sort_index().to_numpy(), theirs.sort_index().to_numpy(), rtol=0, atol=1e-9)
