"""Rule-based models (first, last, last_non_direct, linear, time_decay, position).

Each gives every touch a share of its journey's credit; the shares sum to 1 over each journey.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import Journeys
from roi_core.attribution.names import _normalize_word

#: Channels that the last-non-direct model skips (compared NFKC + case-folded).
DEFAULT_DIRECT_CHANNELS: tuple[str, ...] = ("直接访问", "自然流量", "direct")


def _touch_shares(journeys: Journeys, model: str, options: Mapping[str, object]) -> np.ndarray:
    position = journeys.touch_position
    length = journeys.journey_length[journeys.touch_journey]
    if model == "first":
        return (position == 0).astype(np.float64)
    if model == "last":
        return (position == length - 1).astype(np.float64)
    if model == "linear":
        return 1.0 / length
    if model == "position":
        middle = 0.2 / np.maximum(length - 2, 1)
        ends = (position == 0) | (position == length - 1)
        return np.where(length == 1, 1.0, np.where(length == 2, 0.5, np.where(ends, 0.4, middle)))
    if model == "time_decay":
        return _time_decay_shares(journeys, options.get("half_life_days", 7))
    if model == "last_non_direct":
        return _last_non_direct_shares(journeys, options.get("direct_channels", DEFAULT_DIRECT_CHANNELS))
    raise AssertionError(model)  # pragma: no cover - resolve_model admits only MODELS


def _half_life(half_life_days: object) -> float:
    try:
        half_life = float(half_life_days)
    except (TypeError, ValueError):
        raise AttributionError(f"时间衰减半衰期「{half_life_days}」不是数字") from None
    if not (math.isfinite(half_life) and half_life > 0):
        raise AttributionError(f"时间衰减半衰期必须大于0，现在是 {half_life_days}")
    return half_life


def _summed_decay_credit(journeys: Journeys, half_life_days: object) -> tuple[np.ndarray, np.ndarray]:
    """The time-decay credit an aggregated path table brought along, when its half-life is the one asked."""
    half_life = _half_life(half_life_days)
    summed_with, conversions, revenue = journeys.decay_credit  # type: ignore[misc]
    if not math.isclose(half_life, summed_with, rel_tol=1e-12):
        raise AttributionError(f"汇总路径的时间衰减按半衰期 {summed_with:g} 天算好，不能改用 {half_life:g} 天",
                               "请按新的半衰期重新汇总",
                               english=f"The aggregated paths carry time-decay credit for a half-life of "
                                       f"{summed_with:g} days, not {half_life:g}. Aggregate them again.")
    return conversions, revenue


def _time_decay_shares(journeys: Journeys, half_life_days: object) -> np.ndarray:
    half_life = _half_life(half_life_days)
    days = journeys.touch_days_before_conversion
    if np.isnan(days).any():
        raise AttributionError("汇总路径没有触点时间，不能用时间衰减模型", "请用触点明细，或换一个模型",
                               english="Aggregated paths carry no touch times, so the time-decay model cannot "
                                       "run on them. Use touch-level data, or another model.")
    # Days are measured back from each journey's last touch, which therefore weighs 1:
    # the per-journey sum is >= 1 and never underflows to 0.
    weight = np.exp2(-days / half_life)
    per_journey = np.bincount(journeys.touch_journey, weights=weight, minlength=journeys.n_journeys)
    return weight / per_journey[journeys.touch_journey]


def _last_non_direct_shares(journeys: Journeys, direct_channels: object) -> np.ndarray:
    if isinstance(direct_channels, str):
        direct_channels = (direct_channels,)
    direct_words = {_normalize_word(name) for name in direct_channels}  # type: ignore[union-attr]
    is_direct = np.array([_normalize_word(name) in direct_words for name in journeys.channels], dtype=bool)
    position = journeys.touch_position
    candidate = np.where(is_direct[journeys.touch_channel], -1, position)
    last_non_direct = np.maximum.reduceat(candidate, journeys.journey_start[:-1])
    chosen = np.where(last_non_direct >= 0, last_non_direct, journeys.journey_length - 1)
    return (position == chosen[journeys.touch_journey]).astype(np.float64)


def _credit_touches(journeys: Journeys, share: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    conversions = journeys.journey_conversions[journeys.touch_journey] * share
    revenue = journeys.journey_revenue[journeys.touch_journey] * share
    n = journeys.n_channels
    return (np.bincount(journeys.touch_channel, weights=conversions, minlength=n),
            np.bincount(journeys.touch_channel, weights=revenue, minlength=n))
