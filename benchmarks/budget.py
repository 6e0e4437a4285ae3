"""Benchmark and peer check: budget on marginal return (roi_core.budget).

    python benchmarks/budget.py [--channels 20] [--months 36] [--repeat 3]

1. Speed: ``--channels`` channels × ``--months`` months of seeded Hill data (each channel its own
   saturation, spend varying ±50 % around its mean, 5 % noise): fitting every curve (scipy least
   squares from three starts, 200 bootstrap draws) and the reallocation of the same total within
   ±50 %. Best of ``--repeat`` runs, wall and CPU. Target (issue 16): < 1 s. Then the same for the demo
   workbook (examples/demo.xlsx, read once): 建议 (the advice on all its months) and 下个月预算 25万怎么分
   (the same with a total of ¥250,000), each advice with its holdout checks. Target: < 1 s per advice.
2. Peer data: PyMC-Marketing's example data set (``benchmarks/data/pymc_marketing/mmm_example.csv``,
   Apache-2.0; 179 weeks, channels x1 and x2). Its notebook builds ``y`` as 1000 × (intercept 2 + trend
   + seasonality + events + 3·logistic(adstock(x1, α=0.4), λ=4) + 2·logistic(adstock(x2, α=0.2), λ=3)
   + noise). Each channel's own return (what the 活动 tab gives us per channel) is ``y`` less the
   base and the other channel's part; our Hill + adstock fit of it is compared with the true curve
   (response and marginal return at the mean spend, adstock decay), and our reallocation of the
   mean weekly total (±50 %) with the one the true curves give.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from roi_core.budget import CAMPAIGN_TAB, CreditBasis, plan_budget  # noqa: E402
from roi_core.budget.allocate import allocate  # noqa: E402
from roi_core.budget.curves import fit_curve, hill  # noqa: E402

PEER_CSV = Path(__file__).resolve().parent / "data" / "pymc_marketing" / "mmm_example.csv"


def synthetic_rows(channels: int, months: int, seed: int = 16) -> pd.DataFrame:
    """One 活动 row per channel and month, prepared as roi_core.metrics.prepare_rows leaves them."""
    rng = np.random.default_rng(seed)
    periods = pd.period_range("2024-01", periods=months, freq="M")
    frames = []
    for c in range(channels):
        mean = rng.uniform(10_000, 200_000)
        half = mean * rng.uniform(0.3, 5.0)
        beta = mean * rng.uniform(1.2, 4.0) * (1 + half / mean)
        spend = mean * rng.uniform(0.5, 1.5, months)
        ret = hill(spend, beta, half, rng.uniform(0.6, 1.0)) * (1 + rng.normal(0, 0.05, months))
        frames.append(pd.DataFrame({"channel": f"渠道{c:02d}", "start_date": periods.start_time,
                                    "end_date": periods.end_time.normalize(), "cost": spend, "revenue": ret}))
    return pd.concat(frames, ignore_index=True)


def speed(channels: int, months: int, repeat: int) -> None:
    rows = synthetic_rows(channels, months)
    window = rows[rows["start_date"] >= rows["start_date"].max()]  # the last month: the budget now
    basis = CreditBasis(CAMPAIGN_TAB, "markov", None, 0.5, {})
    best_wall = best_cpu = np.inf
    plan = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        plan = plan_budget(rows, window, "revenue", basis, limit=0.5, months=1)
        best_wall = min(best_wall, time.perf_counter() - w0)
        best_cpu = min(best_cpu, time.process_time() - c0)
    curves = sum(c.method == "response_curve" for c in plan.channels)
    print(f"{'step':<44}{'wall s':>8}{'cpu s':>8}")
    print(f"{f'fits + reallocation, {channels} ch × {months} mo':<44}{best_wall:>8.3f}{best_cpu:>8.3f}"
          f"   {'OK' if best_wall < 1 else 'SLOW'} (target < 1 s)")
    print(f"curves fitted {curves}/{channels}; expected change {plan.expected_change:,.0f} "
          f"(80% {plan.low:,.0f} ~ {plan.high:,.0f})")
    print()


def demo_speed(repeat: int) -> None:
    """Wall and CPU time of one advice on the demo workbook (as the bot answers 建议 and 25万)."""
    from roi_core.answer import advice
    from sheets.xlsx import XlsxSource

    data = XlsxSource(Path(__file__).resolve().parents[1] / "examples" / "demo.xlsx").read()
    for label, budget in (("demo 建议", None), ("demo 下个月预算 25万", 250_000.0)):
        best_wall = best_cpu = np.inf
        for _ in range(repeat):
            w0, c0 = time.perf_counter(), time.process_time()
            advice(data, budget=budget)
            best_wall = min(best_wall, time.perf_counter() - w0)
            best_cpu = min(best_cpu, time.process_time() - c0)
        print(f"{label:<44}{best_wall:>8.3f}{best_cpu:>8.3f}   {'OK' if best_wall < 1 else 'SLOW'} (target < 1 s)")
    print()


def _geometric(x: np.ndarray, alpha: float, l_max: int = 8) -> np.ndarray:
    weights = alpha ** np.arange(l_max)
    weights = weights / weights.sum()
    return np.convolve(x, weights)[: len(x)]


def _logistic(x: np.ndarray, lam: float) -> np.ndarray:
    return (1 - np.exp(-lam * x)) / (1 + np.exp(-lam * x))


def peer() -> None:
    df = pd.read_csv(PEER_CSV, parse_dates=["date_week"])
    n = len(df)
    trend = (np.linspace(0.0, 50, n) + 10) ** 0.25 - 1
    season = 0.5 * (-np.sin(2 * 2 * np.pi * df["dayofyear"] / 365.5) + np.cos(2 * np.pi * df["dayofyear"] / 365.5))
    base = 2.0 + trend + season + 1.5 * df["event_1"] + 2.5 * df["event_2"]
    truth = {"x1": (3.0, 0.4, 4.0), "x2": (2.0, 0.2, 3.0)}  # beta, adstock alpha, logistic lambda
    part = {c: b * _logistic(_geometric(df[c].to_numpy(), a), lam) for c, (b, a, lam) in truth.items()}
    amplitude = float(np.dot(df["y"], base + part["x1"] + part["x2"]) / np.dot(base + part["x1"] + part["x2"],
                                                                                 base + part["x1"] + part["x2"]))
    noise = df["y"] / amplitude - base - part["x1"] - part["x2"]
    print(f"PyMC-Marketing mmm_example.csv: {n} weeks; y = {amplitude:,.1f} × (…) (noise sd {noise.std():.3f}, "
          "the notebook's 0.25)")
    print(f"{'channel':<8}{'decay ours':>11}{'true α':>8}{'resp@mean ours':>16}{'true':>9}{'marg@mean ours':>16}"
          f"{'true':>9}{'curve err':>10}")
    curves = {}
    for c, (b, a, lam) in truth.items():
        x = df[c].to_numpy()
        own = df["y"].to_numpy() - amplitude * (base.to_numpy() + part["x2" if c == "x1" else "x1"])
        curve = fit_curve(x, own, with_adstock=True)
        curves[c] = curve
        m = x.mean()
        grid = np.linspace(np.percentile(x[x > 0], 5), np.percentile(x[x > 0], 95), 50)
        true_resp = amplitude * b * _logistic(grid, lam)
        err = np.abs(curve.response(grid) - true_resp).max() / true_resp.max()
        true_marg = amplitude * b * lam * 2 * np.exp(-lam * m) / (1 + np.exp(-lam * m)) ** 2
        print(f"{c:<8}{curve.decay:>11.1f}{a:>8.1f}{float(curve.response(m)):>16,.0f}"
              f"{amplitude * b * _logistic(np.array([m]), lam)[0]:>9,.0f}{float(curve.slope(m)):>16,.0f}"
              f"{true_marg:>9,.0f}{err:>10.1%}")
    means = np.array([df["x1"].mean(), df["x2"].mean()])
    lo, hi = 0.5 * means, 1.5 * means
    ours = allocate([curves["x1"].response, curves["x2"].response], lo, hi, means.sum())
    true_fns = [lambda v, b=b, lam=lam: amplitude * b * _logistic(np.asarray(v), lam)
                for b, _, lam in truth.values()]
    true_alloc = allocate(true_fns, lo, hi, means.sum())
    print(f"reallocation of the mean weekly total {means.sum():.3f} (±50%): ours x1 {means[0]:.3f}→{ours[0]:.3f}, "
          f"x2 {means[1]:.3f}→{ours[1]:.3f}; true curves x1→{true_alloc[0]:.3f}, x2→{true_alloc[1]:.3f}; "
          f"direction {'agrees' if np.sign(ours[0] - means[0]) == np.sign(true_alloc[0] - means[0]) else 'DIFFERS'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--channels", type=int, default=20)
    parser.add_argument("--months", type=int, default=36)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    speed(args.channels, args.months, args.repeat)
    demo_speed(args.repeat)
    peer()


if __name__ == "__main__":
    main()
