"""One pass over 客户 / 订单 / 触点 / 活动 that every customer figure reads from.

:func:`build_book` turns the sheet's frames into integer-coded arrays: one code per customer
ID seen in any of 客户, 订单, 触点; days as integers (days since 1970-01-01). The figures in
:mod:`roi_core.customers.value` and :mod:`roi_core.customers.lifecycle` are then array
operations (bincount, boolean masks, searchsorted), fast at a million orders. Build the book
once and pass it to several figures to skip the preparation.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from roi_core.matching import match_key
from roi_core.metrics import prepare_rows
from roi_core.sheetdata import SheetData

NO_DAY = np.iinfo(np.int64).min  # "no such day" in day arrays (NaT's integer)
_EPOCH = dt.date(1970, 1, 1)

# 阶段 as people type it → stage level (0 潜在 … 3 忠实)
_STAGE_WORDS = {
    0: ("潜在", "潜在客户", "潜客", "prospect", "lead", "potential"),
    1: ("意向", "意向客户", "interested", "intent", "intention"),
    2: ("成交", "成交客户", "customer", "converted", "purchased", "buyer"),
    3: ("忠实", "忠实客户", "loyal", "repeat", "loyal customer"),
}
STAGE_LEVEL = {match_key(w): level for level, words in _STAGE_WORDS.items() for w in words}


def to_days(values: pd.Series) -> np.ndarray:
    """Datetimes → whole days since 1970-01-01 (int64); NaT → :data:`NO_DAY`."""
    stamps = pd.to_datetime(values)
    days = stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return np.where(stamps.isna().to_numpy(), NO_DAY, days)


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def day_date(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(number))


def name_keys(values: pd.Series) -> np.ndarray:
    """Names (campaigns, channels) in the form they are compared in (:func:`match_key`); blank → None.

    Normalised once per distinct name, so a million rows cost a factorize, not a million calls.
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    keys = [match_key(str(u)) or None for u in uniques]
    table = np.array(keys + [None], dtype=object)
    return table[codes]  # code −1 (blank) picks the trailing None


@dataclass(frozen=True)
class CustomerBook:
    """The prepared data (build with :func:`build_book`).

    ``people``: one row per customer code (index 0 … n−1): ``customer_id``, ``acquired`` (day number
    or NO_DAY), ``campaign`` / ``channel`` (names as written, None when unknown) and their ``*_key``,
    ``acquired_from`` (客户 | 触点 | 订单 | None), ``stage_level`` (0–3 from 客户.阶段, −1 when blank or
    unknown), ``stage_day`` (day number or NO_DAY), and over all orders: ``first_order``,
    ``n_orders``.
    ``orders``: numpy arrays sorted by (customer, day, sheet row): ``cust``, ``day``, ``amount``,
    ``value`` (the ``basis`` figure), ``nth`` (0 for a customer's first order).
    ``touches``: ``cust``, ``day``, ``campaign_key``, ``channel_key``, ``converted``, sorted by
    (customer, time, sheet row).
    ``campaigns``: the 活动 rows with ``gross_profit_est`` (metrics.prepare_rows) and
    ``campaign_key`` / ``channel_key``.
    """

    people: pd.DataFrame
    orders: dict[str, np.ndarray]
    touches: dict[str, np.ndarray]
    campaigns: pd.DataFrame
    basis: str  # of the 订单 figures: "gross_profit" when every 订单 row knows its 毛利, else "revenue"
    has_orders: bool
    has_customers: bool
    has_touches: bool

    @property
    def size(self) -> int:
        return len(self.people)


def build_book(data: SheetData) -> CustomerBook:
    """Prepare ``data`` for the customer figures (see :class:`CustomerBook`)."""
    orders = data.orders
    customers = data.customers
    touches = data.touchpoints
    ids = pd.concat([customers["customer_id"], orders["customer_id"], touches["customer_id"]], ignore_index=True)
    codes, uniques = pd.factorize(ids.astype(str), use_na_sentinel=True)
    n = len(uniques)
    c_codes = codes[:len(customers)]
    o_codes = codes[len(customers):len(customers) + len(orders)]
    t_codes = codes[len(customers) + len(orders):]

    order_arrays, basis = _order_arrays(orders, o_codes, data.settings.gross_margin)
    touch_arrays = _touch_arrays(touches, t_codes)

    people = pd.DataFrame({"customer_id": np.asarray(uniques, dtype=object)})
    # first order over all orders, and how many
    first_order = np.full(n, NO_DAY, dtype=np.int64)
    is_first = order_arrays["nth"] == 0
    first_order[order_arrays["cust"][is_first]] = order_arrays["day"][is_first]
    people["first_order"] = first_order
    people["n_orders"] = np.bincount(order_arrays["cust"], minlength=n)

    # acquisition: 客户 first (first row of an ID wins), then the first converting touch, then the first order
    acquired = np.full(n, NO_DAY, dtype=np.int64)
    campaign = np.full(n, None, dtype=object)
    channel = np.full(n, None, dtype=object)
    source = np.full(n, None, dtype=object)
    stage_level = np.full(n, -1, dtype=np.int64)
    stage_day = np.full(n, NO_DAY, dtype=np.int64)

    conv = touch_arrays["converted"]
    conv_cust = touch_arrays["cust"][conv]
    first_conv_cust, first_conv_at = np.unique(conv_cust, return_index=True)
    conv_rows = np.flatnonzero(conv)[first_conv_at]  # positions in the sorted touch arrays
    touch_campaign = np.full(n, None, dtype=object)
    touch_channel = np.full(n, None, dtype=object)
    touch_campaign[first_conv_cust] = touch_arrays["campaign"][conv_rows]
    touch_channel[first_conv_cust] = touch_arrays["channel"][conv_rows]
    touch_day = np.full(n, NO_DAY, dtype=np.int64)
    touch_day[first_conv_cust] = touch_arrays["day"][conv_rows]

    # the first converting touch (for customers 客户 does not list, and to fill 客户's blanks)
    acquired[first_conv_cust] = touch_day[first_conv_cust]
    campaign[:] = touch_campaign
    channel[:] = touch_channel
    source[first_conv_cust] = "触点"

    if len(customers):
        first_row = ~pd.Series(c_codes).duplicated().to_numpy()
        cc = c_codes[first_row]
        listed = customers.iloc[np.flatnonzero(first_row)]
        days = to_days(listed["acquired_date"])
        acquired[cc] = np.where(days != NO_DAY, days, acquired[cc])
        named = listed["acquired_campaign"].to_numpy(dtype=object)
        has_name = pd.notna(named)
        campaign[cc] = np.where(has_name, named, touch_campaign[cc])
        named = listed["acquired_channel"].to_numpy(dtype=object)
        has_name = pd.notna(named)
        channel[cc] = np.where(has_name, named, touch_channel[cc])
        source[cc] = "客户"
        keys = name_keys(listed["stage"])
        stage_level[cc] = pd.Series(keys, dtype=object).map(STAGE_LEVEL).fillna(-1).to_numpy(dtype=np.int64)
        stage_day[cc] = to_days(listed["stage_date"])

    # customers known only from 订单: acquired on their first order, by no campaign
    only_orders = (acquired == NO_DAY) & (first_order != NO_DAY)
    acquired[only_orders] = first_order[only_orders]
    source[only_orders] = "订单"

    people["acquired"] = acquired
    people["campaign"] = campaign
    people["channel"] = channel
    people["campaign_key"] = name_keys(pd.Series(campaign, dtype=object))
    people["channel_key"] = name_keys(pd.Series(channel, dtype=object))
    people["acquired_from"] = source
    people["stage_level"] = stage_level
    people["stage_day"] = stage_day

    rows = prepare_rows(data.campaigns, data.settings)
    rows["campaign_key"] = name_keys(rows["campaign"])
    rows["channel_key"] = name_keys(rows["channel"])
    return CustomerBook(people=people, orders=order_arrays, touches=touch_arrays, campaigns=rows, basis=basis,
                        has_orders=len(orders) > 0, has_customers=len(customers) > 0, has_touches=len(touches) > 0)


def _order_arrays(orders: pd.DataFrame, codes: np.ndarray, margin: float | None) -> tuple[dict, str]:
    amount = orders["amount"].to_numpy(dtype=np.float64)
    gp = orders["gross_profit"].to_numpy(dtype=np.float64)
    if margin is not None:
        gp = np.where(np.isnan(gp), amount * margin, gp)
    basis = "gross_profit" if len(orders) and not np.isnan(gp).any() else "revenue"
    value = gp if basis == "gross_profit" else amount
    day = to_days(orders["order_date"])
    row = orders["row"].to_numpy(dtype=np.int64) if "row" in orders else np.arange(len(orders))
    order = np.lexsort((row, day, codes))
    cust, day, amount, value = codes[order], day[order], amount[order], value[order]
    nth = _rank_in_group(cust)
    return {"cust": cust, "day": day, "amount": amount, "value": value, "nth": nth}, basis


def _touch_arrays(touches: pd.DataFrame, codes: np.ndarray) -> dict:
    stamps = to_days(touches["timestamp"])
    # order within a day by the exact time, then by sheet row (equal times keep the sheet's order)
    exact = pd.to_datetime(touches["timestamp"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    row = touches["row"].to_numpy(dtype=np.int64) if "row" in touches else np.arange(len(touches))
    order = np.lexsort((row, exact, codes))
    campaign = touches["campaign"].to_numpy(dtype=object)[order]
    channel = touches["channel"].to_numpy(dtype=object)[order]
    return {
        "cust": codes[order],
        "day": stamps[order],
        "campaign": campaign,
        "channel": channel,
        "campaign_key": name_keys(pd.Series(campaign, dtype=object)),
        "channel_key": name_keys(pd.Series(channel, dtype=object)),
        "converted": touches["converted"].to_numpy(dtype=bool)[order],
        "revenue": touches["revenue"].to_numpy(dtype=np.float64)[order],
    }


def _rank_in_group(sorted_groups: np.ndarray) -> np.ndarray:
    """0, 1, 2 … within each run of equal values of an already sorted array."""
    n = len(sorted_groups)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, sorted_groups[1:] != sorted_groups[:-1]])
    run_start = np.repeat(starts, np.diff(np.r_[starts, n]))
    return np.arange(n) - run_start
