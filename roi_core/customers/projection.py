"""The 80 % interval of the ROIs projected from an 订单 sample (coverage under 设置 归因覆盖阈值).

A projected ROI is (mean per sampled new customer × 活动's 新客户数 − cost) ÷ cost. How far it can be trusted
depends on how much the sampled customers differ from one another, so the interval is a bootstrap over them:
draw the sample again with replacement, recompute the mean, and take the 10th and 90th percentiles of the
resulting ROIs. The draws are seeded, so the same sheet always gives the same interval.
"""

from __future__ import annotations

import numpy as np

#: the interval's coverage (80 %: the 10th … 90th percentile of the bootstrap ROIs)
LEVEL = 0.8
DRAWS = 2000
SEED = 20240618
#: cells (draws × customers) resampled at a time: bounds memory on a large sample
_CHUNK_CELLS = 2_000_000
#: cells resampled in all: a large sample gets fewer draws (at least MIN_DRAWS), so an answer stays well under a
#: second; with thousands of customers the mean barely moves between draws and 200 draws place the percentiles
_MAX_CELLS = 20_000_000
MIN_DRAWS = 200


def draws_for(n: int) -> int:
    """How many bootstrap draws a sample of ``n`` customers gets: :data:`DRAWS`, fewer for a very large one."""
    return int(max(MIN_DRAWS, min(DRAWS, _MAX_CELLS // max(n, 1))))


def bootstrap_means(values: np.ndarray, *, draws: int = DRAWS, seed: int = SEED) -> np.ndarray:
    """Per column of ``values`` (customers × figures): ``draws`` bootstrap means, shape (draws, figures).

    Every figure is resampled with the same customers in each draw (a customer's first-order and total value
    travel together). Reproducible: the same ``values`` and ``seed`` give the same means."""
    values = np.asarray(values, dtype=np.float64)
    n = values.shape[0]
    rng = np.random.default_rng(seed)
    per_chunk = max(1, _CHUNK_CELLS // max(n, 1))
    out = np.empty((draws, values.shape[1]))
    for first in range(0, draws, per_chunk):  # chunks of draws, not rows: each chunk is one vectorised pick
        size = min(per_chunk, draws - first)
        picks = rng.integers(0, n, size=(size, n), dtype=np.int32)
        for column in range(values.shape[1]):  # a handful of figures, not rows
            out[first:first + size, column] = np.take(values[:, column], picks).mean(axis=1)
    return out


def roi_interval(per_customer: np.ndarray, reported: float, cost: float, *, level: float = LEVEL,
                 draws: int | None = None, seed: int = SEED) -> list[tuple[float, float]]:
    """(low, high) of each projected ROI, one per column of ``per_customer`` (sampled new customers × figures,
    each cell that customer's 收益): the ``level`` central interval of the bootstrap ROIs
    (mean × ``reported`` − ``cost``) ÷ ``cost``, over ``draws`` draws (default :func:`draws_for` the sample).
    ``cost`` must be positive; ``per_customer`` non-empty."""
    per_customer = np.asarray(per_customer, dtype=np.float64)
    means = bootstrap_means(per_customer, draws=draws or draws_for(per_customer.shape[0]), seed=seed)
    rois = (means * reported - cost) / cost
    tail = (1.0 - level) / 2.0 * 100.0
    low, high = np.percentile(rois, [tail, 100.0 - tail], axis=0)
    return [(float(lo), float(hi)) for lo, hi in zip(low, high, strict=True)]
