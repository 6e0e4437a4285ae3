"""Payback, customer value (LTV, repurchase, CAC, value-based ROI) and monthly cohorts.

Definitions: :mod:`roi_core.customers.model` and docs/formulas.md (客户价值). Every function takes
the :class:`~roi_core.sheetdata.SheetData` or a :class:`~roi_core.customers.book.CustomerBook`
built from it (build once to compute several figures of the same sheet).
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from roi_core.customers.book import NO_DAY, CustomerBook, build_book, day_date, day_number, to_days
from roi_core.customers.model import (
    SOURCE_CAMPAIGNS,
    SOURCE_ORDERS,
    WINDOWS,
    Cohorts,
    CustomerValue,
    Payback,
)
from roi_core.customers.projection import roi_interval
from roi_core.metrics import HALF_FEN, return_basis
from roi_core.sheetdata import SheetData

NO_ORDERS = "没有「订单」标签页（或其中没有可用的行）：加上 订单号、客户ID、下单日期、订单金额 即可计算复购与客户价值"


def as_book(data: SheetData | CustomerBook) -> CustomerBook:
    """The book of ``data`` (built now unless ``data`` already is one)."""
    return data if isinstance(data, CustomerBook) else build_book(data)


def campaign_rows(book: CustomerBook, campaign: str | None = None, channel: str | None = None) -> pd.DataFrame:
    """The 活动 rows of a campaign and/or a channel (names compared as :func:`match_key` does); all rows for neither."""
    rows = book.campaigns
    mask = np.ones(len(rows), dtype=bool)
    if campaign is not None:
        mask &= (rows["campaign_id"] == book.campaign_ids.id_of(campaign)).to_numpy()
    if channel is not None:
        mask &= (rows["channel_id"] == book.channel_ids.id_of(channel)).to_numpy()
    return rows[mask]


Period = tuple[dt.date, dt.date]


def period_rows(rows: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """The 活动 rows as far as they fall in ``period`` (first day, last day, inclusive): a row running partly
    inside keeps its share of days of 总成本, 新客户数, 销售额 and 毛利 (as months do), its dates clipped to the period; rows outside are dropped."""
    if period is None or rows.empty:
        return rows
    starts = to_days(rows["start_date"])
    ends = to_days(rows["end_date"].fillna(rows["start_date"]))
    first, last = day_number(period[0]), day_number(period[1])
    inside = np.clip(np.minimum(ends, last) - np.maximum(starts, first) + 1, 0, None)
    share = inside / np.maximum(ends - starts + 1, 1)
    out = rows[share > 0].copy()
    share = share[share > 0]
    for column in ("cost", "new_customers", "revenue", "gross_profit_est"):
        out[column] = out[column] * share
    # the rows' days clipped to the period, so a row's share spread over them keeps its daily rate
    out["start_date"] = out["start_date"].clip(lower=pd.Timestamp(period[0]))
    out["end_date"] = out["end_date"].fillna(out["start_date"]).clip(upper=pd.Timestamp(period[1]))
    return out


def acquired_mask(book: CustomerBook, campaign: str | None = None, channel: str | None = None) -> np.ndarray:
    """Per customer code: acquired (a known acquisition date) by the campaign and/or through the channel."""
    people = book.people
    mask = people["acquired"].to_numpy() != NO_DAY
    if campaign is not None:
        mask &= (people["campaign_id"] == book.campaign_ids.id_of(campaign)).to_numpy()
    if channel is not None:
        mask &= (people["channel_id"] == book.channel_ids.id_of(channel)).to_numpy()
    return mask


def _start_day(rows: pd.DataFrame) -> int | None:
    if rows.empty or rows["start_date"].isna().all():
        return None
    return day_number(rows["start_date"].min().date())


def _cost(rows: pd.DataFrame) -> float | None:
    return float(rows["cost"].sum()) if len(rows) else None


def new_customer_mask(book: CustomerBook, campaign: str | None, channel: str | None,
                      asof_day: int | None, period: Period | None = None) -> np.ndarray:
    """Per customer code: a new customer of the campaign/channel as of ``asof_day`` (None: no limit).

    Acquired by it, with a first order on or after the campaign's start (without a campaign, or a
    campaign not in 活动: on or after the customer's acquisition date), and not after ``asof_day``;
    with a ``period``, acquired within it.
    """
    people = book.people
    acquired = people["acquired"].to_numpy()
    first = people["first_order"].to_numpy()
    start = _start_day(campaign_rows(book, campaign, channel)) if campaign is not None else None
    threshold = acquired if start is None else np.full(len(people), start, dtype=np.int64)
    mask = acquired_mask(book, campaign, channel) & (first != NO_DAY) & (first >= threshold)
    if asof_day is not None:
        mask &= (first <= asof_day) & (acquired <= asof_day)
    if period is not None:
        mask &= (acquired >= day_number(period[0])) & (acquired <= day_number(period[1]))
    return mask


def reported_new_customers(rows: pd.DataFrame) -> float | None:
    """Σ新客户数 of 活动 rows, when every one of them has it (a partly filled count would understate CAC and
    the projection); None otherwise."""
    if rows.empty or rows["new_customers"].isna().any():
        return None
    return float(rows["new_customers"].sum())


def sample_basis(book: CustomerBook, new_customers: int, reported: float | None) -> tuple[float | None, bool, float | None]:
    """(coverage, projected, scale) of a campaign's new customers in 订单 against 活动's 新客户数.

    coverage = new customers ÷ reported; under the book's threshold (设置 归因覆盖阈值) 订单 is read as a
    sample: ``projected`` and totals scale by reported ÷ new customers. No projection without a reported
    count or without a new customer in 订单 (nothing to scale)."""
    if not reported or reported < HALF_FEN:
        return None, False, None
    coverage = new_customers / reported
    if new_customers == 0 or coverage >= book.coverage_threshold:
        return coverage, False, None
    return coverage, True, reported / new_customers


def campaign_return(rows: pd.DataFrame, basis: str) -> float | None:
    """Σ收益 of 活动 rows on ``basis`` (毛利 incl. 销售额 × 毛利率, or 销售额); None when a row lacks it."""
    column = rows["gross_profit_est"] if basis == "gross_profit" else rows["revenue"]
    return float(column.sum()) if len(rows) and column.notna().all() else None


def _ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None or abs(denominator) < HALF_FEN:
        return None
    return float(numerator / denominator)


def _roi(returned: float, cost: float | None) -> float | None:
    if cost is None or cost < HALF_FEN:
        return None
    return float((returned - cost) / cost)


def customer_value(data: SheetData | CustomerBook, campaign: str | None = None, channel: str | None = None, *,
                   asof: dt.date, period: Period | None = None) -> CustomerValue:
    """LTV at 30/90/180/365 days, repurchase rate, CAC, LTV:CAC and value-based ROI (see :class:`CustomerValue`).

    ``asof`` is today (the core never reads a clock): orders after it are not counted, and a
    window is reported only when every new customer is at least that many days old on it.
    ``period`` (first day, last day): only the customers acquired within it, against the 活动 rows' share
    of days in it (cost, 新客户数, 收益), their orders counted up to ``asof``.
    """
    book = as_book(data)
    asof_day = day_number(asof)
    rows = period_rows(campaign_rows(book, campaign, channel), period)
    cost = _cost(rows) if (campaign is not None or channel is not None or len(rows)) else None
    acquired = acquired_mask(book, campaign, channel)
    if period is not None:
        days = book.people["acquired"].to_numpy()
        acquired &= (days >= day_number(period[0])) & (days <= day_number(period[1]))
    new = new_customer_mask(book, campaign, channel, asof_day, period)
    n_new = int(new.sum())
    empty_windows = {n: None for n in WINDOWS}
    reported = reported_new_customers(rows)
    coverage, projected, scale = sample_basis(book, n_new, reported)
    priced = cost is not None and cost >= HALF_FEN
    # CAC from the campaign's own count when 活动 has it: 订单 may hold only a sample of its customers
    cac_source = SOURCE_CAMPAIGNS if reported else SOURCE_ORDERS
    cac = _ratio(cost, reported if reported else n_new) if priced else None
    result = dict(campaign=campaign, channel=channel, asof=asof, basis=book.basis,
                  acquired_customers=int(acquired.sum()), new_customers=n_new, cost=cost,
                  reported_new_customers=reported, coverage=coverage, coverage_threshold=book.coverage_threshold,
                  cac=cac, cac_source=cac_source if cac is not None else None,
                  campaign_return=campaign_return(rows, book.basis))
    if not book.has_orders:
        return CustomerValue(**result, ltv=empty_windows, old_enough={n: 0 for n in WINDOWS}, reason=NO_ORDERS)
    if n_new == 0:
        # with 活动's own count and no customer in 订单 there is nothing to project from: no ROI rather than −100%
        none_roi = None if reported else _roi(0.0, cost)
        return CustomerValue(**result, ltv=empty_windows, old_enough={n: 0 for n in WINDOWS},
                             first_order_roi=none_roi, roi_with_repurchase=none_roi,
                             reason="没有新客户：获客客户中没有在活动开始后首次下单的客户")

    orders = book.orders
    in_new = new[orders["cust"]] & (orders["day"] <= asof_day)
    cust = orders["cust"][in_new]
    value = orders["value"][in_new]
    first_value = float(value[orders["nth"][in_new] == 0].sum())
    total_value = float(value.sum())

    acquired_day = book.people["acquired"].to_numpy()
    since = orders["day"][in_new] - acquired_day[cust]  # order day − that customer's acquisition day
    age = asof_day - acquired_day[new]
    ltv: dict[int, float | None] = {}
    old_enough: dict[int, int] = {}
    for days in WINDOWS:
        old_enough[days] = int((age >= days).sum())
        within = (since >= 0) & (since < days)
        ltv[days] = float(value[within].sum() / n_new) if old_enough[days] == n_new else None

    repeat = int((np.bincount(cust, minlength=book.size)[new] >= 2).sum())
    complete = [d for d in WINDOWS if ltv[d] is not None]
    window = complete[-1] if complete else None
    ltv_cac = _ratio(ltv[window], cac) if window is not None and cac is not None else None
    first_basis, total_basis = (first_value * scale, total_value * scale) if projected else (first_value, total_value)
    interval = {}
    if projected and priced:
        # each sampled new customer's first-order and total 收益, resampled together for the 80 % interval
        first_each = np.bincount(cust, weights=np.where(orders["nth"][in_new] == 0, value, 0.0), minlength=book.size)
        total_each = np.bincount(cust, weights=value, minlength=book.size)
        (fo_low, fo_high), (tot_low, tot_high) = roi_interval(
            np.column_stack([first_each[new], total_each[new]]), reported, cost)
        interval = dict(first_order_roi_low=fo_low, first_order_roi_high=fo_high,
                        roi_with_repurchase_low=tot_low, roi_with_repurchase_high=tot_high)
    reason = None
    if cost is None:
        reason = "「活动」中没有这个活动/渠道的行，无法计算获客成本与ROI"
    elif cost < HALF_FEN:
        reason = "成本为0，无法计算获客成本与ROI"
    return CustomerValue(**result, ltv=ltv, old_enough=old_enough, repeat_customers=repeat,
                         repurchase_rate=repeat / n_new, ltv_cac=ltv_cac, ltv_cac_window=window,
                         first_order_return=first_value, repurchase_return=total_value - first_value,
                         total_return=total_value, first_order_roi=_roi(first_basis, cost),
                         roi_with_repurchase=_roi(total_basis, cost), reason=reason, projected=projected,
                         projected_first_order_return=first_basis if projected else None,
                         projected_total_return=total_basis if projected else None, **interval)


def payback(data: SheetData | CustomerBook, campaign: str, *, channel: str | None = None,
            asof: dt.date | None = None, period: Period | None = None) -> Payback:
    """回本周期 of a campaign (see :class:`Payback`); ``asof`` ignores orders and days after it. ``period``:
    the customers acquired within it against the 活动 rows' share of it (as :func:`customer_value`)."""
    book = as_book(data)
    rows = period_rows(campaign_rows(book, campaign, channel), period)
    if rows.empty:
        return Payback(campaign, channel, None, book.basis, None, None, 0.0, None, None, None, None,
                       reason=f"「活动」中没有「{campaign}」" + (f"在「{channel}」的行" if channel else "的行"))
    start = _start_day(rows)
    cost = float(rows["cost"].sum())
    asof_day = None if asof is None else day_number(asof)
    new = new_customer_mask(book, campaign, channel, asof_day, period) if book.has_orders else None
    # 订单 holding none of this campaign's new customers says nothing about its payback: the 活动 rows do
    if new is not None and new.any():
        orders = book.orders
        keep = new[orders["cust"]]
        if asof_day is not None:
            keep &= orders["day"] <= asof_day
        days, index = np.unique(orders["day"][keep], return_inverse=True)
        daily = np.bincount(index, weights=orders["value"][keep], minlength=len(days))
        source, basis, n_new = SOURCE_ORDERS, book.basis, int(new.sum())
        reported = reported_new_customers(rows)
        coverage, projected, scale = sample_basis(book, n_new, reported)
    else:
        basis = return_basis(rows)
        days, daily = _spread_daily(rows, "gross_profit_est" if basis == "gross_profit" else "revenue", asof_day)
        source, n_new = SOURCE_CAMPAIGNS, None
        reported, coverage, projected, scale = reported_new_customers(rows), None, False, None
    sample_returned = float(daily.sum())
    if projected:  # 订单 is a sample: its new customers' value per head × 活动's 新客户数
        daily = daily * scale
    cumulative = np.cumsum(daily)
    returned = float(cumulative[-1]) if len(cumulative) else 0.0
    sample = dict(projected=projected, coverage=coverage, reported_new_customers=reported, scale=scale,
                  sample_returned=sample_returned)
    if cost < HALF_FEN:
        return Payback(campaign, channel, source, basis, day_date(start), cost, returned, None, None, None, n_new,
                       reason="成本为0，无需回本", **sample)
    covered = np.flatnonzero(cumulative >= cost - HALF_FEN)
    paid_day = int(days[covered[0]]) if len(covered) else None
    return Payback(campaign, channel, source, basis, day_date(start), cost, returned,
                   None if paid_day is None else max(paid_day - start, 0),
                   None if paid_day is None else day_date(paid_day), returned / cost, n_new, **sample)


def _spread_daily(rows: pd.DataFrame, column: str, asof_day: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``column`` spread evenly over its days (both ends inclusive): (day numbers, daily sums)."""
    starts = to_days(rows["start_date"])
    ends = to_days(rows["end_date"].fillna(rows["start_date"]))
    values = rows[column].fillna(0.0).to_numpy(dtype=np.float64)
    first, last = int(starts.min()), int(ends.max())
    per_day = values / (ends - starts + 1)
    change = np.zeros(last - first + 2)
    np.add.at(change, starts - first, per_day)
    np.add.at(change, ends - first + 1, -per_day)
    daily = np.cumsum(change)[:-1]
    days = np.arange(first, last + 1)
    if asof_day is not None:
        daily, days = daily[days <= asof_day], days[days <= asof_day]
    return days, daily


def _month_index(days: np.ndarray) -> np.ndarray:
    """Day numbers → months since 1970-01."""
    return days.astype("datetime64[D]").astype("datetime64[M]").astype(np.int64)


def cohorts(data: SheetData | CustomerBook, asof: dt.date, months: int = 12) -> Cohorts:
    """Acquisition month × months since, 销售额 per customer (see :class:`Cohorts`)."""
    book = as_book(data)
    asof_day = day_number(asof)
    asof_month = int(_month_index(np.array([asof_day]))[0])
    first_month = asof_month - months + 1
    labels = [str(pd.Period(year=1970 + m // 12, month=m % 12 + 1, freq="M")) for m in range(first_month, asof_month + 1)]
    acquired = book.people["acquired"].to_numpy()
    known = (acquired != NO_DAY) & (acquired <= asof_day)
    cohort_month = np.where(known, _month_index(np.where(known, acquired, 0)), -1)
    in_window = known & (cohort_month >= first_month)
    row_of = cohort_month - first_month  # cohort row per customer (meaningful where in_window)
    sizes = np.bincount(row_of[in_window], minlength=months)[:months]

    orders = book.orders
    keep = in_window[orders["cust"]] & (orders["day"] <= asof_day)
    cust = orders["cust"][keep]
    since = _month_index(orders["day"][keep]) - cohort_month[cust]
    inside = (since >= 0) & (since < months)
    cell = row_of[cust][inside] * months + since[inside]
    totals = np.bincount(cell, weights=orders["amount"][keep][inside], minlength=months * months).reshape(months, months)
    pairs = np.unique(cell * book.size + cust[inside])
    active = np.bincount(pairs // book.size, minlength=months * months).reshape(months, months)

    return _cohort_table(asof, months, labels, sizes, totals, active, book.has_orders)


def cohorts_from_cells(cells: pd.DataFrame, sizes: pd.Series, asof: dt.date, months: int = 12, *,
                       has_orders: bool = True) -> Cohorts:
    """:class:`Cohorts` from aggregates summed where 订单 live (tables/, docs/tables.md).

    ``cells``: ``cohort`` ("YYYY-MM"), ``since`` (calendar months after it), ``amount`` (Σ订单金额) and
    ``active`` (customers who ordered), for orders up to ``asof``; ``sizes``: customers acquired per cohort
    month. Cells outside the last ``months`` months up to ``asof``'s month are left out, as :func:`cohorts`
    leaves them.
    """
    asof_month = int(_month_index(np.array([day_number(asof)]))[0])
    first_month = asof_month - months + 1
    labels = [str(pd.Period(year=1970 + m // 12, month=m % 12 + 1, freq="M")) for m in range(first_month, asof_month + 1)]
    row_of = {label: i for i, label in enumerate(labels)}
    size = np.zeros(months, dtype=np.int64)
    for label, count in sizes.items():  # over cohort months
        if str(label) in row_of:
            size[row_of[str(label)]] = int(count)
    totals = np.zeros((months, months))
    active = np.zeros((months, months), dtype=np.int64)
    rows = cells["cohort"].astype(str).map(row_of)
    since = cells["since"].to_numpy(dtype=np.int64)
    inside = (rows.notna() & (since >= 0) & (since < months)).to_numpy()
    r, k = rows[inside].to_numpy(dtype=np.int64), since[inside]
    np.add.at(totals, (r, k), cells["amount"].to_numpy(dtype=np.float64)[inside])
    np.add.at(active, (r, k), cells["active"].to_numpy(dtype=np.int64)[inside])
    return _cohort_table(asof, months, labels, size, totals, active, has_orders)


def _cohort_table(asof: dt.date, months: int, labels: list[str], sizes: np.ndarray, totals: np.ndarray,
                  active: np.ndarray, has_orders: bool) -> Cohorts:
    observed = (np.arange(months)[:, None] + np.arange(months)[None, :]) <= months - 1  # month ≤ asof's month
    usable = observed & (sizes[:, None] > 0)
    per_customer = np.divide(totals, np.maximum(sizes, 1)[:, None])
    columns = list(range(months))
    reason = None if has_orders else NO_ORDERS
    return Cohorts(
        asof=asof, months=months,
        per_customer=_with_none(per_customer, usable, labels, columns),
        active=_with_none(active, usable, labels, columns),
        customers=pd.Series(sizes.astype(np.int64), index=pd.Index(labels, name="cohort"), name="customers"),
        reason=reason,
    )


def _with_none(values: np.ndarray, usable: np.ndarray, index: list[str], columns: list[int]) -> pd.DataFrame:
    """Plain Python numbers (not numpy scalars) in an object frame, None where not ``usable``."""
    cells = np.empty(values.shape, dtype=object)
    cells[:] = values.tolist() if values.size else cells
    cells[~usable] = None
    return pd.DataFrame(cells, index=pd.Index(index, name="cohort"), columns=columns, dtype=object)


def acquisitions(data: SheetData | CustomerBook) -> pd.DataFrame:
    """One row per customer acquired (a known acquisition date): who acquired them and when.

    Columns: customer_id, acquired_date, campaign, channel, acquired_from (客户 | 触点 | 订单),
    first_order_date (NaT without orders), orders (how many in 订单). 客户 (获客日期 / 获客渠道 /
    获客活动) wins; a blank there, or a customer 客户 does not list, takes the first converting touch
    in 触点; a customer known only from 订单 is acquired on the first order, by no campaign.
    """
    book = as_book(data)
    people = book.people
    known = people[people["acquired"] != NO_DAY]

    def dates(days: pd.Series) -> pd.Series:
        values = days.to_numpy()
        return pd.Series(np.where(values == NO_DAY, np.datetime64("NaT"), values.astype("datetime64[D]")),
                         index=days.index).astype("datetime64[ns]")

    return pd.DataFrame({
        "customer_id": known["customer_id"],
        "acquired_date": dates(known["acquired"]),
        "campaign": book.campaign_ids.names(known["campaign_id"].to_numpy()),
        "channel": book.channel_ids.names(known["channel_id"].to_numpy()),
        "acquired_from": known["acquired_from"],
        "first_order_date": dates(known["first_order"]),
        "orders": known["n_orders"].astype(np.int64),
    }).reset_index(drop=True)
