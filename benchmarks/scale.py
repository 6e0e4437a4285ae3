"""Benchmark: touches beyond a sheet, all eight attribution models from a table source.

    python benchmarks/scale.py [--sizes 20000000] [--engines duckdb] [--dir var/scale] [--keep]

Per size, generates seeded touches as Parquet (``--dir``/touches-<n>/part-*.parquet: customers with
1..9 touches over a year, to the second, 10 channels, about one touch in six converting), then runs per
engine, in a fresh subprocess so its peak memory is its own:

- ``duckdb``: embedded DuckDB reads the Parquet files (``parquet:DIR/*.parquet``, memory limit
  ``tables.DUCKDB_MEMORY_LIMIT``), sums the path table and the time-decay credit, and the eight exact
  models run on the path table in roi_core (``compare_models``);
- ``spark``: the same through Spark local (``spark:local#DIR``; needs Java 17); the JVM's memory
  is its own process and is reported beside the Python process's;
- ``memory`` (for comparison, at small sizes): the Parquet read into pandas, ``build_journeys`` and the
  eight models in memory, as the tab path does today.

Prints one row per engine and size: rows, seconds (aggregation, models, total), peak memory (the
process's VmHWM, and its children's for Spark's JVM), CPU seconds of the process (on a shared machine the
wall clock also counts other people's work), paths returned. Targets on 2 cores:
20 million touches < 60 s and < 3 GiB; 100 million < 5 minutes and < 4 GiB.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

CHANNELS = ("抖音", "微信", "小红书", "直接访问", "百度", "B站", "微博", "快手", "知乎", "邮件")
CHUNK = 5_000_000


def generate(n: int, folder: Path, seed: int = 27) -> Path:
    """``n`` seeded touches as Parquet files of at most CHUNK rows under ``folder`` (reused when present)."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    out = folder / f"touches-{n}"
    done = out / "_done"
    if done.exists():
        return out
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    customers = max(1, n // 5)
    year = 365 * 86_400
    start = np.datetime64("2026-01-01T00:00:00", "s")
    written = 0
    part = 0
    while written < n:
        size = min(CHUNK, n - written)
        cust = rng.integers(0, customers, size)
        seconds = rng.integers(0, year, size)
        converted = rng.random(size) < 0.16
        revenue = np.where(converted, rng.integers(30, 2_000, size).astype(np.float64), 0.0)
        table = pa.table({
            "customer_id": pa.array(np.char.add("C", cust.astype(str))),
            "timestamp": pa.array(start + seconds.astype("timedelta64[s]")),
            "channel": pa.DictionaryArray.from_arrays(pa.array(rng.integers(0, len(CHANNELS), size).astype(np.int32)),
                                                      pa.array(CHANNELS)),
            "converted": pa.array(converted),
            "revenue": pa.array(revenue),
        })
        pq.write_table(table, out / f"part-{part:03d}.parquet", row_group_size=1_000_000)
        written += size
        part += 1
    done.write_text(str(n))
    return out


def run_engine(engine: str, folder: Path) -> dict:
    """One engine on one folder, in this process: the aggregation, then the eight models."""
    from roi_core.attribution import MODELS, build_journeys, compare_models

    started, cpu_started = time.perf_counter(), time.process_time()
    if engine == "memory":
        import pandas as pd

        touches = pd.read_parquet(folder)
        touches["channel"] = touches["channel"].astype(str)
        journeys = build_journeys(touches, lookback_days=30)
        rows, paths = len(touches), journeys.n_journeys
    else:
        import tables

        source = f"parquet:{folder}/*.parquet" if engine == "duckdb" else f"spark:local#{folder}"
        agg = tables.aggregate_paths(source, lookback_days=30, half_life_days=7)
        journeys = agg.journeys()
        rows, paths = agg.provenance.rows, len(agg.paths)
    aggregated = time.perf_counter()
    table = compare_models(journeys, MODELS, half_life_days=7)
    done = time.perf_counter()
    return {"engine": engine, "rows": rows, "paths": paths, "aggregate_s": aggregated - started,
            "models_s": done - aggregated, "total_s": done - started, "cpu_s": time.process_time() - cpu_started, "refused": sorted(table.attrs["refused"]),
            "peak_gib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20,
            "children_peak_gib": max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20,
                                     _live_children_peak_gib())}


def _live_children_peak_gib() -> float:
    """Σ VmHWM of this process's live descendants (Spark's JVM runs as one until the process exits)."""
    def children(pid: int) -> list[int]:
        found = []
        for task in Path(f"/proc/{pid}/task").glob("*"):
            try:
                found += [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
        return found

    total, todo = 0, children(os.getpid())
    while todo:  # over the process tree (a handful of processes)
        pid = todo.pop()
        todo += children(pid)
        try:
            line = next(x for x in Path(f"/proc/{pid}/status").read_text().splitlines() if x.startswith("VmHWM:"))
            total += int(line.split()[1])  # kB
        except (OSError, StopIteration):
            continue
    return total / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="20000000")
    parser.add_argument("--engines", default="duckdb")
    parser.add_argument("--dir", default=str(ROOT / "var" / "scale"))
    parser.add_argument("--one", nargs=2, metavar=("ENGINE", "FOLDER"), help=argparse.SUPPRESS)
    parser.add_argument("--keep", action="store_true", help="keep the generated Parquet files")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_engine(args.one[0], Path(args.one[1]))))
        return
    rows = []
    for n in (int(s) for s in args.sizes.split(",")):
        t0 = time.perf_counter()
        folder = generate(n, Path(args.dir))
        print(f"# {n:,} touches as Parquet in {folder} ({time.perf_counter() - t0:.0f} s)", flush=True)
        for engine in args.engines.split(","):
            proc = subprocess.run([sys.executable, __file__, "--one", engine, str(folder)], capture_output=True,
                                  text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
            if proc.returncode != 0:
                print(f"{engine} failed: {proc.stderr.strip().splitlines()[-1:]}", flush=True)
                continue
            result = json.loads(proc.stdout.strip().splitlines()[-1])
            rows.append(result)
            print(json.dumps(result), flush=True)
        if not args.keep:
            for part in folder.glob("*"):
                part.unlink()
            folder.rmdir()
    print("\n| engine | rows | aggregate s | 8 models s | total s | CPU s | peak GiB (Python) | peak GiB (JVM) | paths |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        jvm = f"{r['children_peak_gib']:.2f}" if r["engine"] == "spark" else "—"
        print(f"| {r['engine']} | {r['rows']:,} | {r['aggregate_s']:.1f} | {r['models_s']:.1f} | {r['total_s']:.1f} | {r['cpu_s']:.1f} | "
              f"{r['peak_gib']:.2f} | {jvm} | {r['paths']:,} |")


if __name__ == "__main__":
    main()
