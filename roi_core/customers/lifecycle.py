"""The 潜在→意向→成交→忠实 funnel (see :class:`~roi_core.customers.model.Lifecycle`)."""

from __future__ import annotations

import datetime as dt

import numpy as np

from roi_core.customers.book import NO_DAY, CustomerBook, _rank_in_group, day_number, to_days
from roi_core.customers.model import ENGAGED_TOUCHES, LOYAL_WITHIN_DAYS, STAGES, Lifecycle, StageRow
from roi_core.customers.value import as_book, campaign_rows
from roi_core.metrics import HALF_FEN
from roi_core.sheetdata import SheetData

_FAR = np.iinfo(np.int64).max


def lifecycle(data: SheetData | CustomerBook, *, campaign: str | None = None, channel: str | None = None,
              period: tuple[dt.date, dt.date] | None = None) -> Lifecycle:
    """Customers at each stage, conversion, median days between stages and cost per customer.

    ``period`` is (first day, last day), both inclusive. See :class:`Lifecycle` for who is counted
    and how stages and their dates are found.
    """
    book = as_book(data)
    first_day = None if period is None else day_number(period[0])
    last_day = None if period is None else day_number(period[1])
    members = _members(book, campaign, channel, first_day, last_day)
    level, dates, stated = _stages(book, last_day)
    counts = [int((members & (level >= s)).sum()) for s in range(len(STAGES))]
    cost = _cost(book, campaign, channel, first_day, last_day)

    stages = []
    for s, name in enumerate(STAGES):
        nxt = s + 1 < len(STAGES)
        conversion = counts[s + 1] / counts[s] if nxt and counts[s] else None
        median = None
        if nxt:
            both = members & (level >= s + 1) & (dates[s] != NO_DAY) & (dates[s + 1] != NO_DAY)
            gaps = dates[s + 1][both] - dates[s][both]
            gaps = gaps[gaps >= 0]  # a stage dated before the previous one is a typing slip, not a duration
            median = float(np.median(gaps)) if len(gaps) else None
        per_customer = cost / counts[s] if cost is not None and counts[s] and abs(cost) >= HALF_FEN else None
        stages.append(StageRow(name, counts[s], conversion, median, per_customer))
    derived_customers = int((members & ~stated).sum())
    reason = None
    if counts[0] == 0:
        reason = "没有符合条件的客户：「触点」「客户」「订单」中没有这个活动/渠道/时段的客户"
    return Lifecycle(stages=tuple(stages), customers=counts[0], derived=derived_customers > 0,
                     derived_customers=derived_customers, cost=cost, campaign=campaign, channel=channel,
                     period=period, reason=reason)


def _members(book: CustomerBook, campaign: str | None, channel: str | None, first_day: int | None,
             last_day: int | None) -> np.ndarray:
    """Per customer code: in the funnel (touched by / acquired by the campaign, channel, period)."""
    if campaign is None and channel is None and first_day is None:
        return np.ones(book.size, dtype=bool)
    touches, people = book.touches, book.people
    touched = np.ones(len(touches["cust"]), dtype=bool)
    acquired = people["acquired"].to_numpy()
    listed = acquired != NO_DAY
    if campaign is not None:
        touched &= touches["campaign_id"] == book.campaign_ids.id_of(campaign)
        listed &= (people["campaign_id"] == book.campaign_ids.id_of(campaign)).to_numpy()
    if channel is not None:
        touched &= touches["channel_id"] == book.channel_ids.id_of(channel)
        listed &= (people["channel_id"] == book.channel_ids.id_of(channel)).to_numpy()
    if first_day is not None:
        touched &= (touches["day"] >= first_day) & (touches["day"] <= last_day)
        listed &= (acquired >= first_day) & (acquired <= last_day)
    members = listed.copy()
    members[touches["cust"][touched]] = True
    return members


def _nth_days(cust: np.ndarray, days: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(count, first day, second day) per customer code, from arrays sorted by customer then time."""
    rank = _rank_in_group(cust)
    first = np.full(size, NO_DAY, dtype=np.int64)
    second = np.full(size, NO_DAY, dtype=np.int64)
    first[cust[rank == 0]] = days[rank == 0]
    second[cust[rank == 1]] = days[rank == 1]
    return np.bincount(cust, minlength=size), first, second


def _stages(book: CustomerBook, last_day: int | None) -> tuple[np.ndarray, list[np.ndarray], np.ndarray]:
    """Per customer code: stage level (0–3), the day of each stage (NO_DAY unknown), and 阶段-was-filled."""
    size = book.size
    touches = book.touches
    keep = np.ones(len(touches["cust"]), dtype=bool) if last_day is None else touches["day"] <= last_day
    n_touches, first_touch, second_touch = _nth_days(touches["cust"][keep], touches["day"][keep], size)
    if book.has_orders:
        cust, days = book.orders["cust"], book.orders["day"]
    else:  # without 订单, a converting touch is the order
        cust, days = touches["cust"][touches["converted"]], touches["day"][touches["converted"]]
    if last_day is not None:
        cust, days = cust[days <= last_day], days[days <= last_day]
    _, first_order, second_order = _nth_days(cust, days, size)

    ordered = first_order != NO_DAY
    loyal = (second_order != NO_DAY) & (second_order - first_order <= LOYAL_WITHIN_DAYS)
    derived = np.where(loyal, 3, np.where(ordered, 2, np.where(n_touches >= ENGAGED_TOUCHES, 1, 0)))
    stage_level = book.people["stage_level"].to_numpy()
    stated = stage_level >= 0
    level = np.where(stated, stage_level, derived)

    acquired = book.people["acquired"].to_numpy()
    if last_day is not None:
        acquired = np.where(acquired <= last_day, acquired, NO_DAY)
    dates = [
        _earliest(first_touch, acquired, first_order),
        _earliest(second_touch, first_order),
        first_order.copy(),
        second_order.copy(),
    ]
    stage_day = book.people["stage_day"].to_numpy()
    for s in range(len(STAGES)):
        own = stated & (stage_level == s) & (stage_day != NO_DAY)
        dates[s][own] = stage_day[own]
    return level, dates, stated


def _earliest(*days: np.ndarray) -> np.ndarray:
    stacked = np.stack([np.where(d == NO_DAY, _FAR, d) for d in days])
    low = stacked.min(axis=0)
    return np.where(low == _FAR, NO_DAY, low)


def _cost(book: CustomerBook, campaign: str | None, channel: str | None, first_day: int | None,
          last_day: int | None) -> float | None:
    """Σ总成本 of the matching 活动 rows; with a period, each row's share of its days inside it."""
    rows = campaign_rows(book, campaign, channel)
    if rows.empty:
        return None if (campaign is not None or channel is not None) else 0.0
    if first_day is None:
        return float(rows["cost"].sum())
    starts = to_days(rows["start_date"])
    ends = to_days(rows["end_date"].fillna(rows["start_date"]))
    inside = np.clip(np.minimum(ends, last_day) - np.maximum(starts, first_day) + 1, 0, None)
    share = inside / (ends - starts + 1)
    return float((rows["cost"].to_numpy(dtype=np.float64) * share).sum())
