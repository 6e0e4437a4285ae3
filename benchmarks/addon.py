"""Benchmark: 200 custom-function cells of the Sheets add-on, and one =ROI(A2:A401), against the running API.

    python benchmarks/addon.py [--rounds 3]

Starts the real app under gunicorn on 127.0.0.1 over a copy of the demo workbook with a token from
``python -m sheets addon-key`` (the web tests' own ``start_web_server``), works out the 200 cells'
figures (``tests/web/addon_cells.py``), then runs ``node benchmarks/addon_recalc.js``: the add-on's
.gs files in the local Apps Script runtime (``sheets/addon/test/appsscript_runtime.js``), one fresh
execution per cell as Sheets does, a cell run again only when its arguments change (the cells end with
ROI_刷新), UrlFetchApp as real HTTP. Prints, per step (a new ROI_刷新, the same arguments, after 刷新数据,
the 400-row range cold and typed again), the executions, UrlFetch calls, cache calls and the time, as a
table. Targets (issues 13 and 23): at most 3 calls for 200 cells and for =ROI(A2:A401). Needs Node 20;
sends traffic only to 127.0.0.1.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.web.addon_cells import write_expected  # noqa: E402
from tests.web.conftest import start_web_server  # noqa: E402

TARGET_CALLS = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="times to run the three recalculations")
    args = parser.parse_args()
    node = shutil.which("node")
    if node is None:
        print("node is not installed: the add-on benchmark needs Node 20", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as tmp:
        server = start_web_server(Path(tmp) / "web")
        try:
            expected = write_expected(server.source, Path(tmp) / "expected.json")
            env = {"PATH": os.environ.get("PATH", ""), "ROI_API_URL": server.url, "ROI_TOKEN": server.token,
                   "ROI_EXPECTED": str(expected)}
            runs = []
            for _ in range(args.rounds):
                done = subprocess.run([node, str(ROOT / "benchmarks" / "addon_recalc.js")], cwd=ROOT, env=env,
                                      capture_output=True, text=True, timeout=600, check=True)
                runs.append(json.loads(done.stdout))
        finally:
            server.stop()
    print(f"200 custom-function cells (ROI/ROAS/CAC/ROI_CHANNEL/ATTRIBUTED, 2 periods, each ending with ROI_刷新) "
          f"and =ROI(A2:A401), {args.rounds} rounds, "
          f"node {subprocess.run([node, '--version'], capture_output=True, text=True).stdout.strip()}")
    print(f"{'step':<28}{'cells':>7}{'runs':>6}{'UrlFetch':>10}{'cache calls':>13}{'errors':>8}"
          f"{'total ms (median)':>19}{'in UrlFetch ms':>16}")
    worst = 0
    for i, label in enumerate(r["label"] for r in runs[0]):
        rows = [run[i] for run in runs]
        calls = max(r["calls"] for r in rows)
        cache_calls = max(r["cache_calls"] for r in rows)
        ms = sorted(r["ms"] for r in rows)[len(rows) // 2]
        fetch_ms = sorted(r["fetch_ms"] for r in rows)[len(rows) // 2]
        errors = max(r["errors"] for r in rows)
        worst = max(worst, calls)
        print(f"{label:<28}{rows[0]['cells']:>7}{rows[0]['executions']:>6}{calls:>10}{cache_calls:>13}{errors:>8}"
              f"{ms:>19.0f}{fetch_ms:>16.0f}")
    verdict = "ok" if worst <= TARGET_CALLS else "OVER TARGET"
    print(f"target: at most {TARGET_CALLS} UrlFetch calls per recalculation of 200 cells and per =ROI(A2:A401) → {verdict}")
    return 0 if worst <= TARGET_CALLS else 1


if __name__ == "__main__":
    raise SystemExit(main())
