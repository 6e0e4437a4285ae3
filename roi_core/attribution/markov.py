"""The Markov model: an absorbing chain over the journeys, exact removal effects per channel."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import Journeys, _channels_in_converting_journeys, build_journeys

_MAX_MARKOV_ORDER = 4
# Above this many transient states the Markov system is solved by fixed-point iteration over the
# sparse transition list instead of a dense inverse (order 3-4 chains reach thousands of states).
_DENSE_STATE_LIMIT = 500
# At order 1 each channel is one state, and every removal scenario follows from one inverse in
# O(n) more, so the dense solve stays cheap up to this many states (channels + 1): ~1 s, 72 MB.
_DENSE_SINGLE_STATE_LIMIT = 3000
# The iteration moves (edges + states) x 2 x scenarios numbers per step, some 60 steps to 1e-15;
# above this many per step (~30 s in all on one core) the Markov model refuses rather than hold
# the answer for minutes.
_MAX_ITERATION_WORK = 100_000_000
# Scenarios are iterated in batches of at most this many values per array (32 MB of float64).
_ITERATION_BATCH_ELEMENTS = 1 << 22


def _split_by_weights(total: float, weights: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """``total`` shared in proportion to ``weights`` over eligible channels (equally if all weigh 0)."""
    weights = np.where(eligible, np.maximum(weights, 0.0), 0.0)
    weight_sum = weights.sum()
    if total == 0:
        return np.zeros(len(weights))
    if not weight_sum > 0:  # cannot happen for a chain with conversions; stay finite anyway
        weights, weight_sum = eligible.astype(np.float64), float(eligible.sum())
    return total * weights / weight_sum


@dataclass(frozen=True)
class _MarkovChain:
    """Transient states 0 = (start), 1.. = channel states; conversion and null are implicit.

    Transitions between transient states are listed once per (from state, next channel), which
    fixes the next state; ``edge_from`` is sorted.
    """

    n_states: int  # transient states, (start) included
    edge_from: np.ndarray
    edge_to: np.ndarray
    edge_weight: np.ndarray
    to_conversion: np.ndarray  # per state: journeys (weighted) ending there with a conversion
    to_revenue: np.ndarray  # per state: revenue of those conversions
    out_weight: np.ndarray  # per state: every transition out, absorbing ones included
    state_has_channel: np.ndarray  # (n_states, n_channels) bool; the (start) row is all False


def _count_keys(keys: np.ndarray, weights: np.ndarray, n_keys: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Distinct keys (sorted), their summed weights, and each key's index among the distinct ones.

    A bincount and a lookup table when the key space is small enough, a sort otherwise.
    """
    if n_keys <= 1 << 25:
        total = np.bincount(keys, weights=weights, minlength=n_keys)
        distinct = np.flatnonzero(np.bincount(keys, minlength=n_keys))
        lookup = np.zeros(n_keys, dtype=np.int64)
        lookup[distinct] = np.arange(len(distinct))
        return distinct, total[distinct], lookup[keys]
    distinct, inverse = np.unique(keys, return_inverse=True)
    return distinct, np.bincount(inverse, weights=weights, minlength=len(distinct)), inverse


def _markov_chain(journeys: Journeys, order: int) -> _MarkovChain:
    channel, journey = journeys.touch_channel, journeys.touch_journey
    # Merge consecutive repeats (a > a > b is a > b): at order 1 a self-loop does not change
    # absorption probabilities, and ChannelAttribution and marketing-attribution-models drop them too.
    keep = np.ones(len(channel), dtype=bool)
    keep[1:] = (channel[1:] != channel[:-1]) | (journey[1:] != journey[:-1])
    channel, journey = channel[keep], journey[keep]
    n_merged = len(channel)
    first = np.flatnonzero(np.r_[True, journey[1:] != journey[:-1]])
    last = np.r_[first[1:], n_merged] - 1
    position = np.arange(n_merged) - first[journey]

    n_channels = journeys.n_channels
    if order == 1:
        state = channel
        state_has_channel = np.eye(n_channels, dtype=bool)
    else:
        # State = the last min(position + 1, order) channels as base-(n+1) digits, 0 = none:
        # shorter tuples open a journey, so "a" at the start differs from "b > a" later on.
        base = n_channels + 1
        if base**order >= 1 << 62:  # the state keys below are int64
            raise AttributionError(
                f"{n_channels:,} 个渠道太多，无法建立 {order} 阶马尔可夫模型",
                "请用 1 阶马尔可夫，或合并小渠道；其他模型不受影响",
                english=(f"{n_channels:,} channels are too many for an order-{order} Markov model. Use order 1, "
                         "or merge small channels; the other models are not affected."))
        key = np.zeros(n_merged, dtype=np.int64)
        for back in range(order):
            has = np.flatnonzero(position >= back)
            key[has] += (channel[has - back] + 1) * base**back
        keys, _, state = _count_keys(key, np.ones(n_merged), base**order)
        state_has_channel = np.zeros((len(keys), n_channels), dtype=bool)
        for back in range(order):
            digit = (keys // base**back) % base
            rows = np.flatnonzero(digit > 0)
            state_has_channel[rows, digit[rows] - 1] = True
    state = state.astype(np.int64) + 1  # 0 is (start)
    n_states = len(state_has_channel) + 1

    previous = np.zeros(n_merged, dtype=np.int64)
    previous[1:] = state[:-1]
    previous[position == 0] = 0
    # A step (previous state, next channel) determines the next state, so steps are keyed on
    # at most n_states * n_channels values: a bincount, no sort.
    step = previous * n_channels + channel
    step_keys, step_weight, step_index = _count_keys(step, journeys.journey_count[journey], n_states * n_channels)
    next_state = np.zeros(len(step_keys), dtype=np.int64)
    next_state[step_index] = state

    end_state = state[last]
    to_conversion = np.bincount(end_state, weights=journeys.journey_conversions, minlength=n_states)
    to_revenue = np.bincount(end_state, weights=journeys.journey_revenue, minlength=n_states)
    ending = np.bincount(end_state, weights=journeys.journey_count, minlength=n_states)
    edge_from = step_keys // n_channels
    out_weight = np.bincount(edge_from, weights=step_weight, minlength=n_states) + ending
    return _MarkovChain(
        n_states=n_states, edge_from=edge_from, edge_to=next_state, edge_weight=step_weight,
        to_conversion=to_conversion, to_revenue=to_revenue, out_weight=out_weight,
        state_has_channel=np.vstack([np.zeros((1, n_channels), dtype=bool), state_has_channel]),
    )


def _absorption_values(chain: _MarkovChain, order: int = 1) -> np.ndarray:
    """Expected conversions and revenue from (start): full chain, then each channel removed.

    Returns an array of shape (n_channels + 1, 2): row 0 the full chain, row 1 + c the chain
    with every state containing channel c redirected to null; columns conversion, revenue.
    Redirecting a state to null is the same as dropping it from the transient system (its
    value is 0), so each scenario solves ``(I - Q) x = r`` restricted to the surviving states.
    Raises AttributionError (alone, with its reason) when the chain is too large to solve
    exactly in reasonable time.
    """
    out = np.where(chain.out_weight > 0, chain.out_weight, 1.0)
    probability = chain.edge_weight / out[chain.edge_from]
    rhs = np.column_stack([chain.to_conversion / out, chain.to_revenue / out])
    removed = chain.state_has_channel.T  # (n_channels, n_states)
    one_state_per_channel = bool((removed.sum(axis=1) == 1).all())
    if chain.n_states <= _DENSE_STATE_LIMIT or (one_state_per_channel
                                                and chain.n_states <= _DENSE_SINGLE_STATE_LIMIT):
        return _solve_dense(chain.n_states, chain.edge_from, chain.edge_to, probability, rhs, removed)
    n_channels = removed.shape[0]
    if (len(chain.edge_from) + chain.n_states) * 2 * (n_channels + 1) > _MAX_ITERATION_WORK:
        fix_zh, fix_en = "合并小渠道（如把长尾渠道归为「其他」）", "merge small channels (e.g. the long tail into one)"
        if order > 1:
            fix_zh, fix_en = "改用 1 阶马尔可夫，或" + fix_zh, "use order 1, or " + fix_en
        raise AttributionError(
            f"{order} 阶马尔可夫模型有 {chain.n_states - 1:,} 个状态、{n_channels:,} 个渠道，精确求解太慢",
            f"请{fix_zh}；其他模型不受影响",
            english=(f"The order-{order} Markov chain has {chain.n_states - 1:,} states over {n_channels:,} "
                     f"channels, too many to solve exactly in reasonable time: {fix_en}. The other models "
                     "are not affected."))
    return _solve_iterative(chain.n_states, chain.edge_from, chain.edge_to, probability, rhs, removed)


def _solve_dense(n_states: int, edge_from: np.ndarray, edge_to: np.ndarray, probability: np.ndarray,
                 rhs: np.ndarray, removed: np.ndarray) -> np.ndarray:
    """Every scenario from one inverse M = (I - Q)^-1.

    Dropping the states R (and their equations) from ``(I - Q) x = r`` gives
    y = x - M[:, R] M[R, R]^-1 x[R]: y[R] = 0, and (I - Q) y differs from r only in the rows of R,
    because (I - Q) M[:, R] is the identity's columns R. So each channel costs a solve of size
    |R| (1 at order 1, all channels at once) instead of a new factorisation.
    """
    system = np.eye(n_states)
    system[edge_from, edge_to] -= probability  # each (from, to) pair is listed once
    inverse = np.linalg.inv(system)
    full = inverse @ rhs
    results = np.empty((removed.shape[0] + 1, 2))
    results[0] = full[0]
    sizes = removed.sum(axis=1)
    if (sizes == 1).all():
        state = removed.argmax(axis=1)
        results[1:] = full[0] - (inverse[0, state] / inverse[state, state])[:, None] * full[state]
        return results
    for channel, removed_states in enumerate(removed):  # over channels
        rows = np.flatnonzero(removed_states)
        results[channel + 1] = full[0] - inverse[0, rows] @ np.linalg.solve(inverse[np.ix_(rows, rows)], full[rows])
    return results


def _solve_iterative(n_states: int, edge_from: np.ndarray, edge_to: np.ndarray, probability: np.ndarray,
                     rhs: np.ndarray, removed: np.ndarray, max_iterations: int = 100_000) -> np.ndarray:
    """Fixed-point iteration x <- r + Q x over the sparse transitions, scenarios in batches.

    Deterministic, no sampling: Q is substochastic and every state can reach absorption, so
    the iteration converges geometrically to the solution of ``(I - Q) x = r``; it stops once
    an iteration moves no value by more than 1e-15 of its batch's scale. Values are laid out
    one row per (scenario, conversion | revenue); a step gathers every edge's target value and
    sums them per (row, source state) in one bincount, so it costs edges + states per row,
    whatever the out-degrees; rows go in batches so memory stays bounded at any channel count.
    """
    scale = np.maximum(np.abs(rhs).max(axis=0), 1e-300)
    scaled_rhs = (rhs / scale).T  # (2, n_states)
    n_scenarios = removed.shape[0] + 1
    alive_all = np.ones((n_scenarios, n_states), dtype=bool)
    alive_all[1:] = ~removed
    batch = max(1, _ITERATION_BATCH_ELEMENTS // (2 * max(len(edge_from), n_states)))
    results = np.empty((n_scenarios, 2))
    for first in range(0, n_scenarios, batch):  # over batches of scenarios
        alive = np.repeat(alive_all[first:first + batch], 2, axis=0)  # rows: (scenario, conv | revenue)
        n_rows = alive.shape[0]
        base = np.tile(scaled_rhs, (n_rows // 2, 1)) * alive
        row_offset = (np.arange(n_rows) * n_states)[:, None]
        key = (row_offset + edge_from).ravel()
        values = base
        for _ in range(max_iterations):
            flow = np.take(values, edge_to, axis=1)
            flow *= probability
            updated = np.bincount(key, weights=flow.ravel(), minlength=n_rows * n_states).reshape(n_rows, n_states)
            updated += base
            updated *= alive
            change = np.abs(updated - values).max()
            values = updated
            if change <= 1e-15 * max(1.0, np.abs(values).max()):
                break
        else:  # pragma: no cover - a chain this slow to mix is solved densely instead
            return _solve_dense(n_states, edge_from, edge_to, probability, rhs, removed)
        results[first:first + batch] = values[:, 0].reshape(-1, 2)
    return results * scale


def _checked_order(order: object) -> int:
    if isinstance(order, bool) or not isinstance(order, (int, np.integer)) or not 1 <= order <= _MAX_MARKOV_ORDER:
        raise AttributionError(f"马尔可夫模型的阶数必须是 1 到 {_MAX_MARKOV_ORDER} 的整数，现在是 {order}")
    return int(order)


def _markov_removal(journeys: Journeys, order: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Removal effects (conversion, revenue) per channel and the full chain's expectations."""
    order = _checked_order(order)
    values = _absorption_values(_markov_chain(journeys, order), order)
    full, without = values[0], values[1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        effect = np.where(full > 0, 1.0 - without / np.where(full > 0, full, 1.0), 0.0)
    # Removing states can only lower absorption; clip rounding noise below 0.
    effect = np.clip(effect, 0.0, 1.0)
    return effect[:, 0], effect[:, 1], full


def _markov_credit(journeys: Journeys, order: object) -> tuple[np.ndarray, np.ndarray]:
    effect_conversion, effect_revenue, _ = _markov_removal(journeys, order)  # type: ignore[arg-type]
    eligible = _channels_in_converting_journeys(journeys)
    conversions = _split_by_weights(journeys.total_conversions, effect_conversion, eligible)
    revenue_weights = effect_revenue if effect_revenue[eligible].sum() > 0 else effect_conversion
    revenue = _split_by_weights(journeys.total_revenue, revenue_weights, eligible)
    return conversions, revenue


def markov_removal_effects(touchpoints: pd.DataFrame | Journeys, order: int = 1,
                           lookback_days: float | None = 30) -> pd.DataFrame:
    """Markov removal effects per channel, before normalisation.

    Parameters
    ----------
    touchpoints : DataFrame or Journeys
        As for :func:`attribute`.
    order : int, default 1
        Markov order, 1..4.
    lookback_days : float or None, default 30
        Lookback window when building journeys.

    Returns
    -------
    DataFrame
        ``channel``, ``removal_effect`` (1 − P(conv | channel removed) / P(conv)) and
        ``removal_effect_revenue`` (the same on expected revenue), in channel order. The
        frame's ``attrs["conversion_probability"]`` holds P(conv) from (start) for the full chain.

    Examples
    --------
    >>> paths = pd.DataFrame({"path": ["微信 > 抖音", "抖音"], "total_conversions": [1, 1],
    ...                       "total_null": [1, 1]})
    >>> markov_removal_effects(paths)  # P(conv)=1/2; without 抖音 nothing converts, without 微信 1/4
      channel  removal_effect  removal_effect_revenue
    0      微信             0.5                     0.0
    1      抖音             1.0                     0.0
    """
    journeys = build_journeys(touchpoints, lookback_days=lookback_days)
    effect_conversion, effect_revenue, full = _markov_removal(journeys, order)
    frame = pd.DataFrame({"channel": pd.Series(journeys.channels, dtype=object),
                          "removal_effect": effect_conversion, "removal_effect_revenue": effect_revenue})
    frame.attrs["conversion_probability"] = float(full[0])
    return frame
