"""Multi-touch attribution: journeys from the 触点 tab, eight models, model comparison, attributed ROI.

Pure computation: standard library, numpy and pandas only, no I/O. Everything is vectorised
over touches and journeys; Python loops run only over channels, Markov states' orders,
batches of Markov removal scenarios or coalition bits. Every model answers at any channel count
that its exact method can hold: Shapley (the default game) has a closed form, Markov order 1
solves every removal from one inverse; a model that cannot (Shapley on conversion rates above
:data:`MAX_SHAPLEY_CHANNELS` channels, a Markov chain too large to solve exactly, time decay on
paths without times) refuses alone, and :func:`compare_models` still compares the others.

The pipeline is

1. :func:`build_journeys` turns touchpoints (``customer_id``, ``timestamp``, ``channel``,
   ``converted``, ``revenue``) into a :class:`Journeys` object: flat numpy arrays, built once
   and reused by every model. A pre-aggregated paths frame in ChannelAttribution's layout
   (``path``, ``total_conversions``, ``total_conversion_value``, ``total_null``) is accepted too.
2. :func:`attribute` runs one model and returns per channel the attributed ``conversions`` and
   ``revenue``; both columns sum to the converting journeys' totals.
3. :func:`compare_models` runs several models on the same journeys and flags channels whose
   rank moves between models; :func:`attributed_roi` adds cost and ROI per channel.

Models (canonical name, Chinese label): ``first`` 首次触点, ``last`` 末次触点,
``last_non_direct`` 末次非直接, ``linear`` 线性, ``time_decay`` 时间衰减, ``position`` 位置 (U型),
``markov`` 马尔可夫 (exact removal effects), ``shapley`` 沙普利 (exact Shapley values).

Examples
--------
>>> import pandas as pd
>>> touches = pd.DataFrame({
...     "customer_id": ["c1", "c1", "c2"],
...     "timestamp": pd.to_datetime(["2026-06-01", "2026-06-03", "2026-06-02"]),
...     "channel": ["微信", "抖音", "抖音"],
...     "converted": [False, True, True],
...     "revenue": [0.0, 300.0, 100.0],
... })
>>> attribute(touches, "线性")
  channel  conversions  revenue
0      抖音          1.5    250.0
1      微信          0.5    150.0

The package is split by concern; everything public is re-exported here, so
``from roi_core.attribution import attribute`` is the way in:

- :mod:`~roi_core.attribution.errors`: :class:`AttributionError`.
- :mod:`~roi_core.attribution.names`: :data:`MODELS`, :data:`MODEL_LABELS_ZH`, :data:`MODEL_ALIASES`,
  :func:`resolve_model` and each model's options.
- :mod:`~roi_core.attribution.journeys`: :class:`Journeys`, :func:`build_journeys`, :func:`journeys_from_paths`,
  :func:`journeys_from_aggregates` (a path table and the time-decay credit summed where the touches live: ``tables/``).
- :mod:`~roi_core.attribution.rules`: the rule-based models (first, last, last_non_direct, linear,
  time_decay, position) and :data:`DEFAULT_DIRECT_CHANNELS`.
- :mod:`~roi_core.attribution.markov`: the Markov model and :func:`markov_removal_effects`.
- :mod:`~roi_core.attribution.shapley`: the Shapley model and :data:`MAX_SHAPLEY_CHANNELS`.
- :mod:`~roi_core.attribution.run`: :func:`attribute`, one model over the journeys.
- :mod:`~roi_core.attribution.compare`: :func:`compare_models` and :func:`attributed_roi`.
"""

from roi_core.attribution.compare import attributed_roi, compare_models
from roi_core.attribution.errors import AttributionError
from roi_core.attribution.journeys import (
    Journeys,
    build_journeys,
    journeys_from_aggregates,
    journeys_from_paths,
)
from roi_core.attribution.markov import markov_removal_effects
from roi_core.attribution.names import MODEL_ALIASES, MODEL_LABELS_ZH, MODELS, resolve_model
from roi_core.attribution.rules import DEFAULT_DIRECT_CHANNELS
from roi_core.attribution.run import attribute
from roi_core.attribution.shapley import MAX_SHAPLEY_CHANNELS

__all__ = [
    "DEFAULT_DIRECT_CHANNELS",
    "MAX_SHAPLEY_CHANNELS",
    "MODELS",
    "MODEL_ALIASES",
    "MODEL_LABELS_ZH",
    "AttributionError",
    "Journeys",
    "attribute",
    "attributed_roi",
    "build_journeys",
    "compare_models",
    "journeys_from_aggregates",
    "journeys_from_paths",
    "markov_removal_effects",
    "resolve_model",
]
