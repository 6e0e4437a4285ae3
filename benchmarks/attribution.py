"""Benchmark: our attribution models against ChannelAttribution and marketing-attribution-models.

    python benchmarks/attribution.py [--sizes 10000,100000,1000000] [--budget 120] [--repeat 1]
                                     [--only ours|peers|all]
    python benchmarks/attribution.py --shapley [--channels 20,40,100] [--sizes 100000] [--repeat 3]

``--shapley`` times the Shapley model against the channel count instead: before, the exact
enumeration of all 2^n coalitions (refused above 20 channels); after, the exact closed form
(each journey's weight split over its distinct channels), with the largest difference between
the two where both run. The same generated journeys, their channels re-drawn uniformly from n
names.

One run generates, per size, a deterministic (seeded) set of journeys over 10 channels with
1..10 touches each (about 2.55 touches per journey), saves it once, and runs every task on
that same data, each task in a fresh subprocess so its peak memory is its own:

- ours, from touches: building journeys, then each of the eight models (build included),
  and build + all eight models together (journeys built once);
- ours, from aggregated paths (ChannelAttribution's input): first + last + linear together, and
  each model but time decay (paths carry no time), parsing the path strings included;
- ChannelAttribution 2.2.5 on aggregated paths, its best input: heuristic_models, and the
  default markov_model (order 1, simulation, 1 thread);
- marketing-attribution-models 2.1.1 on touch-level input (session format, journeys split after
  conversions) and on grouped journeys (format 3), each model timed with its preprocessing.

Every task first runs once on tiny data (imports, first-call set-up), then is timed. A peer
task is skipped at a size where its time, scaled linearly from the previous size, would pass
``--budget`` seconds; the table says so. Memory is the task process's peak RSS (VmHWM, reset
after the input is loaded, so "peak" = input + the task's own high-water mark) and its growth
over the loaded input.

Targets at 1,000,000 journeys on a 2-core machine: build + all eight models < 3 s; exact Markov
order 1 from paths no slower than ChannelAttribution's markov_model; every model from touches
at least 3x faster than marketing-attribution-models; peak memory < 2 GB.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import pickle
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from roi_core.attribution import MODELS, AttributionError, attribute, build_journeys, journeys_from_paths  # noqa: E402
from roi_core.attribution import shapley as core  # noqa: E402
from tests.data import JOURNEY_CHANNELS as CHANNELS  # noqa: E402
from tests.data import journey_touches  # noqa: E402

MAM_METHODS = {
    "first": ("run_first_click", {}),
    "last": ("run_last_click", {}),
    "linear": ("run_linear", {}),
    "position": ("run_position_based", {}),
    "time_decay": ("run_time_decay", {"half_life_hours": 7 * 24}),
    "markov": ("run_markov", {}),
    "shapley": ("run_shapley", {}),
}


# --- data ------------------------------------------------------------------------------------


def generate_touches(n_journeys: int, seed: int = 7) -> pd.DataFrame:
    """The shared seeded journeys (``tests.data.journey_touches``) over the ten CHANNELS."""
    return journey_touches(n_journeys, seed=seed, channels=CHANNELS)


def aggregate_paths(touches: pd.DataFrame) -> pd.DataFrame:
    """ChannelAttribution's input (path, total_conversions, total_conversion_value, total_null).

    Journeys are keyed as base-(n+1) integers of their channel codes (at most 10 touches), so
    only the distinct paths are ever spelled out as strings.
    """
    journeys = build_journeys(touches, lookback_days=None)
    base = journeys.n_channels + 1
    assert journeys.journey_length.max() <= 10 and base**10 < 2**63
    key = np.zeros(journeys.n_journeys, dtype=np.int64)
    np.add.at(key, journeys.touch_journey, (journeys.touch_channel + 1) * base ** journeys.touch_position)
    distinct, inverse = np.unique(key, return_inverse=True)
    names = journeys.channels
    spelled = []
    for value in distinct.tolist():  # distinct paths only
        codes = []
        while value:
            value, digit = divmod(value, base)
            codes.append(names[digit - 1])
        spelled.append(" > ".join(codes))
    conversions = np.bincount(inverse, weights=journeys.journey_conversions, minlength=len(distinct))
    paths = pd.DataFrame({
        "path": spelled,
        "total_conversions": conversions,
        "total_conversion_value": np.bincount(inverse, weights=journeys.journey_revenue, minlength=len(distinct)),
        "total_null": np.bincount(inverse, minlength=len(distinct)) - conversions,
    })
    return paths.sort_values("path", kind="stable").reset_index(drop=True)


def mam_grouped(paths: pd.DataFrame) -> pd.DataFrame:
    """marketing-attribution-models' format 3: one row per (path, converted) with its count."""
    converting = paths[paths["total_conversions"] > 0]
    failing = paths[paths["total_null"] > 0]
    return pd.concat([
        pd.DataFrame({"path": converting["path"], "occurrences": converting["total_conversions"].astype(int),
                      "has_conversion": True, "value": converting["total_conversion_value"]}),
        pd.DataFrame({"path": failing["path"], "occurrences": failing["total_null"].astype(int),
                      "has_conversion": False, "value": 0.0}),
    ], ignore_index=True)


# --- tasks -----------------------------------------------------------------------------------


def task_names(only: str) -> list[str]:
    ours = (["ours build journeys"] + [f"ours {m}" for m in MODELS] + ["ours build + all 8 models",
            "ours markov order 2", "ours markov order 3", "ours markov order 4", "ours paths: first+last+linear"]
            + [f"ours paths: {m}" for m in MODELS if m != "time_decay"])
    peers = (["CA heuristic_models (paths)", "CA markov_model (paths)"]
             + [f"MAM touches {m}" for m in MAM_METHODS]
             + [f"MAM grouped {m}" for m in MAM_METHODS if m != "time_decay"])
    return {"ours": ours, "peers": peers, "all": ours + peers}[only]


#: peer task → our task it is compared with (ours / peer in the table).
COUNTERPART = {"CA heuristic_models (paths)": "ours paths: first+last+linear",
               "CA markov_model (paths)": "ours paths: markov",
               **{f"MAM touches {m}": f"ours {m}" for m in MAM_METHODS},
               **{f"MAM grouped {m}": f"ours paths: {m}" for m in MAM_METHODS}}


def run_task(name: str, data: dict) -> object:
    touches, paths = data["touches"], data["paths"]
    if name == "ours build journeys":
        return build_journeys(touches)
    if name == "ours build + all 8 models":
        journeys = build_journeys(touches)
        return [attribute(journeys, model) for model in MODELS]
    if name.startswith("ours markov order "):
        return attribute(touches, "markov", order=int(name.rsplit(" ", 1)[1]))
    if name == "ours paths: first+last+linear":
        journeys = journeys_from_paths(paths)
        return [attribute(journeys, model) for model in ("first", "last", "linear")]
    if name.startswith("ours paths: "):
        return attribute(paths, name.split(": ", 1)[1])
    if name.startswith("ours "):
        return attribute(touches, name.split(" ", 1)[1])
    if name.startswith("CA "):
        import ChannelAttribution as ca

        if "heuristic" in name:
            return ca.heuristic_models(paths, "path", "total_conversions", var_value="total_conversion_value",
                                       flg_pro=False)
        return ca.markov_model(paths, "path", "total_conversions", var_value="total_conversion_value",
                               var_null="total_null", verbose=False, flg_pro=False)
    if name.startswith("MAM "):
        import mam

        _, layout, model = name.split(" ")
        if layout == "touches":
            instance = mam.MAM(touches, format_type="session", channels_colname="channel",
                               journey_with_conv_colname="converted", datetime_colname="timestamp",
                               user_id_colname="customer_id", create_journey_id_based_on_conversion=True,
                               conversion_value_colname="revenue")
        else:
            instance = mam.MAM(data["grouped"], format_type="grouped_journey", channels_colname="path",
                               journey_with_conv_colname="has_conversion", occurrences_colname="occurrences",
                               conversion_value_colname="value")
        method, kwargs = MAM_METHODS[model]
        return getattr(instance, method)(**kwargs).to_pandas()
    raise ValueError(name)


def _memory_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def _reset_peak_memory() -> bool:
    """Restart the kernel's peak-RSS counter (VmHWM) so the input's loading is not counted."""
    try:
        with open("/proc/self/clear_refs", "w") as handle:
            handle.write("5")
        return True
    except OSError:
        return False


def worker(name: str, data_file: str, repeat: int) -> None:
    """Runs in a subprocess: warm up on tiny data, load the input, time the task, report JSON."""
    tiny_touches = generate_touches(200, seed=1)
    tiny_paths = aggregate_paths(tiny_touches)
    run_task(name, {"touches": tiny_touches, "paths": tiny_paths, "grouped": mam_grouped(tiny_paths)})
    with open(data_file, "rb") as handle:
        data = pickle.load(handle)
    gc.collect()
    if _reset_peak_memory():
        loaded_kb = _memory_kb("VmRSS")
    else:  # no /proc: fall back to the lifetime peak, which includes unpickling the input
        loaded_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run_task(name, data)
        best = min(best, time.perf_counter() - start)
    try:
        peak_kb = _memory_kb("VmHWM")
    except (OSError, KeyError):
        peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"seconds": best, "peak_mb": peak_kb / 1024, "growth_mb": (peak_kb - loaded_kb) / 1024}))


# --- Shapley against the channel count -------------------------------------------------------


def touches_over_channels(n_journeys: int, n_channels: int, seed: int) -> pd.DataFrame:
    """The generated touches with each touch's channel re-drawn uniformly from ``n_channels`` names."""
    touches = generate_touches(n_journeys, seed=seed)
    rng = np.random.default_rng(seed + n_channels)
    names = np.array([f"渠道{i:03d}" for i in range(n_channels)], dtype=object)
    return touches.assign(channel=names[rng.integers(0, n_channels, size=len(touches))])


def _best_of(repeat: int, task) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = task()
        best = min(best, time.perf_counter() - start)
    return best, result


def shapley_table(channel_counts: list[int], sizes: list[int], repeat: int, seed: int) -> None:
    print(f"Shapley (value=conversions) against the channel count: seed {seed}, {os.cpu_count()} cores, "
          f"best of {repeat}; journeys built once, not timed")
    print("\n| journeys | channels | before: 2^n enumeration (s) | after: closed form (s) | after, attribute() (s) "
          "| max difference / max value |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        for n_channels in channel_counts:
            journeys = build_journeys(touches_over_channels(size, n_channels, seed))
            after, closed = _best_of(repeat, lambda j=journeys: core._shapley_subset_sum(j))
            public, _ = _best_of(repeat, lambda j=journeys: attribute(j, "shapley"))
            try:
                before, enumerated = _best_of(repeat, lambda j=journeys: core._shapley_enumerated(j, "conversions"))
            except AttributionError:
                # 2^n coalitions x (conversions, revenue) in float64
                terabytes = 2**n_channels * 16 / 1e12
                size_text = f"{terabytes:,.0f}" if terabytes < 1e6 else f"{terabytes:.1e}"
                before_text, difference = f"refused (2^{n_channels} coalitions: {size_text} TB)", ""
            else:
                before_text = f"{before:.3f}"
                relative = max(np.abs(a - b).max() / np.abs(b).max() for a, b in zip(closed, enumerated, strict=True))
                difference = f"{relative:.1e}"
            print(f"| {size:,} | {journeys.n_channels} | {before_text} | {after:.4f} | {public:.4f} | {difference} |",
                  flush=True)


# --- driver ----------------------------------------------------------------------------------


def measure(name: str, data_file: str, repeat: int, timeout: float) -> dict:
    command = [sys.executable, __file__, "--worker", name, "--data", data_file, "--repeat", str(repeat)]
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env, check=False)
    except subprocess.TimeoutExpired:
        return {"note": f"stopped after {timeout:.0f} s"}
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        return {"note": f"failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}"}
    return json.loads(lines[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="journeys per run, comma-separated")
    parser.add_argument("--budget", type=float, default=120.0, help="skip a peer task predicted to pass this (s)")
    parser.add_argument("--repeat", type=int, default=1, help="timed runs per task (best is shown)")
    parser.add_argument("--only", choices=("ours", "peers", "all"), default="all")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--shapley", action="store_true", help="time Shapley against the channel count instead")
    parser.add_argument("--channels", default="20,40,100", help="with --shapley: channel counts, comma-separated")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker, args.data, args.repeat)
        return

    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",")]
    if args.shapley:
        shapley_sizes = sizes if "--sizes" in sys.argv else [100_000]
        shapley_table([int(n) for n in args.channels.split(",")], shapley_sizes, args.repeat, args.seed)
        return
    names = task_names(args.only)
    last_time: dict[str, tuple[int, float]] = {}
    rows = []
    print(f"attribution benchmark: sizes {sizes}, {len(CHANNELS)} channels, seed {args.seed}, "
          f"{os.cpu_count()} cores, best of {args.repeat}")
    with tempfile.TemporaryDirectory() as tmp:
        for size in sorted(sizes):
            touches = generate_touches(size, seed=args.seed)
            paths = aggregate_paths(touches)
            data_file = str(Path(tmp) / f"data_{size}.pkl")
            with open(data_file, "wb") as handle:
                pickle.dump({"touches": touches, "paths": paths, "grouped": mam_grouped(paths)}, handle,
                            protocol=pickle.HIGHEST_PROTOCOL)
            print(f"\n{size:,} journeys: {len(touches):,} touches, {len(paths):,} distinct paths, "
                  f"{int(touches['converted'].sum()):,} conversions", flush=True)
            print(f"{'journeys':>9}  {'task':<34}{'seconds':>9}{'peak MB':>10}{'growth MB':>10}{'ours/peer':>11}")
            results: dict[str, dict] = {}
            for name in names:
                is_peer = not name.startswith("ours")
                previous = last_time.get(name)
                if is_peer and previous and previous[1] * size / previous[0] > args.budget:
                    predicted = previous[1] * size / previous[0]
                    results[name] = {"note": f"skipped: ~{predicted:.0f} s predicted from {previous[0]:,}"}
                else:
                    results[name] = measure(name, data_file, args.repeat, timeout=max(4 * args.budget, 60))
                    if "seconds" in results[name]:
                        last_time[name] = (size, results[name]["seconds"])
                    else:
                        last_time[name] = (size, float("inf"))
                row = results[name]
                ours = results.get(COUNTERPART.get(name, ""), {})
                ratio = (f"{ours['seconds'] / row['seconds']:.3f}" if "seconds" in row and "seconds" in ours else "")
                rows.append((size, name, row, ratio))
                print(format_row(size, name, row, ratio), flush=True)
    print_summary(rows)


def format_row(size: int, name: str, row: dict, ratio: str) -> str:
    if "seconds" not in row:
        return f"{size:>9,}  {name:<34}{'':>9}{'':>10}{'':>10}{'':>11}  {row.get('note', '')}"
    return (f"{size:>9,}  {name:<34}{row['seconds']:>9.3f}{row['peak_mb']:>10.0f}{row['growth_mb']:>10.0f}"
            f"{ratio:>11}")


def print_summary(rows: list) -> None:
    print("\n| journeys | task | seconds | peak RSS MB | growth MB | ours / peer | note |")
    print("|---:|---|---:|---:|---:|---:|---|")
    for size, name, row, ratio in rows:
        if "seconds" in row:
            print(f"| {size:,} | {name} | {row['seconds']:.3f} | {row['peak_mb']:.0f} | {row['growth_mb']:.0f} "
                  f"| {ratio} | |")
        else:
            print(f"| {size:,} | {name} | | | | | {row.get('note', '')} |")
    largest = max(size for size, *_ in rows)
    at = {name: row for size, name, row, _ in rows if size == largest}

    def seconds(name):
        return at.get(name, {}).get("seconds")

    print(f"\ntargets at {largest:,} journeys:")
    total = seconds("ours build + all 8 models")
    if total is not None:
        print(f"  build + all eight models < 3 s: {total:.2f} s -> {'met' if total < 3 else 'NOT met'}")
    ours_markov, ca_markov = seconds("ours paths: markov"), seconds("CA markov_model (paths)")
    if ours_markov is not None and ca_markov is not None:
        print(f"  exact Markov from paths <= CA markov_model: {ours_markov:.2f} s vs {ca_markov:.2f} s -> "
              f"{'met' if ours_markov <= ca_markov else 'NOT met'}")
    for model in MAM_METHODS:
        ours, theirs = seconds(f"ours {model}"), seconds(f"MAM touches {model}")
        if ours is not None and theirs is not None:
            print(f"  {model} from touches >= 3x faster than MAM: {theirs / ours:.1f}x -> "
                  f"{'met' if theirs >= 3 * ours else 'NOT met'}")
    peaks = [row["peak_mb"] for size, name, row, _ in rows if name.startswith("ours") and "peak_mb" in row]
    if peaks:
        print(f"  our peak memory < 2 GB: {max(peaks):.0f} MB -> {'met' if max(peaks) < 2048 else 'NOT met'}")


if __name__ == "__main__":
    main()
