"""Response curves: return per period as a saturating (Hill) function of spend, with optional
geometric adstock, fitted by least squares (scipy) and bootstrapped by resampling residuals.

The curve of one channel is ``return(x) = beta * x**s / (x**s + k**s)`` for a period's spend
``x`` (after adstock when the fit uses it). Adstock is normalised (weights ``(1-λ) λ**j`` sum to
1), so a spend held at ``x`` every period settles at an adstocked spend of ``x``: the curve is
then directly the steady-state return of a per-period budget, and its slope is the marginal
return of the next yuan. The marginal ROI is that slope minus 1 (ROI = (return - cost) / cost).

Adstock by day or week is geometric per period. By calendar month it is what a daily geometric
adstock, summed into months, implies for spend spread evenly over each month's days (as
:mod:`roi_core.budget.history` spreads it): a share ``S`` of a month's effect lands after the month,
most of it in the next one, the rest fading by ``r = d**N`` a month (daily decay ``d``, N the days of
a month). Its decay is searched on the same grid as by week (the weekly decay λ per 7 days, so
``d = λ**(1/7)``), and a non-zero decay must pay for its parameter (Bayesian information criterion:
it lowers n·ln(SSE) by more than ln n), so data without carry-over keep the plain curve.

The bootstrap resamples the fitted residuals (fixed seed) and refits every replicate at once by
a few damped Gauss-Newton steps from the fit (vectorised over replicates; adstock, when used,
held at its fitted decay), which keeps 20 channels × 36 months well under a second.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.signal import lfilter

MIN_PERIODS = 8  # periods with spend a channel needs for a curve
MIN_SPEND_CV = 0.1  # spend must vary (coefficient of variation) for a curve to say anything
SHAPE_BOUNDS = (0.3, 1.0)  # Hill exponent ≤ 1: concave, so the next yuan never earns more than the last
HALF_BOUNDS = (0.05, 20.0)  # half-saturation spend, in multiples of the channel's mean spend
DECAY_MAX = 0.8  # geometric adstock decay per week (or per period by day), when fitted
DECAYS = tuple(round(0.05 * i, 2) for i in range(17))  # 0, 0.05, …, DECAY_MAX: the decays searched
DAYS_PER_MONTH = 365.25 / 12
BOOTSTRAP_DRAWS = 200
BOOTSTRAP_STEPS = 8
SEED = 20261


def hill(x: np.ndarray, beta, half, shape) -> np.ndarray:
    """``beta * x**shape / (x**shape + half**shape)``, 0 where ``x <= 0``; broadcasts over parameters."""
    x = np.asarray(x, dtype="float64")
    safe = np.where(x > 0, x, 1.0)
    ratio = np.exp(shape * (np.log(safe) - np.log(half)))
    return np.where(x > 0, beta * ratio / (1.0 + ratio), 0.0)


def hill_slope(x: np.ndarray, beta, half, shape) -> np.ndarray:
    """d hill / dx: the marginal return of the next unit of spend at ``x``."""
    x = np.asarray(x, dtype="float64")
    safe = np.where(x > 0, x, 1e-12)
    ratio = np.exp(shape * (np.log(safe) - np.log(half)))
    u = ratio / (1.0 + ratio)
    return beta * shape * u * (1.0 - u) / safe


def adstock(x: np.ndarray, decay: float, per_month: bool = False) -> np.ndarray:
    """Normalised geometric adstock: ``a_t = (1-λ) x_t + λ a_{t-1}`` (a constant spend stays itself).
    ``per_month``: ``x`` is spend per calendar month and ``decay`` the weekly decay of a daily adstock
    (:func:`month_carry`); each month keeps 1 − S of its own effect and passes S on, fading by r a month."""
    x = np.asarray(x, dtype="float64")
    if decay <= 0:
        return x
    if not per_month:
        return lfilter([1.0 - decay], [1.0, -decay], x)
    carry, fade = month_carry(decay)
    # impulse response 1 − S, S(1 − r), S(1 − r) r, …: y_t − r y_{t−1} = (1 − S) x_t + (S(1 − r) − r(1 − S)) x_{t−1}
    return lfilter([1.0 - carry, carry * (1.0 - fade) - fade * (1.0 - carry)], [1.0, -fade], x)


def month_carry(weekly_decay: float, days: float = DAYS_PER_MONTH) -> tuple[float, float]:
    """(S, r) of a daily geometric adstock with decay ``d = weekly_decay**(1/7)`` summed into months of
    ``days`` days, spend even over each month: S = d(1 − d**N) / (N(1 − d)) is the share of a month's
    effect landing after it (its daily adstock at month end, (1 − d**N)/N, decaying on), r = d**N."""
    if weekly_decay <= 0:
        return 0.0, 0.0
    d = weekly_decay ** (1.0 / 7.0)
    fade = d ** days
    return d * (1.0 - fade) / (days * (1.0 - d)), fade


@dataclass(frozen=True)
class Curve:
    """A fitted response curve in the data's own units (spend and return per period).

    ``draws`` holds bootstrap replicates of (beta, half, shape), one row each; ``r2`` is the fit's
    share of variance explained on the periods fitted.
    """

    beta: float
    half: float
    shape: float
    decay: float
    periods: int
    r2: float
    draws: np.ndarray  # (B, 3)
    per_month: bool = False  # ``decay`` is a daily adstock's, per week, summed into calendar months

    def carried(self, spend) -> np.ndarray:
        """The spend as the curve sees it, period by period: ``spend`` through the fitted adstock."""
        return adstock(spend, self.decay, self.per_month)

    def response(self, x) -> np.ndarray:
        return hill(x, self.beta, self.half, self.shape)

    def slope(self, x) -> np.ndarray:
        return hill_slope(x, self.beta, self.half, self.shape)

    def response_draws(self, x) -> np.ndarray:
        """The return at each ``x`` under every bootstrap draw: shape (B, len(x))."""
        b, h, s = (self.draws[:, i:i + 1] for i in range(3))
        return hill(np.atleast_1d(x)[None, :], b, h, s)

    def slope_draws(self, x) -> np.ndarray:
        b, h, s = (self.draws[:, i:i + 1] for i in range(3))
        return hill_slope(np.atleast_1d(x)[None, :], b, h, s)


def has_history(spend: np.ndarray, with_adstock: bool = False) -> bool:
    """At least MIN_PERIODS periods with spend, varying by at least MIN_SPEND_CV (with adstock, the
    carried-over spend must vary: bursts between idle periods do)."""
    spend = np.asarray(spend, dtype="float64")
    if (spend > 0).sum() < MIN_PERIODS:
        return False
    seen = adstock(spend, 0.5) if with_adstock else spend
    spent = seen[seen > 0]
    return float(spent.std() / spent.mean()) >= MIN_SPEND_CV


def _residuals_and_jacobian(theta: np.ndarray, x: np.ndarray, y: np.ndarray):
    """theta = (log beta, log half, shape) on scaled data; residuals (…, n) and Jacobian (…, n, 3)."""
    log_beta, log_half, shape = theta[..., 0:1], theta[..., 1:2], theta[..., 2:3]
    safe = np.where(x > 0, x, 1.0)
    z = np.log(safe) - log_half
    ratio = np.exp(np.clip(shape * z, -50, 50))
    u = np.where(x > 0, ratio / (1.0 + ratio), 0.0)
    beta = np.exp(log_beta)
    fitted = beta * u
    du = u * (1.0 - u)
    jac = np.stack([fitted, -beta * shape * du, np.where(x > 0, beta * z * du, 0.0)], axis=-1)
    return fitted - y, jac


def _bounds(y_scale: float) -> tuple[np.ndarray, np.ndarray]:
    lo = np.array([np.log(1e-3), np.log(HALF_BOUNDS[0]), SHAPE_BOUNDS[0]])
    hi = np.array([np.log(1e3 * max(y_scale, 1.0)), np.log(HALF_BOUNDS[1]), SHAPE_BOUNDS[1]])
    return lo, hi


def _grid_starts(xs: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each row of ``xs`` (one adstocked spend series per decay), the best point of a coarse grid
    (half-saturation × shape, beta solved in closed form for each), vectorised over all of them:
    starting thetas (L, 3) and their sums of squared residuals (L,)."""
    lo, hi = _bounds(float(y.max()) if len(y) else 1.0)
    halves = np.geomspace(HALF_BOUNDS[0], HALF_BOUNDS[1], 25)[None, :, None, None]
    shapes = np.linspace(SHAPE_BOUNDS[0], SHAPE_BOUNDS[1], 8)[None, None, :, None]
    with np.errstate(divide="ignore"):  # log 0 = -inf: no spend, no return (u = 0)
        logx = np.log(np.maximum(xs, 0.0))
    u = np.exp(shapes * (logx[:, None, None, :] - np.log(halves)))  # (L, 25, 8, n), in place below
    u /= 1.0 + u
    uy, uu = u @ y, np.einsum("...n,...n->...", u, u)
    beta = np.clip(uy / np.maximum(uu, 1e-12), 1e-3, np.exp(hi[0]))
    # Σ(βu − y)² expanded, so the 4-d grid is walked twice, not four times
    sse = (beta * beta * uu - 2.0 * beta * uy + float(y @ y)).reshape(len(xs), -1)
    best = sse.argmin(axis=1)
    i, j = np.unravel_index(best, (25, 8))
    start = np.column_stack([np.log(beta.reshape(len(xs), -1)[np.arange(len(xs)), best]),
                             np.log(halves[0, i, 0, 0]), shapes[0, 0, j, 0]])
    return np.clip(start, lo + 1e-9, hi - 1e-9), sse[np.arange(len(xs)), best]


def _fit_scaled(x: np.ndarray, y: np.ndarray, start: np.ndarray) -> tuple[np.ndarray, float]:
    """Least squares from ``start``; returns theta and its cost (half the sum of squared residuals)."""
    lo, hi = _bounds(float(y.max()) if len(y) else 1.0)
    fit = least_squares(lambda t: _residuals_and_jacobian(t[None, :], x, y)[0][0], start,
                        jac=lambda t: _residuals_and_jacobian(t[None, :], x, y)[1][0],
                        bounds=(lo, hi), method="trf", max_nfev=100, x_scale="jac")
    return fit.x, float(fit.cost)


def _bootstrap(theta: np.ndarray, x: np.ndarray, y: np.ndarray, draws: int, seed: int) -> np.ndarray:
    """Residual-resampling replicates, each refitted by damped Gauss-Newton steps from ``theta``."""
    fitted = y + _residuals_and_jacobian(theta[None, :], x, y)[0][0]
    resid = y - fitted
    resid = resid - resid.mean()
    rng = np.random.default_rng(seed)
    y_star = fitted[None, :] + resid[rng.integers(0, len(y), size=(draws, len(y)))]
    lo, hi = _bounds(float(y.max()))
    thetas = np.repeat(theta[None, :], draws, axis=0)
    damping = 1e-3
    eye = np.eye(3)
    for _ in range(BOOTSTRAP_STEPS):
        r, jac = _residuals_and_jacobian(thetas, x[None, :], y_star)
        jtj = np.einsum("bni,bnj->bij", jac, jac)
        jtr = np.einsum("bni,bn->bi", jac, r)
        scale = np.einsum("bii->bi", jtj)[:, :, None] * eye[None] + 1e-12 * eye[None]
        step = np.linalg.solve(jtj + damping * scale, -jtr[..., None])[..., 0]
        thetas = _level(np.clip(thetas + step, lo, hi), x, y_star, lo, hi)
    return thetas


def _level(thetas: np.ndarray, x: np.ndarray, y: np.ndarray, lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """Each replicate's beta solved in closed form for its (half, shape): the model is linear in beta.
    Without this a step whose half-saturation was clipped at its bound still moves beta as if it had
    not been, and the replicates drift off the data (a one-sided band around a near-linear curve)."""
    u = hill(x[None, :], 1.0, np.exp(thetas[:, 1:2]), thetas[:, 2:3])
    beta = (u * y).sum(axis=1) / np.maximum((u * u).sum(axis=1), 1e-12)
    out = thetas.copy()
    out[:, 0] = np.clip(np.log(np.maximum(beta, 1e-300)), lo[0], hi[0])
    return out


def fit_curve(spend, returns, *, with_adstock: bool = False, per_month: bool = False,
              draws: int = BOOTSTRAP_DRAWS, seed: int = SEED) -> Curve | None:
    """Fit a Hill curve (and, ``with_adstock``, a geometric decay from DECAYS; ``per_month``: the periods
    are calendar months and the decay a daily one summed into months, see :func:`adstock`) of ``returns``
    on ``spend``, one value per consecutive period; None when the spend lacks the history a curve needs
    (:func:`has_history`). A decay is kept only when it lowers n·ln(SSE) by more than ln n (BIC)."""
    spend = np.asarray(spend, dtype="float64")
    returns = np.asarray(returns, dtype="float64")
    if not has_history(spend, with_adstock and not per_month):
        return None
    x_scale = float(spend[spend > 0].mean())
    y_scale = float(np.abs(returns).mean()) or 1.0
    y = returns / y_scale
    decays = DECAYS if with_adstock else (0.0,)
    xs = np.stack([adstock(spend, lam, per_month) for lam in decays]) / x_scale
    starts, grid_sse = _grid_starts(xs, y)
    theta, best = _fit_scaled(xs[0], y, starts[0])
    decay, pick = 0.0, 0
    top = int(np.argmin(grid_sse))
    n = len(y)
    # the best decay on the grid, refitted, must beat no carry-over by more than its parameter costs (BIC:
    # ln n); not refitted when even the grid's gain is under half that (least squares moves both far less)
    if top and n * np.log(max(grid_sse[0], 1e-300) / max(grid_sse[top], 1e-300)) > 0.5 * np.log(n):
        t, cost = _fit_scaled(xs[top], y, starts[top])
        if n * np.log(max(best, 1e-300) / max(cost, 1e-300)) > np.log(n):
            decay, pick, theta, best = decays[top], top, t, cost
    x = xs[pick]
    boot = _bootstrap(theta, x, y, draws, seed)
    total = float(((y - y.mean()) ** 2).sum())
    r2 = 1.0 - 2.0 * best / total if total > 0 else 0.0

    def unscale(t: np.ndarray) -> np.ndarray:
        t = np.atleast_2d(t)
        return np.column_stack([np.exp(t[:, 0]) * y_scale, np.exp(t[:, 1]) * x_scale, t[:, 2]])

    beta, half, shape = unscale(theta)[0]
    return Curve(float(beta), float(half), float(shape), decay, int((spend > 0).sum()), r2, unscale(boot),
                 per_month and decay > 0)
