"""The results of customer-value analysis, with their definitions (docs/formulas.md, 客户价值).

Every figure that cannot be computed is ``None`` with a ``reason`` (a Chinese sentence), never
NaN or inf. Money figures are on the ``basis`` the result names: "gross_profit" (按毛利) or
"revenue" (按销售额), the same words as :data:`roi_core.metrics.BASIS_LABEL`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from roi_core.metrics import HALF_FEN

#: the lifecycle stages, in order; a customer who reached a stage counts in every earlier one
STAGES = ("潜在", "意向", "成交", "忠实")
STAGE_EN = {"潜在": "prospect", "意向": "interested", "成交": "customer", "忠实": "loyal"}
#: LTV windows, in days from each customer's acquisition date
WINDOWS = (30, 90, 180, 365)
#: a second order within this many days of the first makes a customer 忠实 (derived stages)
LOYAL_WITHIN_DAYS = 365
#: touches that make a customer 意向 when the stage is derived ("engaged twice")
ENGAGED_TOUCHES = 2

SOURCE_ORDERS = "订单"
SOURCE_CAMPAIGNS = "活动"


@dataclass(frozen=True)
class StageRow:
    """One stage of a :class:`Lifecycle` funnel.

    ``customers``: customers who reached this stage (a 忠实 customer counts in all four).
    ``conversion_to_next``: customers of the next stage ÷ customers of this one (None for 忠实,
    or when this stage has no customer). ``median_days_to_next``: the median of the calendar days
    between a customer's date of this stage and of the next, over the customers of the next stage
    that know both dates (None when none does). ``cost_per_customer``: the cost of the campaign /
    channel / period in 活动 ÷ ``customers`` (None without a cost or a customer).
    """

    stage: str
    customers: int
    conversion_to_next: float | None
    median_days_to_next: float | None
    cost_per_customer: float | None


@dataclass(frozen=True)
class Lifecycle:
    """The 潜在→意向→成交→忠实 funnel of a campaign, a channel, a period (or a combination, or all).

    Who is in it: the customers touched in 触点 by the campaign / on the channel / in the period,
    and those 客户 (or their first converting touch) says were acquired by it / through it / in it.
    A customer's stage is 客户.阶段 when filled; otherwise it is derived from behaviour:
    潜在 = touched (or known at all); 意向 = two or more touches, or any later stage;
    成交 = ordered (a row in 订单; without a 订单 tab, a converting touch in 触点);
    忠实 = ordered again within 365 days of the first order.
    Stage dates: 潜在 the first touch (or acquisition, or first order, whichever is first); 意向 the
    second touch or the first order if earlier; 成交 the first order; 忠实 the second order; a filled
    阶段日期 replaces the date of the stage it names. With a period, behaviour after its last day is
    ignored. ``derived`` says some stages were derived (``derived_customers`` of ``customers``).
    ``cost``: Σ总成本 of the matching 活动 rows (a period takes each row's share of days in it).
    """

    stages: tuple[StageRow, ...]
    customers: int
    derived: bool
    derived_customers: int
    cost: float | None
    campaign: str | None = None
    channel: str | None = None
    period: tuple[dt.date, dt.date] | None = None
    reason: str | None = None  # why the funnel is empty (no 触点/客户/订单 data, nobody matched)

    def as_frame(self) -> pd.DataFrame:
        """One row per stage: stage, customers, conversion_to_next, median_days_to_next, cost_per_customer."""
        columns = ["stage", "customers", "conversion_to_next", "median_days_to_next", "cost_per_customer"]
        return pd.DataFrame([[getattr(s, c) for c in columns] for s in self.stages], columns=columns, dtype=object)


@dataclass(frozen=True)
class Payback:
    """回本周期 of a campaign (optionally on one channel).

    ``start``: the earliest 开始日期 of the campaign's 活动 rows; ``cost``: their Σ总成本.
    With 订单 (``source`` "订单"): the daily Σ of the campaign's new customers' orders (毛利 when every
    订单 row knows it, the cell or 订单金额 × 毛利率; else 订单金额 — ``basis`` says which), summed
    cumulatively from ``start``. Without 订单 (``source`` "活动"): each 活动 row's 收益 (same basis as
    the campaign answer) spread evenly over its days 开始日期…结束日期.
    ``payback_days``: calendar days from ``start`` to the first day the cumulative figure reaches
    ``cost`` (0 = the start day), None when it never does (未回本). ``recovered``: the cumulative
    figure so far ÷ ``cost`` (≥ 1 once paid back); None when the cost is not positive.
    """

    campaign: str
    channel: str | None
    source: str | None  # "订单" | "活动" | None (the campaign is not in 活动)
    basis: str
    start: dt.date | None
    cost: float | None
    returned: float  # the cumulative figure so far
    payback_days: int | None
    payback_date: dt.date | None
    recovered: float | None
    new_customers: int | None  # the campaign's new customers (source 订单 only)
    reason: str | None = None
    #: 订单 read as a sample (coverage under 设置 归因覆盖阈值): ``returned`` and the daily sums are the sample's
    #: × ``scale`` = 活动's 新客户数 ÷ the new customers in 订单; ``sample_returned`` is the sample's own figure
    projected: bool = False
    coverage: float | None = None
    reported_new_customers: float | None = None
    scale: float | None = None
    sample_returned: float | None = None


@dataclass(frozen=True)
class CustomerValue:
    """Value over time of the customers a campaign (or channel, or both; or all) acquired.

    A campaign's new customers are the customers it acquired whose first order falls in or after it
    (on or after its start date; without a campaign, on or after their acquisition date). Acquiring
    campaign and channel come from 客户 (获客活动 / 获客渠道 / 获客日期), else from the customer's first
    converting touch in 触点. Orders after ``asof`` are not counted.
    LTV over N days (``ltv[N]``) is the 收益 (``basis``) of those customers' orders within N days of each
    one's acquisition date (order day − acquisition day in 0 … N−1), divided by the number of new
    customers, reported only when every one of them is at least N days old on ``asof``
    (``old_enough[N]`` says how many are); else None.
    Repurchase rate = new customers with two or more orders ÷ new customers.
    ``reported_new_customers``: Σ新客户数 of the same 活动 rows (None unless every row has it);
    ``coverage`` = ``new_customers`` ÷ that: how much of the campaign's own count 订单/客户 cover.
    CAC = cost ÷ ``reported_new_customers`` when 活动 has it (``cac_source`` "活动"), else cost ÷ new
    customers (``cac_source`` "订单"); LTV:CAC = the LTV of the longest complete window (``ltv_cac_window``)
    ÷ CAC. Per-customer figures (LTV, repurchase rate) always come from the customers in 订单.
    ROIs: ``first_order_roi`` = (Σ收益 of the new customers' first orders − cost) ÷ cost;
    ``roi_with_repurchase`` = (Σ收益 of all their orders up to ``asof`` − cost) ÷ cost. When ``coverage`` is
    under ``coverage_threshold`` (设置 归因覆盖阈值) 订单 is a sample and both sums are ``projected``: the
    sample's Σ ÷ new customers × ``reported_new_customers`` (``projected_first_order_return`` /
    ``projected_total_return``); ``first_order_return`` / ``total_return`` stay the sample's own sums.
    ``sample_optimistic``: projected, and the projected first-order return exceeds ``campaign_return``.
    Projected ROIs carry an 80 % interval (``first_order_roi_low`` … ``_high``, ``roi_with_repurchase_low`` …
    ``_high``): a seeded bootstrap over the sampled new customers (:mod:`roi_core.customers.projection`);
    None when not projected. ``campaign_roi`` = (``campaign_return`` − cost) ÷ cost, from 活动 alone.
    """

    campaign: str | None
    channel: str | None
    asof: dt.date
    basis: str
    acquired_customers: int  # acquired by the campaign/channel, new or not
    new_customers: int
    cost: float | None
    ltv: dict[int, float | None] = field(default_factory=dict)
    old_enough: dict[int, int] = field(default_factory=dict)
    repeat_customers: int = 0
    repurchase_rate: float | None = None
    cac: float | None = None
    ltv_cac: float | None = None
    ltv_cac_window: int | None = None
    first_order_return: float = 0.0
    repurchase_return: float = 0.0  # Σ收益 of their second and later orders
    total_return: float = 0.0
    first_order_roi: float | None = None
    roi_with_repurchase: float | None = None
    reported_new_customers: float | None = None
    coverage: float | None = None
    reason: str | None = None  # why figures are missing (no 订单, no new customer, no cost)
    cac_source: str | None = None  # "活动" (cost ÷ 活动's 新客户数) | "订单" (cost ÷ new customers in 订单)
    coverage_threshold: float = 0.5
    projected: bool = False  # the ROIs are projected from 订单 as a sample (coverage under the threshold)
    projected_first_order_return: float | None = None
    projected_total_return: float | None = None
    #: Σ收益 (same ``basis``) of the 活动 rows: a projected first-order return above it means the sample's
    #: customers are worth more than the campaign's own figures allow (members-only exports often are)
    campaign_return: float | None = None
    first_order_roi_low: float | None = None
    first_order_roi_high: float | None = None
    roi_with_repurchase_low: float | None = None
    roi_with_repurchase_high: float | None = None

    @property
    def campaign_roi(self) -> float | None:
        if self.campaign_return is None or self.cost is None or self.cost < HALF_FEN:
            return None
        return float((self.campaign_return - self.cost) / self.cost)

    @property
    def sample_optimistic(self) -> bool:
        return bool(self.projected and self.campaign_return is not None and self.projected_first_order_return
                    is not None and self.projected_first_order_return > self.campaign_return)


@dataclass(frozen=True)
class Cohorts:
    """Acquisition month × months since: 销售额 per customer of each monthly cohort.

    A cohort is the customers whose acquisition date (客户 获客日期, else first converting touch, else
    first order) falls in one calendar month; the last ``months`` months up to ``asof``'s month are
    shown. Cell (cohort, k) = Σ订单金额 of the cohort's orders placed k calendar months after the
    acquisition month (k = 0 … months−1, orders up to ``asof``) ÷ the cohort's customers; None where
    that month is after ``asof``'s month. ``active`` counts the cohort's customers with an order in
    that month (None likewise).
    """

    asof: dt.date
    months: int
    per_customer: pd.DataFrame  # index: cohort month "YYYY-MM"; columns 0 … months−1; object (float | None)
    active: pd.DataFrame  # same shape: customers who ordered
    customers: pd.Series  # cohort size by cohort month
    reason: str | None = None
