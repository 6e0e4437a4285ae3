"""Customer value over time: acquisition, lifecycle funnel, payback, LTV, repurchase, cohorts.

Pure like the rest of ``roi_core``: frames in, dataclasses out, today passed in. Definitions in
:mod:`roi_core.customers.model` and docs/formulas.md (客户价值)::

    book = build_book(data)                      # optional: prepare once, reuse for several figures
    value = customer_value(book, "618活动", asof=today)
    back = payback(book, "618活动")
    funnel = lifecycle(book, campaign="618活动")
    table = cohorts(book, asof=today, months=12)
"""

from roi_core.customers.book import CustomerBook, build_book, orders_from_days
from roi_core.customers.lifecycle import lifecycle
from roi_core.customers.model import (
    LOYAL_WITHIN_DAYS,
    STAGE_EN,
    STAGES,
    WINDOWS,
    Cohorts,
    CustomerValue,
    Lifecycle,
    Payback,
    StageRow,
)
from roi_core.customers.value import (
    NO_ORDERS,
    acquisitions,
    cohorts,
    cohorts_from_cells,
    customer_value,
    payback,
)

__all__ = [
    "LOYAL_WITHIN_DAYS", "NO_ORDERS", "STAGES", "STAGE_EN", "WINDOWS", "Cohorts", "CustomerBook", "CustomerValue",
    "Lifecycle", "Payback", "StageRow", "acquisitions", "build_book", "cohorts", "cohorts_from_cells", "customer_value",
    "lifecycle", "orders_from_days", "payback",
]
