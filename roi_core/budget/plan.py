"""Next month's budget on marginal return: each channel's response (a fitted curve, or its
average return per yuan where history is short), the split of the same total (or the budget
asked) that maximises the expected return within the guardrails, and the expected change against
today's budgets with its 80 % interval (for a different total: what that total buys, split so).

Budgets are per month. A channel's current budget is its spend in the period asked divided by
the months in it that had any spend. A curve fitted by day or week answers for a month as that
spend held steady over the month. The guardrails: each channel within ±调整上限 of its current
budget, never below its minimum (planned spend in 预算 for the month, when given). A total asked
that the guardrails cannot reach (every channel at +调整上限 still spends less, or at −调整上限
more) gives the closest plan, marked ``bound`` ("upper" or "lower") with the total asked kept as
``asked``. Budgets are whole yuan, the proposals summing exactly to the plan's total (largest
remainder).

No yuan goes where its marginal return is below break-even: above its floor a channel takes money
only while its marginal ROI is at least ``min_roi`` (0, or 设置 新增预算最低ROI). A total larger than
the channels can spend so within their caps gives the plan that can; the rest is ``unallocated``,
with the 调整上限 that would let it be spent at or above that marginal ROI (``limit_to_spend``; None
when no cap would). The expected change is given in return and in profit (return − the extra
money spent); its 80 % interval is the proposal evaluated on every bootstrap replicate's curves,
their spread about the replicates' median placed at the point (so the point is always inside).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from roi_core.budget.allocate import allocate
from roi_core.budget.basis import CreditBasis
from roi_core.budget.curves import BOOTSTRAP_DRAWS, SEED, Curve, fit_curve
from roi_core.budget.history import Series, channel_series
from roi_core.budget.holdout import TOO_FEW, holdout_check

INTERVAL = (10.0, 90.0)  # percentiles of the 80 % interval
CURVE_POINTS = (0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.1, 1.2, 1.3, 1.4, 1.5)  # × current budget, for the chart
# (wider when 调整上限 allows more than ±50 %: 11 points from 1 − limit to 1 + limit)
RESPONSE_CURVE, LINEAR = "response_curve", "linear"


@dataclass
class ChannelPlan:
    channel: str
    method: str  # response_curve | linear (too little history: flagged)
    current: float
    proposed: float
    roi: float  # average ROI in the period, on the credit basis
    marginal_roi: float  # of the next yuan at the current budget
    marginal_roi_proposed: float
    expected_change: float
    low: float
    high: float
    grain: str = "M"
    periods: int = 0
    minimum: float = 0.0
    maximum: float = 0.0
    # spend, return (its 80 % band return_low / return_high) and marginal_roi at CURVE_POINTS × current, and the
    # expected return at the current and proposed budgets (return_current, return_proposed)
    curve: dict = field(default_factory=dict)
    # the curve's holdout check on its last three months ({mape, covered, months, linear_mape}; None when it
    # could not run, ``holdout_reason`` saying why); ``fallback`` True when the curve predicted those months
    # worse than the linear estimate and the plan uses the linear one instead
    holdout: dict | None = None
    holdout_reason: str = ""
    fallback: bool = False

    @property
    def change(self) -> float:
        return self.proposed - self.current


@dataclass
class BudgetPlan:
    method: str  # response_curve when any channel has a curve, else linear
    basis: CreditBasis
    total: float
    current_total: float
    expected_change: float
    low: float
    high: float
    limit: float
    months: int
    channels: list[ChannelPlan]
    asked: float | None = None  # the total the user asked for, when one was
    bound: str = ""  # "upper" | "lower" when the guardrails could not reach ``asked``
    unallocated: float = 0.0  # of the total wanted, what no channel can take at or above ``min_roi``
    min_roi: float = 0.0  # the lowest marginal ROI a yuan above a channel's floor may earn
    limit_to_spend: float | None = None  # the 调整上限 that would place ``unallocated`` too (None: none would)
    capped: list[str] = field(default_factory=list)  # at +调整上限 and still earning above ``min_roi`` there
    most: float | None = None  # the most any 调整上限 would place at or above ``min_roi`` (None: no end)

    @property
    def extra(self) -> float:
        """The money the plan spends beyond today's budgets (negative: less)."""
        return self.total - self.current_total

    @property
    def profit_change(self) -> tuple[float, float, float]:
        """The expected change in profit (value, low, high): the change in return less the extra money."""
        return self.expected_change - self.extra, self.low - self.extra, self.high - self.extra

    @property
    def limit_needed(self) -> float | None:
        """The 调整上限 that would let every channel move far enough for ``asked`` (None when it was reached)."""
        if not self.bound or self.asked is None or self.current_total <= 0:
            return None
        if self.bound == "upper":  # the caps that would place it at or above break-even, if any would
            return self.limit_to_spend
        return abs(self.asked / self.current_total - 1.0)

    @property
    def linear_channels(self) -> list[str]:
        """Channels planned linear: too little history for a curve, or fallen back after the holdout check."""
        return [c.channel for c in self.channels if c.method == LINEAR]

    @property
    def fallback_channels(self) -> list[str]:
        """Channels whose curve predicted its last three months worse than the linear estimate."""
        return [c.channel for c in self.channels if c.fallback]


class _Response:
    """A channel's monthly return as a function of its monthly budget, point and bootstrap draws."""

    def __init__(self, series: Series | None, curve: Curve | None, per_yuan: float, per_yuan_draws: np.ndarray):
        self.curve = curve
        self.k = series.months_per_period if series is not None else 1.0
        self.per_yuan = per_yuan
        self.per_yuan_draws = per_yuan_draws

    def value(self, budget) -> np.ndarray:
        budget = np.asarray(budget, dtype="float64")
        if self.curve is None:
            return self.per_yuan * budget
        return self.curve.response(budget * self.k) / self.k

    def slope(self, budget) -> np.ndarray:
        if self.curve is None:
            return np.full_like(np.asarray(budget, dtype="float64"), self.per_yuan)
        return self.curve.slope(np.asarray(budget, dtype="float64") * self.k)

    def value_draws(self, budget) -> np.ndarray:
        budget = np.atleast_1d(np.asarray(budget, dtype="float64"))
        if self.curve is None:
            return self.per_yuan_draws[:, None] * budget[None, :]
        return self.curve.response_draws(budget * self.k) / self.k


def _per_yuan_draws(series: Series | None, per_yuan: float, draws: int, seed: int) -> np.ndarray:
    """Return per yuan resampled over the channel's periods with spend, centred on ``per_yuan``."""
    if series is None:
        return np.full(draws, per_yuan)
    spent = series.spend > 0
    spend, ret = series.spend[spent], series.returns[spent]
    if len(spend) < 2 or spend.sum() <= 0:
        return np.full(draws, per_yuan)
    idx = np.random.default_rng(seed).integers(0, len(spend), size=(draws, len(spend)))
    ratio = ret[idx].sum(axis=1) / np.maximum(spend[idx].sum(axis=1), 1e-12)
    return ratio * (per_yuan / (ret.sum() / spend.sum())) if ret.sum() != 0 else np.full(draws, per_yuan)


def plan_budget(history: pd.DataFrame, window: pd.DataFrame, return_col: str, basis: CreditBasis, *,
                limit: float, months: int, total: float | None = None,
                minimums: dict | None = None, min_roi: float = 0.0) -> BudgetPlan | None:
    """The plan over the channels that spent in ``window`` (rows of the period asked, prepared and cut
    to it), with curves fitted on ``history`` (all prepared rows up to the period's end); None when
    fewer than two channels spent. No channel is given a yuan above its floor whose marginal ROI is
    below ``min_roi``; what cannot be placed so is ``unallocated``."""
    months = max(int(months), 1)
    by = window.groupby("channel")[["cost", return_col]].sum()
    by = by[by["cost"] > 0]
    if len(by) < 2:
        return None
    series = channel_series(history, return_col)
    names = by.index.tolist()
    current = by["cost"].to_numpy() / months
    scale = np.array([basis.scale.get(c, 1.0) for c in names])
    per_yuan = by[return_col].to_numpy() * scale / by["cost"].to_numpy()
    responses, checks = [], []
    for i, name in enumerate(names):
        s = series.get(name)
        curve, check = None, None
        if s is not None:
            curve = fit_curve(s.spend, s.returns * scale[i], with_adstock=True, per_month=s.grain == "M", seed=SEED + i)
        if curve is not None:
            check = holdout_check(s, s.returns * scale[i], seed=SEED + i)
            if check.curve_worse:  # a curve that forecasts its last months worse than the average ROI does not plan
                curve = None
        checks.append(check)
        responses.append(_Response(s, curve, float(per_yuan[i]), _per_yuan_draws(s, float(per_yuan[i]),
                                                                                 BOOTSTRAP_DRAWS, SEED + i)))
    current_total = float(round(current.sum()))
    current = whole_yuan(current, current_total)
    asked = None if total is None or total <= 0 else float(total)
    wanted = current_total if asked is None else asked
    floor = np.array([float((minimums or {}).get(c, 0.0)) for c in names])
    upper = (1.0 + limit) * current
    lower = np.maximum((1.0 - limit) * current, np.minimum(floor, upper))
    if lower.sum() > wanted:  # minimums that cannot all be met: the guardrail alone
        lower = (1.0 - limit) * current
    total = float(round(np.clip(wanted, lower.sum(), upper.sum())))
    bound = "" if abs(total - round(wanted)) < 0.5 else ("upper" if wanted > total else "lower")
    base = current  # the expected change is against keeping today's budgets
    price = 1.0 + float(min_roi)  # return per yuan the last yuan above a floor must earn
    reach = break_even_spend(responses, lower, price)  # each channel's most at that price, no cap
    # to the nearest yuan: the fitted break-even sits a hair off the true one, and half a yuan moves the
    # marginal ROI by about 1e-5
    placed = np.maximum(np.round(np.minimum(reach, upper)), np.minimum(np.ceil(lower - 1e-9), upper))
    unallocated, limit_to_spend, capped, most = 0.0, None, [], None
    if bound != "lower" and wanted > placed.sum() + 0.5:  # more than can be spent at or above break-even
        total, proposed = float(placed.sum()), placed
        unallocated = float(round(wanted) - total)
        capped = [n for n, r, u in zip(names, reach, upper, strict=True) if r > u + 0.5]
        limit_to_spend = _limit_to_spend(reach, lower, current, wanted)
        most = float(np.floor(np.maximum(reach, lower).sum())) if np.isfinite(reach).all() else None
    else:
        proposed = whole_yuan(allocate([r.value for r in responses], lower, upper, total), total)
    gain_draws = np.stack([(r.value_draws([p])[:, 0] - r.value_draws([b])[:, 0])
                           for r, p, b in zip(responses, proposed, base, strict=True)], axis=1)  # (B, C)
    multiples = np.array(CURVE_POINTS) if limit <= 0.5 else np.linspace(max(1.0 - limit, 0.0), 1.0 + limit, 11)
    channels = []
    for i, (name, r) in enumerate(zip(names, responses, strict=True)):
        s = series.get(name)
        gain = float(r.value(proposed[i]) - r.value(base[i]))
        lo, hi = gain + _spread(gain_draws[:, i])
        points = multiples * current[i]
        values = r.value(points)
        band = np.percentile(r.value_draws(points), INTERVAL, axis=0)
        band = np.minimum(band[0], values), np.maximum(band[1], values)  # the band holds the estimate itself
        channels.append(ChannelPlan(
            channel=name, method=RESPONSE_CURVE if r.curve is not None else LINEAR,
            current=float(current[i]), proposed=float(proposed[i]), roi=float(per_yuan[i] - 1.0),
            marginal_roi=float(r.slope(current[i]) - 1.0), marginal_roi_proposed=float(r.slope(proposed[i]) - 1.0),
            expected_change=gain, low=float(min(lo, gain)), high=float(max(hi, gain)),
            grain=s.grain if s is not None else "M", periods=int((s.spend > 0).sum()) if s is not None else 0,
            minimum=float(lower[i]), maximum=float(upper[i]),
            curve={"spend": points.tolist(), "return": values.tolist(),
                   "return_low": band[0].tolist(), "return_high": band[1].tolist(),
                   "marginal_roi": (r.slope(points) - 1.0).tolist(),
                   "return_current": float(r.value(current[i])), "return_proposed": float(r.value(proposed[i]))},
            holdout=checks[i].to_json() if checks[i] is not None else None,
            holdout_reason=checks[i].reason if checks[i] is not None else TOO_FEW,
            fallback=checks[i] is not None and checks[i].curve_worse))
    total_draws = gain_draws.sum(axis=1)
    expected = float(sum(c.expected_change for c in channels))
    lo, hi = expected + _spread(total_draws)
    method = RESPONSE_CURVE if any(c.method == RESPONSE_CURVE for c in channels) else LINEAR
    channels.sort(key=lambda c: c.proposed - c.current, reverse=True)
    capped = [c.channel for c in channels if c.channel in capped]  # in the table's order
    return BudgetPlan(method, basis, total, current_total, expected, float(min(lo, expected)), float(max(hi, expected)),
                      float(limit), months, channels, asked, bound, unallocated, float(min_roi), limit_to_spend, capped, most)


def _spread(draws: np.ndarray) -> np.ndarray:
    """The 10th and 90th percentiles of ``draws`` less their median: the 80 % interval about a point.
    Refits of a curve whose shape sits on its bound can only move one way, so the replicates' centre
    may sit off the fit; their spread placed at the point keeps the point inside its own interval."""
    lo, mid, hi = np.percentile(draws, (INTERVAL[0], 50.0, INTERVAL[1]))
    return np.array([lo - mid, hi - mid])


def break_even_spend(responses, lower: np.ndarray, price: float) -> np.ndarray:
    """Each channel's spend (monthly, at least ``lower``, no upper cap) where its marginal return falls
    to ``price`` per yuan: ``inf`` for a linear channel earning at least ``price`` per yuan, ``lower``
    for one whose next yuan above its floor already earns less. Responses are concave (Hill shape ≤ 1),
    so the slope falls with spend and bisection on it finds the point."""
    lower = np.asarray(lower, dtype="float64")
    out = lower.copy()
    for i, r in enumerate(responses):  # one per channel (a handful), each bisection vectorised in numpy
        if float(r.slope(lower[i])) < price:
            continue
        if r.curve is None:
            out[i] = np.inf
            continue
        lo, hi = lower[i], max(lower[i], 1.0) * 2.0
        while float(r.slope(hi)) >= price and hi < 1e15:
            lo, hi = hi, hi * 2.0
        for _ in range(80):
            mid = 0.5 * (lo + hi)
            lo, hi = (mid, hi) if float(r.slope(mid)) >= price else (lo, mid)
        out[i] = lo
    return out


def _limit_to_spend(reach: np.ndarray, lower: np.ndarray, current: np.ndarray, wanted: float) -> float | None:
    """The smallest 调整上限 (to 1 %) under which the channels place ``wanted`` at or above break-even,
    each capped at (1 + limit) × its current budget; None when no cap up to 10 000 % would."""
    def placed(limit: float) -> float:
        return float(np.maximum(np.minimum(reach, (1.0 + limit) * current), lower).sum())

    top = 100.0
    if placed(top) < wanted - 0.5:
        return None
    lo, hi = 0.0, top
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        lo, hi = (mid, hi) if placed(mid) < wanted - 0.5 else (lo, mid)
    return float(np.ceil(hi * 100.0 - 1e-9) / 100.0)


def whole_yuan(amounts: np.ndarray, total: float) -> np.ndarray:
    """``amounts`` in whole yuan summing exactly to ``round(total)``: each rounded down, the yuan left over
    going to the largest remainders."""
    amounts = np.maximum(np.asarray(amounts, dtype="float64"), 0.0)
    floors = np.floor(amounts + 1e-9)
    short = int(round(total - floors.sum()))
    order = np.argsort(-(amounts - floors), kind="stable")
    if short > 0:
        floors[order[:short]] += 1.0
    elif short < 0:  # never expected (the allocation meets the total), but the sum must hold
        floors[order[::-1][:-short]] -= 1.0
    return floors
