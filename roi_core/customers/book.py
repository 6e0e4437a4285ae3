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
from roi_core.schema import stage_level
from roi_core.sheetdata import SheetData
from roi_core.tab_checks import acquired_after

NO_DAY = np.iinfo(np.int64).min  # "no such day" in day arrays (NaT's integer)
_EPOCH = dt.date(1970, 1, 1)


def to_days(values: pd.Series) -> np.ndarray:
    """Datetimes → whole days since 1970-01-01 (int64); NaT → :data:`NO_DAY`."""
    stamps = pd.to_datetime(values)
    days = stamps.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]").astype(np.int64)
    return np.where(stamps.isna().to_numpy(), NO_DAY, days)


def day_number(day: dt.date) -> int:
    return (day - _EPOCH).days


def day_date(number: int) -> dt.date:
    return _EPOCH + dt.timedelta(days=int(number))


class NameIds:
    """Names (campaigns or channels) → integer ids, one id per :func:`match_key` form; blank → −1.

    Each distinct spelling is normalised once (a factorize, not one call per row), so a million
    rows compare as integers. A key's display name is the first spelling seen (活动's, which is
    encoded first).
    """

    def __init__(self) -> None:
        self._ids: dict[str, int] = {}
        self._names: list[str] = []

    def encode(self, values: pd.Series) -> np.ndarray:
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        table = np.full(len(uniques) + 1, -1, dtype=np.int64)  # the trailing −1 serves code −1 (blank)
        for i, name in enumerate(uniques):
            key = match_key(str(name))
            if key:
                table[i] = self._ids.setdefault(key, len(self._names))
                if table[i] == len(self._names):
                    self._names.append(str(name))
        return table[codes]

    def id_of(self, name: str) -> int:
        """The id of ``name``'s key; −2 (matching nothing, not even blanks) when never seen."""
        return self._ids.get(match_key(name), -2)

    def names(self, ids: np.ndarray) -> np.ndarray:
        """Display names of ``ids`` (None for −1)."""
        return np.array([*self._names, None], dtype=object)[ids]


@dataclass(frozen=True)
class CustomerBook:
    """The prepared data (build with :func:`build_book`).

    ``people``: one row per customer code (index 0 … n−1): ``customer_id``, ``acquired`` (day number
    or NO_DAY), ``campaign_id`` / ``channel_id`` (ids of ``campaign_ids`` / ``channel_ids``, −1 unknown),
    ``acquired_from`` (客户 | 触点 | 订单 | None), ``stage_level`` (0–3 from 客户.阶段, −1 when blank or
    unknown), ``stage_day`` (day number or NO_DAY), and over all orders: ``first_order``,
    ``n_orders``.
    ``orders``: numpy arrays sorted by (customer, day, sheet row): ``cust``, ``day``, ``amount``,
    ``value`` (the ``basis`` figure), ``nth`` (0 for a customer's first order).
    ``touches``: ``cust``, ``day``, ``campaign_id``, ``channel_id``, ``converted``, ``revenue``, sorted
    by (customer, time, sheet row).
    ``campaigns``: the 活动 rows with ``gross_profit_est`` (metrics.prepare_rows) and
    ``campaign_id`` / ``channel_id``.
    """

    people: pd.DataFrame
    orders: dict[str, np.ndarray]
    touches: dict[str, np.ndarray]
    campaigns: pd.DataFrame
    basis: str  # of the 订单 figures: "gross_profit" when every 订单 row knows its 毛利, else "revenue"
    campaign_ids: NameIds
    channel_ids: NameIds
    has_orders: bool
    has_customers: bool
    has_touches: bool
    #: 设置 归因覆盖阈值: under this share of 活动's 新客户数, 订单 is read as a sample and totals are projected
    coverage_threshold: float = 0.5

    @property
    def size(self) -> int:
        return len(self.people)


def build_book(data: SheetData, today: dt.date | None = None) -> CustomerBook:
    """Prepare ``data`` for the customer figures (see :class:`CustomerBook`).

    With ``today``, a 客户 row acquired after it (获客日期 > today) is left out, as ``sheets check`` reports
    it: nobody is acquired in the future, so the customer counts only as 触点 / 订单 show them (if at all).
    """
    orders = data.orders
    customers = data.customers
    if today is not None and len(customers):
        customers = customers[~acquired_after(customers, today).to_numpy()]
    touches = data.touchpoints
    campaign_ids, channel_ids = NameIds(), NameIds()
    rows = prepare_rows(data.campaigns, data.settings)
    rows["campaign_id"] = campaign_ids.encode(rows["campaign"])
    rows["channel_id"] = channel_ids.encode(rows["channel"])

    # one string dtype for the three columns (an ID typed as a number still names one customer)
    ids = pd.concat([c if isinstance(c.dtype, pd.StringDtype) else c.astype("str")
                     for c in (customers["customer_id"], orders["customer_id"], touches["customer_id"])],
                    ignore_index=True)
    codes, uniques = pd.factorize(ids, use_na_sentinel=True)
    n = len(uniques)
    c_codes = codes[:len(customers)]
    o_codes = codes[len(customers):len(customers) + len(orders)]
    t_codes = codes[len(customers) + len(orders):]

    order_arrays, basis = _order_arrays(orders, o_codes, data.settings.gross_margin)
    touch_arrays = _touch_arrays(touches, t_codes, campaign_ids, channel_ids)

    # first order over all orders, and how many
    first_order = np.full(n, NO_DAY, dtype=np.int64)
    is_first = order_arrays["nth"] == 0
    first_order[order_arrays["cust"][is_first]] = order_arrays["day"][is_first]

    # acquisition: the first converting touch, overridden by 客户 where it says (first row of an ID wins),
    # then for customers known only from 订单, their first order (by no campaign)
    acquired = np.full(n, NO_DAY, dtype=np.int64)
    campaign = np.full(n, -1, dtype=np.int64)
    channel = np.full(n, -1, dtype=np.int64)
    source = np.full(n, None, dtype=object)
    stage_levels = np.full(n, -1, dtype=np.int64)
    stage_day = np.full(n, NO_DAY, dtype=np.int64)

    conv = np.flatnonzero(touch_arrays["converted"])
    first_conv_cust, first_conv_at = np.unique(touch_arrays["cust"][conv], return_index=True)
    conv_rows = conv[first_conv_at]  # positions in the sorted touch arrays
    acquired[first_conv_cust] = touch_arrays["day"][conv_rows]
    campaign[first_conv_cust] = touch_arrays["campaign_id"][conv_rows]
    channel[first_conv_cust] = touch_arrays["channel_id"][conv_rows]
    source[first_conv_cust] = "触点"

    if len(customers):
        first_row = np.flatnonzero(~pd.Series(c_codes).duplicated().to_numpy())
        cc = c_codes[first_row]
        listed = customers.iloc[first_row]
        days = to_days(listed["acquired_date"])
        acquired[cc] = np.where(days != NO_DAY, days, acquired[cc])
        named = campaign_ids.encode(listed["acquired_campaign"])
        campaign[cc] = np.where(named >= 0, named, campaign[cc])  # a blank 获客活动 keeps the touch's
        named = channel_ids.encode(listed["acquired_channel"])
        channel[cc] = np.where(named >= 0, named, channel[cc])
        source[cc] = "客户"
        stage_codes, stage_words = pd.factorize(listed["stage"], use_na_sentinel=True)
        levels = np.array([stage_level(w) for w in stage_words] + [-1], dtype=np.int64)
        stage_levels[cc] = levels[stage_codes]  # load_sheet leaves out an unknown 阶段's row; here it reads as blank
        stage_day[cc] = to_days(listed["stage_date"])

    only_orders = (acquired == NO_DAY) & (first_order != NO_DAY)
    acquired[only_orders] = first_order[only_orders]
    source[only_orders] = "订单"

    people = pd.DataFrame({
        "customer_id": pd.Series(np.asarray(uniques, dtype=object), dtype=object),
        "acquired": acquired,
        "campaign_id": campaign,
        "channel_id": channel,
        "acquired_from": pd.Series(source, dtype=object),
        "stage_level": stage_levels,
        "stage_day": stage_day,
        "first_order": first_order,
        "n_orders": np.bincount(order_arrays["cust"], minlength=n),
    })
    return CustomerBook(people=people, orders=order_arrays, touches=touch_arrays, campaigns=rows, basis=basis,
                        campaign_ids=campaign_ids, channel_ids=channel_ids, has_orders=len(orders) > 0,
                        has_customers=len(customers) > 0, has_touches=len(touches) > 0,
                        coverage_threshold=float(data.settings.attribution_coverage))


def _order_arrays(orders: pd.DataFrame, codes: np.ndarray, margin: float | None) -> tuple[dict, str]:
    amount = orders["amount"].to_numpy(dtype=np.float64)
    gp = orders["gross_profit"].to_numpy(dtype=np.float64)
    if margin is not None:
        gp = np.where(np.isnan(gp), amount * margin, gp)
    basis = "gross_profit" if len(orders) and not np.isnan(gp).any() else "revenue"
    value = gp if basis == "gross_profit" else amount
    day = to_days(orders["order_date"])
    # one stable sort on (customer, day); the frame is in sheet order, so equal days keep it
    known = day[day != NO_DAY]
    low = int(known.min()) if len(known) else 0
    span = int(known.max()) - low + 2 if len(known) else 1
    order = np.argsort(codes.astype(np.int64) * span + np.where(day == NO_DAY, 0, day - low + 1), kind="stable")
    cust, day, amount, value = codes[order], day[order], amount[order], value[order]
    nth = _rank_in_group(cust)
    return {"cust": cust, "day": day, "amount": amount, "value": value, "nth": nth}, basis


def _touch_arrays(touches: pd.DataFrame, codes: np.ndarray, campaign_ids: NameIds, channel_ids: NameIds) -> dict:
    stamps = to_days(touches["timestamp"])
    # order within a day by the exact time, then by sheet row (equal times keep the sheet's order)
    exact = pd.to_datetime(touches["timestamp"]).to_numpy(dtype="datetime64[ns]").astype(np.int64)
    order = np.lexsort((exact, codes))  # stable: equal times keep the sheet's order
    return {
        "cust": codes[order],
        "day": stamps[order],
        "campaign_id": campaign_ids.encode(touches["campaign"])[order],
        "channel_id": channel_ids.encode(touches["channel"])[order],
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


#: the columns :func:`orders_from_days` reads (tables.customers.order_days gives them)
ORDER_DAY_COLUMNS = ("customer_id", "day", "orders", "first_id", "first_amount", "first_gross", "first_known",
                     "known", "known_amount", "known_gross", "unknown_amount")


def orders_from_days(days: pd.DataFrame) -> pd.DataFrame:
    """订单 rows (the tab's columns) rebuilt from sums per customer and order day, so that :func:`build_book`
    reads the same counts, sums, first orders and 毛利 gaps as from the order lines themselves.

    ``days``: :data:`ORDER_DAY_COLUMNS` (see ``tables.customers.order_days``). Each (customer, day) becomes
    ``orders`` rows: first the day's first order with its own 订单金额 and 毛利 (blank when it has none); then
    the day's other orders with 毛利, their sums in the first of them (the others 0); then those without 毛利,
    their 订单金额 summed likewise, 毛利 blank. Rows come in order of each day's first 订单号 (a table has no
    sheet order). 渠道 and 活动名称 are blank (the customer figures do not read them).
    """
    d = days.sort_values(["first_id", "customer_id", "day"], kind="stable").reset_index(drop=True)
    n = d["orders"].to_numpy(dtype=np.int64)
    first_known = d["first_known"].to_numpy(dtype=np.int64) == 1
    first_amount = d["first_amount"].to_numpy(dtype=np.float64)
    first_gross = d["first_gross"].to_numpy(dtype=np.float64)
    rest_known = d["known"].to_numpy(dtype=np.int64) - first_known
    # the day's other orders: what is left once the first order is taken out of its group
    rest_known_amount = d["known_amount"].to_numpy(dtype=np.float64) - np.where(first_known, first_amount, 0.0)
    rest_known_gross = d["known_gross"].to_numpy(dtype=np.float64) - np.where(first_known, first_gross, 0.0)
    rest_unknown_amount = d["unknown_amount"].to_numpy(dtype=np.float64) - np.where(first_known, 0.0, first_amount)

    group = np.repeat(np.arange(len(d)), n)
    pos = np.arange(len(group)) - np.repeat(np.cumsum(n) - n, n)  # 0 … orders−1 within its (customer, day)
    known_rows = rest_known[group]
    is_first, known_row = pos == 0, (pos >= 1) & (pos <= known_rows)
    amount = np.select([is_first, pos == 1, pos == known_rows + 1],
                       [first_amount[group], np.where(known_rows >= 1, rest_known_amount[group],
                                                      rest_unknown_amount[group]), rest_unknown_amount[group]], 0.0)
    gross = np.where(is_first, np.where(first_known[group], first_gross[group], np.nan),
                     np.where(known_row, np.where(pos == 1, rest_known_gross[group], 0.0), np.nan))
    return pd.DataFrame({
        "order_id": d["first_id"].astype(object).to_numpy()[group],
        "customer_id": d["customer_id"].astype(object).to_numpy()[group],
        "order_date": pd.to_datetime(d["day"]).to_numpy(dtype="datetime64[ns]")[group],
        "amount": amount,
        "gross_profit": gross,
        "channel": pd.Series([None] * len(group), dtype=object),
        "campaign": pd.Series([None] * len(group), dtype=object),
        "row": np.zeros(len(group), dtype=np.int64),
    })
