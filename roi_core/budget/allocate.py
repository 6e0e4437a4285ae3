"""Split a total over channels to maximise the summed expected return, each within its bounds.

Every channel's response is tabulated on a grid between its bounds; for a price λ per yuan each
channel takes the grid spend maximising ``return - λ·spend`` (its marginal return falls to λ),
and λ is bisected until the spends add up to the total; the two grid solutions either side are
blended so the total is exact. This is the optimum for concave responses (and a good one for
mildly S-shaped ones), vectorised over channels and grid, and gives linear responses their
corner (all the way to a bound) as it should.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

GRID_POINTS = 801
BISECTIONS = 80


def allocate(responses: Sequence[Callable[[np.ndarray], np.ndarray]], lower: np.ndarray, upper: np.ndarray,
             total: float) -> np.ndarray:
    """Spend per channel, ``lower <= x <= upper`` and ``sum(x) == total`` (``total`` is clipped into
    ``[sum(lower), sum(upper)]``), maximising ``sum(responses[c](x[c]))``."""
    lower = np.asarray(lower, dtype="float64")
    upper = np.maximum(np.asarray(upper, dtype="float64"), lower)
    total = float(np.clip(total, lower.sum(), upper.sum()))
    t = np.linspace(0.0, 1.0, GRID_POINTS)
    grid = lower[:, None] + (upper - lower)[:, None] * t[None, :]
    values = np.vstack([np.asarray(f(g), dtype="float64") for f, g in zip(responses, grid, strict=True)])
    width = np.maximum(np.diff(grid, axis=1), 1e-12)
    slopes = np.diff(values, axis=1) / width
    lo_price, hi_price = float(slopes.min()) - 1.0, float(slopes.max()) + 1.0
    rows = np.arange(len(lower))

    def spend_at(price: float) -> np.ndarray:
        return grid[rows, np.argmax(values - price * grid, axis=1)]

    rich, poor = spend_at(lo_price), spend_at(hi_price)  # sums: ≥ total, ≤ total
    for _ in range(BISECTIONS):
        mid = 0.5 * (lo_price + hi_price)
        x = spend_at(mid)
        if x.sum() >= total:
            lo_price, rich = mid, x
        else:
            hi_price, poor = mid, x
    gap = rich.sum() - poor.sum()
    weight = 0.0 if gap <= 1e-9 else (total - poor.sum()) / gap
    return poor + weight * (rich - poor)
