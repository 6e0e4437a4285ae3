"""Customer aggregates written once as ibis expressions, run where 订单 (and 触点) live.

The same definitions as :mod:`roi_core.customers` on the tabs, without 客户: a customer is acquired on
the day of the first converting touch, else of the first order. What comes back is one row per cohort
month (its customers) and one per (cohort, months since) cell (Σ订单金额 and the customers who ordered),
never one row per customer; :func:`roi_core.customers.cohorts_from_cells` turns them into the cohort
table. ``customer_windows`` sums, per acquisition month, each customer's orders and margin within 30, 90,
180 and 365 days of the acquisition (the LTV windows).

The customer answers (客户价值, 回本周期, 生命周期, cohort) read who acquired whom from 客户 and 触点, so
they need each customer's orders: ``order_days`` sums them per customer and order day (one row per
customer and day, never one per order line), and :func:`roi_core.customers.orders_from_days` gives the
book the same counts, sums, first orders and 毛利 gaps as the order lines themselves.
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


def order_days(orders):
    """Per customer and order day (an ibis table): ``customer_id``, ``day``, ``orders`` (how many); the day's
    first order (the smallest 订单号: a table has no row order) as ``first_id``, ``first_amount``,
    ``first_gross`` and ``first_known`` (1 when it has 毛利); over the day's orders with 毛利: ``known`` (how
    many), ``known_amount``, ``known_gross``; over those without: ``unknown_amount``. Rows without a
    customer or a date are left out, as the tab leaves them out."""
    import ibis

    o = orders.filter(orders.customer_id.notnull(), orders.customer_id != "", orders.order_date.notnull())
    o = o.mutate(day=o.order_date.date(), known=ibis.ifelse(o.gross_profit.notnull(), 1, 0).cast("int64"),
                 gross=o.gross_profit.fill_null(0.0))
    has = o.known == 1
    # arg_min skips a null value on some engines: the first order's 毛利 travels as 0 plus its flag
    return o.group_by([o.customer_id, o.day]).aggregate(
        orders=o.count(),
        first_id=o.order_id.min(),
        first_amount=o.amount.argmin(o.order_id),
        first_gross=o.gross.argmin(o.order_id),
        first_known=o.known.argmin(o.order_id),
        known=o.known.sum(),
        known_amount=o.amount.sum(where=has).fill_null(0.0),
        known_gross=o.gross.sum(where=has).fill_null(0.0),
        unknown_amount=o.amount.sum(where=~has).fill_null(0.0),
    )


def order_summary(orders):
    """Rows and the first and last 下单日期 of the source (an ibis expression of one row)."""
    return orders.aggregate(rows=orders.count(), first=orders.order_date.min(), last=orders.order_date.max())
