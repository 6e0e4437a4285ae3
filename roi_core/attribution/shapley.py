"""The Shapley model: exact Shapley values per channel, in closed form or by enumerating coalitions."""

from __future__ import annotations

import math

import numpy as np

from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import Journeys, _channels_in_converting_journeys

#: Shapley with ``value="conv_rate"`` enumerates 2^n coalitions: above this many channels that
#: variant refuses (alone). The default game (conversions) has a closed form and no limit.
MAX_SHAPLEY_CHANNELS = 20


def _subset_sums(values: np.ndarray, n_players: int) -> np.ndarray:
    """Zeta transform over axis 0: out[S] = sum of values[T] over all T ⊆ S (bitmask index), in place."""
    for bit in range(n_players):
        # Index S = (high bits, this bit, low bits): add each S without the bit into S with it.
        view = values.reshape(-1, 2, 1 << bit, *values.shape[1:])
        view[:, 1] += view[:, 0]
    return values


def _shapley_values(game: np.ndarray, n_players: int) -> np.ndarray:
    """Exact Shapley values of each column of ``game`` (shape (2**n, k), indexed by coalition bitmask).

    phi_i = sum over S not containing i of |S|! (n - |S| - 1)! / n! * (v(S ∪ {i}) - v(S)).
    """
    # |S| of every bitmask: the zeta transform of the singletons.
    size = np.zeros(1 << n_players, dtype=np.int64)
    size[1 << np.arange(n_players)] = 1
    _subset_sums(size, n_players)
    # |S|! (n-|S|-1)! / n! = 1 / (n * C(n-1, |S|))
    coalition_weight = np.array([1.0 / (n_players * math.comb(n_players - 1, s)) for s in range(n_players)])
    phi = np.zeros((n_players, game.shape[1]))
    for player in range(n_players):
        step = 1 << player
        view = game.reshape(-1, 2, step, game.shape[1])
        gain = (view[:, 1] - view[:, 0]).reshape(-1, game.shape[1])
        size_without = size.reshape(-1, 2, step)[:, 0].ravel()
        # Sum the marginal gains per coalition size first, then weigh: n products instead of
        # 2^(n-1), and for whole-number games the per-size sums are exact.
        for column in range(game.shape[1]):
            per_size = np.bincount(size_without, weights=gain[:, column], minlength=n_players)
            phi[player, column] = per_size @ coalition_weight
    return phi


def _shapley_credit(journeys: Journeys, value: object) -> tuple[np.ndarray, np.ndarray]:
    if value not in ("conversions", "conv_rate"):
        raise AttributionError(f"沙普利模型的 value 只能是 conversions 或 conv_rate，现在是 {value}")
    if value == "conversions":
        return _shapley_subset_sum(journeys)
    return _shapley_enumerated(journeys, "conv_rate")


def _shapley_subset_sum(journeys: Journeys) -> tuple[np.ndarray, np.ndarray]:
    """Exact Shapley values of v(S) = Σ over journeys whose channel set T ⊆ S of w(T), any channel count.

    v is a sum of unanimity games, v = Σ_T w(T)·u_T with u_T(S) = 1 when T ⊆ S (its Harsanyi
    dividends are the journeys' own weights). The Shapley value is linear, and the value of
    u_T gives 1/|T| to each member of T (symmetry, null players, efficiency), so each journey's
    conversions and revenue are split equally among its distinct channels. Equal, to rounding,
    to the 2^n enumeration (:func:`_shapley_enumerated`) on the same game.
    """
    n_channels = journeys.n_channels
    # Only journeys with a weight are dividends; the others add 0 to every coalition.
    carries = (journeys.journey_conversions != 0) | (journeys.journey_revenue != 0)
    touch_carries = carries[journeys.touch_journey]
    key = journeys.touch_journey[touch_carries] * n_channels + journeys.touch_channel[touch_carries]
    # Touches come journey by journey, so the keys are sorted but for short runs inside each
    # journey: a stable (tim)sort is near linear here, many times faster than np.unique.
    key = np.sort(key, kind="stable")
    first = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=first[1:])
    journey, channel = np.divmod(key[first], n_channels)  # one entry per (journey, distinct channel)
    share = 1.0 / np.bincount(journey, minlength=journeys.n_journeys)[journey]
    conversions = np.bincount(channel, weights=journeys.journey_conversions[journey] * share, minlength=n_channels)
    revenue = np.bincount(channel, weights=journeys.journey_revenue[journey] * share, minlength=n_channels)
    return conversions, revenue


def _shapley_enumerated(journeys: Journeys, value: str) -> tuple[np.ndarray, np.ndarray]:
    """Shapley values by enumerating every coalition (2^n): for ``conv_rate``, a ratio of two
    subset sums that is not a sum of a few unanimity games, and as the reference for the
    closed form. Refused above :data:`MAX_SHAPLEY_CHANNELS` players."""
    n_channels = journeys.n_channels
    if value == "conversions":
        # Channels never in a converting journey are null players of this game (their Shapley
        # value is 0 and leaving them out changes no one else's), so only the others play.
        players = np.flatnonzero(_channels_in_converting_journeys(journeys))
    else:
        players = np.arange(n_channels)
    n_players = len(players)
    if n_players > MAX_SHAPLEY_CHANNELS:
        raise AttributionError(
            f"按转化率的沙普利模型最多支持 {MAX_SHAPLEY_CHANNELS} 个渠道，现在有 {n_players} 个",
            "它要枚举 2^n 个渠道组合；请合并小渠道，或用默认的按转化数的沙普利模型（任意渠道数）",
            english=(f"Shapley on conversion rates handles at most {MAX_SHAPLEY_CHANNELS} channels and these "
                     f"data have {n_players}: it enumerates 2^n channel combinations. Merge small channels, "
                     "or use the default Shapley on conversions (any number of channels)."))
    player_of_channel = np.full(n_channels, -1, dtype=np.int64)
    player_of_channel[players] = np.arange(n_players)

    # Each journey's channel set as a bitmask; journeys through a non-player channel (only
    # possible for non-converting journeys under "conversions") contribute nothing there.
    touch_player = player_of_channel[journeys.touch_channel]
    touch_bit = np.where(touch_player >= 0, np.left_shift(1, np.maximum(touch_player, 0)), 0).astype(np.int64)
    journey_set = np.bitwise_or.reduceat(touch_bit, journeys.journey_start[:-1])
    n_coalitions = 1 << n_players

    columns = [journeys.journey_conversions, journeys.journey_revenue]
    if value == "conv_rate":
        columns.append(journeys.journey_count)
    game = np.column_stack([np.bincount(journey_set, weights=col, minlength=n_coalitions) for col in columns])
    _subset_sums(game, n_players)  # game[S] = totals over journeys whose set ⊆ S
    if value == "conv_rate":
        journeys_in = game[:, 2:3]
        game = np.divide(game[:, :2], journeys_in, out=np.zeros((n_coalitions, 2)), where=journeys_in > 0)
    phi = _shapley_values(game, n_players)

    totals = np.array([journeys.total_conversions, journeys.total_revenue])
    if value == "conv_rate":
        # Efficiency: phi sums to v(all) - v(empty) = v(all); rescale to the real totals.
        grand = game[-1]
        factor = np.divide(totals, grand, out=np.zeros(2), where=grand != 0)
        phi = phi * factor
    credit = np.zeros((n_channels, 2))
    credit[players] = phi
    return credit[:, 0], credit[:, 1]
