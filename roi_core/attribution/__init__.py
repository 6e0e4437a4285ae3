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
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.errors import RoiError

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
    "journeys_from_paths",
    "markov_removal_effects",
    "resolve_model",
]


class AttributionError(RoiError, ValueError):
    """Attribution cannot be computed from these data; ``str(err)`` is a Chinese sentence for the user.

    A :class:`roi_core.errors.RoiError` (``message`` and ``hint``), so every front end shows
    it like any other data problem; also a ValueError for callers of the bare function.

    Examples
    --------
    A model that cannot run on these data (too many states, no times) also carries the reason in
    English (``english``), for answers to a user who wrote English; :meth:`text` picks one.

    >>> str(AttributionError("触点数据中没有转化，无法归因", "请检查 是否转化 列"))
    '触点数据中没有转化，无法归因\\n请检查 是否转化 列'
    """

    def __init__(self, message: str, hint: str | None = None, *, english: str | None = None):
        super().__init__(message, hint)
        self.english = english

    def text(self, lang: str = "zh") -> str:
        """The reason in one line: English when ``lang`` is "en" and an English text exists, else Chinese."""
        if lang == "en" and self.english:
            return self.english
        return self.message if not self.hint else f"{self.message}；{self.hint}"


# ---------------------------------------------------------------------------------------------
# Model names
# ---------------------------------------------------------------------------------------------

MODELS: tuple[str, ...] = (
    "first", "last", "last_non_direct", "linear", "time_decay", "position", "markov", "shapley",
)

MODEL_LABELS_ZH: dict[str, str] = {
    "first": "首次触点",
    "last": "末次触点",
    "last_non_direct": "末次非直接",
    "linear": "线性",
    "time_decay": "时间衰减",
    "position": "位置(U型)",
    "markov": "马尔可夫",
    "shapley": "沙普利",
}

_ALIAS_WORDS: dict[str, tuple[str, ...]] = {
    "first": ("first", "first_touch", "first_click", "first-touch", "首次触点", "首次", "首触", "首次点击"),
    "last": ("last", "last_touch", "last_click", "last-touch", "末次触点", "末次", "末触", "最后触点",
             "末次点击"),
    "last_non_direct": ("last_non_direct", "last_non_direct_click", "last-non-direct", "lnd", "末次非直接",
                        "末次非直接触点", "非直接末次"),
    "linear": ("linear", "线性", "线性归因", "平均"),
    "time_decay": ("time_decay", "time-decay", "timedecay", "decay", "时间衰减", "衰减"),
    "position": ("position", "position_based", "position-based", "u_shaped", "u-shaped", "u型", "U型",
                 "位置", "位置归因", "U形", "u形"),
    "markov": ("markov", "markov_chain", "马尔可夫", "马尔科夫", "马尔可夫链", "马尔科夫链"),
    "shapley": ("shapley", "shapley_value", "沙普利", "夏普利", "沙普利值"),
}


def _normalize_word(word: object) -> str:
    # Same normalisation as the rest of the core (NFKC, trim, case-fold): "Ｕ型 " == "u型".
    return unicodedata.normalize("NFKC", str(word)).strip().casefold()


#: Every accepted spelling (canonical, English variants, Chinese) → canonical model name.
#: Keys are present both as written and NFKC + case-folded.
MODEL_ALIASES: dict[str, str] = {}
for _model, _words in _ALIAS_WORDS.items():
    for _word in (*_words, MODEL_LABELS_ZH[_model]):
        MODEL_ALIASES[_word] = _model
        MODEL_ALIASES[_normalize_word(_word)] = _model
del _model, _words, _word


def resolve_model(name: str) -> str:
    """Canonical model name for any accepted spelling (English or Chinese, any case or width).

    Examples
    --------
    >>> resolve_model("马尔可夫"), resolve_model(" U型 "), resolve_model("Last_Non_Direct")
    ('markov', 'position', 'last_non_direct')
    """
    canonical = MODEL_ALIASES.get(_normalize_word(name))
    if canonical is None:
        choices = " ".join(MODEL_LABELS_ZH[m] for m in MODELS)
        raise AttributionError(f"不认识的归因模型「{name}」", f"可选：{choices}")
    return canonical


#: Channels that the last-non-direct model skips (compared NFKC + case-folded).
DEFAULT_DIRECT_CHANNELS: tuple[str, ...] = ("直接访问", "自然流量", "direct")

#: Shapley with ``value="conv_rate"`` enumerates 2^n coalitions: above this many channels that
#: variant refuses (alone). The default game (conversions) has a closed form and no limit.
MAX_SHAPLEY_CHANNELS = 20

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
_NS_PER_DAY = 86_400 * 10**9

_MODEL_OPTIONS: dict[str, frozenset[str]] = {
    "last_non_direct": frozenset({"direct_channels"}),
    "time_decay": frozenset({"half_life_days"}),
    "markov": frozenset({"order"}),
    "shapley": frozenset({"value"}),
}
_JOURNEY_OPTIONS = frozenset({"lookback_days", "path_separator"})
_ALL_OPTIONS = frozenset().union(*_MODEL_OPTIONS.values(), _JOURNEY_OPTIONS)

_TOUCH_COLUMNS = ("customer_id", "timestamp", "channel", "converted")
_PATH_COLUMNS = ("path", "total_conversions")


# ---------------------------------------------------------------------------------------------
# Journeys
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, eq=False, repr=False)
class Journeys:
    """Customer journeys as flat arrays, built once and shared by every model.

    Touch arrays (length ``n_touches``) are ordered journey by journey, each journey in time
    order, so journey ``j`` owns touches ``journey_start[j]:journey_start[j + 1]`` and its last
    touch is the converting one (when it converts).

    Attributes
    ----------
    channels : tuple of str
        Channel names, sorted; a channel code ``k`` means ``channels[k]``.
    touch_channel : ndarray of int64
        Channel code of each touch.
    touch_journey : ndarray of int64
        Journey index of each touch.
    touch_position : ndarray of int64
        0-based position of each touch within its journey.
    touch_days_before_conversion : ndarray of float64
        Days from the touch to its journey's last touch (the conversion for a converting
        journey). NaN when built from aggregated paths, which carry no time.
    journey_start : ndarray of int64
        Offsets of the journeys into the touch arrays, length ``n_journeys + 1``.
    journey_count : ndarray of float64
        How many real journeys each entry stands for (1 from touches; the path's
        ``total_conversions + total_null`` from aggregated paths).
    journey_conversions : ndarray of float64
        Conversions of each entry (0 or 1 from touches).
    journey_revenue : ndarray of float64
        Revenue of each entry: the converting touch's revenue.
    touches_outside_lookback : int
        Touches dropped because they were older than the lookback window.
    """

    channels: tuple[str, ...]
    touch_channel: np.ndarray
    touch_journey: np.ndarray
    touch_position: np.ndarray
    touch_days_before_conversion: np.ndarray
    journey_start: np.ndarray
    journey_count: np.ndarray
    journey_conversions: np.ndarray
    journey_revenue: np.ndarray
    touches_outside_lookback: int = 0

    @property
    def n_channels(self) -> int:
        return len(self.channels)

    @property
    def n_journeys(self) -> int:
        return len(self.journey_count)

    @property
    def n_touches(self) -> int:
        return len(self.touch_channel)

    @property
    def journey_length(self) -> np.ndarray:
        """Touches per journey."""
        return np.diff(self.journey_start)

    @property
    def journey_converted(self) -> np.ndarray:
        """True for entries with at least one conversion."""
        return self.journey_conversions > 0

    @property
    def total_conversions(self) -> float:
        return float(self.journey_conversions.sum())

    @property
    def total_revenue(self) -> float:
        return float(self.journey_revenue.sum())

    def __repr__(self) -> str:
        return (f"Journeys({self.n_journeys} journeys, {self.n_touches} touches, {self.n_channels} channels, "
                f"{self.total_conversions:g} conversions, revenue {self.total_revenue:g})")


def _is_paths_frame(frame: pd.DataFrame) -> bool:
    return all(col in frame.columns for col in _PATH_COLUMNS) and "customer_id" not in frame.columns


def build_journeys(touchpoints: pd.DataFrame | Journeys, lookback_days: float | None = 30, *,
                   path_separator: str = ">") -> Journeys:
    """Split touchpoints into journeys and lay them out as flat arrays.

    Per customer, in time order (a stable sort: equal timestamps keep the input order), a
    converting touch ends its journey and the next touch starts a new one. Touches more than
    ``lookback_days`` before the journey's conversion are dropped (exactly ``lookback_days``
    before is kept). A customer's trailing touches with no conversion form one non-converting
    journey, cut the same way relative to its *last* touch, so that no journey, converting or
    not, spans more than the window (non-converting journeys feed Markov's null transitions and
    Shapley's conversion rates; a year-old stray touch should not).

    Rows with a missing customer, channel or timestamp are left out (the sheet parser has
    already reported them). Revenue is read from the converting touch only; revenue typed on
    a non-converting touch is ignored.

    Parameters
    ----------
    touchpoints : DataFrame or Journeys
        Columns ``customer_id``, ``timestamp`` (datetime64), ``channel``, ``converted`` (bool),
        optional ``revenue`` (blank = 0); other columns are ignored. A paths frame with
        ``path`` and ``total_conversions`` is handed to :func:`journeys_from_paths`; a
        ``Journeys`` object is returned as is.
    lookback_days : float or None, default 30
        The lookback window (设置 回溯天数); None keeps every touch.
    path_separator : str, default ">"
        For a paths frame only: the separator between channels.

    Returns
    -------
    Journeys

    Examples
    --------
    >>> touches = pd.DataFrame({
    ...     "customer_id": ["c1", "c1", "c1", "c1"],
    ...     "timestamp": pd.to_datetime(["2026-01-01", "2026-03-01", "2026-03-05", "2026-03-06"]),
    ...     "channel": ["抖音", "微信", "小红书", "抖音"],
    ...     "converted": [False, False, True, False],
    ...     "revenue": [0.0, 0.0, 99.0, 0.0],
    ... })
    >>> j = build_journeys(touches)
    >>> j  # the January touch is outside the 30-day window; the last touch starts a new journey
    Journeys(2 journeys, 3 touches, 3 channels, 1 conversions, revenue 99)
    >>> [j.channels[c] for c in j.touch_channel], j.journey_start.tolist()
    (['微信', '小红书', '抖音'], [0, 2, 3])
    """
    if isinstance(touchpoints, Journeys):
        return touchpoints
    if not isinstance(touchpoints, pd.DataFrame):
        raise TypeError(f"touchpoints must be a pandas DataFrame or Journeys, not {type(touchpoints).__name__}")
    if _is_paths_frame(touchpoints):
        return journeys_from_paths(touchpoints, path_separator=path_separator)
    missing = [col for col in _TOUCH_COLUMNS if col not in touchpoints.columns]
    if missing:
        raise AttributionError(f"触点数据缺少列：{'、'.join(missing)}",
                               "需要 客户ID / 时间 / 渠道 / 是否转化 四列")
    lookback_ns = _lookback_ns(lookback_days)

    customer_code, _ = pd.factorize(touchpoints["customer_id"], use_na_sentinel=True)
    channel_code, channel_names = pd.factorize(touchpoints["channel"], use_na_sentinel=True)
    time_ns, time_missing = _timestamps_ns(touchpoints["timestamp"])
    converted = _conversion_flags(touchpoints["converted"])
    if "revenue" in touchpoints.columns:
        revenue = pd.to_numeric(touchpoints["revenue"], errors="coerce").to_numpy(dtype=np.float64, na_value=0.0)
        revenue = np.where(np.isfinite(revenue), revenue, 0.0)
    else:
        revenue = np.zeros(len(touchpoints))

    usable = (customer_code >= 0) & (channel_code >= 0) & ~time_missing
    if not usable.all():
        customer_code, channel_code = customer_code[usable], channel_code[usable]
        time_ns, converted, revenue = time_ns[usable], converted[usable], revenue[usable]
    if len(customer_code) == 0:
        raise AttributionError("触点数据为空，无法归因", "请在 触点 表填写客户的触点记录")

    order = _customer_time_order(customer_code, time_ns)
    customer_code = customer_code[order]
    time_ns, converted, revenue, channel_code = time_ns[order], converted[order], revenue[order], channel_code[order]

    n_raw = len(order)
    starts_journey = np.empty(n_raw, dtype=bool)
    starts_journey[0] = True
    # A new journey at a new customer, or right after a converting touch of the same customer.
    np.not_equal(customer_code[1:], customer_code[:-1], out=starts_journey[1:])
    starts_journey[1:] |= converted[:-1]
    raw_journey = np.cumsum(starts_journey) - 1
    first_touch = np.flatnonzero(starts_journey)
    last_touch = np.append(first_touch[1:], n_raw) - 1

    ns_before_end = time_ns[last_touch][raw_journey] - time_ns
    in_window = ns_before_end <= lookback_ns if lookback_ns is not None else np.ones(n_raw, dtype=bool)
    # The last touch of every journey is 0 days before its end, so no journey becomes empty.
    journey_converted = converted[last_touch]
    journey_revenue = np.where(journey_converted, revenue[last_touch], 0.0)

    touch_journey = raw_journey[in_window]
    channel_code = channel_code[in_window]
    days_before = ns_before_end[in_window] / _NS_PER_DAY
    return _assemble(channel_code, [str(name) for name in channel_names], touch_journey, days_before,
                     journey_count=np.ones(len(first_touch)),
                     journey_conversions=journey_converted.astype(np.float64),
                     journey_revenue=journey_revenue,
                     touches_outside_lookback=int(n_raw - in_window.sum()))


def journeys_from_paths(paths: pd.DataFrame, path_separator: str = ">") -> Journeys:
    """Journeys from pre-aggregated paths (ChannelAttribution's input layout).

    Each row is one distinct path; it becomes one entry standing for
    ``total_conversions + total_null`` journeys. Paths carry no time, so the time-decay model
    refuses them.

    Parameters
    ----------
    paths : DataFrame
        ``path`` ("a > b > c"), ``total_conversions``, optional ``total_conversion_value``
        (revenue, default 0) and ``total_null`` (non-converting journeys, default 0).
    path_separator : str, default ">"
        Separator between channels; spaces around channel names are trimmed.

    Returns
    -------
    Journeys

    Examples
    --------
    >>> paths = pd.DataFrame({"path": ["微信 > 抖音", "抖音"], "total_conversions": [2, 1],
    ...                       "total_conversion_value": [500.0, 80.0], "total_null": [3, 0]})
    >>> journeys_from_paths(paths)
    Journeys(2 journeys, 3 touches, 2 channels, 3 conversions, revenue 580)
    """
    missing = [col for col in _PATH_COLUMNS if col not in paths.columns]
    if missing:
        raise AttributionError(f"路径数据缺少列：{'、'.join(missing)}")
    if not path_separator:
        raise AttributionError("路径分隔符不能为空")

    def numbers(column: str) -> np.ndarray:
        if column not in paths.columns:
            return np.zeros(len(paths))
        values = pd.to_numeric(paths[column], errors="coerce").to_numpy(dtype=np.float64, na_value=0.0)
        values = np.where(np.isfinite(values), values, 0.0)
        if (values < 0).any():
            raise AttributionError(f"路径数据的 {column} 列有负数")
        return values

    conversions, revenue, nulls = numbers("total_conversions"), numbers("total_conversion_value"), numbers("total_null")
    path_text = paths["path"].astype(str)
    used = (conversions + nulls) > 0
    if not used.all():
        path_text, conversions, revenue, nulls = path_text[used], conversions[used], revenue[used], nulls[used]
    if len(path_text) == 0:
        raise AttributionError("路径数据为空，无法归因")

    # Split every path in one C-level pass: join the paths with a marker token between them,
    # split once on the separator, and number the journeys by counting markers.
    marker = "\x00"  # compared in Python below: numpy's own strings drop trailing NULs
    text_list = path_text.tolist()
    joined = f"{path_separator}{marker}{path_separator}".join(text_list)
    if joined.count(marker) != len(text_list) - 1:
        raise AttributionError("路径中有不可见的控制字符 \\x00", "请检查 path 列")
    raw_code, raw_names = pd.factorize(np.array(joined.split(path_separator), dtype=object))
    is_marker = np.isin(raw_code, [code for code, name in enumerate(raw_names) if name == marker])
    # Trim only the distinct raw tokens (" 微信", "微信 " ...) and merge what becomes equal.
    trimmed_code, trimmed_names = pd.factorize(pd.Index([str(name).strip() for name in raw_names]))
    if (trimmed_names == "").any():
        raise AttributionError("路径中有空的渠道名", f"请检查分隔符「{path_separator}」是否连续出现或在首尾")
    touch_journey = np.cumsum(is_marker)[~is_marker]
    # The marker keeps a channel code but no touch, so _assemble drops it.
    channel_code = trimmed_code[raw_code[~is_marker]]
    return _assemble(channel_code, list(trimmed_names), touch_journey,
                     np.full(len(channel_code), np.nan),
                     journey_count=conversions + nulls,
                     journey_conversions=conversions,
                     journey_revenue=revenue,
                     touches_outside_lookback=0)


def _assemble(channel_code: np.ndarray, channel_names: list[str], touch_journey: np.ndarray,
              days_before: np.ndarray, *, journey_count: np.ndarray, journey_conversions: np.ndarray,
              journey_revenue: np.ndarray, touches_outside_lookback: int) -> Journeys:
    """Recode channels to sorted names (keeping only those with touches) and add offsets."""
    present = np.bincount(channel_code, minlength=len(channel_names)) > 0
    kept_names = [name for name, keep in zip(channel_names, present, strict=True) if keep]
    kept_old_codes = np.flatnonzero(present)
    by_name = sorted(range(len(kept_names)), key=kept_names.__getitem__)
    new_code_of_old = np.full(len(channel_names), -1, dtype=np.int64)
    new_code_of_old[kept_old_codes[by_name]] = np.arange(len(by_name))
    touch_channel = new_code_of_old[channel_code]

    n_journeys = len(journey_count)
    journey_start = np.zeros(n_journeys + 1, dtype=np.int64)
    np.cumsum(np.bincount(touch_journey, minlength=n_journeys), out=journey_start[1:])
    touch_journey = touch_journey.astype(np.int64, copy=False)
    touch_position = np.arange(len(touch_journey), dtype=np.int64) - journey_start[touch_journey]
    return Journeys(
        channels=tuple(kept_names[i] for i in by_name),
        touch_channel=touch_channel,
        touch_journey=touch_journey,
        touch_position=touch_position,
        touch_days_before_conversion=np.asarray(days_before, dtype=np.float64),
        journey_start=journey_start,
        journey_count=np.asarray(journey_count, dtype=np.float64),
        journey_conversions=np.asarray(journey_conversions, dtype=np.float64),
        journey_revenue=np.asarray(journey_revenue, dtype=np.float64),
        touches_outside_lookback=touches_outside_lookback,
    )


def _customer_time_order(customer_code: np.ndarray, time_ns: np.ndarray) -> np.ndarray:
    """Stable order by customer, then time; equal timestamps keep the sheet's row order."""
    # Exports usually come grouped by customer or sorted by time; either way a stable sort on
    # the customer alone already leaves each customer's touches in time order, and costs a
    # fraction of the two-key sort.
    order = np.argsort(customer_code, kind="stable")
    sorted_customer, sorted_time = customer_code[order], time_ns[order]
    out_of_time = (sorted_time[1:] < sorted_time[:-1]) & (sorted_customer[1:] == sorted_customer[:-1])
    if out_of_time.any():
        order = np.lexsort((time_ns, customer_code))
    return order


def _lookback_ns(lookback_days: float | None) -> float | None:
    if lookback_days is None:
        return None
    try:
        days = float(lookback_days)
    except (TypeError, ValueError):
        raise AttributionError(f"回溯天数「{lookback_days}」不是数字") from None
    if not math.isfinite(days) or days < 0:
        raise AttributionError(f"回溯天数必须是非负数，现在是 {lookback_days}")
    return days * _NS_PER_DAY


def _timestamps_ns(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Nanoseconds since the epoch (UTC for zoned times) and a missing mask."""
    if not (pd.api.types.is_datetime64_any_dtype(column)):
        try:
            column = pd.to_datetime(column)
        except (TypeError, ValueError):
            raise AttributionError("触点的 时间 列不是日期", "请先把 时间 列解析成日期时间") from None
    if isinstance(column.dtype, pd.DatetimeTZDtype):
        column = column.dt.tz_convert("UTC").dt.tz_localize(None)
    values = column.to_numpy(dtype="datetime64[ns]")
    missing = np.isnat(values)
    return values.view(np.int64), missing


def _conversion_flags(column: pd.Series) -> np.ndarray:
    if pd.api.types.is_bool_dtype(column):
        return column.fillna(False).to_numpy(dtype=bool)
    if pd.api.types.is_numeric_dtype(column):
        return column.fillna(0).to_numpy() != 0
    if column.isna().all() or column.isin([True, False]).where(column.notna(), True).all():
        return column.fillna(False).astype(bool).to_numpy()
    raise AttributionError("触点的 是否转化 列必须是布尔值", "请先把 是/否、1/0 解析成 True/False")


# ---------------------------------------------------------------------------------------------
# attribute
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Rule-based models: a share per touch that sums to 1 over each journey
# ---------------------------------------------------------------------------------------------


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


def _time_decay_shares(journeys: Journeys, half_life_days: object) -> np.ndarray:
    try:
        half_life = float(half_life_days)
    except (TypeError, ValueError):
        raise AttributionError(f"时间衰减半衰期「{half_life_days}」不是数字") from None
    if not (math.isfinite(half_life) and half_life > 0):
        raise AttributionError(f"时间衰减半衰期必须大于0，现在是 {half_life_days}")
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


def _channels_in_converting_journeys(journeys: Journeys) -> np.ndarray:
    converting_touch = journeys.journey_converted[journeys.touch_journey]
    return np.bincount(journeys.touch_channel[converting_touch], minlength=journeys.n_channels) > 0


def _split_by_weights(total: float, weights: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """``total`` shared in proportion to ``weights`` over eligible channels (equally if all weigh 0)."""
    weights = np.where(eligible, np.maximum(weights, 0.0), 0.0)
    weight_sum = weights.sum()
    if total == 0:
        return np.zeros(len(weights))
    if not weight_sum > 0:  # cannot happen for a chain with conversions; stay finite anyway
        weights, weight_sum = eligible.astype(np.float64), float(eligible.sum())
    return total * weights / weight_sum


# ---------------------------------------------------------------------------------------------
# Markov
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# Shapley
# ---------------------------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------------------------
# compare_models, attributed_roi
# ---------------------------------------------------------------------------------------------


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
