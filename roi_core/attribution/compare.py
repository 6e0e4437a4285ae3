"""compare_models (every model side by side, with rank moves) and attributed_roi (cost and ROI per channel)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import Journeys, build_journeys
from roi_core.attribution.names import _ALL_OPTIONS, _JOURNEY_OPTIONS, _MODEL_OPTIONS, MODELS, resolve_model
from roi_core.attribution.run import _attribute_journeys


def _rank_by_revenue(frame: pd.DataFrame) -> np.ndarray:
    """1 = highest revenue (ties broken by conversions); equal pairs share the better rank."""
    # Round away float noise so symmetric channels tie instead of ranking by 1e-16.
    revenue = frame["revenue"].to_numpy().round(6)
    conversions = frame["conversions"].to_numpy().round(9)
    order = np.lexsort((-conversions, -revenue))
    rank = np.empty(len(frame), dtype=np.int64)
    previous = None
    for place, row in enumerate(order, start=1):  # over channels
        key = (revenue[row], conversions[row])
        if key != previous:
            current, previous = place, key
        rank[row] = current
    return rank


def compare_models(touchpoints: pd.DataFrame | Journeys, models: Iterable[str] = MODELS,
                   **options) -> pd.DataFrame:
    """Every channel under several models, with ranks and a flag where the rank moves.

    Journeys are built once and reused by every model.

    Parameters
    ----------
    touchpoints : DataFrame or Journeys
        As for :func:`attribute`.
    models : iterable of str, default :data:`MODELS`
        Model names or aliases; columns use the canonical names.
    **options
        As for :func:`attribute`; each model takes the options that concern it.

    Returns
    -------
    DataFrame
        ``channel``; for each model ``<model>_conversions``, ``<model>_revenue`` and
        ``<model>_rank`` (1 = highest attributed revenue, ties by conversions); ``rank_moves``
        (True where the best and worst rank differ by 2 or more). Sorted by mean rank, then channel.

        A model that cannot run on these data or options (e.g. ``time_decay`` on aggregated
        paths, which carry no time; ``shapley`` with ``value="conv_rate"`` above :data:`MAX_SHAPLEY_CHANNELS`
        channels; ``markov`` with too many states) refuses alone: it has no columns, it does not
        count towards ``rank_moves``, and ``table.attrs["refused"]`` maps it to its
        :class:`AttributionError` (Chinese ``str(err)``, ``err.text("en")`` in English).
        ``attrs["refused"]`` is always present (empty when every model ran).

    Raises
    ------
    AttributionError
        The journeys cannot be built, there are no conversions, or every model refused (then
        the first model's reason).

    Examples
    --------
    >>> touches = pd.DataFrame({
    ...     "customer_id": ["c1", "c1", "c2", "c3", "c3"],
    ...     "timestamp": pd.to_datetime(["2026-06-01", "2026-06-02", "2026-06-01", "2026-06-01", "2026-06-02"]),
    ...     "channel": ["微信", "抖音", "抖音", "小红书", "抖音"],
    ...     "converted": [False, True, True, False, True],
    ...     "revenue": [0.0, 100.0, 50.0, 0.0, 70.0],
    ... })
    >>> table = compare_models(touches, ["first", "last"])
    >>> table[["channel", "first_revenue", "first_rank", "last_revenue", "last_rank", "rank_moves"]]
      channel  first_revenue  first_rank  last_revenue  last_rank  rank_moves
    0      微信          100.0           1           0.0          2       False
    1     小红书           70.0           2           0.0          2       False
    2      抖音           50.0           3         220.0          1        True
    """
    canonical = [resolve_model(model) for model in models]
    if not canonical:
        raise AttributionError("没有选择任何归因模型")
    canonical = list(dict.fromkeys(canonical))
    unknown = set(options) - _ALL_OPTIONS
    if unknown:
        raise TypeError(f"unknown attribution option(s): {', '.join(sorted(unknown))}")
    journeys = build_journeys(touchpoints, **{k: v for k, v in options.items() if k in _JOURNEY_OPTIONS})
    if not journeys.total_conversions > 0:  # no model can answer; say so once
        _attribute_journeys(journeys, canonical[0], {})
    table = pd.DataFrame({"channel": pd.Series(journeys.channels, dtype=object)})
    rank_columns = []
    refused: dict[str, AttributionError] = {}
    for model in canonical:
        try:
            result = _attribute_journeys(journeys, model,
                                         {k: v for k, v in options.items() if k in _MODEL_OPTIONS.get(model, ())})
        except AttributionError as err:
            # One model's limit (no times, too many states ...) must not take the others down.
            refused[model] = err
            continue
        result[f"{model}_rank"] = _rank_by_revenue(result)
        result = result.rename(columns={"conversions": f"{model}_conversions", "revenue": f"{model}_revenue"})
        table = table.merge(result, on="channel", how="left", validate="one_to_one")
        rank_columns.append(f"{model}_rank")
    if not rank_columns:
        raise refused[canonical[0]]
    ranks = table[rank_columns].to_numpy()
    table["rank_moves"] = (ranks.max(axis=1) - ranks.min(axis=1)) >= 2
    mean_rank = ranks.mean(axis=1)
    table = table.iloc[np.lexsort((table["channel"].to_numpy(dtype=str), mean_rank))].reset_index(drop=True)
    table.attrs["refused"] = refused
    return table


def attributed_roi(attribution_df: pd.DataFrame, channel_cost: pd.Series) -> pd.DataFrame:
    """Add each channel's cost and ROI on attributed revenue.

    Parameters
    ----------
    attribution_df : DataFrame
        A result of :func:`attribute` (``channel`` and ``revenue`` at least).
    channel_cost : Series
        Cost per channel, indexed by channel name; repeated names are summed.

    Returns
    -------
    DataFrame
        The input plus ``cost`` (NaN where unknown), ``roi`` = (revenue − cost) / cost as a
        fraction (NaN where it cannot be computed) and ``roi_note``: "" when ROI is computed,
        else the reason in Chinese: "无成本数据", "成本为0" or "成本为负数".

    Examples
    --------
    >>> credit = pd.DataFrame({"channel": ["抖音", "微信", "小红书"], "conversions": [2.0, 1.0, 1.0],
    ...                        "revenue": [300.0, 100.0, 50.0]})
    >>> attributed_roi(credit, pd.Series({"抖音": 100.0, "微信": 0.0}))  # doctest: +NORMALIZE_WHITESPACE
      channel  conversions  revenue   cost  roi roi_note
    0      抖音          2.0    300.0  100.0  2.0
    1      微信          1.0    100.0    0.0  NaN     成本为0
    2     小红书          1.0     50.0    NaN  NaN    无成本数据
    """
    if "channel" not in attribution_df.columns or "revenue" not in attribution_df.columns:
        raise AttributionError("归因结果需要 channel 和 revenue 两列")
    costs = pd.to_numeric(pd.Series(channel_cost), errors="coerce")
    costs = costs.groupby(level=0).sum(min_count=1)
    result = attribution_df.copy()
    cost = result["channel"].map(costs).astype(np.float64).to_numpy()
    revenue = result["revenue"].to_numpy(dtype=np.float64)
    computable = np.isfinite(cost) & (cost > 0)
    roi = np.full(len(result), np.nan)
    roi[computable] = (revenue[computable] - cost[computable]) / cost[computable]
    note = np.where(~np.isfinite(cost), "无成本数据", np.where(cost == 0, "成本为0", np.where(cost < 0, "成本为负数", "")))
    result["cost"] = cost
    result["roi"] = roi
    result["roi_note"] = note.astype(object)
    return result
