"""Journeys: touchpoints or aggregated paths laid out once as flat numpy arrays, shared by every model."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.attribution.errors import AttributionError

_NS_PER_DAY = 86_400 * 10**9

_TOUCH_COLUMNS = ("customer_id", "timestamp", "channel", "converted")
_PATH_COLUMNS = ("path", "total_conversions")


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
    decay_credit : tuple or None
        Time-decay credit already summed where the touches live (an aggregated path table
        carries no times): ``(half_life_days, conversions, revenue)``, the arrays one entry per
        channel of ``channels``. None from touches, whose times are kept.
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
    decay_credit: tuple[float, np.ndarray, np.ndarray] | None = None

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



def journeys_from_aggregates(paths: pd.DataFrame, decay: pd.DataFrame | None = None, *,
                             half_life_days: float | None = None, touches_outside_lookback: int = 0,
                             path_separator: str = ">") -> Journeys:
    """Journeys from a path table and the time-decay credit per channel, both summed elsewhere.

    Parameters
    ----------
    paths : DataFrame
        As for :func:`journeys_from_paths`: ``path``, ``total_conversions``,
        ``total_conversion_value``, ``total_null``.
    decay : DataFrame, optional
        ``channel``, ``conversions``, ``revenue``: Σ over converting journeys of each touch's
        time-decay share (``2 ** (-days_before_conversion / half_life_days)`` normalised per
        journey) times the journey's conversions / revenue. Without it time decay refuses, as on
        any path table.
    half_life_days : float
        The half-life ``decay`` was summed with (required with ``decay``); time decay asked with
        another half-life refuses rather than answer for the wrong one.
    touches_outside_lookback : int
        Touches the source dropped as older than the lookback window (reported, not used).

    Returns
    -------
    Journeys
        Every model gives what it gives on the touches the tables were summed from (the same
        journeys, the same paths), up to float rounding.
    """
    journeys = journeys_from_paths(paths, path_separator=path_separator)
    journeys = dataclasses.replace(journeys, touches_outside_lookback=int(touches_outside_lookback))
    if decay is None:
        return journeys
    if half_life_days is None:
        raise AttributionError("汇总的时间衰减缺少半衰期", "请说明按几天的半衰期汇总")
    missing = [col for col in ("channel", "conversions", "revenue") if col not in decay.columns]
    if missing:
        raise AttributionError(f"时间衰减汇总缺少列：{'、'.join(missing)}")
    by_channel = decay.groupby(decay["channel"].astype(str).str.strip())[["conversions", "revenue"]].sum()
    unknown = sorted(set(by_channel.index) - set(journeys.channels))
    if unknown:
        raise AttributionError(f"时间衰减汇总里的渠道不在路径里：{'、'.join(unknown)}")
    aligned = by_channel.reindex(list(journeys.channels), fill_value=0.0)
    credit = (float(half_life_days), aligned["conversions"].to_numpy(dtype=np.float64),
              aligned["revenue"].to_numpy(dtype=np.float64))
    return dataclasses.replace(journeys, decay_credit=credit)


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


def _channels_in_converting_journeys(journeys: Journeys) -> np.ndarray:
    converting_touch = journeys.journey_converted[journeys.touch_journey]
    return np.bincount(journeys.touch_channel[converting_touch], minlength=journeys.n_channels) > 0
