"""Repurchase rates of many channels or campaigns at once, for rankings by 复购率 (哪个渠道复购率最高)."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from roi_core.customers.book import NO_DAY, day_number, to_days
from roi_core.customers.value import as_book
from roi_core.sheetdata import SheetData


def repurchase_rates(data: SheetData, by: str, names, today: dt.date,
                     period: tuple[dt.date, dt.date] | None = None) -> dict:
    """Each channel's (``by="channel"``) or campaign's repurchase rate: its new customers with two or more orders up
    to ``today`` ÷ its new customers, as roi_core.customers.value.customer_value gives one at a time (the same
    new customers: acquired by it, first order on or after the campaign's start, or their acquisition day for a
    channel, by ``today``; with ``period``, acquired within it); None where 订单 has none of its customers.

    One pass over the customers for every name (a group-by), not one customer_value per name."""
    book = as_book(data)
    names = list(dict.fromkeys(names))
    out: dict = dict.fromkeys(names)
    if not book.has_orders or not names:
        return out
    people = book.people
    group = people[f"{by}_id"].to_numpy()
    acquired = people["acquired"].to_numpy()
    first = people["first_order"].to_numpy()
    asof = day_number(today)
    threshold = acquired
    if by == "campaign":  # a campaign's new customers first ordered on or after its first day
        rows = book.campaigns.dropna(subset=["start_date"])
        starts = pd.Series(to_days(rows["start_date"]), index=rows["campaign_id"].to_numpy()).groupby(level=0).min()
        start_of = pd.Series(group).map(starts).to_numpy()
        threshold = np.where(np.isnan(start_of), acquired, start_of)
    new = (acquired != NO_DAY) & (group >= 0) & (first != NO_DAY) & (first >= threshold) \
        & (first <= asof) & (acquired <= asof)
    if period is not None:
        new &= (acquired >= day_number(period[0])) & (acquired <= day_number(period[1]))
    orders = book.orders
    counts = np.bincount(orders["cust"][orders["day"] <= asof], minlength=book.size)
    per_group = pd.DataFrame({"group": group[new], "repeat": counts[new] >= 2}).groupby("group")["repeat"].mean()
    ids = book.campaign_ids if by == "campaign" else book.channel_ids
    for name in names:  # names → ids only; the counting above is one group-by
        out[name] = float(per_group[ids.id_of(name)]) if ids.id_of(name) in per_group.index else None
    return out
