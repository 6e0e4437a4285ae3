"""Customer aggregates written once as ibis expressions, run where 订单 (and 触点) live.

The same definitions as :mod:`roi_core.customers` on the tabs, without 客户: a customer is acquired on
the day of the first converting touch, else of the first order. What comes back is one row per cohort
month (its customers) and one per (cohort, months since) cell (Σ订单金额 and the customers who ordered),
never one row per customer; :func:`roi_core.customers.cohorts_from_cells` turns them into the cohort
table. ``customer_windows`` sums, per acquisition month, each customer's orders and margin within 30, 90,
180 and 365 days of the acquisition (the LTV windows).
"""

from __future__ import annotations

import datetime as dt

from roi_core.customers import WINDOWS


def acquisitions(orders, touches=None):
    """Per customer: ``customer_id``, ``acquired`` (a date) and ``first_order``, ``n_orders`` (an ibis table)."""
    first = orders.group_by(orders.customer_id).aggregate(first_order=orders.order_date.date().min(),
                                                          n_orders=orders.count())
    if touches is None:
        return first.mutate(acquired=first.first_order)
    won = touches.filter(touches.converted)
    won = won.group_by(won.customer_id).aggregate(first_conversion=won.timestamp.date().min())
    both = first.outer_join(won, first.customer_id == won.customer_id)
    return both.select(customer_id=both.customer_id.fill_null(both.customer_id_right),
                       acquired=both.first_conversion.fill_null(both.first_order),
                       first_order=both.first_order, n_orders=both.n_orders.fill_null(0))


def _month_number(day):
    return day.year() * 12 + day.month() - 1


def cohort_cells(orders, asof: dt.date, months: int = 12, touches=None):
    """``(sizes, cells)``: customers per cohort month (``cohort`` "YYYY-MM", ``customers``) and per
    (``cohort``, ``since``) ``amount`` and ``active``, for the last ``months`` months up to ``asof``."""
    import ibis

    people = acquisitions(orders, touches)
    first_month = (asof.year * 12 + asof.month - 1) - months + 1
    start = dt.date(first_month // 12, first_month % 12 + 1, 1)
    people = people.filter(people.acquired.notnull(), people.acquired <= ibis.literal(asof),
                           people.acquired >= ibis.literal(start))
    people = people.mutate(cohort_number=_month_number(people.acquired),
                           cohort=people.acquired.strftime("%Y-%m"))
    sizes = people.group_by(people.cohort).aggregate(customers=people.count())
    placed = orders.mutate(day=orders.order_date.date())
    placed = placed.filter(placed.day <= ibis.literal(asof))
    joined = placed.inner_join(people, placed.customer_id == people.customer_id)
    joined = joined.mutate(since=_month_number(joined.day) - joined.cohort_number)
    joined = joined.filter(joined.since >= 0, joined.since < months)
    cells = joined.group_by([joined.cohort, joined.since]).aggregate(amount=joined.amount.sum(),
                                                                     active=joined.customer_id.nunique())
    return sizes, cells


def customer_windows(orders, touches=None):
    """Per acquisition month (``cohort``): ``customers`` and, for each window of WINDOWS days, Σ订单金额
    (``amount_<d>``) and Σ毛利 (``margin_<d>``; null rows count 0) of orders within d days of acquisition."""
    people = acquisitions(orders, touches)
    joined = orders.mutate(day=orders.order_date.date())
    joined = joined.inner_join(people, joined.customer_id == people.customer_id)
    joined = joined.mutate(after=joined.day.delta(joined.acquired, unit="day"),
                           cohort=joined.acquired.strftime("%Y-%m"))
    sums = {}
    for days in WINDOWS:  # over the four windows
        inside = (joined.after >= 0) & (joined.after < days)
        sums[f"amount_{days}"] = joined.amount.sum(where=inside)
        sums[f"margin_{days}"] = joined.gross_profit.fill_null(0).sum(where=inside)
    sizes = people.mutate(cohort=people.acquired.strftime("%Y-%m"))
    sizes = sizes.group_by(sizes.cohort).aggregate(customers=sizes.count())
    return sizes.left_join(joined.group_by(joined.cohort).aggregate(**sums), "cohort").drop("cohort_right")
