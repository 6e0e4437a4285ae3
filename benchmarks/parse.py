"""Benchmark: understanding one question (parse_query), over the question corpus.

    python benchmarks/parse.py [--rounds 20]

Parses every question of tests/roi_core/corpus/questions.tsv with the names of examples/demo.xlsx,
once to warm up, then ``--rounds`` times each, and prints the time per question (p50, p90, p99,
max; warm) with and without the sheet's names, and the slowest questions. Target (issues 12 and 22):
p50 < 1 ms, p99 < 5 ms. Each row is printed twice: over every sample, and over each question's median
across the rounds (the same figures without the time slices other processes take on a busy machine).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
_HERE = Path(__file__).resolve().parent
# the repository first, this folder last: benchmarks/sheets.py must not hide the sheets package
sys.path[:] = [str(ROOT)] + [p for p in sys.path if Path(p or ".").resolve() != _HERE] + [str(_HERE)]

from roi_core import RoiError, parse_query  # noqa: E402
from sheets import open_source  # noqa: E402

TODAY = dt.date(2026, 11, 30)
CORPUS = ROOT / "tests" / "roi_core" / "corpus" / "questions.tsv"


def questions() -> list[str]:
    with CORPUS.open(encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return [row["question"] for row in csv.DictReader(lines, delimiter="\t")]


def time_each(texts: list[str], rounds: int, **names) -> dict[str, list[float]]:
    """Seconds per parse of each text, one sample per round (after one warm-up pass)."""
    def once(text: str) -> None:
        try:
            parse_query(text, TODAY, **names)
        except RoiError:
            pass

    for text in texts:
        once(text)
    samples: dict[str, list[float]] = {t: [] for t in texts}
    for _ in range(rounds):
        for text in texts:
            t0 = time.perf_counter()
            once(text)
            samples[text].append(time.perf_counter() - t0)
    return samples


def quantile(sorted_values: list[float], q: float) -> float:
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args(argv)
    texts = questions()
    data = open_source(ROOT / "examples" / "demo.xlsx").read()
    names = {"known_campaigns": data.campaigns["campaign"].dropna().unique().tolist(),
             "known_channels": data.campaigns["channel"].dropna().unique().tolist()}
    print(f"{len(texts)} questions x {args.rounds} rounds, warm; load average {os.getloadavg()[0]:.2f}")
    print(f"{'names':<26}{'p50 ms':>9}{'p90 ms':>9}{'p99 ms':>9}{'max ms':>9}")
    slowest: list[tuple[float, str]] = []
    for label, kwargs in (("demo.xlsx's names", names), ("none (common channels)", {})):
        samples = time_each(texts, args.rounds, **kwargs)
        flat = sorted(s for values in samples.values() for s in values)
        row = [quantile(flat, q) * 1000 for q in (0.5, 0.9, 0.99)] + [flat[-1] * 1000]
        print(f"{label:<26}" + "".join(f"{v:>9.3f}" for v in row))
        # each question's median over the rounds: the same figures without another process's time slices
        medians = sorted(sorted(v)[len(v) // 2] for v in samples.values())
        row = [quantile(medians, q) * 1000 for q in (0.5, 0.9, 0.99)] + [medians[-1] * 1000]
        print(f"{'  (median per question)':<26}" + "".join(f"{v:>9.3f}" for v in row))
        if kwargs:
            slowest = sorted(((sorted(v)[len(v) // 2], t) for t, v in samples.items()), reverse=True)[:5]
    print("\nslowest questions (median ms, with names):")
    for seconds, text in slowest:
        print(f"  {seconds * 1000:7.3f}  {text}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
