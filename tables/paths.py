"""Journeys → a path table, written once as ibis expressions and run where the touches live.

The same rules as :func:`roi_core.attribution.build_journeys` on the 触点 tab:

- per customer, in time order, a converting touch ends its journey and the next touch starts a
  new one (equal times: non-converting first, then by channel; a table has no row order);
- touches more than ``lookback_days`` before their journey's last touch are dropped;
- rows without customer, channel or time are left out; revenue is the converting touch's.

What comes back is one row per distinct path (``path``, ``total_conversions``,
``total_conversion_value``, ``total_null``, ``outside``: touches dropped by the window) and one row
per channel with its time-decay credit (Σ of each touch's ``2^(−days/half-life)`` share of its
converting journey, times the journey's conversion and revenue). For a month, the touches are
first cut as :func:`roi_core.attribution_report.touches_for_month` cuts them. Times are read to the
second.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

SEPARATOR = "\x1f"  # between channels in a path: a control character no channel name holds
_SECONDS_PER_DAY = 86_400


def _month_cut(t, month: pd.Period, lookback_days: float):
    """The touches of the journeys that convert (or end) in ``month``, as touches_for_month keeps them."""
    import ibis

    start = dt.datetime(month.year, month.month, 1)
    after = (month + 1)
    end = dt.datetime(after.year, after.month, 1)
    earliest = start - dt.timedelta(days=float(lookback_days))
    t = t.filter(t.timestamp >= earliest, t.timestamp < end)
    per_customer = ibis.window(group_by=t.customer_id)
    cutoff = ibis.ifelse((t.timestamp < start) & t.converted, t.timestamp, ibis.null("timestamp"))
    t = t.mutate(cutoff=cutoff.max().over(per_customer))
    t = t.filter(t.cutoff.isnull() | (t.timestamp > t.cutoff))
    # customers seen only in the margin before the month have no journey in it
    t = t.mutate(active=(t.timestamp >= start).any().over(ibis.window(group_by=t.customer_id)))
    return t.filter(t.active).drop("cutoff", "active")


def journey_touches(touches, lookback_days: float | None, month: pd.Period | None = None, codes: tuple = ()):
    """Each usable touch with its ``journey`` number, ``end`` (its journey's last touch), ``closed`` (the
    journey converts), ``seconds`` before the end and ``kept`` (inside the lookback window). With ``codes``
    (the source's channel names in sorted order), also ``code``: the channel's index in it."""
    import ibis

    t = touches.filter(touches.customer_id.notnull(), touches.channel.notnull(), touches.timestamp.notnull(),
                       touches.customer_id != "", touches.channel != "")
    if month is not None:
        t = _month_cut(t, month, lookback_days or 0)
    t = t.mutate(conv=ibis.ifelse(t.converted, 1, 0).cast("int64"))  # PostgreSQL casts no boolean to int
    if codes:
        # names sorted as the engine sorts text (by code point), so ordering by code is ordering by name
        t = t.mutate(code=ibis.cases(*[(t.channel == name, i) for i, name in enumerate(codes)],
                                     else_=ibis.null("int64")))
    order = [t.timestamp, t.conv, t.code if codes else t.channel]
    # Every window shares one partition and one order, so the engine sorts the touches once:
    # a journey's number = the customer's converting touches strictly before this one; its end = the
    # first converting touch from this one on, else the customer's last touch.
    before = ibis.window(group_by=t.customer_id, order_by=order, rows=(None, -1))
    after = ibis.window(group_by=t.customer_id, order_by=order, rows=(0, None))
    next_conversion = ibis.ifelse(t.converted, t.timestamp, ibis.null("timestamp")).min().over(after)
    t = t.mutate(journey=t.conv.sum().over(before).fill_null(0), next_conversion=next_conversion,
                 last=t.timestamp.max().over(after))
    t = t.mutate(end=t.next_conversion.fill_null(t["last"]), closed=t.next_conversion.notnull())
    t = t.mutate(seconds=t.end.delta(t.timestamp, unit="second"))
    kept = ibis.literal(True) if lookback_days is None else t.seconds <= float(lookback_days) * _SECONDS_PER_DAY
    return t.mutate(kept=kept)


#: channel codes travel in the low bits of a packed sort key (see _ordered_path); above this many channels
#: the path is built as text instead
MAX_CODES = 64
_CODE_BITS = 64  # 2**6: the code's bits; the bit above holds the converting flag


def _ordered_path(t, ordered_aggregates: bool, packed: bool = False):
    """The journey's kept channels in time order: joined by SEPARATOR, or with ``packed`` (``t.code`` set) a
    list of channel codes."""
    if packed:
        # One integer per touch sorts as (time, converting flag, channel): microseconds before the customer's
        # last touch, negated, in the high bits. An unordered list sorted per journey costs far less than an
        # aggregate with ORDER BY (which buffers and sorts every group), and the path is a list of small
        # integers, grouped as such; names are put on the distinct paths only (codes_to_paths).
        return t.packed.collect(where=t.kept).sort().map(lambda key: key & (_CODE_BITS - 1))
    if ordered_aggregates:
        return t.channel.group_concat(SEPARATOR, where=t.kept, order_by=[t.timestamp, t.conv, t.channel])
    # Spark has no ordered aggregate: collect (time, flag, channel) and sort the array, which orders
    # structs field by field, the same order as above
    import ibis

    touch = ibis.struct({"timestamp": t.timestamp, "conv": t.conv, "channel": t.channel})
    return touch.collect(where=t.kept).sort().map(lambda one: one.channel).join(SEPARATOR)


def path_table(touches, lookback_days: float | None, month: pd.Period | None = None, *,
               ordered_aggregates: bool = True, half_life_days: float | None = None, channels: tuple = ()):
    """The path table (an ibis expression): ``path``, ``total_conversions``, ``total_conversion_value``,
    ``total_null``, ``outside``. ``ordered_aggregates=False`` for engines without ``ORDER BY`` inside an
    aggregate (Spark). With ordered aggregates and the source's ``channels`` (at most MAX_CODES), ``path``
    is a list of codes into ``sorted(channels)``: :func:`codes_to_paths` names them.

    With ``half_life_days`` and the source's ``channels``, each path also carries the time-decay credit of
    channel ``i`` as ``decay_conv_i`` and ``decay_value_i`` (Σ over its journeys of the channel's share of
    the journey's weights times the journey's conversion / value): the same single pass over the touches
    gives the paths and time decay (:func:`decay_from_paths`)."""
    import ibis

    packed = ordered_aggregates and 0 < len(channels) <= MAX_CODES
    codes = tuple(sorted(channels)) if packed else ()
    t = journey_touches(touches, lookback_days, month, codes)
    if packed:
        before_last = t["last"].delta(t.timestamp, unit="microsecond")
        t = t.mutate(packed=-before_last * (2 * _CODE_BITS) + t.conv * _CODE_BITS + t.code)
    sums = {}
    if half_life_days is not None:
        # the last touch is 0 days before the end and weighs 1, so a journey's weights sum to ≥ 1
        t = t.mutate(weight=ibis.literal(2.0).pow(-(t.seconds.cast("float64") / _SECONDS_PER_DAY)
                                                  / float(half_life_days)))
        sums["weights"] = t.weight.sum(where=t.kept)
        for i, channel in enumerate(channels):  # over the source's channels (a few dozen at most)
            same = (t.code == codes.index(channel)) if packed else (t.channel == channel)
            sums[f"weight_{i}"] = t.weight.sum(where=t.kept & same).fill_null(0)
    per_journey = t.group_by([t.customer_id, t.journey]).aggregate(
        path=_ordered_path(t, ordered_aggregates, packed),
        conv=t.conv.max(),
        value=(t.revenue * t.conv).sum(),
        outside=ibis.ifelse(t.kept, 0, 1).sum(),
        **sums,
    )
    j = per_journey
    decay = {}
    for i in range(len(channels) if half_life_days is not None else 0):
        share = j[f"weight_{i}"] / j.weights
        decay[f"decay_conv_{i}"] = (j.conv * share).sum()
        decay[f"decay_value_{i}"] = (j.value * share).sum()
    return j.group_by(j.path).aggregate(
        total_conversions=j.conv.sum(),
        total_conversion_value=j.value.sum(),
        total_null=(1 - j.conv).sum(),
        outside=j.outside.sum(),
        **decay,
    )


def codes_to_paths(path_frame: pd.DataFrame, channels: tuple) -> pd.DataFrame:
    """A fetched :func:`path_table` whose ``path`` is a list of channel codes, with the channels' names joined
    by SEPARATOR instead (one row per distinct path; paths already text are left as they are)."""
    if path_frame.empty or path_frame["path"].map(lambda p: isinstance(p, str)).all():
        return path_frame
    names = pd.Series(sorted(channels))
    codes = path_frame["path"].explode()  # one row per touch of each distinct path, in order
    named = names.reindex(codes.astype("int64").to_numpy()).to_numpy()
    joined = pd.Series(named, index=codes.index).groupby(level=0, sort=False).agg(SEPARATOR.join)
    return path_frame.assign(path=joined.reindex(path_frame.index).to_numpy())


def decay_from_paths(path_frame: pd.DataFrame, channels: tuple) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a fetched :func:`path_table` with decay columns into the path table and the time-decay credit
    per channel (``channel``, ``conversions``, ``revenue``)."""
    conv = [f"decay_conv_{i}" for i in range(len(channels))]
    value = [f"decay_value_{i}" for i in range(len(channels))]
    decay = pd.DataFrame({"channel": list(channels),
                          "conversions": path_frame[conv].sum().to_numpy() if conv else [],
                          "revenue": path_frame[value].sum().to_numpy() if value else []})
    # a channel whose touches all fell outside the window (or the month) is in no path and has no credit
    decay = decay[(decay["conversions"] != 0) | (decay["revenue"] != 0)].reset_index(drop=True)
    return path_frame.drop(columns=conv + value), decay


def by_channel(touches):
    """Rows, first and last time per channel (an ibis expression): the source's channels, size and freshness."""
    return touches.group_by(touches.channel).aggregate(rows=touches.count(), first=touches.timestamp.min(),
                                                       last=touches.timestamp.max())


def decay_table(touches, lookback_days: float | None, half_life_days: float, month: pd.Period | None = None):
    """Time-decay credit per channel (an ibis expression): ``channel``, ``conversions``, ``revenue``."""
    import ibis

    t = journey_touches(touches, lookback_days, month)
    t = t.filter(t.kept, t.closed)
    # the last touch is 0 days before the end and weighs 1, so a journey's sum is ≥ 1
    weight = ibis.literal(2.0).pow(-(t.seconds.cast("float64") / _SECONDS_PER_DAY) / float(half_life_days))
    journey = ibis.window(group_by=[t.customer_id, t.journey])
    t = t.mutate(weight=weight, value=(t.revenue * t.conv).sum().over(journey))
    t = t.mutate(share=t.weight / t.weight.sum().over(journey))
    return t.group_by(t.channel).aggregate(conversions=t.share.sum(), revenue=(t.share * t.value).sum())


def summary(touches):
    """Rows and freshness of the source (an ibis expression of one row: ``rows``, ``first``, ``last``)."""
    return touches.aggregate(rows=touches.count(), first=touches.timestamp.min(), last=touches.timestamp.max())
