"""attribute: one model over the journeys, credit per channel."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import Journeys, build_journeys
from roi_core.attribution.markov import _markov_credit
from roi_core.attribution.names import _ALL_OPTIONS, _JOURNEY_OPTIONS, _MODEL_OPTIONS, resolve_model
from roi_core.attribution.rules import _credit_touches, _summed_decay_credit, _touch_shares
from roi_core.attribution.shapley import _shapley_credit


def attribute(touchpoints: pd.DataFrame | Journeys, model: str = "markov", **options) -> pd.DataFrame:
    """Attributed conversions and revenue per channel under one model.

    Parameters
    ----------
    touchpoints : DataFrame or Journeys
        Touchpoints, a paths frame, or journeys from :func:`build_journeys`.
    model : str, default "markov"
        A name from :data:`MODELS` or any alias in :data:`MODEL_ALIASES` (e.g. "马尔可夫", "U型").
    **options
        ``lookback_days`` (30; when building journeys), ``path_separator`` (">"; paths input),
        ``direct_channels`` (last_non_direct; default :data:`DEFAULT_DIRECT_CHANNELS`),
        ``half_life_days`` (time_decay; 7), ``order`` (markov; 1..4, default 1),
        ``value`` (shapley; "conversions" or "conv_rate"). Options of other models are ignored,
        so one settings dict can serve every model; unknown names raise TypeError.

    Returns
    -------
    DataFrame
        ``channel``, ``conversions``, ``revenue``: one row per channel with touches, sorted by
        revenue, then conversions (both descending), then channel. Each column sums to the
        converting journeys' total (within 1e-9 relative); no NaN or inf.

    Models
    ------
    first, last
        All credit to the journey's first / last touch.
    last_non_direct
        The last touch whose channel is not direct (``direct_channels``, compared NFKC +
        case-folded); a journey of direct touches only credits its last touch.
    linear
        Equal shares per touch (a channel touched twice gets two shares).
    time_decay
        Weight ``2 ** (-days_before_conversion / half_life_days)`` per touch, normalised per journey.
    position
        40 % first, 40 % last, 20 % spread evenly over the middle; one touch 100 %, two 50/50.
    markov
        Absorbing Markov chain over states (start), channels (or, for ``order`` k > 1, tuples
        of the last k channels; shorter tuples at the start of a journey), conversion and null.
        Consecutive repeats of a channel are merged first. Transitions are counted over all
        journeys (weighted by their counts for aggregated paths). P(conversion from start) is
        solved exactly from ``(I - Q) x = r``; the removal effect of a channel is
        ``1 - P(conv | its states redirected to null) / P(conv)``. Conversions are split in
        proportion to the removal effects; revenue in proportion to revenue removal effects
        (the same chain with each conversion weighted by its revenue, i.e. expected revenue from
        start, as ChannelAttribution does). Only channels that appear in a converting journey
        share the credit: a channel seen only in non-converting journeys can carry a positive
        removal effect through the memoryless chain (it leads to channels that convert for
        other customers), but it never touched a conversion, so it gets 0.
    shapley
        Exact Shapley values over the coalitions of distinct channels: data-driven attribution
        in the line of Shao & Li 2011 ("Data-driven multi-touch attribution models", KDD),
        with the Shapley formulation of Zhao, Mahboobi & Bagheri 2018 ("Shapley value methods
        for attribution modeling in online advertising", arXiv:1804.05327). With
        ``value="conversions"`` (default) the characteristic function is v(S) = conversions of
        the journeys whose channel *set* is a subset of S, so the Shapley values sum to the
        total conversions; revenue uses the same game with revenue in place of conversions (an
        exact Shapley value, not a proportional split). This v is a sum of unanimity games, one
        per journey (its Harsanyi dividend is the journey's weight), so the exact values have a
        closed form, Zhao et al.'s simplified form: each converting journey's credit shared
        equally among its distinct channels. It is computed that way, for any number of
        channels. With ``value="conv_rate"``, v(S) = conversions / journeys over the journeys
        whose channel set is a subset of S (0 when none), as marketing-attribution-models'
        ``conv_rate``, and likewise revenue / journeys for revenue; the values are then scaled
        to sum to the totals. Under ``conv_rate`` a channel whose journeys convert less often
        than the rest lowers every coalition it joins, so its credit can be negative. That
        ratio has no such decomposition: v is computed for all 2^n coalitions by a subset-sum
        (zeta) transform, and the variant is refused above :data:`MAX_SHAPLEY_CHANNELS` channels.

    Raises
    ------
    AttributionError
        No conversions, unknown model or bad option value; or this model cannot run on these
        data: ``time_decay`` on aggregated paths (no times), ``shapley`` with
        ``value="conv_rate"`` above :data:`MAX_SHAPLEY_CHANNELS` channels, ``markov`` with more
        states than an exact solve can hold. Those carry an English reason too
        (:meth:`AttributionError.text`).

    Examples
    --------
    >>> touches = pd.DataFrame({
    ...     "customer_id": ["c1", "c1", "c1", "c2"],
    ...     "timestamp": pd.to_datetime(["2026-06-01", "2026-06-02", "2026-06-03", "2026-06-01"]),
    ...     "channel": ["小红书", "微信", "直接访问", "直接访问"],
    ...     "converted": [False, False, True, True],
    ...     "revenue": [0.0, 0.0, 200.0, 50.0],
    ... })
    >>> attribute(touches, "末次非直接")  # c1 skips 直接访问; c2 has only direct touches
      channel  conversions  revenue
    0      微信          1.0    200.0
    1    直接访问          1.0     50.0
    2     小红书          0.0      0.0
    """
    canonical = resolve_model(model)
    journey_options, model_options = _split_options(options, canonical)
    journeys = build_journeys(touchpoints, **journey_options)
    return _attribute_journeys(journeys, canonical, model_options)


def _split_options(options: Mapping[str, object], model: str) -> tuple[dict, dict]:
    unknown = set(options) - _ALL_OPTIONS
    if unknown:
        raise TypeError(f"unknown attribution option(s): {', '.join(sorted(unknown))}")
    journey_options = {k: v for k, v in options.items() if k in _JOURNEY_OPTIONS}
    model_options = {k: v for k, v in options.items() if k in _MODEL_OPTIONS.get(model, ())}
    return journey_options, model_options


def _attribute_journeys(journeys: Journeys, model: str, options: Mapping[str, object]) -> pd.DataFrame:
    total_conversions = journeys.total_conversions
    if not total_conversions > 0:
        raise AttributionError("触点数据中没有转化，无法归因", "请检查 是否转化 列是否填写了 是/1")
    if model == "markov":
        conversions, revenue = _markov_credit(journeys, order=options.get("order", 1))
    elif model == "shapley":
        conversions, revenue = _shapley_credit(journeys, value=options.get("value", "conversions"))
    elif model == "time_decay" and journeys.decay_credit is not None:
        conversions, revenue = _summed_decay_credit(journeys, options.get("half_life_days", 7))
    else:
        share = _touch_shares(journeys, model, options)
        conversions, revenue = _credit_touches(journeys, share)
    return _result_frame(journeys.channels, conversions, revenue)


def _result_frame(channels: tuple[str, ...], conversions: np.ndarray, revenue: np.ndarray) -> pd.DataFrame:
    # Rounding noise like -1e-17 must not show as a negative credit.
    conversions = np.where(np.abs(conversions) < 1e-12 * max(1.0, np.abs(conversions).sum()), 0.0, conversions)
    revenue = np.where(np.abs(revenue) < 1e-12 * max(1.0, np.abs(revenue).sum()), 0.0, revenue)
    frame = pd.DataFrame({"channel": pd.Series(channels, dtype=object), "conversions": conversions,
                          "revenue": revenue})
    frame = frame.sort_values(["revenue", "conversions", "channel"], ascending=[False, False, True], kind="mergesort")
    return frame.reset_index(drop=True)
