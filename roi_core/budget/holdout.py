"""The holdout check of a channel's response curve: does it predict months it has not seen?

The curve is refitted (same :func:`roi_core.budget.curves.fit_curve`, same adstock rule) on the
channel's periods before its last three calendar months, then asked for the return of each of
those three months at the spend actually made in them. The check reports the mean absolute
percentage error of those predictions (MAPE, over the months with a non-zero return) and how many
of the months fall inside the refitted curve's 80 % band (10th to 90th percentile of its bootstrap
draws, the band held to contain the point itself, as in the plan).

It also reports the MAPE of the linear estimate on the same months (return = spend × the channel's
return per yuan over the fit months), so a curve that predicts worse than that can fall back to it. Three
months decide that only when the miss is larger than chance: the curve falls back when it predicts them
worse than the linear estimate does *and* worse than the linear estimate fits the months it was made from
(its MAPE there). Near the average spend the linear estimate predicts a month's level as well as any curve,
so a right curve can lose to it on three noisy months by a hair (simulated: 3.1 % against 2.9 %, and the
plan then took the channel's average ROI, +111 %, for a marginal ROI of −29 %); a curve that misses by more
than the straight line's own error on history (a jump in the last months, a bend the history never showed)
still falls back.

Periods finer than a month (days, weeks) are summed into their calendar month for the comparison;
with adstock the spend carried over from the fit periods into the holdout counts, as it would have.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from roi_core.budget.curves import BOOTSTRAP_DRAWS, SEED, fit_curve
from roi_core.budget.history import Series

HOLDOUT_MONTHS = 3
INTERVAL = (10.0, 90.0)  # percentiles of the 80 % band, as in the plan
TOO_FEW = "too_few_months"  # not enough history before the holdout for a curve
NO_RETURN = "no_return"  # the holdout months returned nothing: no percentage error to take


@dataclass(frozen=True)
class Holdout:
    """A channel's holdout check: ``mape`` of the curve (a share: 0.12 is 12 %), ``covered`` months of
    ``months`` inside its 80 % band, ``linear_mape`` of the linear estimate on the same months;
    ``reason`` is "" when the check ran, else why not (TOO_FEW, NO_RETURN) with the figures None/0."""

    months: int
    mape: float | None
    covered: int
    linear_mape: float | None
    reason: str = ""
    linear_fit_mape: float | None = None  # the linear estimate's MAPE on the months it was made from

    @property
    def ok(self) -> bool:
        return not self.reason and self.mape is not None

    @property
    def curve_worse(self) -> bool:
        """True when the curve missed the holdout by more than the linear estimate did, and by more than the
        linear estimate misses the fit months (``linear_fit_mape``; a smaller loss is three months' chance)."""
        if not self.ok or self.linear_mape is None or self.mape <= self.linear_mape + 1e-12:
            return False
        return self.linear_fit_mape is None or self.mape > self.linear_fit_mape + 1e-12

    def to_json(self) -> dict | None:
        """``{mape, covered, months}`` (plus ``linear_mape`` and ``linear_fit_mape``), or None when the check
        could not run."""
        if not self.ok:
            return None
        return {"mape": self.mape, "covered": self.covered, "months": self.months, "linear_mape": self.linear_mape,
                "linear_fit_mape": self.linear_fit_mape}


def _month_index(series: Series) -> np.ndarray:
    """Each period's calendar month as an integer (year * 12 + month), for summing into months."""
    months = series.periods.asfreq("M", how="start") if series.grain != "M" else series.periods
    return np.asarray(months.year * 12 + months.month, dtype=np.int64)


def holdout_check(series: Series, returns: np.ndarray | None = None, *, holdout: int = HOLDOUT_MONTHS,
                  draws: int = BOOTSTRAP_DRAWS, seed: int = SEED) -> Holdout:
    """The holdout check of ``series`` (``returns`` overrides its returns, e.g. rescaled to a credit basis):
    fit on the periods before its last ``holdout`` calendar months, predict those months at their spend.
    A channel with no curve on the fit periods (:func:`fit_curve` None) or fewer than ``holdout`` + 1
    months gives ``reason`` TOO_FEW; holdout months that all returned 0 give NO_RETURN."""
    spend = np.asarray(series.spend, dtype="float64")
    ret = np.asarray(series.returns if returns is None else returns, dtype="float64")
    month = _month_index(series)
    last = np.unique(month)
    if len(last) <= holdout:
        return Holdout(holdout, None, 0, None, TOO_FEW)
    test = month >= last[-holdout]
    fit = ~test
    curve = fit_curve(spend[fit], ret[fit], with_adstock=True, per_month=series.grain == "M", draws=draws,
                      seed=seed)
    if curve is None:
        return Holdout(holdout, None, 0, None, TOO_FEW)
    seen = curve.carried(spend)[test]  # the carry-over from the fit periods counts in the holdout
    groups = np.unique(month[test], return_inverse=True)[1]
    n = int(groups.max()) + 1

    def by_month(values: np.ndarray) -> np.ndarray:  # sum periods into months along the last axis
        out = np.zeros(values.shape[:-1] + (n,))
        np.add.at(out, (..., groups), values)
        return out

    actual = by_month(ret[test])
    point = by_month(curve.response(seen))
    band = np.percentile(by_month(curve.response_draws(seen)), INTERVAL, axis=0)
    low, high = np.minimum(band[0], point), np.maximum(band[1], point)
    spent_fit = spend[fit].sum()
    per_yuan = ret[fit].sum() / spent_fit if spent_fit > 0 else 0.0
    linear = by_month(spend[test]) * per_yuan
    judged = actual != 0
    if not judged.any():
        return Holdout(n, None, 0, None, NO_RETURN)
    mape = float(np.mean(np.abs(point[judged] - actual[judged]) / np.abs(actual[judged])))
    linear_mape = float(np.mean(np.abs(linear[judged] - actual[judged]) / np.abs(actual[judged])))
    # a hair of slack (1e-5 of the month's return): an exact curve is refitted only to the solver's
    # precision, and its band collapses onto the point
    slack = 1e-5 * np.abs(actual)
    covered = int(((actual >= low - slack) & (actual <= high + slack)).sum())
    # the linear estimate on the fit months themselves, summed into months as the holdout is
    fit_groups = np.unique(month[fit], return_inverse=True)[1]
    fit_actual = np.bincount(fit_groups, weights=ret[fit])
    fit_linear = np.bincount(fit_groups, weights=spend[fit]) * per_yuan
    seen_fit = fit_actual != 0
    linear_fit_mape = (float(np.mean(np.abs(fit_linear[seen_fit] - fit_actual[seen_fit]) / np.abs(fit_actual[seen_fit])))
                       if seen_fit.any() else None)
    return Holdout(n, mape, covered, linear_mape, linear_fit_mape=linear_fit_mape)
