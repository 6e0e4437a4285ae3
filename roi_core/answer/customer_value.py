"""Customer value over time as answers (issue 14): ``618 客户价值`` / ``618 回本周期`` / ``新客复购``
(kind ``customer_value``), ``生命周期 618`` (kind ``lifecycle``), ``cohort`` (kind ``cohort``), and the
customer-value figures every campaign answer carries in its JSON.

The figures come from :mod:`roi_core.customers`; this module only picks the campaign, channel and period
a question names, says what is missing and why, and carries the definitions (a short footnote).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd

from roi_core.answer.campaign import _edition, _raise_if_only_bad_rows
from roi_core.answer.shapes import CampaignReport, CandidatesAnswer, NoMatchAnswer
from roi_core.customers import STAGE_EN, WINDOWS, build_book, cohorts, customer_value, lifecycle, payback
from roi_core.customers.book import CustomerBook
from roi_core.customers.projection import LEVEL as PROJECTION_LEVEL
from roi_core.errors import DataError
from roi_core.matching import match_campaign
from roi_core.metrics import BASIS_LABEL
from roi_core.query import Query, period_label
from roi_core.results import Answer
from roi_core.sheetdata import SheetData

BASIS_LABEL_EN = {"gross_profit": "gross profit", "revenue": "revenue"}
COHORT_MONTHS = 12  # cohorts shown: the last 12 acquisition months up to today
MAX_COHORT_MONTHS = 18  # + 获客月份 and 客户数: Slack tables hold 20 columns


@dataclass
class CustomerValueAnswer(Answer):
    """LTV, repurchase, CAC, LTV:CAC, value-based ROI and 回本周期 of a campaign (or a channel, or every
    customer). ``asked`` is the figure the question named ("payback", "repurchase" or None); ``missing``
    says what the optional tabs would add; ``definitions`` is the footnote."""

    campaign: str | None = None
    channel: str | None = None
    asked: str | None = None
    start_date: dt.date | None = None
    asof: dt.date | None = None
    basis: str = "revenue"
    basis_label: str = ""
    currency: str = "¥"
    cost: float | None = None
    acquired_customers: int = 0
    new_customers: int = 0
    payback_days: int | None = None
    payback_date: dt.date | None = None
    payback_source: str | None = None  # 订单 | 活动
    payback_basis_label: str = ""
    returned: float | None = None
    recovered: float | None = None
    payback_note: str | None = None
    ltv: dict = field(default_factory=dict)  # "30" … "365" → per new customer, None when not everyone is old enough
    old_enough: dict = field(default_factory=dict)  # "30" … "365" → new customers at least that many days old
    repeat_customers: int = 0
    repurchase_rate: float | None = None
    cac: float | None = None
    ltv_cac: float | None = None
    ltv_cac_window: int | None = None
    first_order_roi: float | None = None
    roi_with_repurchase: float | None = None
    has_orders: bool = False
    has_customers: bool = False
    reason: str | None = None
    missing: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)
    # how much of the campaign 订单 covers, and what follows (docs/formulas.md, 客户价值 · 样本)
    reported_new_customers: float | None = None  # Σ新客户数 of its 活动 rows (None unless every row has it)
    coverage: float | None = None  # new customers in 订单 ÷ reported_new_customers
    coverage_threshold: float = 0.5  # 设置 归因覆盖阈值
    cac_source: str | None = None  # 活动 (cost ÷ 活动's 新客户数) | 订单 (cost ÷ new customers in 订单)
    projected: bool = False  # ROIs and payback = 订单's per-customer value × reported_new_customers
    sample_optimistic: bool = False  # the projected first-order return exceeds the 活动 rows' own 收益
    campaign_return: float | None = None
    projected_first_order_return: float | None = None  # Σ收益 of the first orders, projected (None unless projected)
    sample_returned: float | None = None  # payback's cumulative figure of the 订单 sample itself (before projecting)
    label: str | None = None  # the period asked (customers acquired within it), as the answer names it
    campaign_roi: float | None = None  # (Σ收益 − 总成本) ÷ 总成本 of the 活动 rows alone
    #: the projected figures when ``projected`` (then the top-level first_order_roi / roi_with_repurchase, and for
    #: a campaign returned / recovered, are None): first_order_roi, first_order_roi_low, first_order_roi_high,
    #: roi_with_repurchase, roi_with_repurchase_low, roi_with_repurchase_high, level (0.8: low … high is the 80 %
    #: bootstrap interval), coverage, and for a campaign returned (the sample's cumulative return × 活动's
    #: 新客户数 ÷ the sample's) and recovered (that ÷ cost, equal to the sample's value per new customer ÷ CAC);
    #: else None
    projection: dict | None = None


@dataclass
class LifecycleAnswer(Answer):
    """The 潜在→意向→成交→忠实 funnel: ``stages`` as dicts (stage, stage_en, customers, conversion_to_next,
    median_days_to_next, cost_per_customer); ``derived`` says some stages were inferred from behaviour."""

    campaign: str | None = None
    channel: str | None = None
    label: str | None = None  # the period, as the answer names it
    currency: str = "¥"
    stages: list[dict] = field(default_factory=list)
    customers: int = 0
    derived: bool = False
    derived_customers: int = 0
    cost: float | None = None
    has_orders: bool = False
    has_customers: bool = False
    missing: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)


@dataclass
class CohortAnswer(Answer):
    """Acquisition month × months since: 销售额 per customer (``rows``: cohort, customers, per_customer,
    active; None where the month has not come yet). ``months_since`` are the column numbers 0 … n−1."""

    asof: dt.date | None = None
    currency: str = "¥"
    months_since: list[int] = field(default_factory=list)
    rows: list[dict] = field(default_factory=list)
    customers: int = 0
    missing: list[str] = field(default_factory=list)
    definitions: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- words
def value_definitions(lang: str, basis: str) -> list[str]:
    """The footnote of every answer that shows LTV, repurchase, LTV:CAC or 回本周期 (issue 14's definitions)."""
    if lang == "en":
        word = BASIS_LABEL_EN[basis]
        return [f"New customers: acquired by the campaign, first order on or after its start. LTV N days: {word} of "
                f"their orders within N days of each one's acquisition ÷ new customers, shown only when every one "
                f"is N days old.",
                "Repurchase rate: new customers with 2+ orders ÷ new customers. LTV:CAC uses the longest complete "
                f"window. Payback: days from the campaign's start until cumulative {word} covers its cost."]
    word = "毛利" if basis == "gross_profit" else "销售额"
    return [f"新客户：该活动获客、且首单在活动开始当天或之后的客户。N 天 LTV：新客户各自获客后 N 天内订单的{word}"
            "÷ 新客户数，全部新客户都满 N 天才给出。",
            f"复购率：下单 2 次及以上的新客户 ÷ 新客户。LTV:CAC 取最长的完整窗口。回本周期：从活动开始日到累计{word}"
            "首次覆盖成本的天数。"]


def lifecycle_definitions(lang: str, derived: bool) -> list[str]:
    if lang == "en":
        out = ["Stage counts: customers who reached the stage (a loyal customer counts in all four); cost per "
               "customer = the 活动 cost ÷ that stage's customers."]
        if derived:
            out.append("Where 阶段 is blank it is inferred: prospect = touched; interested = clicked or engaged "
                       "twice; customer = ordered; loyal = ordered again within 365 days.")
        return out
    out = ["阶段人数：到达过该阶段的客户（忠实客户四个阶段都计入）；每客成本 = 「活动」成本 ÷ 该阶段人数。"]
    if derived:
        out.append("「阶段」未填写的客户按行为推断：潜在 = 有触点；意向 = 点击或互动两次；成交 = 下单；"
                   "忠实 = 365 天内再次下单。")
    return out


def cohort_definitions(lang: str) -> list[str]:
    if lang == "en":
        return ["A cohort is the customers acquired in one month; a cell is their revenue (订单金额) in the k-th "
                "month after it ÷ the cohort's customers; — where that month has not come yet."]
    return ["同期群：同一获客月份的客户；单元格 = 这些客户在获客后第 k 个月的订单金额 ÷ 该组客户数；尚未到的月份为 —。"]


def missing_tabs(data: SheetData, lang: str) -> list[str]:
    """What the optional 订单 / 客户 tabs would add, for each one the sheet lacks."""
    out = []
    if data.orders.empty:
        out.append("Add an 订单 (Orders) tab — 订单号, 客户ID, 下单日期, 订单金额 — for LTV, repurchase, LTV:CAC, "
                   "cohorts and payback from real orders" if lang == "en" else
                   "加上「订单」标签页（订单号、客户ID、下单日期、订单金额）即可算 LTV、复购率、LTV:CAC、同期群，"
                   "回本周期也按真实订单计算")
    if data.customers.empty:
        out.append("Add a 客户 (Customers) tab — 客户ID, 获客日期, 获客渠道, (获客活动, 阶段) — to name who acquired "
                   "each customer and their lifecycle stage" if lang == "en" else
                   "加上「客户」标签页（客户ID、获客日期、获客渠道，可选获客活动、阶段）即可指定每位客户的获客活动与生命周期阶段")
    return out


# ---------------------------------------------------------------------------------------------- campaign name
def _resolve(query: Query, data: SheetData) -> str | Answer | None:
    """The campaign the question names (its exact name in 活动), the choices or no-match answer, or None."""
    if not query.text:
        return None
    names = data.campaigns["campaign"].tolist()
    match = match_campaign(query.text, names)
    chosen, _note = _edition(match, query, data)
    if chosen is None and match.unique is None:
        if match.how == "none":
            _raise_if_only_bad_rows(query.text, data)
            return NoMatchAnswer(kind="no_match", query=query.text, closest=list(match.names))
        return CandidatesAnswer(kind="candidates", query=query.text, how=match.how, candidates=list(match.names))
    return chosen or match.unique


def _windows(values: dict) -> dict:
    return {str(n): values.get(n) for n in WINDOWS}


# ---------------------------------------------------------------------------------------------- answers
def _projection(value, force: bool = False) -> dict | None:
    """The projected ROIs with their 80 % interval (see :attr:`CustomerValueAnswer.projection`); None unless
    订单 is read as a sample and an ROI could be projected (or ``force``: the payback's totals are projected)."""
    if not force and (not value.projected or (value.first_order_roi is None and value.roi_with_repurchase is None)):
        return None
    return dict(first_order_roi=value.first_order_roi, first_order_roi_low=value.first_order_roi_low,
                first_order_roi_high=value.first_order_roi_high, roi_with_repurchase=value.roi_with_repurchase,
                roi_with_repurchase_low=value.roi_with_repurchase_low,
                roi_with_repurchase_high=value.roi_with_repurchase_high, level=PROJECTION_LEVEL,
                coverage=value.coverage)


def value_figures(book: CustomerBook, campaign: str | None, channel: str | None, asof: dt.date,
                  period: tuple[dt.date, dt.date] | None = None) -> dict:
    """The customer-value figures of a campaign (and/or channel; with a ``period``, of the customers acquired
    within it) as plain data: payback_days, recovered, ltv, repurchase_rate, ltv_cac, coverage and the rest
    (see :class:`CustomerValueAnswer`)."""
    value = customer_value(book, campaign, channel, asof=asof, period=period)
    out = dict(basis=value.basis, cost=value.cost, acquired_customers=value.acquired_customers,
               new_customers=value.new_customers, ltv=_windows(value.ltv), old_enough=_windows(value.old_enough),
               repeat_customers=value.repeat_customers, repurchase_rate=value.repurchase_rate, cac=value.cac,
               ltv_cac=value.ltv_cac, ltv_cac_window=value.ltv_cac_window, first_order_roi=value.first_order_roi,
               roi_with_repurchase=value.roi_with_repurchase, reason=value.reason, payback_days=None,
               payback_date=None, payback_source=None, payback_basis=None, returned=None, recovered=None,
               payback_note=None, reported_new_customers=value.reported_new_customers, coverage=value.coverage,
               coverage_threshold=value.coverage_threshold, cac_source=value.cac_source, projected=value.projected,
               sample_optimistic=value.sample_optimistic, campaign_return=value.campaign_return,
               projected_first_order_return=value.projected_first_order_return, sample_returned=None,
               campaign_roi=value.campaign_roi, projection=_projection(value))
    if out["projection"] is not None:  # a projection is no measurement: kept out of the headline figures
        out.update(first_order_roi=None, roi_with_repurchase=None)
    if campaign is not None:
        back = payback(book, campaign, channel=channel, asof=asof, period=period)
        out.update(payback_days=back.payback_days, payback_date=back.payback_date, payback_source=back.source,
                   payback_basis=back.basis, returned=back.returned, recovered=back.recovered,
                   payback_note=back.reason, start_date=back.start,
                   sample_returned=back.sample_returned if back.projected else None)
        if back.projected:  # the cumulative return and share recovered scaled up from a sample: under projection
            projection = out["projection"] or _projection(value, force=True)
            projection.update(returned=back.returned, recovered=back.recovered)
            out.update(projection=projection, returned=None, recovered=None)
    return out


def customer_value_answer(query: Query, data: SheetData, today: dt.date, book: CustomerBook | None = None) -> Answer:
    """``618 客户价值`` / ``618 回本周期`` / ``新客复购``: the value of the customers a campaign (or channel, or
    everyone) acquired, as of ``today``."""
    found = _resolve(query, data)
    if isinstance(found, Answer):
        return found
    campaign, channel = found, query.channel
    book = book or build_book(data, today)
    period = query.period
    if period is not None and period[1] > today:
        period = (period[0], today)
    if period is not None and period[0] > period[1]:  # wholly after today: nobody can have been acquired yet
        label = period_label(query)
        raise DataError(f"{label} 还没到，没有获客记录" if query.lang != "en" else
                        f"{label} has not begun: no customer acquired in it yet",
                        "例：/roi 618 客户价值 上季度" if query.lang != "en" else "e.g. 618 customer value last quarter")
    figures = value_figures(book, campaign, channel, today, period)
    basis = figures.pop("basis")
    payback_basis = figures.pop("payback_basis") or basis
    start = figures.pop("start_date", None)
    en = query.lang == "en"
    ans = CustomerValueAnswer(
        kind="customer_value", campaign=campaign, channel=channel, asked=query.metric if query.metric in
        ("payback", "repurchase") else None, start_date=start, asof=today, basis=basis,
        basis_label=(BASIS_LABEL_EN if en else BASIS_LABEL)[basis], currency=data.settings.currency_symbol,
        payback_basis_label=(BASIS_LABEL_EN if en else BASIS_LABEL)[payback_basis],
        has_orders=book.has_orders, has_customers=book.has_customers, missing=missing_tabs(data, query.lang),
        definitions=value_definitions(query.lang, basis), label=period_label(query) if period else None, **figures)
    if campaign is None and channel is None and not book.has_orders and not book.has_customers:
        raise DataError("没有「订单」和「客户」标签页，还算不出新客复购与客户价值" if not en else
                        "No 订单 or 客户 tab: repurchase and customer value need them",
                        ans.missing[0] if ans.missing else "")
    return ans


def lifecycle_answer(query: Query, data: SheetData, today: dt.date, book: CustomerBook | None = None) -> Answer:
    """``生命周期 618`` / ``抖音 生命周期 上季度``: the 潜在→意向→成交→忠实 funnel."""
    found = _resolve(query, data)
    if isinstance(found, Answer):
        return found
    book = book or build_book(data, today)
    period = query.period
    if period is not None and period[1] > today:
        period = (period[0], today)
    funnel = lifecycle(book, campaign=found, channel=query.channel, period=period)
    en = query.lang == "en"
    if funnel.customers == 0:
        what = "、".join(x for x in (found, query.channel, period_label(query)) if x) or ("全部" if not en else "all")
        raise DataError(f"「{what}」没有可计入生命周期的客户：「触点」「客户」「订单」中都没有" if not en else
                        f"No customer for {what} in 触点, 客户 or 订单",
                        (missing_tabs(data, query.lang) or [""])[0] or
                        ("换一个活动、渠道或时间段试试" if not en else "try another campaign, channel or period"))
    stages = [{"stage": s.stage, "stage_en": STAGE_EN[s.stage], "customers": s.customers,
               "conversion_to_next": s.conversion_to_next, "median_days_to_next": s.median_days_to_next,
               "cost_per_customer": s.cost_per_customer} for s in funnel.stages]
    ans = LifecycleAnswer(kind="lifecycle", campaign=found, channel=query.channel, label=period_label(query),
                          currency=data.settings.currency_symbol, stages=stages, customers=funnel.customers,
                          derived=funnel.derived, derived_customers=funnel.derived_customers, cost=funnel.cost,
                          has_orders=book.has_orders, has_customers=book.has_customers,
                          missing=missing_tabs(data, query.lang),
                          definitions=lifecycle_definitions(query.lang, funnel.derived))
    if funnel.derived:
        ans.warnings.append(f"{funnel.derived_customers:,} 位客户的「阶段」未填写，按行为推断" if not en else
                            f"{funnel.derived_customers:,} customers have no 阶段: their stage is inferred from behaviour")
    return ans


def cohort_answer(query: Query, data: SheetData, today: dt.date, book: CustomerBook | None = None) -> Answer:
    """``cohort``: revenue per customer by acquisition month × months since (the last 12 months, or the
    months of the period asked, at most 18)."""
    en = query.lang == "en"
    book = book or build_book(data, today)
    missing = missing_tabs(data, query.lang)
    if not book.has_orders:
        raise DataError("同期群需要「订单」标签页" if not en else "Cohorts need an 订单 (Orders) tab", missing[0])
    asof, months = today, COHORT_MONTHS
    if query.period is not None:
        asof = min(today, query.period[1])
        first = pd.Period(query.period[0], freq="M")
        months = max(1, min(MAX_COHORT_MONTHS, (pd.Period(asof, freq="M") - first).n + 1))
    table = cohorts(book, asof=asof, months=months)
    rows = []
    for cohort, size in table.customers.items():
        if size <= 0:
            continue
        rows.append({"cohort": cohort, "customers": int(size),
                     "per_customer": list(table.per_customer.loc[cohort]),
                     "active": [None if v is None else int(v) for v in table.active.loc[cohort]]})
    if not rows:
        raise DataError(f"{asof} 之前 {months} 个月没有获客记录" if not en else f"No customer acquired in the {months} "
                        f"months to {asof}", "换一个时间段试试，例：/roi cohort 今年" if not en else "try: cohort this year")
    return CohortAnswer(kind="cohort", asof=asof, currency=data.settings.currency_symbol,
                        months_since=list(range(months)), rows=rows, customers=sum(r["customers"] for r in rows),
                        missing=missing, definitions=cohort_definitions(query.lang))


def with_customer_value(ans: Answer, data: SheetData, today: dt.date) -> Answer:
    """A campaign report with its customer-value figures (JSON ``payback_days``, ``recovered``, ``ltv``,
    ``repurchase_rate``, ``ltv_cac``); without 订单 the payback is from the 活动 rows spread by day and the
    rest is None. Any other answer is returned as it is."""
    if not isinstance(ans, CampaignReport):
        return ans
    channel = getattr(ans, "asked_channel", None)
    figures = value_figures(build_book(data, today), ans.campaign, channel, today)
    figures.pop("start_date", None)
    figures["has_orders"] = not data.orders.empty
    figures["has_customers"] = not data.customers.empty
    figures["definitions"] = value_definitions(ans.lang, figures["basis"]) if figures["has_orders"] else []
    ans.customer_value = figures
    return ans
